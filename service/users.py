"""Users of the served helpdesk: passwords stored as salted PBKDF2 hashes, never in clear.

Settings: ``NETLAW_USERS="alice:pbkdf2_sha256$...,bob:pbkdf2_sha256$..."`` (make a hash with
``python app.py hash-password``, which reads the password from stdin) and
``NETLAW_ADMINS="alice"``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

_ITERATIONS = 200_000


def hash_password(password: str, salt: bytes | None = None, iterations: int = _ITERATIONS) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    computed = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(computed, base64.b64decode(digest))


def parse_users(spec: str | None) -> dict[str, str]:
    """"alice:HASH,bob:HASH" → {"alice": HASH, "bob": HASH}."""
    users = {}
    for item in (spec or "").split(","):
        if ":" in item:
            name, hashed = item.strip().split(":", 1)
            users[name.strip()] = hashed.strip()
    return users


class Users:
    def __init__(self, users_spec: str | None, admins_spec: str | None):
        self.users = parse_users(users_spec)
        self.admins = {a.strip() for a in (admins_spec or "").split(",") if a.strip()}

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def check(self, username: str, password: str) -> bool:
        stored = self.users.get(username)
        return bool(stored) and verify_password(password, stored)

    def is_admin(self, username: str | None) -> bool:
        if not self.enabled:
            return True  # a single local user without login owns the installation
        return username in self.admins
