"""Speed and memory as a real library grows: 1k, 5k and all ~26k articles (issue 30, point 3).

    python -m benchmarks.scale_bench --library STORE [--sizes 1000 5000] [--answers 30] [--plot PNG]

``STORE`` holds the full library (``python -m ingest data/corpus ../shared/laws/*.md <regulations>``).
Each smaller size is a prefix of the same library — the bundled corpus, the laws, then regulations
in file order until the size is reached — ingested into a temporary store from the vector cache
(``NETLAW_VECTOR_CACHE``, the one the full ingest filled), so it costs no new embedding; a size whose
texts are not all cached is skipped (say ``--allow-embedding`` to embed them). For each size:
the index load, retrieval p50/p95 (the held-out gold questions of the bundled and the laws
libraries, hybrid search), answer p50/p95 (the chain's ``ask``, extractive backend), the RSS of a
fresh app-like process after its first answer, and the load average while it ran (this machine
is shared: the figures are only comparable at a like load). Writes a JSON and a plot.
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks.scale_names import DEFAULT_PATHS, library_documents
from netlaw import settings as _settings

RESULTS = _settings.PROJECT_ROOT / "benchmarks" / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def prefix_files(documents: list[dict], size: int) -> tuple[list[Path], int]:
    """The library's first files (documents' sources, in library order) holding ``size`` articles."""
    files: list[Path] = []
    articles = 0
    for d in documents:
        path = Path(d["source"]) if Path(d["source"]).is_absolute() else _settings.PROJECT_ROOT / d["source"]
        if path not in files:
            if articles >= size:
                break
            files.append(path)
        articles += d["articles"]
    return files, articles


def uncached(files: list[Path], s: _settings.Settings) -> int:
    """Texts of ``files`` that neither model has in the vector cache (what ingesting them would embed)."""
    from ingest.pipeline import parse_file
    from vectorstore.embeddings import get_embedder
    from vectorstore.multilingual import get_multilingual_embedder

    chunks = [c for f in files for c in parse_file(f, s).chunks]
    return (get_embedder().missing({c.embed_text for c in chunks})
            + get_multilingual_embedder().missing([w for c in chunks for w in c.xl_windows]))


def random_store(files: list[Path], s: _settings.Settings, seed: int = 30) -> int:
    """A store of ``files``' real chunks with random unit vectors for both models: what the index,
    the keyword search and the dense searches cost at this size, without the embedding (the vectors'
    values do not change the cost of a matrix product or, much, of an HNSW search). Quality figures
    on such a store mean nothing."""
    import numpy as np

    from ingest.pipeline import parse_file, source_key
    from vectorstore.chroma import ChunkStore

    rng = np.random.default_rng(seed)

    def unit(n: int) -> np.ndarray:
        v = rng.normal(size=(n, 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    writer = ChunkStore(s).writer()
    manifest, count = {}, 0
    for f in files:
        chunks = parse_file(f, s).chunks
        writer.add(chunks, unit(len(chunks)), [unit(len(c.xl_windows)) for c in chunks])
        manifest[source_key(f)] = {"sha256": "random-vectors", "chunks": len(chunks)}
        count += len(chunks)
    writer.commit((), manifest)
    return count


def questions() -> list[dict]:
    from benchmarks.retrieval_bench import gold_questions, laws_questions

    return gold_questions() + laws_questions()


def measure(s: _settings.Settings, items: list[dict], answers: int) -> dict:
    """Index load, retrieval and answer latency, app RSS on the store of ``s``."""
    from benchmarks.retrieval_bench import gold_rank
    from benchmarks.scale_bench import app_rss_mb, forget_queries
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    load = [os.getloadavg()[0]]
    retriever = HybridRetriever(s)
    started = time.perf_counter()
    retriever.search("warm up")
    row: dict = {"index_load_s": round(time.perf_counter() - started, 2),
                 "chunks": len(retriever.snapshot().chunks), "documents": len(retriever.documents())}
    forget_queries()
    latencies, ranks = [], []
    for q in items:
        started = time.perf_counter()
        hits = retriever.search(q["question"], k=10)
        latencies.append(time.perf_counter() - started)
        ranks.append(gold_rank(hits, q["gold"], retriever.article))
    load.append(os.getloadavg()[0])
    row["retrieval_ms"] = {"p50": percentile(latencies, 50) * 1000, "p95": percentile(latencies, 95) * 1000,
                           "n": len(latencies)}
    row["hit@5"] = sum(1 for r in ranks if r is not None and r <= 5) / max(1, len(ranks))
    service = AnswerService(s.model_copy(update={"backend": "extractive"}), retriever)
    answer_s = []
    for q in items[:answers]:
        started = time.perf_counter()
        service.ask(q["question"])
        answer_s.append(time.perf_counter() - started)
    load.append(os.getloadavg()[0])
    row["answer_ms"] = {"p50": percentile(answer_s, 50) * 1000, "p95": percentile(answer_s, 95) * 1000,
                        "n": len(answer_s)}
    del service, retriever
    gc.collect()
    row["app_rss_mb"] = round(app_rss_mb(s))
    load.append(os.getloadavg()[0])
    row["load_avg_1m"] = [round(x, 1) for x in load]
    return row


def run(store: Path, sizes: list[int], answers: int, allow_embedding: bool, plot: Path | None,
        random_vectors: bool = False) -> list[dict]:
    base = _settings.get_settings()
    full = base.model_copy(update={"store_dir": store, "chroma_url": None, "chroma_host": None})
    documents, _ = library_documents(DEFAULT_PATHS)
    items = questions()
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in sorted(sizes):
            files, articles = prefix_files(documents, size)
            s = base.model_copy(update={"store_dir": tmp / f"store{size}", "cache_dir": tmp / f"cache{size}",
                                        "chroma_url": None, "chroma_host": None})
            if random_vectors:
                started = time.perf_counter()
                random_store(files, s)
                rows.append({"size": size, "articles": articles, "files": len(files), "vectors": "random",
                             "build_s": round(time.perf_counter() - started, 1), **measure(s, items, answers)})
                print(json.dumps(rows[-1]), flush=True)
                continue
            missing = uncached(files, s)
            if missing and not allow_embedding:
                rows.append({"size": size, "articles": articles, "files": len(files), "skipped":
                             f"{missing} texts not in the vector cache"})
                print(json.dumps(rows[-1]), flush=True)
                continue
            from ingest.pipeline import run_ingest

            started = time.perf_counter()
            run_ingest(files, s, progress=False)
            rows.append({"size": size, "articles": articles, "files": len(files),
                         "ingest_from_cache_s": round(time.perf_counter() - started, 1), **measure(s, items, answers)})
            print(json.dumps(rows[-1]), flush=True)
        total = sum(d["articles"] for d in documents)
        rows.append({"size": "full", "articles": total, "store": str(store), **measure(full, items, answers)})
        print(json.dumps(rows[-1]), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "scale_library_random" if random_vectors else "scale_library"
    (RESULTS / f"{name}.json").write_text(json.dumps({"machine": machine(), "rows": rows}, indent=1))
    draw(rows, plot or RESULTS / f"{name}.png")
    return rows


def machine() -> dict:
    return {"cores": os.cpu_count(), "load_avg": [round(x, 1) for x in os.getloadavg()],
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def draw(rows: list[dict], path: Path) -> None:
    """Retrieval and answer p50/p95 and app RSS against the library's articles."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [r for r in rows if "retrieval_ms" in r]
    if not done:
        return
    x = [r["articles"] for r in done]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, key, title in ((axes[0], "retrieval_ms", "retrieval (ms)"), (axes[1], "answer_ms", "answer (ms)")):
        for q, style in (("p50", "o-"), ("p95", "s--")):
            ax.plot(x, [r[key][q] for r in done], style, label=q)
        ax.set_title(title)
        ax.legend()
    axes[2].plot(x, [r["app_rss_mb"] for r in done], "o-")
    axes[2].set_title("app RSS (MB)")
    for ax in axes:
        ax.set_xlabel("articles in the library")
        ax.set_xscale("log")
        ax.grid(alpha=0.3)
    loads = ", ".join(f"{r['articles']:,}: {max(r['load_avg_1m']):.0f}" for r in done)
    fig.suptitle(f"Netlaw at library size ({os.cpu_count()} cores; peak 1-min load average by size: {loads})",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
