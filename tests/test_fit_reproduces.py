"""The committed weights are what ``python -m evals.fit`` makes from the committed tune rows.

No store and no model: the fit reads ``evals/fit_data/*.jsonl`` (the rows ``evals.fit collect``
recorded) and is deterministic. A hand edit of a weight, a changed feature list or tune rows that
were changed without refitting all fail here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from evals import fit
from qa.ranking.model import WEIGHTS, Weights

LIBRARIES = [lib for lib in fit.LIBRARIES if (fit.DATA / f"{lib}.rank.jsonl").exists()]


def _close(a: Weights, b: Weights) -> bool:
    pairs = [(a.ranker, b.ranker), (a.answerability, b.answerability)]
    return (abs(a.threshold - b.threshold) < 1e-3 and a.fitted_on == b.fitted_on
            and all(np.allclose(x.weights, y.weights, atol=2e-3) and abs(x.bias - y.bias) < 2e-3 for x, y in pairs))


def test_the_product_weights_are_the_fit_of_every_library():
    assert LIBRARIES, "no fit data committed (evals/fit_data/)"
    assert _close(fit.fit(LIBRARIES), Weights.load(WEIGHTS))


@pytest.mark.parametrize("left_out", LIBRARIES)
def test_each_left_out_fit_reproduces(left_out):
    committed = Weights.load(fit.weights_path(left_out))
    assert left_out not in committed.fitted_on
    assert _close(fit.fit([lib for lib in LIBRARIES if lib != left_out]), committed)


def test_a_changed_weight_is_caught(tmp_path):
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    data["ranker"]["weights"][0] += 0.5
    assert not _close(fit.fit(LIBRARIES), Weights.from_json(data))


def test_the_fit_reads_only_tune_rows(monkeypatch):
    """Changing a held-out row changes nothing: held-out items are only scored."""
    rows = fit.read_rows("rank", LIBRARIES)
    held = [r for r in rows if r["split"] == "heldout"]
    assert held
    for r in held:
        r["labels"] = [1 - v for v in r["labels"]]
    monkeypatch.setattr(fit, "read_rows", lambda kind, libs: [r for r in rows if r["library"] in libs]
                        if kind == "rank" else [])
    assert np.allclose(fit.fit(LIBRARIES).ranker.weights,
                       fit.fit_ranker([r for r in rows if r["split"] == "tune"]).weights)
