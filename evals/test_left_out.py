"""Every development library measured as a library the fit never saw (leave-one-library-out).

Each library's evaluation (``evaluation`` bundled, ``laws_evaluation``, ``regs_evaluation``) runs with
the ranker and answerability weights fitted WITHOUT that library (``evals.conftest.left_out``,
``evals/fit_data/without-<library>.json``). This module prints the per-library, per-type table of the
held-out items, writes it to ``evals/reports/left_out.md``, and checks the floors of
``evals/floors_left_out.toml`` (measured on these left-out figures; never lowered).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from evals.runner import aggregate

FLOORS = Path(__file__).with_name("floors_left_out.toml")
REPORT = Path(__file__).parent / "reports" / "left_out.md"
CEILINGS = {"false_refusal_rate"}
COLUMNS = ("hit@1", "hit@5", "key_fact_recall", "first_line_key_fact_recall", "citation_precision",
           "false_refusal_rate", "near_topic_refusal")
FIXTURES = {"bundled": "evaluation", "laws": "laws_evaluation", "regs": "regs_evaluation"}


def _rows(request, library: str) -> list[dict]:
    run = request.getfixturevalue(FIXTURES[library])
    if library == "bundled":
        run = run["runs"][run["primary"]]
    return [r for r in run["rows"] if r["split"] == "heldout"]


def table(rows_by_library: dict[str, list[dict]]) -> str:
    lines = ["| library | type | n | " + " | ".join(COLUMNS) + " |", "|---|---|---|" + "---|" * len(COLUMNS)]
    for library, rows in rows_by_library.items():
        for qtype in ["all", *sorted({r["type"] for r in rows})]:
            subset = [r for r in rows if qtype in ("all", r["type"])]
            figures = aggregate(subset)
            cells = [f"{figures[c]:.2f}" if c in figures else "" for c in COLUMNS]
            lines.append(f"| {library} | {qtype} | {len(subset)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _floors() -> list[tuple[str, str, str, float]]:
    floors = tomllib.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    return [(library, qtype, metric, value) for library, types in floors.items()
            for qtype, metrics in types.items() for metric, value in metrics.items()]


@pytest.fixture(scope="module")
def left_out_rows(request) -> dict[str, list[dict]]:
    rows = {library: _rows(request, library) for library in FIXTURES}
    text = table(rows)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("# Held-out items, each library left out of the fit\n\n" + text, encoding="utf-8")
    print("\n" + text, file=sys.__stderr__)
    return rows


@pytest.mark.parametrize(("library", "qtype", "metric", "floor"), _floors())
def test_left_out_library_meets_its_floor(left_out_rows, library, qtype, metric, floor):
    rows = [r for r in left_out_rows[library] if qtype in ("all", r["type"])]
    value = aggregate(rows).get(metric)
    assert value is not None, f"{library} {qtype}: no held-out item measured {metric}"
    failed = "\n".join(f"  {r['id']}: {'; '.join(r['why'])}" for r in rows if r["why"])
    if metric in CEILINGS:
        assert value <= floor, f"{library} held-out {qtype} {metric} = {value:.3f} > {floor}\n{failed}"
    else:
        assert value >= floor, f"{library} held-out {qtype} {metric} = {value:.3f} < {floor}\n{failed}"


def test_every_library_is_measured_left_out(left_out_rows):
    """Each library's run used the weights of a fit without it."""
    from evals.fit import weights_path
    from qa.ranking.model import Weights

    for library in FIXTURES:
        assert library not in Weights.load(weights_path(library)).fitted_on
        assert left_out_rows[library], f"no held-out rows for {library}"
