"""One question on its way through the chain (``qa.chain.AnswerService``): the record each step fills."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from netlaw.records import ArticleHit, Filters
from qa.ranking.ranker import Ranked
from qa.reading.gate import GateDecision
from qa.reading.question import Question
from qa.records import Answer, FocusDocument, RetrievalPlan, Retrieved, Timings, Turn

TokenSink = Callable[[str], None]


@dataclass
class AskState:
    """One question on its way through the chain; each step fills its part."""

    question: str  # as asked (control characters removed by ``validate``)
    history: list[Turn]
    backend: str
    k: int  # articles to retrieve
    filters: Filters | None = None
    id: str | None = None
    on_token: TokenSink | None = None  # receives the answer text as it is written
    started: float = field(default_factory=time.perf_counter)
    language: str = "en"  # of the question
    problem: str | None = None  # why the question cannot be asked (empty, too long): the reply
    standalone: str = ""  # a follow-up with the conversation's subject; otherwise the question
    focus: list[FocusDocument] = field(default_factory=list)  # a follow-up's documents
    named: list[str] = field(default_factory=list)  # ids of the document the question names
    analysis: Question | None = None  # the asked kind and the focus terms
    hits: list[ArticleHit] = field(default_factory=list)
    retrieve_ms: float = 0.0
    gate: GateDecision | None = None
    plan: RetrievalPlan = field(default_factory=RetrievalPlan)
    ranked: Ranked | None = None  # the ranker's order of the candidates, with their features and scores

    def emit(self, text: str) -> None:
        if self.on_token is not None:
            self.on_token(text)

    def answered_by_ranking(self) -> bool:
        """The learned answerability decides for questions answered from ranked articles; a summary, a
        comparison, a version change or a named article is matched by name, not by ranking."""
        q = self.analysis
        return self.ranked is not None and (q is None or q.kind not in ("summary", "comparison", "changes",
                                                                           "article", "library"))

    def new_answer(self) -> Answer:
        """The answer record of this question so far: what was asked, understood and retrieved."""
        return Answer(
            id=self.id, question=self.question, answer="", refused=False, backend=self.backend,
            standalone_question=self.standalone if self.standalone != self.question else None,
            language=self.language, focus=self.focus, named=list(self.named),
            as_of=self.filters.as_of if self.filters else None, plan=self.plan,
            kind=self.analysis.kind if self.analysis else None,
            timings=Timings(retrieve_ms=round(self.retrieve_ms, 1)),
            retrieved=[Retrieved(rank=h.rank, document=h.document, article=h.article, text=h.text,
                                 score=round(h.score, 6), dense=round(h.dense, 4), keyword=round(h.keyword, 4),
                                 chunk_id=h.best_chunk_id, article_id=h.article_id, direct=h.direct)
                       for h in self.hits])
