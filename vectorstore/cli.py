"""``python -m vectorstore``: search the store (one question or a batch) and show what it holds."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from netlaw import settings as _settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m vectorstore",
                                     description="Search the Netlaw store for articles, or show its contents.")
    sub = parser.add_subparsers(dest="command", required=True)
    search = sub.add_parser("search", help="rank articles for a question (hybrid: dense + BM25 + lookup)")
    search.add_argument("question", nargs="?", help="the question (or use --questions-file)")
    search.add_argument("--k", type=int, default=_settings.get_settings().retrieval_k, help="articles to return")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--document", action="append", help="only this document (title or id); repeatable")
    search.add_argument("--language", choices=["en", "zh"], help="only this language")
    search.add_argument("--type", dest="doc_type", help="only this document type, e.g. regulation")
    search.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    search.add_argument("--questions-file", type=Path, help='batch input: JSONL lines {"id", "question"}')
    search.add_argument("--output", type=Path, help="batch output JSONL (default: stdout)")
    sub.add_parser("stats", help="what the store holds")
    return parser


def _result_json(hit) -> dict:
    return {"rank": hit.rank, "document": hit.document, "article": hit.article, "text": hit.text,
            "score": round(hit.score, 6), "dense": round(hit.dense, 4), "keyword": round(hit.keyword, 4),
            "chunk_id": hit.best_chunk_id, "article_id": hit.article_id, "direct": hit.direct,
            "language": hit.language, "doc_type": hit.doc_type}


def _print_hits(hits) -> None:
    if not hits:
        print("no matching articles")
    for hit in hits:
        part = f" (best: part {hit.best_part} of {hit.n_parts})" if hit.n_parts > 1 else ""
        how = "direct lookup" if hit.direct else f"score {hit.score:.4f} dense {hit.dense:.3f} bm25 {hit.keyword:.2f}"
        print(f"{hit.rank}. {hit.document} — {hit.article}{part}  [{how}]")
        print(textwrap.indent(textwrap.shorten(hit.text, 300, placeholder=" …"), "   "))


def _search(args, retriever) -> int:
    from tqdm import tqdm

    from netlaw.records import Filters

    filters = Filters(documents=args.document, language=args.language, doc_type=args.doc_type)
    if args.questions_file:
        lines = args.questions_file.read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
        out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
        try:
            for row in tqdm(rows, desc="searching", unit="question", disable=out is sys.stdout):
                hits = retriever.search(row["question"], k=args.k, filters=filters, mode=args.mode)
                out.write(json.dumps({"id": row.get("id"), "results": [_result_json(h) for h in hits]},
                                     ensure_ascii=False) + "\n")
        finally:
            if out is not sys.stdout:
                out.close()
        return 0
    if not args.question or not args.question.strip():
        print("error: give a question, or --questions-file", file=sys.stderr)
        return 2
    hits = retriever.search(args.question, k=args.k, filters=filters, mode=args.mode)
    if args.json:
        print(json.dumps({"question": args.question, "results": [_result_json(h) for h in hits]},
                         ensure_ascii=False, indent=2))
    else:
        _print_hits(hits)
    return 0


def _stats(retriever) -> int:
    from vectorstore.chroma import describe

    docs = retriever.documents()
    pointer = retriever.store.pointer()
    print(f"store: {describe(retriever.settings)}  collection: {pointer.active}  updated: {pointer.updated}")
    print(f"files: {len(pointer.manifest)}  documents: {len(docs)}  articles: {sum(d['articles'] for d in docs)}  "
          f"chunks: {retriever.store.count()}")
    for d in sorted(docs, key=lambda d: (d["source"], d["title"])):
        print(f"  [{d['language']}] {d['doc_type']:<11} {d['articles']:>3} articles  {d['title'][:90]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from vectorstore.chroma import StoreError
    from vectorstore.hybrid import HybridRetriever

    try:
        retriever = HybridRetriever()
        return _search(args, retriever) if args.command == "search" else _stats(retriever)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
