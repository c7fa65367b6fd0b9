"""Legacy passwords: verify the Werkzeug hashes the Flask app stored, then let Django upgrade.

The importer stores a legacy hash as ``werkzeug$<the Werkzeug hash>`` (for example
``werkzeug$pbkdf2:sha256:600000$<salt>$<hex>``), so Django finds this hasher by its prefix.
Because it is not the first entry of PASSWORD_HASHERS, Django re-hashes the password with the
preferred hasher at the first successful login and the legacy hash disappears.

Werkzeug wrote ``pbkdf2:<digest>[:<iterations>]`` and ``scrypt[:n:r:p]``, both verified here with
hashlib. Anything else (an old ``sha256$`` or plain ``md5`` from an older Werkzeug) cannot be
verified: login fails and a warning names the format, so an admin resets that password.
"""

import base64
import hashlib
import hmac
import logging

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.translation import gettext_noop as _

logger = logging.getLogger(__name__)

PREFIX = "werkzeug"
# auth_user.password is 128 characters; a Werkzeug scrypt hash (128 hex digits) is longer, so the
# importer may store the digest in base64url after this marker and drop default parameters.
COMPACT = "~"
MAX_ENCODED = 128
# Werkzeug's defaults when the hash omits its parameters.
PBKDF2_DEFAULT_ITERATIONS = 600_000
SCRYPT_DEFAULTS = (2**15, 8, 1)


class UnverifiableLegacyHash(ValueError):
    pass


def from_werkzeug(legacy_hash: str) -> tuple[str | None, bool]:
    """The Django-encoded form of a legacy hash and whether this hasher can verify it.

    None when even the compact form does not fit our password column (the user must reset).
    """
    legacy_hash = legacy_hash.strip()
    try:
        kind, params, salt, hashval = _parse(legacy_hash)
    except UnverifiableLegacyHash:
        encoded = f"{PREFIX}${legacy_hash}"
        return (encoded if len(encoded) <= MAX_ENCODED else None), False
    encoded = f"{PREFIX}${legacy_hash}"
    if len(encoded) > MAX_ENCODED:
        method = "scrypt" if (kind, params) == ("scrypt", SCRYPT_DEFAULTS) else legacy_hash.split("$", 1)[0]
        digest = base64.urlsafe_b64encode(bytes.fromhex(hashval)).decode().rstrip("=")
        encoded = f"{PREFIX}${method}${salt}${COMPACT}{digest}"
    return (encoded if len(encoded) <= MAX_ENCODED else None), True


def _parse(legacy_hash: str) -> tuple[str, tuple, str, str]:
    method, _, rest = legacy_hash.partition("$")
    salt, _, hashval = rest.partition("$")
    if not salt or not hashval:
        raise UnverifiableLegacyHash(f"not a Werkzeug hash ({method or 'empty'})")
    kind, *args = method.split(":")
    try:
        if kind == "pbkdf2":
            digest = args[0] if args else "sha256"
            iterations = int(args[1]) if len(args) > 1 else PBKDF2_DEFAULT_ITERATIONS
            hashlib.new(digest)
            return kind, (digest, iterations), salt, hashval
        if kind == "scrypt":
            n, r, p = (int(arg) for arg in args) if args else SCRYPT_DEFAULTS
            return kind, (n, r, p), salt, hashval
    except (ValueError, IndexError) as error:
        raise UnverifiableLegacyHash(f"malformed Werkzeug method {method!r}") from error
    raise UnverifiableLegacyHash(f"unsupported Werkzeug method {method!r}")


def _derive(kind: str, params: tuple, password: str, salt: str) -> str:
    if kind == "pbkdf2":
        digest, iterations = params
        return hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), iterations).hex()
    n, r, p = params
    return hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p).hex()


class WerkzeugPasswordHasher(BasePasswordHasher):
    algorithm = PREFIX

    def verify(self, password: str, encoded: str) -> bool:
        legacy_hash = encoded.removeprefix(f"{PREFIX}$")
        try:
            kind, params, salt, hashval = _parse(legacy_hash)
        except UnverifiableLegacyHash as error:
            logger.warning("Legacy password hash cannot be verified (%s); reset this user's password.", error)
            return False
        try:
            if hashval.startswith(COMPACT):
                hashval = base64.urlsafe_b64decode(hashval[1:] + "=" * (-len(hashval[1:]) % 4)).hex()
            return hmac.compare_digest(_derive(kind, params, password, salt), hashval)
        except (TypeError, ValueError) as error:  # a damaged hash: a refused login, not a 500
            logger.warning("Legacy password hash is damaged (%s); reset this user's password.", error)
            return False

    def encode(self, password: str, salt: str, iterations: int = PBKDF2_DEFAULT_ITERATIONS) -> str:
        """Werkzeug's pbkdf2:sha256 format; used by tests to write legacy hashes."""
        self._check_encode_args(password, salt)
        hashval = _derive("pbkdf2", ("sha256", iterations), password, salt)
        return f"{PREFIX}$pbkdf2:sha256:{iterations}${salt}${hashval}"

    def decode(self, encoded: str) -> dict:
        legacy_hash = encoded.removeprefix(f"{PREFIX}$")
        method, _, rest = legacy_hash.partition("$")
        salt, _, hashval = rest.partition("$")
        return {"algorithm": self.algorithm, "method": method, "salt": salt, "hash": hashval}

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("method"): decoded["method"],
            _("salt"): mask_hash(decoded["salt"], show=2),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
