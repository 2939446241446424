"""Each metric against its floor (evals/floors.toml). A metric under its floor fails with the list
of the questions that failed and why (wrong article, missing fact, uncited sentence, not refused)."""

from __future__ import annotations

import pytest

from evals.conftest import ORIGINAL_SET, floors_for

CEILINGS = {"false_refusal_rate"}
# No latency or memory ceiling: timed figures depend on what else runs on the machine, so they live in
# benchmarks/answer_bench.py (p50/p95 against a committed baseline), not in a test.
METRICS = ["hit@5", "mrr@10", "ndcg@10", "recall@5", "citation_precision", "citation_recall", "citation_coverage",
           "key_fact_recall", "token_f1", "abstention_accuracy", "false_refusal_rate"]
TIMED_WORDS, TIMED_UNITS = ("latency", "seconds", "rss", "memory"), ("_s", "_ms", "_mb", "_gb")
RELEVANT = {  # which failure reasons explain a low value of each metric
    "hit@5": "wrong article", "mrr@10": "wrong article", "ndcg@10": "wrong article", "recall@5": "wrong article",
    "citation_precision": "cited", "citation_recall": "cited", "citation_coverage": "uncited",
    "key_fact_recall": "missing fact", "token_f1": "missing fact", "abstention_accuracy": "not refused",
    "false_refusal_rate": "refused an answerable",
}


def _failed(run: dict, metric: str) -> str:
    needle = RELEVANT.get(metric, "")
    lines = [f"  {r['id']} ({r['type']}): {'; '.join(r['why'])} — {r['question'][:80]}"
             for r in run["rows"] if r["set"] == ORIGINAL_SET and any(needle in w for w in r["why"])]
    return "\n".join(lines[:40]) or "  (no single item explains it)"


@pytest.mark.parametrize("metric", METRICS)
def test_metric_meets_its_floor(evaluation, floors, metric):
    backend = evaluation["primary"]
    run = evaluation["runs"][backend]
    floor = floors_for(floors, backend).get(metric)
    if floor is None:
        pytest.skip(f"no floor for {metric} ({backend}) in evals/floors.toml")
    value = run["original"].get(metric)  # on the item set the floors were measured on
    assert value is not None, f"{metric} was not measured"
    if metric in CEILINGS:
        assert value <= floor, f"{backend} {metric} = {value:.3f} > {floor}\n{_failed(run, metric)}"
    else:
        assert value >= floor, f"{backend} {metric} = {value:.3f} < {floor}\n{_failed(run, metric)}"


def _floor_names(table: dict, prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, value in table.items():
        out += _floor_names(value, f"{prefix}{key}.") if isinstance(value, dict) else [prefix + key]
    return out


def test_no_floor_is_a_time_or_a_memory_size():
    """A timed floor fails when other work shares the machine; such figures belong to the benchmarks."""
    import tomllib

    from evals.conftest import FLOORS

    names = _floor_names(tomllib.loads(FLOORS.read_text(encoding="utf-8")))
    timed = [n for n in names if any(w in n.lower() for w in TIMED_WORDS) or n.lower().endswith(TIMED_UNITS)]
    assert names, "evals/floors.toml holds no floor"
    assert not timed, f"timed or memory floors in evals/floors.toml (move them to a benchmark): {timed}"


def test_every_citation_resolves_to_a_retrieved_article(evaluation):
    """citation validity must be 1.0 for every backend: an invented citation is a hard failure."""
    for backend, run in evaluation["runs"].items():
        if backend == "naive LangChain":
            continue
        bad = [r["id"] for r in run["rows"] if r["n_resolving"] < r["n_citations"]]
        assert run["metrics"]["citation_validity"] == 1.0, f"{backend}: invented citations in {bad}"


# The held-out floors of every library (per type and for the answers) are checked on the left-out figures:
# evals/test_left_out.py with evals/floors_left_out.toml.
