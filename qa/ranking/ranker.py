"""Rankers: a small component with a typed ``run(context, hits) → hits`` (and a lazy ``warm_up``).

``retrieval`` keeps the hybrid retrieval's own order (what the product did before); ``learned``
re-orders the retrieval's candidates by the fitted linear model over ``features.FEATURES``. The
chain picks one by name (``RANKERS``, setting ``ranker``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.ranking.features import RankContext, candidate_matrix
from qa.ranking.model import Weights, answer_row, load_weights, sigmoid


@dataclass
class Ranked:
    """A ranker's output: the hits in its order, the feature rows and scores (aligned with ``hits``). The rows
    may be given as a function, computed on first use: the fused order needs no features to rank."""

    hits: list
    rows: np.ndarray | Callable[[], np.ndarray]
    scores: np.ndarray

    @property
    def matrix(self) -> np.ndarray:
        if callable(self.rows):
            self.rows = self.rows()
        return self.rows


@dataclass
class WeightsSource:
    """Weights given, or read from a file (the committed one by default) when first needed."""

    weights: Weights | None = None
    path: Path | None = None

    def get(self) -> Weights:
        if self.weights is None:
            self.weights = load_weights(self.path)
        return self.weights


class Ranker(Protocol):
    name: str

    def warm_up(self) -> None: ...

    def run(self, context: RankContext, hits: Sequence) -> Ranked: ...


class Features:
    """Computes the feature rows of a question's candidates over the retriever's snapshot."""

    def __init__(self, retriever):
        self.retriever = retriever

    def matrix(self, context: RankContext, hits: Sequence) -> np.ndarray:
        from qa.reading.spans import spans

        snap = self.retriever.snapshot()

        def terms_of(hit) -> set[str]:
            ids = [hit.article_id] + ([hit.parallel_id] if hit.parallel_id in snap.articles else [])
            out: set[str] = set()
            for article_id in ids:
                for index in snap.articles.get(article_id, []):
                    out |= snap.keyword_terms(index)
            return out

        if not context.translated:
            from netlaw.text.script import is_zh
            from vectorstore.translate import en_to_zh, zh_to_en

            context.translated = zh_to_en(context.question) if is_zh(context.question) else en_to_zh(context.question)
        return candidate_matrix(context, hits, terms_of, snap.keyword.idf, spans)


class RetrievalOrder:
    """The hybrid retrieval's order, unchanged (scores: its fused score)."""

    name = "retrieval"

    def __init__(self, retriever, weights: Weights | None = None, path: Path | None = None):
        self.features = Features(retriever)

    def warm_up(self) -> None:
        pass

    def run(self, context: RankContext, hits: Sequence) -> Ranked:
        hits = list(hits)
        return Ranked(hits, lambda: self.features.matrix(context, hits), -np.arange(len(hits), dtype=np.float64))


class LearnedRanker:
    """Orders candidates by the fitted linear score; ``explain`` says what each feature added."""

    name = "learned"

    def __init__(self, retriever, weights: Weights | None = None, path: Path | None = None):
        self.features = Features(retriever)
        self.source = WeightsSource(weights, path)

    @property
    def weights(self) -> Weights:
        return self.source.get()

    def warm_up(self) -> None:
        _ = self.weights

    def run(self, context: RankContext, hits: Sequence) -> Ranked:
        """The first ``weights.depth`` candidates re-ordered (their features computed among themselves, as
        in the fit); any further candidates follow in the retrieval's order, scored below them."""
        hits = list(hits)
        for position, hit in enumerate(hits):  # the refusal rules judge the retrieval's first (qa.reading.gate)
            setattr(hit, "retrieval_position", position)  # noqa: B010
        depth = self.weights.depth or len(hits)
        head, tail = hits[:depth], hits[depth:]
        matrix = self.features.matrix(context, head)
        scores = self.weights.ranker.score(matrix.astype(np.float64))
        order = np.argsort(-scores, kind="stable")
        if not tail:
            return Ranked([head[i] for i in order], matrix[order], scores[order])
        below = (scores.min() if len(scores) else 0.0) - 1.0 - np.arange(len(tail), dtype=np.float64)
        rows = np.vstack([matrix[order], self.features.matrix(context, tail)])
        return Ranked([head[i] for i in order] + tail, rows, np.concatenate([scores[order], below]))

    def explain(self, row: np.ndarray) -> dict[str, float]:
        model = self.weights.ranker
        z = row if model.mean is None else (row - model.mean) / model.scale
        return {n: round(float(w * v), 3) for n, w, v in zip(model.names, model.weights, z, strict=True)}


RANKERS: dict[str, Callable[..., Ranker]] = {"retrieval": RetrievalOrder, "learned": LearnedRanker}


class Answerability:
    """The probability that the best candidate answers, from the ranked list and the reading."""

    def __init__(self, weights: Weights | None = None, path: Path | None = None):
        self.source = WeightsSource(weights, path)

    @property
    def weights(self) -> Weights:
        return self.source.get()

    def probability(self, ranked: Ranked, wants_span: bool, reading, named: bool) -> float:
        order = np.arange(len(ranked.hits))
        row = answer_row(ranked.matrix, ranked.scores, order, wants_span, reading, named)
        return sigmoid(float(self.weights.answerability.score(row[None, :])[0]))

    @property
    def threshold(self) -> float:
        return self.weights.threshold

    def decide(self, state, sources: list, reading, reader):
        """The reading to answer with, or refused (support "none", with the reason) below the threshold.
        Above it, when the reader found no sentence of the asked kind, the best sentence of the best
        articles answers (``reader.read_best``). ``state``: the chain's ``AskState``, ranked."""
        q = state.analysis
        p = self.probability(state.ranked, bool(q and q.wants_span), reading, bool(state.named))
        reading.confidence = p
        if p < self.threshold:
            reading.support, reading.lines = "none", []
            reading.reason = reading.reason or f"the closest articles do not answer it (confidence {p:.2f})"
            return reading
        if reading.support == "none":
            fallback = reader.read_best(state.standalone, sources, state.analysis)
            if fallback.support != "none":
                fallback.confidence = p
                return fallback
        return reading
