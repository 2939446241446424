"""The ranking stage without a store: features of made-up candidates, the linear ranker, answerability."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from qa.ranking.features import FEATURES, RankContext, candidate_matrix
from qa.ranking.model import ANSWER_FEATURES, LinearModel, Weights, answer_row, softmax
from qa.ranking.ranker import Answerability, LearnedRanker, Ranked


@dataclass
class Hit:
    article_id: str
    text: str
    document: str = "某某管理条例"
    doc_id: str = "d1"
    doc_type: str = "administrative regulation"
    language: str = "zh"
    path: list[str] = field(default_factory=list)
    score: float = 0.1
    xl: float = 0.8
    dense: float = 0.2
    keyword: float = 5.0
    direct: bool = False
    parallel_id: str | None = None
    rank: int = 0


def _spans(kind, text, money=False):
    return [(0, 1)] if kind == "duration" and "日" in text else []


def _matrix(ctx: RankContext, hits: list[Hit]) -> np.ndarray:
    return candidate_matrix(ctx, hits, lambda h: set(h.text), lambda t: 1.0, _spans)


def col(name: str) -> int:
    return FEATURES.index(name)


def test_features_say_what_the_candidates_hold():
    hits = [Hit("a", "申请人应当在三十日内提出", path=["第二章 申请"]),
            Hit("b", "违反本条例的，处一万元罚款", path=["第五章 法律责任"], doc_id="d2", language="en"),
            Hit("c", "本条例自公布之日起施行", path=["第六章 附则"], doc_type="commentary")]
    ctx = RankContext(question="多少日内申请？违反了怎么罚？", kind="duration", wants_span=True,
                      named=frozenset({"d2"}))
    m = _matrix(ctx, hits)
    assert m.shape == (3, len(FEATURES))
    assert m[0, col("kind_stated")] == 1.0
    assert m[1, col("kind_stated")] == 0.0
    assert m[1, col("named")] == 1.0
    assert m[0, col("named")] == 0.0
    assert m[1, col("liability")] == 1.0
    assert m[1, col("liability_x_penalty")] == 1.0
    assert m[2, col("supplementary")] == 1.0
    assert m[2, col("instrument")] == 0.0
    assert m[1, col("same_language")] == 0.0
    assert m[0, col("same_language")] == 1.0
    assert m[0, col("rank")] > m[1, col("rank")] > m[2, col("rank")]


def test_no_penalty_question_no_crossing():
    hits = [Hit("b", "处一万元罚款", path=["第五章 法律责任"])]
    m = _matrix(RankContext(question="谁负责监督管理？"), hits)
    assert m[0, col("liability")] == 1.0
    assert m[0, col("liability_x_penalty")] == 0.0


def _weights(feature: str, value: float = 1.0, threshold: float = 0.5) -> Weights:
    w = np.zeros(len(FEATURES))
    w[col(feature)] = value
    a = np.zeros(len(ANSWER_FEATURES))
    a[ANSWER_FEATURES.index("top_probability")] = 10.0
    return Weights(LinearModel(FEATURES, w), LinearModel(ANSWER_FEATURES, a, -5.0), threshold, ["x"])


class Retriever:
    """Only what ``Features`` reads: a snapshot with no articles (terms come from nothing)."""

    class Snap:
        articles: dict = {}

        class keyword:  # noqa: N801
            @staticmethod
            def idf(term):
                return 1.0

        def keyword_terms(self, index):
            return set()

    def snapshot(self):
        return self.Snap()


def test_the_learned_ranker_orders_by_its_weights():
    hits = [Hit("a", "甲"), Hit("b", "乙", doc_id="named")]
    ctx = RankContext(question="乙是什么", translated="x", named=frozenset({"named"}))
    ranked = LearnedRanker(Retriever(), _weights("named", 5.0)).run(ctx, hits)
    assert [h.article_id for h in ranked.hits] == ["b", "a"]
    assert ranked.scores[0] > ranked.scores[1]
    explained = LearnedRanker(Retriever(), _weights("named", 5.0)).explain(ranked.matrix[0])
    assert explained["named"] == 5.0
    assert set(explained) == set(FEATURES)


def test_the_learned_ranker_reorders_only_its_depth():
    """With ``depth`` 2 the third candidate stays third however strongly the weights favour it."""
    hits = [Hit("a", "甲"), Hit("b", "乙", doc_id="named"), Hit("c", "丙", doc_id="named")]
    ctx = RankContext(question="乙是什么", translated="x", named=frozenset({"named"}))
    weights = _weights("named", 5.0)
    weights.depth = 2
    ranked = LearnedRanker(Retriever(), weights).run(ctx, hits)
    assert [h.article_id for h in ranked.hits] == ["b", "a", "c"]
    assert ranked.matrix.shape == (3, len(FEATURES))
    assert ranked.scores[1] > ranked.scores[2]
    assert Weights.from_json(weights.to_json()).depth == 2


def test_answerability_follows_the_ranked_lists_confidence():
    matrix = np.zeros((3, len(FEATURES)))
    sure = Ranked(["a", "b", "c"], matrix, np.array([8.0, 0.0, 0.0]))
    unsure = Ranked(["a", "b", "c"], matrix, np.array([0.1, 0.0, 0.0]))
    model = Answerability(_weights("rank"))
    assert model.probability(sure, False, None, False) > model.threshold > model.probability(unsure, False, None, False)


def test_answer_row_reads_the_reading():
    @dataclass
    class Reading:
        support: str = "direct"
        strength: float = 0.7
        closeness: float = 0.4

    row = answer_row(np.ones((2, len(FEATURES))), np.array([2.0, 1.0]), np.arange(2), True, Reading(), True)
    values = dict(zip(ANSWER_FEATURES, row, strict=True))
    assert values["read_direct"] == 1.0
    assert values["read_partial"] == 0.0
    assert values["named"] == 1.0
    assert values["top_probability"] == pytest.approx(softmax(np.array([2.0, 1.0]))[0])
    assert values["top_margin"] == pytest.approx(1.0)


def test_weights_for_other_features_are_refused():
    data = _weights("rank").to_json()
    data["ranker"]["features"] = data["ranker"]["features"][:-1]
    with pytest.raises(ValueError, match="features"):
        Weights.from_json(data)


def test_the_refusal_rules_judge_the_retrievals_first_whatever_the_ranker_put_first():
    """The gate's thresholds were set on the retrieval's first article: after the learned ranker re-orders,
    the gate still judges that one (here found by an article reference, which is never refused)."""
    from netlaw.settings import get_settings
    from qa.reading.gate import decide

    question = "第三条规定了什么？"
    weak = Hit("b", "丙丁戊", doc_id="named", xl=0.0, keyword=0.0, dense=0.0)
    hits = [Hit("ref", "第三条 甲", direct=True), weak]
    ctx = RankContext(question=question, translated="x", named=frozenset({"named"}))
    ranked = LearnedRanker(Retriever(), _weights("named", 5.0)).run(ctx, hits)
    assert [h.article_id for h in ranked.hits] == ["b", "ref"]
    assert decide(question, [Hit("b", "丙丁戊", xl=0.0, keyword=0.0, dense=0.0)], get_settings()).refused
    assert not decide(question, ranked.hits, get_settings()).refused
