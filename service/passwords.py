"""scrypt password hashes: the stored string carries its parameters and salt.

The format is ``scrypt$n$r$p$salt$hash``, so the cost can be raised later without invalidating
existing hashes (verification reads the cost from the stored string).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import secrets

SCHEME = "scrypt"


@dataclasses.dataclass(frozen=True)
class ScryptParams:
    """scrypt's cost parameters; memory used is 128 * n * r bytes (32 MiB by default)."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        """The memory limit to hand OpenSSL (its default, 32 MiB, is just too small)."""
        return 128 * self.n * self.r * self.p + 16 * 1024 * 1024


DEFAULT_PARAMS = ScryptParams()


def hash_password(password: str, params: ScryptParams = DEFAULT_PARAMS) -> str:
    """The stored form of ``password``: scheme, parameters, a random salt and the scrypt hash."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, params)
    return "$".join([SCHEME, str(params.n), str(params.r), str(params.p), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time comparison of the hashes)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        params = ScryptParams(int(n), int(r), int(p))
        expected = _unb64(digest)
        salt_bytes = _unb64(salt)
        if scheme != SCHEME or len(expected) < 16 or not salt_bytes:
            return False
        computed = _scrypt(password, salt_bytes, params, len(expected))
    except ValueError:  # malformed fields, or parameters scrypt refuses
        return False
    return hmac.compare_digest(computed, expected)


def _scrypt(password: str, salt: bytes, params: ScryptParams, length: int = 32) -> bytes:
    return hashlib.scrypt(
        password.encode(),
        salt=salt,
        n=params.n,
        r=params.r,
        p=params.p,
        maxmem=params.maxmem,
        dklen=length,
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
