"""Users of the served helpdesk: passwords stored as salted PBKDF2 hashes, never in clear.

Settings: ``NETLAW_USERS="alice:pbkdf2_sha256$...,bob:pbkdf2_sha256$..."`` (make a hash with
``python app.py hash-password``, which reads the password from stdin) and
``NETLAW_ADMINS="alice"``.

Sign-in (``Users.authenticate``, Gradio's ``auth``) never blocks the event loop: the hash is
computed in a worker thread, one at a time. Failed sign-ins are counted per user name and per
client address; after ``login_max_failures`` for one name (five times that for one address) in
``login_window_s``, further attempts are refused at once with 429 (no hash computed). An unknown
user name costs the same hash as a known one, and a malformed stored hash refuses instead of
raising.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import hashlib
import hmac
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)
_ITERATIONS = 200_000
_MAX_ITERATIONS = 5_000_000
# the address of the client signing in, set by the app's middleware for each request
CLIENT_ADDRESS: contextvars.ContextVar[str] = contextvars.ContextVar("netlaw_client_address", default="?")
# headers a reverse proxy adds: a request carrying any of them did not come from this machine's user
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via")


def proxied(headers: Mapping[str, str]) -> bool:
    """The request came through a reverse proxy (it carries forwarding headers)."""
    return any(h in headers for h in PROXY_HEADERS)


def hash_password(password: str, salt: bytes | None = None, iterations: int = _ITERATIONS) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def parse_hash(stored: str) -> tuple[int, bytes, bytes] | None:
    """(iterations, salt, digest) of a well-formed hash, else None."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        rounds = int(iterations)
        parts = rounds, base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (ValueError, binascii.Error):
        return None
    if scheme != "pbkdf2_sha256" or not 1_000 <= rounds <= _MAX_ITERATIONS or not parts[1] or len(parts[2]) != 32:
        return None
    return parts


def verify_password(password: str, stored: str) -> bool:
    parsed = parse_hash(stored)
    if parsed is None:
        return False
    rounds, salt, digest = parsed
    computed = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), salt, rounds)
    return hmac.compare_digest(computed, digest)


def parse_users(spec: str | None) -> dict[str, str]:
    """"alice:HASH,bob:HASH" → {"alice": HASH, "bob": HASH}."""
    users = {}
    for item in (spec or "").split(","):
        if ":" in item:
            name, hashed = item.strip().split(":", 1)
            users[name.strip()] = hashed.strip()
    return users


class ClientAddress:
    """ASGI middleware: the client's address (as the server sees it) for the sign-in throttle."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = scope.get("client")
        token = CLIENT_ADDRESS.set(client[0] if client else "?")
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)


class LoginThrottle:
    """Failed sign-ins per key in a sliding window: ``max_failures`` per user name, five times as
    many per client address (guessing many names from one place)."""

    CLIENT_FACTOR = 5
    MAX_KEYS = 10_000

    def __init__(self, max_failures: int, window_s: float):
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, keys: list[str]) -> float:
        """0 when an attempt is allowed, else the seconds until it is."""
        now = time.monotonic()
        longest = 0.0
        with self._lock:
            for key in keys:
                times = self._failures.get(key)
                while times and now - times[0] > self.window_s:
                    times.popleft()
                if times and len(times) >= self._limit(key):
                    longest = max(longest, self.window_s - (now - times[0]))
        return longest

    def _limit(self, key: str) -> int:
        # a client address may be a proxy many users share: it gets more room than one user name
        return self.max_failures * (self.CLIENT_FACTOR if key.startswith("client:") else 1)

    def failed(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque(maxlen=self._limit(key))).append(now)
            if len(self._failures) > self.MAX_KEYS:  # many names guessed: forget the expired ones
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] <= self.window_s}

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class TooManyAttempts(Exception):
    def __init__(self, wait_s: float):
        super().__init__(f"too many failed sign-ins; try again in {int(wait_s) + 1} s")
        self.wait_s = wait_s


class Users:
    def __init__(self, users_spec: str | None, admins_spec: str | None, local_admin: bool = False,
                 max_failures: int = 10, window_s: float = 300.0):
        self.users = parse_users(users_spec)
        self.admins = {a.strip() for a in (admins_spec or "").split(",") if a.strip()}
        self.local_admin = local_admin
        self.throttle = LoginThrottle(max_failures, window_s)
        self._hashing = threading.BoundedSemaphore(1)  # PBKDF2 uses at most one core for sign-ins
        self._limiter: Any = None  # an anyio.CapacityLimiter, made in the event loop on first sign-in
        self._dummy = hash_password(os.urandom(8).hex())
        for name, stored in self.users.items():
            if parse_hash(stored) is None:
                log.error("user %r has a malformed password hash: that user cannot sign in "
                          "(make one with: python app.py hash-password)", name)

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def check(self, username: str, password: str) -> bool:
        """The password is right. Same work for unknown users and malformed hashes."""
        stored = self.users.get(username)
        if stored is None or parse_hash(stored) is None:
            verify_password(password, self._dummy)
            return False
        return verify_password(password, stored)

    def attempt(self, username: str, password: str, client: str) -> bool:
        """check() with throttling per user name and client address; TooManyAttempts when locked."""
        keys = [f"user:{username}", f"client:{client}"]
        self._refuse_if_throttled(keys)
        with self._hashing:  # checked again once this attempt's turn to hash has come
            self._refuse_if_throttled(keys)
            ok = self.check(username, password)
        if ok:
            self.throttle.succeeded([f"user:{username}"])
            return True
        self.throttle.failed(keys)
        log.warning("failed sign-in for %r from %s", username[:64], client)
        return False

    def _refuse_if_throttled(self, keys: list[str]) -> None:
        wait = self.throttle.wait(keys)
        if wait > 0:
            raise TooManyAttempts(wait)

    async def authenticate(self, username: str, password: str) -> bool:
        """Gradio's ``auth``: the hash runs in a worker thread; 429 once throttled."""
        import anyio
        from fastapi import HTTPException

        client = CLIENT_ADDRESS.get()
        if self._limiter is None:  # queued sign-ins wait here, not in worker threads
            self._limiter = anyio.CapacityLimiter(1)
        try:
            return await anyio.to_thread.run_sync(self.attempt, username, password, client, limiter=self._limiter)
        except TooManyAttempts as exc:
            raise HTTPException(429, str(exc), headers={"Retry-After": str(int(exc.wait_s) + 1)}) from None

    def is_admin(self, username: str | None, proxied: bool = False) -> bool:
        """Signed-in administrators; without users, everyone only when NETLAW_LOCAL_ADMIN is set and
        the request did not come through a proxy."""
        if not self.enabled:
            return self.local_admin and not proxied
        return username in self.admins
