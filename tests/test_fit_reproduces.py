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
    return (abs(a.threshold - b.threshold) < 1e-3 and a.fitted_on == b.fitted_on and a.depth == b.depth
            and all(np.allclose(x.weights, y.weights, atol=2e-3) and abs(x.bias - y.bias) < 2e-3 for x, y in pairs))


def test_the_product_weights_are_the_fit_of_every_library():
    assert LIBRARIES, "no fit data committed (evals/fit_data/)"
    assert _close(fit.fit(LIBRARIES), Weights.load(WEIGHTS))


@pytest.mark.parametrize("left_out", LIBRARIES)
def test_each_left_out_fit_reproduces(left_out):
    committed = Weights.load(fit.weights_path(left_out))
    assert left_out not in committed.fitted_on
    assert _close(fit.fit_left_out(left_out, LIBRARIES), committed)


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


@pytest.mark.parametrize("left_out", LIBRARIES)
def test_a_left_out_fit_never_reads_its_library(monkeypatch, left_out):
    """A left-out fit reads every row of the other libraries and none of the one it is measured on: flipping
    that library's labels changes nothing, flipping another's changes the ranker."""
    read = fit.read_rows
    rows = read("rank", LIBRARIES)
    before = fit.fit_left_out(left_out, LIBRARIES).ranker.weights

    def flipped(library):
        out = [dict(r, labels=[1 - v for v in r["labels"]]) if r["library"] == library else r for r in rows]
        return lambda kind, libs: [r for r in out if r["library"] in libs] if kind == "rank" else read(kind, libs)

    monkeypatch.setattr(fit, "read_rows", flipped(left_out))
    assert np.allclose(fit.fit_left_out(left_out, LIBRARIES).ranker.weights, before)
    other = next(lib for lib in LIBRARIES if lib != left_out)
    monkeypatch.setattr(fit, "read_rows", flipped(other))
    assert not np.allclose(fit.fit_left_out(left_out, LIBRARIES).ranker.weights, before, atol=2e-3)


def test_the_ranker_sees_the_first_candidates_as_the_product_gives_them():
    """The fit re-computes the columns relative to the best candidate over the first ``depth`` candidates,
    as the ranker computes them when the chain hands it only those."""
    from qa.ranking.features import FEATURES

    row = next(r for r in fit.read_rows("rank", LIBRARIES) if len(r["labels"]) > fit.RANK_DEPTH)
    m, y = fit.head(row["matrix"], row["labels"], fit.RANK_DEPTH)
    assert m.shape == (fit.RANK_DEPTH, len(FEATURES))
    assert len(y) == fit.RANK_DEPTH
    xl, behind, kw = (FEATURES.index(n) for n in ("xl", "xl_behind", "keyword"))
    assert np.isclose(m[:, behind].max(), 0.0)
    assert np.allclose(m[:, behind], m[:, xl] - m[:, xl].max())
    assert m[:, kw].max() in (0.0, 1.0)
    assert fit.fit(LIBRARIES).depth == fit.RANK_DEPTH == Weights.load(WEIGHTS).depth
