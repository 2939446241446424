"""A real OpenAI-compatible server (llama-cpp-python's) on 127.0.0.1, serving the SmolLM2 file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port


@contextmanager
def llama_server(log_dir: Path, port: int | None = None):
    from qa.backends.llamacpp_chat import default_gguf

    port = port or free_port()
    log = open(log_dir / f"llama-server-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(default_gguf()), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/models", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError((log_dir / f"llama-server-{port}.log").read_text())
                time.sleep(0.3)
        yield proc, url
    finally:
        stop(proc)
        log.close()


def stop(proc) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
