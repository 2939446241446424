"""Retrieval benchmark: our hybrid retriever vs dense-only vs LangChain's tutorial baseline.

    python -m benchmarks.retrieval_bench [--replicas 50] [--gold] [--show-misses]

Questions: benchmarks/data/retrieval_questions.jsonl (gold = document + article label).
Rows, measured in one run on the bundled corpus:
- hybrid: ``HybridRetriever.search`` (dense + BM25 + RRF + direct article lookup);
- dense: the same article chunks, Chroma dense search only;
- naive: RecursiveCharacterTextSplitter(1000, 200) over the raw files + Chroma dense search
  with the same embedding model; a hit is a chunk that overlaps the gold article's text.
Prints recall@1, recall@5, MRR@10 and latency p50/p95 (query embedding included), then
latency on the corpus replicated --replicas times.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

from netlaw import settings as _settings
from netlaw.stats import percentile
from vectorstore.hybrid import HybridRetriever

QUESTIONS = Path(__file__).parent / "data" / "retrieval_questions.jsonl"
CORPUS = _settings.PROJECT_ROOT / "data" / "corpus"


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def metrics(ranks: list[int | None], latencies: list[float]) -> dict:
    n = len(ranks)
    return {
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr@10": sum(1 / r for r in ranks if r is not None and r <= 10) / n,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
    }


def gold_questions() -> list[dict]:
    """The held-out gold items of the evaluation (no conversation), in this benchmark's format."""
    from evals.runner import load_gold

    return [{"id": g["id"], "question": g["question"], "language": g["language"], "kind": g["type"],
             "gold": g["gold_articles"]} for g in load_gold()
            if g["gold_articles"] and g.get("split") == "heldout" and not g.get("turns")]


def gold_rank(hits, gold: list[dict], lookup=None) -> int | None:
    """1-based rank of the first hit that is a gold article or its parallel version."""
    wanted = {(g["document"], g["article"]) for g in gold}
    for i, hit in enumerate(hits, start=1):
        other = lookup(hit.parallel_id) if lookup and hit.parallel_id else None
        if (hit.document, hit.article) in wanted or (other and (other.document, other.article) in wanted):
            return i
    return None


def run_ours(retriever: HybridRetriever, questions: list[dict], mode: str) -> tuple[list, list, list]:
    ranks, latencies, misses = [], [], []
    for q in questions:
        started = time.perf_counter()
        hits = retriever.search(q["question"], k=10, mode=mode)
        latencies.append(time.perf_counter() - started)
        rank = gold_rank(hits, q["gold"], retriever.article)
        ranks.append(rank)
        if rank != 1:
            misses.append((q["id"], rank, [f"{h.document[:40]} | {h.article[:40]}" for h in hits[:3]]))
    return ranks, latencies, misses


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def overlaps(chunk: str, article: str) -> bool:
    """The chunk shares a long passage with the article (80 chars, or half of a short article)."""
    a, b = _squash(chunk), _squash(article)
    need = min(80, max(20, len(b) // 2))
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= need


def run_naive(questions: list[dict], article_texts: dict) -> tuple[list, list]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from vectorstore.embeddings import langchain_embeddings

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = splitter.create_documents([p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))])
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    db = Chroma(client=client, collection_name="naive_baseline", embedding_function=langchain_embeddings())
    db.add_documents(docs)
    ranks, latencies = [], []
    for q in questions:
        started = time.perf_counter()
        found = db.similarity_search(q["question"], k=10)
        latencies.append(time.perf_counter() - started)
        golds = [article_texts[(g["document"], g["article"])] for g in q["gold"]]
        rank = next((i for i, d in enumerate(found, start=1) if any(overlaps(d.page_content, g) for g in golds)), None)
        ranks.append(rank)
    return ranks, latencies


def build_store(tmp: Path, replicas: int) -> _settings.Settings:
    from benchmarks.ingest_bench import replicate
    from ingest.pipeline import run_ingest

    s = _settings.Settings(store_dir=tmp / f"store{replicas}", cache_dir=tmp / f"cache{replicas}",
                           chroma_url=None, chroma_host=None)
    paths = [CORPUS] if replicas == 1 else [tmp / f"docs{replicas}"]
    if replicas > 1:
        replicate(paths[0], replicas)
    run_ingest(paths, s, progress=False)
    return s


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=50, help="also time the corpus copied N times (0: skip)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--gold", action="store_true",
                        help="also the held-out gold items of the evaluation (cross-lingual, paraphrase, typo, …)")
    args = parser.parse_args(argv)
    questions = load_questions() + (gold_questions() if args.gold else [])
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        s = build_store(tmp_path, 1)
        retriever = HybridRetriever(s)
        retriever.search("warm up")
        snap = retriever.snapshot()
        article_texts = {(snap.first_chunk(a).document, snap.first_chunk(a).article): snap.article_text(a)
                         for a in snap.articles}
        rows = {}
        for mode in ("hybrid", "dense", "keyword", "xl"):
            ranks, lat, misses = run_ours(retriever, questions, mode)
            rows[mode] = metrics(ranks, lat)
            if args.show_misses:
                for m in misses:
                    print(mode, m)
        ranks, lat = run_naive(questions, article_texts)
        rows["naive LangChain"] = metrics(ranks, lat)
        by_kind = {}
        for kind in sorted({q["kind"] for q in questions}):
            subset = [q for q in questions if q["kind"] == kind]
            for mode in ("hybrid", "dense", "keyword", "xl"):
                kind_ranks, kind_latencies, _ = run_ours(retriever, subset, mode)
                by_kind[(kind, mode)] = (len(subset), metrics(kind_ranks, kind_latencies))
        scaled = None
        if args.replicas > 1:
            s50 = build_store(tmp_path, args.replicas)
            r50 = HybridRetriever(s50)
            started = time.perf_counter()
            r50.search("warm up")
            index_s = time.perf_counter() - started
            ranks, lat, _ = run_ours(r50, questions, "hybrid")
            scaled = (metrics(ranks, lat), r50.store.count(), index_s)

    print(f"\n{len(questions)} questions; machine: 2 cores, Python {sys.version.split()[0]}, CPU only")
    print("| retriever | recall@1 | recall@5 | MRR@10 | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, m in rows.items():
        print(f"| {name} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} | {m['p50_ms']:.1f} "
              f"| {m['p95_ms']:.1f} |")
    print("\nby question kind:")
    for (kind, mode), (n, m) in by_kind.items():
        print(f"  {kind:<11} {mode:<8} n={n:<3} recall@1 {m['recall@1']:.3f}  recall@5 {m['recall@5']:.3f}  "
              f"MRR@10 {m['mrr@10']:.3f}")
    if scaled:
        m, count, index_s = scaled
        print(f"\nx{args.replicas} corpus ({count} chunks; first query incl. index build {index_s:.1f}s): "
              f"hybrid recall@5 {m['recall@5']:.3f}, MRR@10 {m['mrr@10']:.3f}, "
              f"p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms")


if __name__ == "__main__":
    main()
