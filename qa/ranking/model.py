"""The learned ranker and the answerability model: linear scores over ``features.FEATURES``.

Both are fitted by ``python -m evals.fit`` (a listwise softmax over each question's candidates for the
ranker, a logistic regression for answerability) and read from one committed weights file
(``qa/ranking/weights.json``); nothing here is set by hand. A newcomer can say why an article came
first: its score is the sum of ``weight × feature`` (``LearnedRanker.explain``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.ranking.features import FEATURES

WEIGHTS = Path(__file__).with_name("weights.json")

# The answerability model's signals: the ranked list's confidence and what the reader found.
ANSWER_FEATURES: tuple[str, ...] = (
    "top_probability", "top_margin", "top_xl", "top_coverage", "top_coverage_translated", "top_kind_stated",
    "wants_span", "read_direct", "read_partial", "read_strength", "read_closeness", "named",
)
# The sentence scorer's signals (qa.reading.scoring: scorer "learned"), one row per shortlisted sentence.
SENTENCE_FEATURES: tuple[str, ...] = ("e5", "lexical", "kind", "rank", "cosine", "header", "across")


@dataclass
class LinearModel:
    names: tuple[str, ...]
    weights: np.ndarray
    bias: float = 0.0
    mean: np.ndarray | None = None  # standardisation fitted with the weights
    scale: np.ndarray | None = None

    def score(self, x: np.ndarray) -> np.ndarray:
        if x.size == 0:
            return np.zeros(len(x))
        z = x if self.mean is None else (x - self.mean) / self.scale
        return z @ self.weights + self.bias

    def to_json(self) -> dict:
        return {"features": list(self.names), "weights": [round(float(w), 6) for w in self.weights],
                "bias": round(float(self.bias), 6),
                "mean": None if self.mean is None else [round(float(v), 6) for v in self.mean],
                "scale": None if self.scale is None else [round(float(v), 6) for v in self.scale]}

    @classmethod
    def from_json(cls, data: dict, names: tuple[str, ...]) -> LinearModel:
        if tuple(data["features"]) != names:
            raise ValueError(f"weights are for features {data['features']}, the code computes {list(names)}")
        def arr(key):
            return (None if data.get(key) is None else np.asarray(data[key], dtype=np.float64))
        return cls(names, np.asarray(data["weights"], dtype=np.float64), float(data.get("bias", 0.0)),
                   arr("mean"), arr("scale"))


@dataclass
class Weights:
    """The fitted models and the refusal threshold chosen on the tune items."""

    ranker: LinearModel
    answerability: LinearModel
    threshold: float = 0.5
    fitted_on: list[str] = field(default_factory=list)  # the libraries whose tune items fitted them
    sentence: LinearModel | None = None  # the reader's sentence scorer (logistic)
    depth: int | None = None  # the ranker re-orders the retrieval's first ``depth`` candidates (None: all)

    def to_json(self) -> dict:
        return {"ranker": self.ranker.to_json(), "answerability": self.answerability.to_json(),
                "threshold": round(self.threshold, 4), "fitted_on": self.fitted_on,
                "sentence": self.sentence.to_json() if self.sentence is not None else None, "depth": self.depth}

    @classmethod
    def from_json(cls, data: dict) -> Weights:
        sentence = data.get("sentence")
        return cls(LinearModel.from_json(data["ranker"], FEATURES),
                   LinearModel.from_json(data["answerability"], ANSWER_FEATURES),
                   float(data["threshold"]), list(data.get("fitted_on", [])),
                   LinearModel.from_json(sentence, SENTENCE_FEATURES) if sentence else None, data.get("depth"))

    @classmethod
    def load(cls, path: Path | None = None) -> Weights:
        return cls.from_json(json.loads((path or WEIGHTS).read_text(encoding="utf-8")))

    def save(self, path: Path | None = None) -> None:
        (path or WEIGHTS).write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")


@lru_cache(maxsize=8)
def load_weights(path: Path | None = None) -> Weights:
    """The weights file, read once per path."""
    return Weights.load(path)


def softmax(scores: np.ndarray) -> np.ndarray:
    if scores.size == 0:
        return scores
    e = np.exp(scores - scores.max())
    return e / e.sum()


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def answer_row(matrix: np.ndarray, scores: np.ndarray, order: np.ndarray, wants_span: bool,
               reading=None, named: bool = False) -> np.ndarray:
    """``ANSWER_FEATURES`` of one question: its ranked candidates (``order`` = ranker order) and the reading."""
    col = {n: i for i, n in enumerate(FEATURES)}
    if len(order) == 0:
        return np.zeros(len(ANSWER_FEATURES))
    top = matrix[order[0]]
    probabilities = softmax(scores)
    margin = float(scores[order[0]] - scores[order[1]]) if len(order) > 1 else 5.0
    support = getattr(reading, "support", "none") if reading is not None else "none"
    return np.asarray([
        float(probabilities[order[0]]), min(margin, 5.0), float(top[col["xl"]]), float(top[col["coverage"]]),
        float(top[col["coverage_translated"]]), float(top[col["kind_stated"]]), float(wants_span),
        float(support == "direct"), float(support == "partial"),
        float(getattr(reading, "strength", 0.0) or 0.0), float(getattr(reading, "closeness", 0.0) or 0.0),
        float(named),
    ])
