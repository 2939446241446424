"""Netlaw Helpdesk: the Gradio chat and document library, served with FastAPI.

    python app.py [--host 127.0.0.1] [--port 7860] [--backend extractive]
    python app.py hash-password        # reads a password on stdin, prints its hash for NETLAW_USERS

On first start with an empty store the bundled corpus is ingested (with progress), then the
app serves. Binding to anything but localhost requires users (NETLAW_USERS) and a login.
This file only wires: settings → the answer service, users, feedback, audit → the REST API
(service/api.py) and the UI (ui/) on one FastAPI app.
"""

import argparse
import logging
import os
import shlex
import sys
import time

from netlaw import __version__
from netlaw import settings as _settings
from qa.backends import BACKENDS

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def create_app(s: _settings.Settings):
    """FastAPI app with the Gradio UI mounted at / (the REST API shares the process)."""
    from fastapi import FastAPI

    from qa.chain import AnswerService
    from service.api import build_api
    from service.audit import AuditLog
    from service.feedback import FeedbackStore
    from service.users import ClientAddress, Users
    from ui.helpdesk import mount_ui

    service = AnswerService(s)
    users = Users(s.users, s.admins, s.local_admin, s.login_max_failures, s.login_window_s)
    feedback = FeedbackStore(s.feedback_db)
    audit = AuditLog(s.audit_dir, s.audit_max_bytes)
    api = FastAPI(title="Netlaw Helpdesk", version=__version__,
                  description="Answers about Chinese internet law with article citations.")
    api.state.service, api.state.users, api.state.feedback, api.state.audit = service, users, feedback, audit
    build_api(api, service, feedback, audit, s)
    api.add_middleware(ClientAddress)
    return mount_ui(api, service, s, users, feedback, audit)


def ensure_store(s: _settings.Settings) -> None:
    """First start (or a lost store): ingest the bundled corpus and the uploaded files, with
    progress, before serving."""
    from vectorstore.chroma import ChunkStore

    if ChunkStore(s).count() == 0:
        from ingest.pipeline import default_sources, run_ingest

        sources = default_sources(s)
        print(f"The store is empty: ingesting {' and '.join(map(str, sources))} first…", flush=True)
        report = run_ingest(sources, s, progress=True)
        print(report.summary(), flush=True)


# the settings that say which store an ingest writes and what it reads: a hint repeats those set
STORE_VARIABLES = ("NETLAW_DATA_DIR", "NETLAW_STORE_DIR", "NETLAW_CHROMA_URL", "NETLAW_CHROMA_HOST",
                   "NETLAW_CHROMA_PORT", "NETLAW_CORPUS_DIR", "NETLAW_UPLOAD_DIR", "NETLAW_VECTOR_CACHE")


def ingest_command(s: _settings.Settings) -> str:
    """The lines of a hint that builds this app's store, from any folder: this Python, the project as
    its working directory, and the store settings this process was given; when the corpus folder
    holds nothing, the command names the files to ingest instead."""
    env = " ".join(f"{name}={shlex.quote(os.environ[name])}" for name in STORE_VARIABLES if os.environ.get(name))
    command = f"cd {shlex.quote(str(_settings.PROJECT_ROOT))} && {(env + ' ') if env else ''}" \
              f"{shlex.quote(sys.executable)} -m ingest"
    corpus = s.corpus_dir
    if corpus.is_dir() and any(p.is_file() for p in corpus.iterdir()):
        return f"Build it with:\n  {command}"
    return (f"The corpus folder {corpus} holds no documents; build the store from your own files with:\n"
            f"  {command} /path/to/your/documents")


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.users import Users
    from vectorstore.chroma import EmptyStore, StoreError

    updates = {k: v for k, v in {"host": args.host, "port": args.port, "backend": args.backend}.items() if v}
    s = _settings.get_settings().model_copy(update=updates)
    if s.host not in LOOPBACK and not Users(s.users, s.admins).enabled:
        print(f"error: serving on {s.host} (beyond localhost) needs a login. Set NETLAW_USERS "
              f"(hashes from: python app.py hash-password) and NETLAW_ADMINS.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        ensure_store(s)
        app = create_app(s)
        app.state.service.retriever.snapshot()
        app.state.service.retriever.embedder.preload()  # the model loads while the first page is served
    except EmptyStore as exc:
        print(f"error: {str(exc).split(' Build it with:')[0]}\n{ingest_command(s)}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Netlaw Helpdesk ready in {time.perf_counter() - started:.1f}s: http://{s.host}:{s.port}", flush=True)
    # open streams (SSE, Gradio's heartbeat) do not keep a stopping server alive past 5 s
    uvicorn.run(app, host=s.host, port=s.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


def print_hash(kind: str) -> int:
    """``hash-password`` / ``hash-key``: the hash of the secret on stdin."""
    from service.api import hash_key
    from service.users import hash_password

    secret = sys.stdin.readline().rstrip("\n")
    secret = secret.strip() if kind == "key" else secret
    if not secret:
        print(f"error: give the {'API key' if kind == 'key' else 'password'} on standard input", file=sys.stderr)
        return 2
    print(hash_key(secret) if kind == "key" else hash_password(secret))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python app.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=["serve", "hash-password", "hash-key"], default="serve",
                        help="serve (default); hash-password / hash-key read a secret on stdin and print its hash")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; others need NETLAW_USERS)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--backend", choices=BACKENDS, help="default answer backend")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command in ("hash-password", "hash-key"):
        return print_hash(args.command.removeprefix("hash-"))
    return serve(args)


if __name__ == "__main__":
    raise SystemExit(main())
