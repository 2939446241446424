"""Keyword index candidates side by side: rank-bm25, bm25s, SQLite FTS5, at growing sizes.

    python -m benchmarks.keyword_bench [--sizes 0 20000 200000] [--seed 7]

For each size, the bundled corpus plus that many distractor articles (``benchmarks.distractors``)
is parsed and tokenised once with our tokeniser (jieba + Snowball, ``netlaw.text.tokens.tokenize``);
then every candidate builds its index from the same tokens and answers the evaluation's questions.
Prints, per candidate and size: build seconds, RSS growth of the index, query p50/p95 in ms
(scoring every chunk, as the retriever needs), and keyword-only hit@5 / MRR@10 on the gold
items (bundled corpus hidden among the distractors). No embedding: keyword side only.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.distractors import generate, sentence_pools
from ingest.parse import parse_text
from netlaw import settings as _settings
from netlaw.stats import percentile
from netlaw.text.tokens import tokenize
from vectorstore.keyword import KeywordIndex, indexed_text


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


class RankBM25:
    name = "rank-bm25"

    def __init__(self, tokens: list[list[str]]):
        from rank_bm25 import BM25Okapi

        self.bm25 = BM25Okapi(tokens)

    def scores(self, query: list[str]) -> np.ndarray:
        return np.asarray(self.bm25.get_scores(query))


class BM25S(KeywordIndex):
    """The index the retriever uses (``vectorstore.keyword.KeywordIndex``)."""

    name = "bm25s"


class FTS5:
    """Pre-tokenised text in an FTS5 table; bm25() ranks the matches, the rest score 0."""

    name = "sqlite-fts5"

    def __init__(self, tokens: list[list[str]]):
        self.size = len(tokens)
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
        self.db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                            ((i, " ".join(ts)) for i, ts in enumerate(tokens)))
        self.db.commit()

    def scores(self, query: list[str]) -> np.ndarray:
        out = np.zeros(self.size)
        terms = sorted({q for q in query if re.fullmatch(r"\w+", q)})
        if not terms:
            return out
        match = " OR ".join(f'"{t}"' for t in terms)
        for rowid, score in self.db.execute("SELECT rowid, -bm25(t) FROM t WHERE t MATCH ?", (match,)):
            out[rowid] = score
        return out


CANDIDATES: list[type[RankBM25] | type[BM25S] | type[FTS5]] = [RankBM25, BM25S, FTS5]


def corpus_tokens(distractor_dir: Path | None, s: _settings.Settings) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """(document, article) of every chunk and its tokens: the bundled corpus, then the distractors."""
    paths = sorted(s.corpus_dir.glob("*.txt")) + (sorted(distractor_dir.glob("*.txt")) if distractor_dir else [])
    keys, tokens = [], []
    for path in paths:
        parsed = parse_text(path.read_text(encoding="utf-8"), path.name)
        for c in parsed.chunks:
            keys.append((c.document, c.article))
            tokens.append(tokenize(indexed_text(c), s.cache_dir))
    return keys, tokens


def gold_items() -> list[dict]:
    from evals.runner import load_gold

    return [g for g in load_gold() if g["gold_articles"] and not g.get("turns")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 20000, 200000],
                        help="distractor articles added to the bundled corpus (0: bundled only)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    s = _settings.get_settings()
    items = gold_items()
    questions = [tokenize(g["question"], s.cache_dir) for g in items]
    pools = sentence_pools(s.corpus_dir)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            started = time.perf_counter()
            folder = None
            if size:
                folder = Path(tmp) / f"d{size}"
                generate(folder, size, args.seed, pools)
            keys, tokens = corpus_tokens(folder, s)
            prepare_s = time.perf_counter() - started
            print(f"size {size}: {len(tokens)} chunks, generated+parsed+tokenised in {prepare_s:.1f}s",
                  file=sys.stderr, flush=True)
            for cls in CANDIDATES:
                if cls is RankBM25 and len(tokens) > 30_000:
                    print(f"   rank-bm25 skipped at {len(tokens)} chunks (about 3 s a query)", file=sys.stderr)
                    continue
                gc.collect()
                before = rss_mb()
                started = time.perf_counter()
                index = cls(tokens)
                build_s = time.perf_counter() - started
                grown = rss_mb() - before
                latencies, hits, rr = [], 0, 0.0
                for g, q in zip(items, questions, strict=False):
                    started = time.perf_counter()
                    scores = index.scores(q)
                    top = np.argsort(-scores)[:10]
                    latencies.append(time.perf_counter() - started)
                    gold = {(a["document"], a["article"]) for a in g["gold_articles"]}
                    ranks = [i for i, j in enumerate(top, start=1) if scores[j] > 0 and keys[j] in gold]
                    hits += bool(ranks and ranks[0] <= 5)
                    rr += 1 / ranks[0] if ranks else 0.0
                rows.append((cls.name, size, len(tokens), build_s, grown, percentile(latencies, 50) * 1000,
                             percentile(latencies, 95) * 1000, hits / len(items), rr / len(items)))
                print("  ", rows[-1], file=sys.stderr, flush=True)
                del index
    print(f"\n{len(items)} gold questions (keyword only); "
          f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| index | distractor articles | chunks | build s | index RSS MB | query p50 ms | p95 ms | hit@5 | MRR@10 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, size, n, build_s, grown, p50, p95, hit, mrr in rows:
        print(f"| {name} | {size:,} | {n:,} | {build_s:.1f} | {grown:.0f} | {p50:.1f} | {p95:.1f} "
              f"| {hit:.3f} | {mrr:.3f} |")


if __name__ == "__main__":
    main()
