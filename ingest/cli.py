"""``python -m ingest``: files → articles → chunks → the Chroma store."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from netlaw import settings as _settings


def build_parser() -> argparse.ArgumentParser:
    s = _settings.get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="Ingest documents (.txt .md .html .pdf .docx) article by article into the "
                    "Netlaw store. Unchanged files are skipped; a failed run leaves the previous "
                    "index intact.",
    )
    parser.add_argument("paths", nargs="*", type=Path,
                        help=f"files or directories (default: the bundled corpus, {s.corpus_dir}, and the "
                             f"uploaded files, {s.upload_dir})")
    parser.add_argument("--store", type=Path, help=f"embedded store directory (default: {s.store_dir})")
    parser.add_argument("--reset", action="store_true", help="rebuild the store from these files only")
    parser.add_argument("--prune", action="store_true", help="remove chunks of files that no longer exist")
    parser.add_argument("--dry-run", action="store_true", help="parse and chunk only; do not touch the store")
    parser.add_argument("--jsonl", type=Path, help="with --dry-run: write one JSON object per chunk here")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.jsonl and not args.dry_run:
        print("error: --jsonl goes with --dry-run", file=sys.stderr)
        return 2
    s = _settings.get_settings()
    if args.store:
        s = s.model_copy(update={"store_dir": args.store, "chroma_url": None, "chroma_host": None})

    from ingest.pipeline import run_ingest
    from vectorstore.chroma import StoreError, describe

    dry_target = args.jsonl if args.jsonl else (Path("/dev/null") if args.dry_run else None)
    try:
        report = run_ingest(args.paths or None, s, reset=args.reset, prune=args.prune,
                            dry_run_jsonl=dry_target, progress=not args.quiet)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.dry_run:
        print(f"store: {describe(s)}")
    print(report.summary())
    if not report.ingested and not report.unchanged and not report.removed:
        print("nothing was ingested", file=sys.stderr)
    return 1 if report.failed else 0
