"""``python -m qa ask``: answer questions with cited articles, one at a time or in a batch."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from pathlib import Path

from netlaw import settings as _settings
from qa.backends import BACKENDS


def _day(text: str) -> str:
    """An --as-of day: YYYY-MM-DD, YYYY-MM or YYYY."""
    import re

    if not re.fullmatch(r"(?:19|20)\d\d(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?", text):
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (YYYY-MM-DD, YYYY-MM or YYYY)")
    return text

def build_parser() -> argparse.ArgumentParser:
    s = _settings.get_settings()
    parser = argparse.ArgumentParser(prog="python -m qa", description="Ask the Netlaw library a question.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with article citations")
    ask.add_argument("question", nargs="?", help="the question (or use --questions-file)")
    ask.add_argument("--backend", choices=BACKENDS, default=s.backend, help=f"answer backend (default: {s.backend})")
    ask.add_argument("--k", type=int, default=s.retrieval_k, help="articles to retrieve")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    ask.add_argument("--history", type=Path, help='JSON file: [{"role": "user"|"assistant", "content": ...}, ...]')
    ask.add_argument("--questions-file", type=Path, help='batch input: JSONL lines {"id", "question"}')
    ask.add_argument("--output", type=Path, help="batch output JSONL (default: stdout)")
    ask.add_argument("--as-of", dest="as_of", type=_day, default=None,
                     help="answer from the versions of each law in force on this day (YYYY-MM-DD, YYYY-MM or "
                          "YYYY; default: today)")
    return parser


def print_answer(answer) -> None:
    if answer.notice:
        print(f"note: {answer.notice}\n")
    if answer.standalone_question:
        print(f"(understood as: {answer.standalone_question})\n")
    for line in answer.answer.split("\n"):
        print(textwrap.fill(line, 100, subsequent_indent="  " if line.startswith("- ") else "")
              if " " in line else line)
    if answer.refused and answer.suggestions:
        print("\n可参阅：" if answer.language == "zh" else "\nYou may want to read:")
        for s in answer.suggestions:
            print(f"  - {s.document}, {s.article}")
    if answer.citations:
        print("\n来源：" if answer.language == "zh" else "\nSources:")
        for c in answer.citations:
            print(f"  [{c.marker}] {c.label}")
            print(textwrap.indent(textwrap.shorten(c.text, 240, placeholder=" …"), "      "))
            if c.parallel:
                print(f"      parallel: {c.parallel.document}, {c.parallel.article}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from tqdm import tqdm

    from netlaw.records import Filters
    from qa.chain import AnswerService
    from vectorstore.chroma import StoreError

    try:
        service = AnswerService()
        service.retriever.snapshot()  # fail early, with the ingest command, if the store is empty
        if args.questions_file:
            lines = args.questions_file.read_text(encoding="utf-8").splitlines()
            rows = [json.loads(line) for line in lines if line.strip()]
            out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
            try:
                for row in tqdm(rows, desc=f"answering ({args.backend})", unit="question"):
                    answer = service.ask(row["question"], backend=args.backend, k=args.k, id=row.get("id"),
                                         history=row.get("history"),
                                         filters=Filters(as_of=row.get("as_of") or args.as_of))
                    out.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
                    out.flush()
            finally:
                if out is not sys.stdout:
                    out.close()
            return 0
        if args.question is None:
            print("error: give a question, or --questions-file", file=sys.stderr)
            return 2
        history = json.loads(args.history.read_text(encoding="utf-8")) if args.history else None
        answer = service.ask(args.question, history=history, backend=args.backend, k=args.k,
                             filters=Filters(as_of=args.as_of))
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        print_answer(answer)
    return 0
