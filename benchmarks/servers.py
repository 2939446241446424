"""Real servers for benchmarks and tests, each on a free 127.0.0.1 port and stopped by its PID:
``chroma run``, llama.cpp's OpenAI-compatible server (SmolLM2), and the app itself (app.py); and
the small helpers both need (a free port, isolated settings, a process's memory, a chunked POST).

It lives in ``benchmarks`` (an installed package) so the benchmarks never import ``tests``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from netlaw import settings as _settings
from service.users import hash_password

CORPUS = _settings.PROJECT_ROOT / "data" / "corpus"
PASSWORDS = {"alice": "alice-pass-1", "bob": "bob-pass-2"}
API_KEY = "probe-key"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
MB = 1_000_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_settings(tmp_path: Path, **overrides) -> _settings.Settings:
    """Settings for an isolated embedded store: every data path under tmp_path, except the bundled
    corpus and the multilingual vector cache, which is shared (it only holds vectors by text)."""
    values: dict = dict(data_dir=tmp_path, corpus_dir=CORPUS, chroma_url=None, chroma_host=None,
                        vector_cache=_settings.DEFAULT_DATA_DIR / "vector-cache.sqlite")
    values.update(overrides)
    return _settings.Settings(**values)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def send_chunked(url: str, path: str, total: int, headers: dict | None = None) -> tuple[int, int]:
    """POST ``total`` bytes with Transfer-Encoding: chunked; (status, bytes sent before the answer)."""
    port = int(url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: application/json\r\n")
    head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items()) + "\r\n"
    sock.sendall(head.encode())
    block = b'{"question": "' + b"a" * (MB - 20)
    piece = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    sent = 0
    try:
        while sent < total:
            sock.sendall(piece)
            sent += len(block)
        sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        answer = sock.recv(4096).decode("latin-1")
    except ConnectionResetError:
        answer = ""
    sock.close()
    return (int(answer.split()[1]) if answer.startswith("HTTP/") else 0), sent


class ServerProcess(subprocess.Popen):
    """A started server; ``ready_seconds``: from start until it first answered."""

    ready_seconds: float = 0.0


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 15 s."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def server(cmd: list[str], ready_url: str, log_path: Path, env: dict | None = None, timeout: float = 240,
           cwd: Path | None = None):
    """Start cmd, wait until ready_url answers, yield the process; always stop it."""
    log = open(log_path, "w")
    started = time.perf_counter()
    proc = ServerProcess(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
    try:
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"{cmd[0]} did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.2)
        proc.ready_seconds = time.perf_counter() - started
        yield proc
    finally:
        stop(proc)
        log.close()


@contextmanager
def chroma_server(path: Path, port: int | None = None):
    port = port or free_port()
    exe = Path(sys.executable).parent / "chroma"
    cmd = [str(exe) if exe.exists() else "chroma", "run", "--path", str(path),
           "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    with server(cmd, f"{url}/api/v2/heartbeat", path.parent / f"chroma-{port}.log", env, 60) as proc:
        yield proc, url, port


@contextmanager
def llama_server(log_dir: Path, port: int | None = None):
    from qa.backends.llamacpp_chat import default_gguf

    port = port or free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2"]
    url = f"http://127.0.0.1:{port}/v1"
    with server(cmd, f"{url}/models", log_dir / f"llama-server-{port}.log", None, 90) as proc:
        yield proc, url


@contextmanager
def running_app(tmp: Path, store_from: Path | None, extra_env: dict | None = None, users: bool = True,
                timeout: float = 240):
    """Start app.py; yield (url, env, process). A copied store keeps the session's store intact; ``timeout``:
    seconds it may take to answer (a large library's index loads for minutes)."""
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
    url = f"http://127.0.0.1:{port}"
    with server([sys.executable, "app.py", "--port", str(port)], url + "/", tmp / f"app-{port}.log", env,
                timeout=timeout, cwd=_settings.PROJECT_ROOT) as proc:
        yield url, env, proc


@contextmanager
def password_guessers(url: str, username: str, clients: int = 4):
    """``clients`` threads posting wrong passwords for ``username`` to the app's /login until the
    block ends; yields the list their answers' status codes are appended to."""
    import httpx

    statuses: list[int] = []
    done = threading.Event()

    def guess():
        with httpx.Client(base_url=url, timeout=30) as c:
            while not done.is_set():
                statuses.append(c.post("/login", data={"username": username, "password": "guess"}).status_code)

    threads = [threading.Thread(target=guess) for _ in range(clients)]
    for t in threads:
        t.start()
    try:
        yield statuses
    finally:
        done.set()
        for t in threads:
            t.join()


def _reset(*socks: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a killed process's sockets are."""
    for sk in socks:
        try:
            sk.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sk.close()
        except OSError:
            pass


@contextmanager
def dying_proxy(upstream_url: str, events_before_death: int = 5):
    """A TCP proxy in front of a real server that dies mid-answer, deterministically.

    It forwards bytes both ways; once a response has carried ``events_before_death`` server-sent
    ``data:`` lines it resets both connections and refuses every later one, as a server killed
    while writing would. (Killing the server itself races: uvicorn finishes in-flight answers on
    SIGTERM, and a short answer can be fully buffered before SIGKILL lands.) Yields the proxy's
    base URL with the upstream path kept."""
    from urllib.parse import urlsplit

    up = urlsplit(upstream_url)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    dead = threading.Event()

    def pipe(src, dst, count_events):
        seen = 0
        try:
            while data := src.recv(65536):
                at = 0
                while count_events and (at := data.find(b"data: ", at)) >= 0:
                    seen += 1
                    if seen == events_before_death:  # forward what came before this event, then die
                        dst.sendall(data[:at])
                        dead.set()
                        _reset(src, dst)
                        return
                    at += 1
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _reset(src, dst)

    def serve():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if dead.is_set():
                _reset(client)
                continue
            upstream = socket.create_connection((up.hostname, up.port))
            threading.Thread(target=pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client, True), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"{up.scheme}://127.0.0.1:{port}{up.path}", dead
    finally:
        listener.close()
