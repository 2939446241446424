"""The ingest of an upload, in a child process that shows its progress: ``python -m service.ingest_child
FILE ...`` runs the same ingest as ``ingest.worker`` (the app's own process never writes to the store)
with the ingest's progress bars on, so ``service.uploads.ingest_with_progress`` can read them (files
parsed, articles embedded, chunks written) as they move; the report is the last line of its output
(``ingest.worker.REPORT_PREFIX`` + JSON). The parent passes its settings as ``NETLAW_*`` variables."""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import asdict
from pathlib import Path

from ingest.worker import REPORT_PREFIX
from netlaw import settings as _settings


def main(argv: list[str]) -> int:
    from ingest.pipeline import run_ingest
    from vectorstore.chroma import StoreError

    logging.basicConfig(level=logging.WARNING)
    try:
        report = run_ingest([Path(a) for a in argv], _settings.get_settings(), progress=True)
        result = asdict(report)
    except StoreError as exc:
        result = {"error": _without_paths(str(exc))}
    except OSError as exc:
        result = {"error": _without_paths(f"{exc.__class__.__name__}: {exc.strerror or exc}")}
    sys.stderr.flush()
    print(REPORT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if "error" in result else 0


def _without_paths(message: str) -> str:
    """A store error without file system paths (it is shown in the UI)."""
    return re.sub(r"(/[^\s:()'\"]+)+", "<path>", message)[:300]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
