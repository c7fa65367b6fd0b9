"""One settings module for every environment.

With no environment variables at all the app runs on its embedded default: SQLite in WAL mode
with IMMEDIATE transactions, files on local disk, Celery tasks run eagerly after commit and a
file-based cache that every process on the machine shares. Production sets DATABASE_URL,
REDIS_URL and friends; the code paths are the same, only values change.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from core.secret_key import secret_key_for

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("AWNING_VAR_DIR", default=str(BASE_DIR / "var")))

VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite, the file cache and media live here by default

env = environ.Env()
# OS environment wins over .env: read_env never overwrites a variable that is already set.
environ.Env.read_env(BASE_DIR / ".env")

# ---------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Production refuses to start without a real key; the embedded default uses a fixed one.
SECRET_KEY = secret_key_for(env.str("DJANGO_SECRET_KEY", default=""), debug=DEBUG)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
ROOT_URLCONF = "awning.urls"
WSGI_APPLICATION = "awning.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Apps
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "sequences.apps.SequencesConfig",
    # Bottom to top: an app imports only from the apps above it in this list (lint-imports checks it;
    # the layers are in pyproject.toml).
    "core",
    "accounts",
    "files",
    "customers",
    "workorders",
    "repairs",
    "cleaning_queue",
    "mlmodels",
    "insights",
    "tickets",
    "legacy_import",
    "demo",
]

MIDDLEWARE = [
    "core.health.HealthCheckMiddleware",  # first: the load balancer's check skips host and HTTPS rules
    "core.client_ip.ClientIpMiddleware",  # REMOTE_ADDR = the client, for the lockout and the logs
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.content_policy.HtmlOnlyCSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's defaults, plus the legacy Werkzeug hashes of imported users (accounts/hashers.py): they
# are verified once and re-hashed with the first entry at that login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "accounts.hashers.WerkzeugPasswordHasher",
]

# The queue's position constraint is deferred on PostgreSQL; on SQLite, which cannot defer it,
# migration queue.0003 creates an immediate unique index instead (see QueueEntry).
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait on the busy
        # timeout instead of failing with "database is locked" when a read upgrades to a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not :memory:, so that concurrency tests can open one connection per thread.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable database fails a request in seconds instead of the kernel's two minutes,
    # so health checks and requests do not pile up behind it.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5)

# ---------------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("AWNING_CACHE_PREFIX", default="awning")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    # File-based, so every process on the machine (runserver, a worker, a shell) sees one cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# ---------------------------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Eager on the embedded default: tasks still run only after commit (services enqueue them with
# transaction.on_commit), just in the same process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Periodic work, run by one `celery beat` process (Procfile). Each feature adds its own entry.
CELERY_BEAT_SCHEDULE = {
    "reconcile-storage": {"task": "files.tasks.reconcile_storage_daily", "schedule": crontab(hour=3, minute=30)},
    # The completion-time model: retrain at night, then re-predict every open order.
    "ml-train-nightly": {"task": "mlmodels.tasks.train_completion_model_nightly", "schedule": crontab(hour=1, minute=15)},
    "ml-refresh-predictions": {"task": "mlmodels.tasks.refresh_open_predictions", "schedule": crontab(hour=2, minute=15)},
    # Mid-morning, shop time: customers read it in working hours.
    "cleaning-reminders": {"task": "insights.tasks.send_cleaning_reminders_task", "schedule": crontab(hour=10, minute=0)},
}

# ---------------------------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------------------------
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATIC_URL = "/static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# S3 when a bucket is named: private objects, reached only through presigned links that expire.
# Credentials come from the instance role on AWS; the key pair and endpoint are for other hosts
# and for tests against moto's server.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "default_acl": None,  # the bucket's own setting: private, no public ACLs
            "signature_version": "s3v4",  # every region accepts it; links carry their expiry
            "querystring_auth": True,
            "querystring_expire": env.int("AWNING_DOWNLOAD_LINK_SECONDS", default=300),
            "file_overwrite": False,
        },
    }
UPLOAD_MAX_BYTES = env.int("AWNING_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# ---------------------------------------------------------------------------------------------
# Shop
# ---------------------------------------------------------------------------------------------
# Printed at the top of every ticket.
AWNING_SHOP_NAME = env.str("AWNING_SHOP_NAME", default="Awning Cleaning Industries")

# ---------------------------------------------------------------------------------------------
# E-mail (annual cleaning reminders)
# ---------------------------------------------------------------------------------------------
# The console backend prints messages; production sets django_ses.SESBackend and the SES region
# (credentials come from the instance role, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Awning Cleaning <office@localhost>")
AWS_SES_REGION_NAME = env.str("AWS_SES_REGION_NAME", default="us-east-1")
AWS_SES_REGION_ENDPOINT = env.str("AWS_SES_REGION_ENDPOINT", default=f"email.{AWS_SES_REGION_NAME}.amazonaws.com")
AWS_SES_CONFIGURATION_SET = env.str("AWS_SES_CONFIGURATION_SET", default=None)
# Links in e-mails (unsubscribe) are absolute; tasks have no request to take the host from.
AWNING_SITE_URL = env.str("AWNING_SITE_URL", default="http://127.0.0.1:8000")

# Only for bench/create_orders.py: mounts a bare-insert baseline endpoint.
AWNING_BENCH_ENDPOINTS = env.bool("AWNING_BENCH_ENDPOINTS", default=False)

# Admin list pages: 100 rows is what the office scrolls through on a desktop.
ADMIN_LIST_PER_PAGE = 100

# ---------------------------------------------------------------------------------------------
# ML
# ---------------------------------------------------------------------------------------------
# Fewer completed orders than this and training refuses (the holdout would be a handful).
ML_MIN_TRAINING_SAMPLES = env.int("AWNING_ML_MIN_TRAINING_SAMPLES", default=50)
# OpenMP threads scikit-learn may use per process (1: several workers share the machine).
ML_THREADS = env.int("AWNING_ML_THREADS", default=1)

# ---------------------------------------------------------------------------------------------
# Production: HTTPS, cookies, headers (each follows DJANGO_DEBUG unless set on its own)
# ---------------------------------------------------------------------------------------------
# Proxies that append to X-Forwarded-For in front of the app: 2 on Elastic Beanstalk (the load
# balancer, then nginx on the instance); 0 when nothing is in front, and then the header is
# ignored, since a client can write anything into it (awning/client_ip.py).
AWNING_TRUSTED_PROXY_COUNT = env.int("AWNING_TRUSTED_PROXY_COUNT", default=0)
# TLS ends at the load balancer, which says so in X-Forwarded-Proto; believed only behind it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if AWNING_TRUSTED_PROXY_COUNT else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # cleaning_queue/static/floor/queue.js reads it for its JSON posts
# Lax, not Strict: a link to an order from an e-mail or a chat must open logged in.
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_SECONDS", default=24 * 3600)  # the legacy app's day

# Content-Security-Policy (django-csp) on every HTML page: scripts and styles from our own static
# files only, no inline code. Photos may come from the S3 bucket through presigned links.
AWNING_CSP_MEDIA_SOURCES = env.list("AWNING_CSP_MEDIA_SOURCES", default=[])
if AWS_STORAGE_BUCKET_NAME and not AWNING_CSP_MEDIA_SOURCES:
    _endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")
    _region = env.str("AWS_S3_REGION_NAME", default="")
    AWNING_CSP_MEDIA_SOURCES = [_endpoint] if _endpoint else [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
    if _region and not _endpoint:  # regional virtual-host and path-style presigned links
        AWNING_CSP_MEDIA_SOURCES += [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{_region}.amazonaws.com",
                                     f"https://s3.{_region}.amazonaws.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *AWNING_CSP_MEDIA_SOURCES],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ---------------------------------------------------------------------------------------------
# Production: static files (whitenoise; hashed, compressed names after collectstatic)
# ---------------------------------------------------------------------------------------------
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# Development serves straight from the apps' folders; production only what collectstatic wrote.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG

# ---------------------------------------------------------------------------------------------
# Login lockout (django-axes, counted in the database so every worker and instance agrees)
# ---------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AWNING_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AWNING_LOGIN_LOCKOUT_HOURS", default=0.5)
# Per user *and* address: the whole shop shares one public IP (by address alone one mistyped
# password storm locks everyone out) and by username alone anyone could lock out a manager.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client_ip.remote_addr"  # never django-ipware's own header guessing
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = False  # an Admin unlocks from the Users page (accounts/admin.py)
AXES_VERBOSE = False  # no banner on every command; lockouts are still logged as warnings

# ---------------------------------------------------------------------------------------------
# Operations: health checks, and logging as one JSON object per line with the request id
# ---------------------------------------------------------------------------------------------
# Each /health/ check must answer within this many seconds (the load balancer waits 5).
AWNING_HEALTH_TIMEOUT = env.float("AWNING_HEALTH_TIMEOUT", default=2.0)
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # axes says "Deleted 0 failed login attempts" at INFO on every login; lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}
# Celery workers keep this configuration instead of installing their own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
