"""The client's address behind Elastic Beanstalk's load balancer and nginx.

Each proxy appends the address it received the request from to ``X-Forwarded-For``; anything
further left was written by the client and can be forged. So with ``AWNING_TRUSTED_PROXY_COUNT``
proxies in front of the app, the client is the entry that many places from the right, and with
none (the embedded default, a bare ``runserver``) the header is ignored altogether. Lockouts and
logs both read ``REMOTE_ADDR``, so fixing it once at the top of the middleware stack is enough.
"""

import ipaddress

from django.conf import settings

PEER_ADDR = "AWNING_PEER_ADDR"  # where the address of the nearest proxy is kept


def client_ip(meta: dict, *, trusted_proxies: int) -> str:
    """The address the first trusted proxy saw, or REMOTE_ADDR when no proxy is trusted."""
    peer = meta.get("REMOTE_ADDR", "")
    if trusted_proxies <= 0:
        return peer
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        # Fewer hops than proxies: the request did not come through all of them (a health check
        # from inside the VPC, a misconfiguration). Nothing in the header can be trusted.
        return peer
    candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


class ClientIpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META[PEER_ADDR] = request.META.get("REMOTE_ADDR", "")
        request.META["REMOTE_ADDR"] = client_ip(request.META, trusted_proxies=settings.AWNING_TRUSTED_PROXY_COUNT)
        return self.get_response(request)


def remote_addr(request) -> str:
    """For django-axes: the address ClientIpMiddleware settled on."""
    return request.META.get("REMOTE_ADDR", "")
