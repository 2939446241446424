"""Scale: the bundled corpus hidden among N distractor articles, in one run and one table; or,
with ``--library STORE``, a real library at 1k, 5k and ~26k articles (``benchmarks.scale_library``).

    python -m benchmarks.scale_bench [--sizes 2000] [--seed 7] [--shared-vector-cache]
    python -m benchmarks.scale_bench --library STORE [--sizes 1000 5000] [--answers 30] [--plot PNG]

For each size N: writes N distractor articles (``benchmarks.distractors``), ingests the bundled
corpus plus them into a temporary store, and reports
- ingest wall time, the embedding time inside it (MiniLM + e5, the same chunks, same run), their
  ratio, chunks/s and the process's peak RSS;
- hybrid query p50/p95 over the gold questions, and the keyword-only and dense-only parts;
- RSS of one app instance (a fresh process: settings, retriever, one answered question);
- the time to add one new document (ingest + index refresh + first query; the parts in the JSON row);
- held-out gold retrieval (hit@5, MRR@10), next to the same figures on the bundled corpus alone.
By default the e5 vectors are computed afresh (a temporary vector cache), so the embedding time
is real; ``--shared-vector-cache`` reuses the machine's cache (fast re-runs, meaningless ratio).
On 2 cores e5 embeds ~600 tokens/s: about 15 minutes per 1,000 distractor articles.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


APP_PROBE = """
import json, resource, sys
from qa.chain import AnswerService
service = AnswerService()
service.ask("How long must public account platforms keep logs?")
with open("/proc/self/status") as f:
    rss = next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024
print(json.dumps({"rss_mb": rss}))
"""


def app_rss_mb(s) -> float:
    """RSS of a fresh app-like process on this store after its first answer."""
    env = dict(os.environ, NETLAW_STORE_DIR=str(s.store_dir), NETLAW_CACHE_DIR=str(s.cache_dir),
               NETLAW_VECTOR_CACHE=str(s.vector_cache))
    out = subprocess.run([sys.executable, "-c", APP_PROBE], env=env, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, timeout=900)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"app probe failed: {out.stderr[-2000:]}")
    return json.loads(lines[-1])["rss_mb"]


def forget_queries() -> None:
    """Empty the query-vector caches, so every size pays for embedding its questions."""
    from vectorstore.embeddings import get_embedder
    from vectorstore.multilingual import get_multilingual_embedder

    get_embedder()._cache.clear()
    get_multilingual_embedder()._queries.clear()


def retrieval(retriever, questions: list[dict], mode: str = "hybrid") -> dict:
    """hit@5 (the first gold article in the top 5), MRR@10 and latency, as ``retrieval_bench``."""
    from benchmarks.retrieval_bench import metrics, run_ours

    forget_queries()
    ranks, latencies, _ = run_ours(retriever, questions, mode)
    m = metrics(ranks, latencies)
    return {"hit@5": m["recall@5"], "mrr@10": m["mrr@10"], "p50_ms": m["p50_ms"], "p95_ms": m["p95_ms"]}


def measure(size: int, tmp: Path, base, seed: int) -> dict:
    from benchmarks.distractors import generate
    from benchmarks.retrieval_bench import gold_questions
    from ingest.pipeline import run_ingest
    from vectorstore.hybrid import HybridRetriever

    s = base.model_copy(update={"store_dir": tmp / f"store{size}", "cache_dir": tmp / f"cache{size}",
                                "chroma_url": None, "chroma_host": None})
    paths = [s.corpus_dir]
    if size:
        folder = tmp / f"distractors{size}"
        generate(folder, size, seed)
        paths.append(folder)
    started = time.perf_counter()
    report = run_ingest(paths, s, progress=True)
    wall = time.perf_counter() - started
    row: dict[str, object] = {
        "size": size, "chunks": report.store_chunks, "ingest_s": wall, "embed_s": report.seconds["embed"],
        "ratio": wall / max(report.seconds["embed"], 1e-9), "chunks_per_s": report.chunks / wall,
        "peak_rss_mb": peak_rss_mb()}
    retriever = HybridRetriever(s)
    started = time.perf_counter()
    retriever.search("warm up")
    row["index_load_s"] = time.perf_counter() - started
    items = gold_questions()
    row["hybrid"] = retrieval(retriever, items)
    row["keyword"] = retrieval(retriever, items, "keyword")
    row["dense"] = retrieval(retriever, items, "dense")
    row["app_rss_mb"] = app_rss_mb(s)
    # one new document, end to end: ingest, index refresh, first answer
    extra = tmp / f"new{size}"
    extra.mkdir()
    (extra / "new_regulation.txt").write_text(
        "Provisions on Testing the Scale Benchmark\n\nArticle 1: A newly added scale-benchmark regulation "
        "requires operators to keep ledger backups for eleven months.\n\nArticle 2: These Provisions take "
        "effect on 1 May 2031.\n", encoding="utf-8")
    started = time.perf_counter()
    run_ingest(paths + [extra], s, progress=False)  # only a new file: appended (ChunkStore.append), no copy
    ingested = time.perf_counter()
    retriever.refresh()  # the running retriever extends its snapshot with the appended chunks
    refreshed = time.perf_counter()
    found = retriever.search("How long must ledger backups be kept under the scale benchmark provisions?", k=5)
    row["add_document_s"] = time.perf_counter() - started
    row["add_document_parts_s"] = {"ingest": ingested - started, "refresh": refreshed - ingested,
                                   "query": time.perf_counter() - refreshed}
    row["new_document_found"] = bool(found and found[0].document.startswith("Provisions on Testing"))
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+",
                        help="distractor articles (0 is always run; default 2000), or with --library the articles "
                             "of the smaller libraries (default 1000 5000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shared-vector-cache", action="store_true",
                        help="reuse this machine's e5 vector cache (fast, but the embedding time is not real)")
    parser.add_argument("--library", type=Path, help="a store holding the full real library: measure it and "
                        "prefixes of it of --sizes articles (from the vector cache) instead of distractors")
    parser.add_argument("--answers", type=int, default=30, help="with --library: questions answered per size")
    parser.add_argument("--allow-embedding", action="store_true",
                        help="with --library: embed the texts of a size that the vector cache lacks")
    parser.add_argument("--plot", type=Path, help="with --library: the plot's PNG (default: benchmarks/results/)")
    parser.add_argument("--random-vectors", action="store_true",
                        help="with --library: build the smaller libraries with random vectors (cost, not quality)")
    args = parser.parse_args(argv)
    if args.library:
        from benchmarks.scale_library import run

        run(args.library, [n for n in args.sizes or [1000, 5000] if n], args.answers, args.allow_embedding, args.plot,
            args.random_vectors)
        return
    args.sizes = args.sizes or [2000]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if not args.shared_vector_cache:
            os.environ["NETLAW_VECTOR_CACHE"] = str(tmp / "vector-cache.sqlite")
        from netlaw import settings as _settings

        _settings.get_settings.cache_clear()
        base = _settings.get_settings()
        from benchmarks.retrieval_bench import gold_questions

        rows = []
        for size in [0] + [n for n in args.sizes if n]:
            rows.append(measure(size, tmp, base, args.seed))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, CPU only; "
          f"{len(gold_questions())} held-out gold questions (no conversation)")
    print("| distractor articles | chunks | ingest s | embedding s | ratio | chunks/s | peak RSS MB | "
          "hybrid p50/p95 ms | keyword p50/p95 ms | dense p50/p95 ms | app RSS MB | add 1 doc s | "
          "hit@5 | MRR@10 |")
    print("|" + "---|" * 14)
    for r in rows:
        h, k, d = r["hybrid"], r["keyword"], r["dense"]
        print(f"| {r['size']:,} | {r['chunks']:,} | {r['ingest_s']:.0f} | {r['embed_s']:.0f} | {r['ratio']:.2f} | "
              f"{r['chunks_per_s']:.1f} | {r['peak_rss_mb']:.0f} | {h['p50_ms']:.0f}/{h['p95_ms']:.0f} | "
              f"{k['p50_ms']:.0f}/{k['p95_ms']:.0f} | {d['p50_ms']:.0f}/{d['p95_ms']:.0f} | {r['app_rss_mb']:.0f} | "
              f"{r['add_document_s']:.1f}{'' if r['new_document_found'] else ' (not found!)'} | "
              f"{h['hit@5']:.3f} | {h['mrr@10']:.3f} |")


if __name__ == "__main__":
    main()
