"""`pytest evals/`: runs the gold set once per session and writes the report, then the tests check
each metric against its floor. Options: --backend extractive|local|openai, --compare."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from netlaw import settings as _settings
from qa.backends import BACKENDS, available_backends

FLOORS = Path(__file__).parent / "floors.toml"
# The overall floors were measured on the first gold set (evals/gold/gold.jsonl, 83 items) and are
# checked on it, so that harder item types added later cannot hide a regression on it (nor lower
# a floor); the later types have per-type floors on their held-out part.
ORIGINAL_SET = "gold"


def pytest_addoption(parser):
    parser.addoption("--backend", default="extractive", choices=BACKENDS,
                     help="answer backend to evaluate (default: extractive)")
    parser.addoption("--compare", action="store_true",
                     help="evaluate every backend this installation can run (qa.backends.available_backends) "
                          "plus the naive LangChain baseline")


@pytest.fixture(scope="session")
def gold():
    from evals.runner import load_gold

    return load_gold()


@pytest.fixture(scope="session")
def eval_settings(tmp_path_factory):
    """The configured store when it holds documents; otherwise the bundled corpus in a temporary store."""
    from vectorstore.chroma import ChunkStore, StoreError

    s = _settings.get_settings()
    try:
        if ChunkStore(s).count() > 0 and s.index_refresh_s >= 0:
            manifest = ChunkStore(s).pointer().manifest
            if all(Path(_settings.PROJECT_ROOT / k).parent == s.corpus_dir for k in manifest) and len(manifest) == 5:
                return left_out(s, "bundled")
    except StoreError:
        pass
    from ingest.pipeline import run_ingest

    tmp = tmp_path_factory.mktemp("eval-store")
    s = s.model_copy(update={"store_dir": tmp / "store", "cache_dir": tmp / "cache", "chroma_url": None,
                             "chroma_host": None})
    print("\ningesting the bundled corpus into a temporary store for the evaluation…", file=sys.__stderr__)
    run_ingest([s.corpus_dir], s, progress=True)
    return left_out(s, "bundled")


def left_out(s, library: str):
    """The settings with the ranker and answerability fitted WITHOUT this library (evals/fit_data/): every
    figure ``pytest evals/`` reports for a library is the figure of a fit that never saw it."""
    from evals.fit import weights_path

    return s.model_copy(update={"ranking_weights": weights_path(library)})


@pytest.fixture(scope="session")
def floors() -> dict:
    return tomllib.loads(FLOORS.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def evaluation(request, eval_settings, gold, floors):

    from evals.baseline import run_naive_baseline
    from evals.report import write_report
    from evals.runner import aggregate, run_backend
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    compare = request.config.getoption("--compare")
    backends = available_backends(eval_settings) if compare else [request.config.getoption("--backend")]
    service = AnswerService(eval_settings, HybridRetriever(eval_settings))
    runs = {}
    for backend in backends:
        service.ask("warm-up: when did the public account regulations take effect?", backend=backend)
        rows = run_backend(service, backend, gold)
        runs[backend] = {"metrics": aggregate(rows), "by_type": by_type(rows), "rows": rows,
                         "original": aggregate([r for r in rows if r["set"] == ORIGINAL_SET]),
                         "heldout_by_type": by_type([r for r in rows if r["split"] == "heldout"]),
                         "heldout": aggregate([r for r in rows if r["split"] == "heldout"])}
    if compare:
        snap = service.retriever.snapshot()
        texts = {(snap.first_chunk(a).document, snap.first_chunk(a).article): snap.article_text(a)
                 for a in snap.articles}
        rows = run_naive_baseline(gold, texts)
        runs["naive LangChain"] = {"metrics": aggregate(rows), "by_type": by_type(rows), "rows": rows,
                                   "heldout_by_type": by_type([r for r in rows if r["split"] == "heldout"])}
    failures = {b: [r for r in run["rows"] if r["why"]] for b, run in runs.items()}
    folder = write_report(runs, floors_for(floors, backends[0]), failures)
    print(f"\nevaluation report: {folder / 'report.md'} (also evals/reports/latest/)", file=sys.__stderr__)
    for backend, run in runs.items():
        print(f"{backend}: " + ", ".join(f"{k} {v:.3f}" for k, v in run["metrics"].items()), file=sys.__stderr__)
        if "heldout" in run:
            print(f"{backend} held-out: " + ", ".join(f"{k} {v:.3f}" for k, v in run["heldout"].items()),
                  file=sys.__stderr__)
    return {"primary": backends[0], "runs": runs}


def floors_for(floors: dict, backend: str) -> dict:
    """The overall floors of a backend (its per-type held-out floors are ``floors[backend]["heldout"]``)."""
    merged = dict(floors.get("default", {}))
    merged.update({k: v for k, v in floors.get(backend, {}).items() if not isinstance(v, dict)})
    return merged


def by_type(rows: list[dict]) -> dict:
    out: dict = {}
    for qtype in sorted({r["type"] for r in rows}):
        subset = [r for r in rows if r["type"] == qtype]
        entry = {"n": len(subset), "refused": sum(r["refused"] for r in subset)}
        if any(not r["answerable"] for r in subset):
            entry["declined"] = sum(r.get("declined", r["refused"]) for r in subset) / len(subset)
        for key in ("hit@5", "mrr@10", "citation_recall", "citation_precision", "key_fact_recall",
                    "first_line_key_fact_recall", "named_top_document", "version_right"):
            values = [r[key] for r in subset if r.get(key) is not None]
            if values:
                entry[key] = sum(values) / len(values)
        out[qtype] = entry
    return out


# --- the second library: the bundled corpus plus real Chinese laws (evals/fixtures/laws) ----------------
LAWS_GOLD = Path(__file__).parent / "gold_laws"  # laws.jsonl (questions), versions.jsonl (versions of a law)


def library_store(tmp_path_factory, library: str):
    """A temporary store of the bundled corpus plus a development library (``evals.fit.library_files``), as a
    team that uploads its laws has; settings with the weights of the fit that left the library out."""
    from evals.fit import library_files
    from ingest.pipeline import run_ingest

    s = _settings.get_settings()
    tmp = tmp_path_factory.mktemp(f"{library}-store")
    s = s.model_copy(update={"store_dir": tmp / "store", "cache_dir": tmp / "cache", "chroma_url": None,
                             "chroma_host": None})
    print(f"\ningesting the bundled corpus and the {library} library into a temporary store…", file=sys.__stderr__)
    run_ingest(library_files(library), s, progress=True)
    return left_out(s, library)


def answered(s, backend: str, items: list[dict]) -> list[dict]:
    """Every item of a library's gold answered and scored (``evals.runner.run_backend``), after one warm-up
    question (the models load on the first)."""
    from evals.runner import run_backend
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    service = AnswerService(s, HybridRetriever(s))
    service.ask("warm-up: 什么时候施行？", backend=backend)
    return run_backend(service, backend, items)


@pytest.fixture(scope="session")
def laws_settings(tmp_path_factory):
    """The bundled corpus plus the laws of evals/fixtures/laws."""
    return library_store(tmp_path_factory, "laws")


@pytest.fixture(scope="session")
def laws_evaluation(request, laws_settings):
    """The laws gold set (evals/gold_laws) through the primary backend, on the second library."""
    import json

    from evals.report import write_laws_report
    from evals.runner import aggregate

    backend = request.config.getoption("--backend")
    items = [dict(json.loads(line), set=path.stem) for path in sorted(LAWS_GOLD.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = answered(laws_settings, backend, items)
    split = {name: [r for r in rows if r["split"] == name] for name in ("tune", "heldout")}
    run = {"backend": backend, "rows": rows, "metrics": aggregate(rows),
           "by_split": {name: aggregate(part) for name, part in split.items() if part},
           "by_split_type": {name: by_type(part) for name, part in split.items() if part}}
    path = write_laws_report(run)
    print(f"\nsecond library report: {path}", file=sys.__stderr__)
    for name, metrics in run["by_split"].items():
        print(f"laws {backend} {name}: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()), file=sys.__stderr__)
    return run


# --- the third library: the bundled corpus plus State Council regulations (evals/fixtures/regs) -------------

@pytest.fixture(scope="session")
def regs_settings(tmp_path_factory):
    """The bundled corpus plus the regulations of evals/fixtures/regs."""
    return library_store(tmp_path_factory, "regs")


@pytest.fixture(scope="session")
def regs_evaluation(request, regs_settings):
    """The regulations gold (evals/gold_regs) through the primary backend, on the third library."""
    from evals.fit import load_items
    from evals.runner import aggregate

    backend = request.config.getoption("--backend")
    rows = answered(regs_settings, backend, load_items("regs"))
    return {"backend": backend, "rows": rows, "metrics": aggregate(rows)}
