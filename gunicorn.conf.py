"""gunicorn settings for production (Procfile `web`); each can be overridden by the environment.

On Elastic Beanstalk nginx listens on port 80 and proxies to 127.0.0.1:8000, the PORT the
platform sets. gthread workers: a request mostly waits on PostgreSQL, Redis or S3, so a few
threads per process keep the cores busy, and processes (not threads) use every core.
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


cores = os.cpu_count() or 1

# Only nginx on the same instance talks to gunicorn; nothing else should reach it directly.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{_int('PORT', 8000)}")
worker_class = "gthread"
# 2 vCPUs (t3.small) -> 3 processes x 2 threads = 6 requests at once, what the audit sized for
# the shop's 8 concurrent users. WEB_CONCURRENCY is the name gunicorn itself reads.
workers = _int("WEB_CONCURRENCY", cores + 1)
threads = _int("GUNICORN_THREADS", 2)

# nginx and the load balancer give up after 60 s; a worker busy longer serves nobody.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # a deploy lets requests in flight finish
keepalive = 5
# Recycle each worker after about a thousand requests (jittered so they do not all restart at
# once): slow leaks in a library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# The workers' heartbeat files on tmpfs: a slow disk must not make the arbiter kill them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# To stdout/stderr, which Elastic Beanstalk ships to CloudWatch. The access line names the
# client as the load balancer saw it and the request id the app put on the response, so it can
# be matched with the app's JSON lines.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
)
