"""Retrieval benchmark: our hybrid retriever side by side with the peer baseline, per library and
question type; and (--classic) ours vs dense-only vs LangChain's tutorial baseline.

    python -m benchmarks.retrieval_bench [--library bundled|laws|both] [--no-peer] [--show-misses]
    python -m benchmarks.retrieval_bench --classic [--replicas 50] [--gold] [--show-misses]

Libraries (the default run; each ingested into its own temporary store: ~5 minutes for both the
first time, ~1.5 minutes once the e5 vector cache holds the texts):
- bundled: the bundled corpus (data/corpus); questions: the held-out gold items of the evaluation
  (evals/gold/*.jsonl, split "heldout", with gold articles, no conversation);
- laws: the bundled corpus plus the six laws (*.md of --laws-dir, default evals/fixtures/laws);
  questions: the held-out items of --laws-gold (evals/gold_laws/laws.jsonl).
Rows, per library:
- ours (hybrid): the chain's retrieval, ``AnswerService.retrieve(question, k=10)`` (the hybrid
  search with the named documents first and the versions in force) on a store ingested by ``run_ingest``;
- peer (LangChain+e5+BM25+RRF): what a competent user builds with our model (benchmarks/peer.py):
  the same files read as text, RecursiveCharacterTextSplitter(1000, 200), multilingual-e5-small
  through the project's wrapper in a real Chroma collection, BM25 (rank_bm25) over jieba tokens,
  fused by RRF (k=60); a hit is a chunk that overlaps a gold article's text (or its parallel).
Columns: hit@5 (a gold article in the top 5) and MRR@10 per question type and overall, then
latency p50/p95 in ms (question embedding included). Each library's figures, per question too,
are also written to <--out>/retrieval_<library>.json (default benchmarks/results/).

Classic run (--classic, or --gold / --replicas given), on benchmarks/data/retrieval_questions.jsonl
(gold = document + article label), bundled corpus, rows measured in one run:
- hybrid: ``HybridRetriever.search`` (dense + BM25 + RRF + direct article lookup);
- dense: the same article chunks, Chroma dense search only (keyword, xl: the other single rankings);
- naive LangChain: RecursiveCharacterTextSplitter(1000, 200) over the raw files + Chroma dense search
  with our MiniLM model (dense only, no BM25); a hit is a chunk that overlaps the gold article's text.
Prints recall@1, recall@5, MRR@10 and latency p50/p95 (query embedding included), then
latency on the corpus replicated --replicas times.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from evals.baseline import overlaps, squash
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


def gold_rank(hits, gold: list[dict], lookup=None, versions: list[str] | None = None) -> int | None:
    """1-based rank of the first hit that is a gold article or its parallel version (of one of
    ``versions``, the dates of the texts the question is about, when given)."""
    wanted = {(g["document"], g["article"]) for g in gold}

    def is_gold(h) -> bool:
        return (h.document, h.article) in wanted and (not versions or not h.version or h.version in versions)

    for i, hit in enumerate(hits, start=1):
        other = lookup(hit.parallel_id) if lookup and hit.parallel_id else None
        if is_gold(hit) or (other and is_gold(other)):
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


# --- libraries: ours vs the peer baseline, per question type ------------------------------------------
LAWS_FIXTURE = _settings.PROJECT_ROOT / "evals" / "fixtures" / "laws"  # the evaluation's second library
LAWS_DIR = LAWS_FIXTURE
LAWS_GOLD = _settings.PROJECT_ROOT / "evals" / "gold_laws" / "laws.jsonl"
RESULTS = Path(__file__).parent / "results"
OURS = "ours (hybrid)"
PEER = "peer (LangChain+e5+BM25+RRF)"
WARM_UP = ("warm up: when did the regulations take effect?", "预热：这些规定什么时候施行？")  # untimed, both retrievers


def laws_questions(path: Path = LAWS_GOLD) -> list[dict]:
    """The held-out items of the laws gold set (no conversation, with gold articles), in this
    benchmark's format (plus the document the question names and the versions it is about)."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"id": g["id"], "question": g["question"], "language": g["language"], "kind": g["type"],
             "gold": g["gold_articles"], "named_document": g.get("named_document"),
             "gold_versions": g.get("gold_versions") or []} for g in items
            if g.get("gold_articles") and g.get("split") == "heldout" and not g.get("turns")]


def gold_texts(snap, question: dict) -> list[list[str]]:
    """Per gold article, the texts a peer chunk may overlap to count as finding it: the article's
    text in each version the question is about (every version when it names none) and the text of
    its parallel version (English <-> Chinese), which ours also counts as the gold article."""
    out = []
    for g in question["gold"]:
        texts = []
        for article_id in snap.articles:
            chunk = snap.first_chunk(article_id)
            if (chunk.document, chunk.article) != (g["document"], g["article"]):
                continue
            if question.get("gold_versions") and chunk.version and chunk.version not in question["gold_versions"]:
                continue
            texts.append(snap.article_text(article_id))
            if chunk.parallel_id and chunk.parallel_id in snap.articles:
                texts.append(snap.article_text(chunk.parallel_id))
        out.append(texts)
    return out


def library_sources(name: str, laws_dir: Path) -> list[Path]:
    """The files of a library: the bundled corpus, plus (laws) the laws' Markdown files (no README)."""
    from benchmarks.peer import source_files

    return source_files([CORPUS] + ([laws_dir] if name == "laws" else []))


def ingest_library(tmp: Path, name: str, files: list[Path]) -> tuple[_settings.Settings, float, object]:
    """Our store of the files, in a temporary store and cache (as evals/conftest.py makes them)."""
    from ingest.pipeline import run_ingest

    where = {"store_dir": tmp / f"{name}-store", "cache_dir": tmp / f"{name}-cache"}
    s = _settings.get_settings().model_copy(update={**where, "chroma_url": None, "chroma_host": None})
    print(f"[{name}] ingesting {len(files)} files into a temporary store…", file=sys.stderr, flush=True)
    started = time.perf_counter()
    report = run_ingest(files, s, progress=True)
    return s, time.perf_counter() - started, report


def summarise(questions: list[dict], ranks: list[int | None], latencies: list[float]) -> dict:
    """hit@5, MRR@10 (and recall@1) per question type and overall, latency overall."""
    def block(idx: list[int]) -> dict:
        m = metrics([ranks[i] for i in idx], [latencies[i] for i in idx])
        return {"n": len(idx), "hit@1": m["recall@1"], "hit@5": m["recall@5"], "mrr@10": m["mrr@10"],
                "p50_ms": m["p50_ms"], "p95_ms": m["p95_ms"]}

    kinds = sorted({q["kind"] for q in questions})
    return {"all": block(list(range(len(questions)))),
            "by_type": {k: block([i for i, q in enumerate(questions) if q["kind"] == k]) for k in kinds}}


def run_library(name: str, files: list[Path], questions: list[dict], tmp: Path, *, peer: bool = True,
                show_misses: bool = False) -> dict:
    """Ingest the library (ours) and index it (the peer), then ask each question of ours and of the
    peer back to back, so that the machine's other work slows both alike; figures and per-question ranks."""
    from benchmarks import peer as peer_mod
    from qa.chain import AnswerService

    s, ingest_s, report = ingest_library(tmp, name, files)
    retriever = HybridRetriever(s)
    # ours is the chain's own retrieval: the named documents first, versions in force (AnswerService.retrieve)
    service = AnswerService(s, retriever)
    for question in WARM_UP:
        service.retrieve(question, k=10)
    snap = retriever.snapshot()
    texts = [gold_texts(snap, q) for q in questions]
    unknown = [q["id"] for q, t in zip(questions, texts, strict=True) if not any(t)]
    if unknown:  # a gold label the store does not hold: neither retriever can find it
        print(f"[{name}] WARNING: gold articles not in the store for {unknown}", file=sys.stderr, flush=True)
    baseline = None
    if peer:
        from vectorstore.multilingual import MultilingualEmbedder

        # the project's e5 wrapper, its own instance: our retriever's memo of question vectors is not shared
        embedder = MultilingualEmbedder(s.vector_cache, s.embedding_threads)
        print(f"[{name}] peer: splitting and embedding {len(files)} files…", file=sys.stderr, flush=True)
        baseline = peer_mod.PeerRetriever(files, embedder, collection=f"peer_{name}", progress=True)
        for question in WARM_UP:
            baseline.search(question, k=10)

    detail: list[dict] = []
    misses = []
    for q, gold in zip(questions, texts, strict=True):
        d = {"id": q["id"], "type": q["kind"], "language": q["language"]}
        started = time.perf_counter()
        hits = service.retrieve(q["question"], k=10)
        d["ours_ms"] = (time.perf_counter() - started) * 1000
        d["ours_rank"] = gold_rank(hits, q["gold"], retriever.article, q.get("gold_versions"))
        if show_misses and (d["ours_rank"] is None or d["ours_rank"] > 5):
            misses.append((OURS, q["id"], d["ours_rank"], [f"{h.document[:40]} | {h.article[:30]}" for h in hits[:3]]))
        if baseline is not None:
            started = time.perf_counter()
            found = baseline.search(q["question"], k=10)
            d["peer_ms"] = (time.perf_counter() - started) * 1000
            d["peer_rank"] = peer_mod.peer_rank([h.text for h in found], gold)
            if show_misses and (d["peer_rank"] is None or d["peer_rank"] > 5):
                misses.append((PEER, q["id"], d["peer_rank"], [f"{h.source[:30]} | {squash(h.text)[:50]}"
                                                                for h in found[:3]]))
        detail.append(d)
    for m in misses:
        print(name, *m)

    rows = {OURS: summarise(questions, [d["ours_rank"] for d in detail], [d["ours_ms"] / 1000 for d in detail])}
    peer_info = None
    if baseline is not None:
        rows[PEER] = summarise(questions, [d["peer_rank"] for d in detail], [d["peer_ms"] / 1000 for d in detail])
        peer_info = {"description": peer_mod.DESCRIPTION, "chunk_size": peer_mod.CHUNK_SIZE,
                     "chunk_overlap": peer_mod.CHUNK_OVERLAP, "rrf_k": peer_mod.RRF_K, "depth": peer_mod.DEPTH,
                     "chunks": len(baseline), "index_s": baseline.index_s}
    return {"library": name, "rows": rows, "questions": detail, "peer": peer_info, "unknown_gold": unknown,
            "ours": {"store_chunks": retriever.store.count(), "articles": len(snap.articles), "ingest_s": ingest_s,
                     "skipped": [list(x) for x in getattr(report, "skipped", [])]}}


def library_table(result: dict) -> str:
    """Markdown: rows = retrievers; columns = hit@5 and MRR@10 per question type, overall, latency."""
    first = next(iter(result["rows"].values()))
    kinds = list(first["by_type"])
    head = ["retriever"] + [f"{k} (n={first['by_type'][k]['n']}) {metric}" for k in kinds
                            for metric in ("hit@5", "MRR@10")]
    head += [f"all (n={first['all']['n']}) hit@5", f"all (n={first['all']['n']}) MRR@10", "p50 ms", "p95 ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in result["rows"].items():
        cells = [name] + [f"{row['by_type'][k][m]:.3f}" for k in kinds for m in ("hit@5", "mrr@10")]
        cells += [f"{row['all']['hit@5']:.3f}", f"{row['all']['mrr@10']:.3f}", f"{row['all']['p50_ms']:.1f}",
                  f"{row['all']['p95_ms']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _shown(path: Path) -> str:
    """A path as cited: relative to the checkout, ../shared/… beside it, else absolute."""
    resolved, root = path.resolve(), _settings.PROJECT_ROOT
    if resolved.is_relative_to(root):
        return str(resolved.relative_to(root))
    if resolved.is_relative_to(root.parent):
        return "../" + str(resolved.relative_to(root.parent))
    return str(resolved)


def _file_entry(path: Path) -> dict:
    import hashlib

    return {"file": _shown(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def run_libraries(args: argparse.Namespace, libraries: list[str]) -> list[dict]:
    import datetime
    import os
    import platform

    laws_dir = args.laws_dir
    if "laws" in libraries and laws_dir is None:
        laws_dir = LAWS_DIR
    plan = []
    for name in libraries:
        if name == "bundled":
            plan.append((name, gold_questions(), "evals/gold/*.jsonl (held-out)"))
        else:
            if not args.laws_gold.is_file():
                raise SystemExit(f"no laws questions at {args.laws_gold}: write them there or pass --laws-gold PATH")
            plan.append((name, laws_questions(args.laws_gold), f"{_shown(args.laws_gold)} (held-out)"))
    if args.limit:
        plan = [(name, questions[: args.limit], origin) for name, questions, origin in plan]
    for name, questions, _ in plan:
        if not questions:
            raise SystemExit(f"{name}: no held-out questions with gold articles")
    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    load = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, questions, origin in plan:
            files = library_sources(name, laws_dir)
            result = run_library(name, files, questions, Path(tmp), peer=args.peer, show_misses=args.show_misses)
            result.update({"date": started_at, "command": "python -m benchmarks.retrieval_bench "
                                                          + " ".join(args.argv),
                           "machine": {"cores": os.cpu_count(), "load_average_at_start": list(load),
                                       "python": platform.python_version(), "accelerator": None},
                           "question_source": origin, "sources": [_file_entry(p) for p in files]})
            results.append(result)
            print(f"\n## {name}: {len(files)} files, {len(questions)} held-out questions ({origin}); "
                  f"{os.cpu_count()} cores, load {load[0]:.1f} at start, Python {platform.python_version()}, CPU only")
            print(library_table(result), flush=True)
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                path = args.out / f"retrieval_{name}.json"
                path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
                print(f"written: {path}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.retrieval_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    libraries = parser.add_argument_group("libraries (the default run): ours vs the peer baseline")
    libraries.add_argument("--library", choices=("bundled", "laws", "both"), default=None,
                           help="which library to measure (default: both, unless only --classic options are given)")
    libraries.add_argument("--peer", action=argparse.BooleanOptionalAction, default=True,
                           help="the peer row: LangChain's default splitter + e5 in Chroma + jieba BM25, RRF k=60 "
                                "(default: on; --no-peer for ours alone)")
    libraries.add_argument("--laws-dir", type=Path, default=None,
                           help="the laws' Markdown files (default: evals/fixtures/laws)")
    libraries.add_argument("--laws-gold", type=Path, default=LAWS_GOLD,
                           help="the laws questions, evals/gold/*.jsonl format plus named_document; the held-out "
                                "items with gold articles and no turns are asked (default: %(default)s)")
    libraries.add_argument("--limit", type=int, default=0,
                           help="ask only the first N questions of each library (a quick check; 0: all)")
    libraries.add_argument("--out", default=str(RESULTS),
                           help="folder for retrieval_<library>.json (default: benchmarks/results; '' for none)")
    classic = parser.add_argument_group("classic run: every ranking of ours and the naive LangChain baseline")
    classic.add_argument("--classic", action="store_true",
                         help="run it (implied by --gold or --replicas): benchmarks/data/retrieval_questions.jsonl")
    classic.add_argument("--replicas", type=int, default=None,
                         help="also time the corpus copied N times (default 50; 0: skip)")
    classic.add_argument("--gold", action="store_true",
                         help="also the held-out gold items of the evaluation (cross-lingual, paraphrase, typo, …)")
    parser.add_argument("--show-misses", action="store_true", help="print the questions each retriever missed")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    args.out = Path(args.out) if args.out else None
    run_old = args.classic or args.gold or args.replicas is not None
    library = args.library or (None if run_old else "both")
    if run_old:
        args.replicas = 50 if args.replicas is None else args.replicas
        run_classic(args)
    if library:
        run_libraries(args, ["bundled", "laws"] if library == "both" else [library])


def run_classic(args: argparse.Namespace) -> None:
    """The original benchmark: every single ranking of ours and the naive baseline, by kind, at scale."""
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
