"""Refuse to run in production on a secret key anyone can read in this repository.

Called from the settings module, so gunicorn, Celery and every management command stop before
serving a single request, signing a session or a password-reset link with a known key.
"""

from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DEFAULT_KEY = "embedded-default-insecure-key-do-not-deploy"
MISSING_OR_DEFAULT = (
    "DJANGO_SECRET_KEY is {problem} while DJANGO_DEBUG is off. Set it to a long random value, "
    "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def secret_key_for(key: str, *, debug: bool) -> str:
    """The key to sign with: the embedded default while debugging without one; in production the
    given key, or ImproperlyConfigured when it is missing, the default or weak."""
    if debug:
        return key or EMBEDDED_DEFAULT_KEY
    if not key:
        problem = "missing"
    elif key == EMBEDDED_DEFAULT_KEY or key.startswith("django-insecure-"):
        problem = "the insecure development default"
    elif len(key) < 50 or len(set(key)) < 5:  # Django's own bar (check --deploy, security.W009)
        problem = "too weak (fewer than 50 characters or 5 distinct ones)"
    else:
        return key
    raise ImproperlyConfigured(MISSING_OR_DEFAULT.format(problem=problem))
