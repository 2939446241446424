"""The real app (python app.py) started on a free port for tests, with a copy of a store."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import settings as _settings
from service.users import hash_password
from tests.conftest import free_port

PASSWORDS = {"alice": "alice-pass-1", "bob": "bob-pass-2"}


@contextmanager
def running_app(tmp: Path, store_from: Path | None, extra_env: dict | None = None, users: bool = True):
    """Start app.py; yield (url, env, process). A copied store keeps the session's store intact."""
    tmp.mkdir(parents=True, exist_ok=True)
    store = tmp / "store"
    if store_from is not None:
        shutil.copytree(store_from, store)
    port = free_port()
    env = dict(os.environ, NETLAW_STORE_DIR=str(store), NETLAW_CACHE_DIR=str(tmp / "cache"),
               NETLAW_UPLOAD_DIR=str(tmp / "uploads"), NETLAW_FEEDBACK_DB=str(tmp / "feedback.sqlite"),
               NETLAW_AUDIT_DIR=str(tmp / "audit"), PYTHONUNBUFFERED="1")
    if users:
        env["NETLAW_USERS"] = ",".join(f"{u}:{hash_password(p)}" for u, p in PASSWORDS.items())
        env["NETLAW_ADMINS"] = "alice"
    env.update(extra_env or {})
    log = open(tmp / f"app-{port}.log", "w")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=_settings.PROJECT_ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 240
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError((tmp / f"app-{port}.log").read_text())
                time.sleep(0.3)
        proc.ready_seconds = time.perf_counter() - started
        yield url, env, proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
