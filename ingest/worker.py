"""An ingest in a child process, for the app: ``python -m ingest.worker FILE ...`` prints the
report as one JSON line. The app's own process never writes to the store, so a store that fails
mid-write (a full disk, a crash inside Chroma's bindings) costs the upload, not the service.

The parent passes its settings as ``NETLAW_*`` variables (``settings_env``).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from pydantic import SecretStr

from netlaw import settings as _settings

REPORT_PREFIX = "NETLAW-INGEST-REPORT "


def settings_env(s: _settings.Settings) -> dict[str, str]:
    """The environment that makes a child process see exactly these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETLAW_")}
    for name, value in s.model_dump().items():
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[f"NETLAW_{name.upper()}"] = str(value)
    return env


def ingest_in_child(files: list[Path], s: _settings.Settings) -> dict:
    """Run the ingest of ``files`` in a child process; its report as a dict, or
    ``{"error": message}`` when it failed (the store is then unchanged)."""
    cmd = [sys.executable, "-m", "ingest.worker", *map(str, files)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=s.ingest_timeout_s, env=settings_env(s),
                              cwd=_settings.PROJECT_ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"the ingest took over {s.ingest_timeout_s:.0f} s and was stopped; nothing was changed"}
    out = done.stdout.decode("utf-8", "replace")
    for line in reversed(out.splitlines()):
        if line.startswith(REPORT_PREFIX):
            return json.loads(line[len(REPORT_PREFIX):])
    logging.getLogger(__name__).error("ingest worker exited with %s:\n%s", done.returncode,
                                      done.stderr.decode("utf-8", "replace")[-4000:])
    return {"error": f"the ingest failed (exit status {done.returncode}); nothing was changed"}


def main(argv: list[str]) -> int:
    """``[--progress] FILE ...``: with ``--progress`` the ingest's bars go to stderr as they move
    (``service.uploads.ingest_with_progress`` reads them); the report is the last stdout line."""
    from ingest.pipeline import run_ingest
    from vectorstore.chroma import StoreError

    logging.basicConfig(level=logging.WARNING)
    progress = bool(argv) and argv[0] == "--progress"
    files = argv[1:] if progress else argv
    try:
        report = run_ingest([Path(a) for a in files], _settings.get_settings(), progress=progress)
        result = asdict(report)
    except StoreError as exc:
        result = {"error": _short(str(exc))}
    except OSError as exc:
        result = {"error": _short(f"{exc.__class__.__name__}: {exc.strerror or exc}")}
    sys.stderr.flush()
    print(REPORT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if "error" in result else 0


def _short(message: str) -> str:
    """A store error without file system paths (it is shown in the UI)."""
    import re

    return re.sub(r"(/[^\s:()'\"]+)+", "<path>", message)[:300]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
