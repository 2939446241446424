"""The reader's interface and the general reader behind it.

``Reader`` is what the chain receives (``qa.chain.AnswerService(reader=…)``): it analyses the question,
gates the retrieved articles, reads the numbered sources and says whether the reading answers the
question. Every backend goes through it; the extractive backend writes ``Reading.lines``, a
generative one writes its own text from the same sources (refused when the reader found the asked
fact absent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from netlaw.settings import Settings
from qa.reading.base import Candidate, Reading
from qa.reading.gate import GateDecision, decide
from qa.reading.kinds import DocumentKinds
from qa.reading.question import Question, analyse
from qa.records import Source

__all__ = ["GeneralReader", "Reader", "Reading", "overrides_gate"]


class Reader(Protocol):
    def analyse(self, question: str) -> Question:
        """The asked kind, the focus terms, the parts, the laws named."""
        ...

    def gate(self, question: str, hits: Sequence, named: frozenset[str] = frozenset()) -> GateDecision:
        """Refuse before reading: nothing retrieved, an injection, evidence too weak."""
        ...

    def read(self, question: str, sources: list[Source], analysis: Question | None = None) -> Reading:
        """The answer lines and how well they are supported (support "none": the asked fact is not stated)."""
        ...

    def read_best(self, question: str, sources: list[Source], analysis: Question | None = None) -> Reading:
        """The best sentence of the sources, quoted and cited (when the answerability model says they answer)."""
        ...

    def answers(self, q: Question | None, reading: Reading, gate: GateDecision) -> bool:
        """The reading answers the question: it found the asked fact, and a gate refusal (weak evidence)
        is overturned by it."""
        ...


def overrides_gate(q: Question | None, reading: Reading, s: Settings) -> bool:
    """The gate found the evidence weak, but the reader found the asked kind of answer about the
    question's focus in one sentence (or the question names the documents it asks to summarise):
    see the ``gate_override_*`` settings. A span of the asked kind (a duration, a date, a body…) in a
    sentence close in meaning is such an answer even when a paraphrase shares none of its words; a
    near-topic question (the asked fact is not there) is refused by the reader itself (support "none")."""
    if q is None or reading.support == "none":
        return False
    if q.kind in ("summary", "comparison", "changes"):
        return True  # the documents (or versions) were matched by name
    if q.wants_span and (reading.strength >= s.gate_override_min_lexical
                         or reading.closeness >= s.gate_override_min_cosine_span):
        return True
    # a paraphrase: few words shared, but one sentence is close in meaning and shares some
    return reading.closeness >= s.gate_override_min_cosine and reading.strength >= s.gate_override_min_shared


class GeneralReader(DocumentKinds):
    """The reader for any library: rules that describe legal text and questions in general, weights
    and thresholds from settings, what it knows of the documents read from the library itself."""

    def analyse(self, question: str) -> Question:
        return analyse(question)

    def gate(self, question: str, hits: Sequence, named: frozenset[str] = frozenset()) -> GateDecision:
        return decide(question, list(hits), self.settings, named)

    def answers(self, q: Question | None, reading: Reading, gate: GateDecision) -> bool:
        if reading.support == "none":
            return False
        return not gate.refused or overrides_gate(q, reading, self.settings)

    def read_best(self, question: str, sources: list[Source], analysis: Question | None = None) -> Reading:
        """The best sentence of the sources, quoted and cited, when the answerability model says the
        sources answer but no sentence holds the asked kind of fact in the reader's forms ("每年至少一次"
        answers "多久" without a duration's form)."""
        q = analysis or analyse(question)
        reading = Reading(q, sources=sources)
        shortlist = self.ranked(question, sources, q.focus, q=q, per_source=3) if sources else []
        shortlist = [c for c in shortlist if not c.header] or shortlist
        if not shortlist:
            reading.reason = "no sentence of the sources"
            return reading
        best = shortlist[0]
        reading.support = "direct"
        reading.strength, reading.closeness = best.lexical, 0.0 if best.across else best.cosine
        reading.lines = self._compose(replace(q, kind="other"), [(best, None)], shortlist)
        return reading

    def read(self, question: str, sources: list[Source], analysis: Question | None = None) -> Reading:
        """What the sources say about the question: the answer lines, or why none (support "none")."""
        q = analysis or analyse(question)
        reading = Reading(q, sources=sources)
        if not sources:
            reading.reason = "no sources"
            return reading
        if q.kind == "article" and len(sources[0].text) <= self.settings.extractive_max_chars * 2:
            return self._article(reading, sources[0])
        if q.kind == "summary":
            return self._summary(reading, sources)
        if q.kind == "comparison" and len({s.document for s in sources}) >= 2:
            return self._comparison(reading, sources)
        if q.kind == "changes":
            return self._changes(reading, sources)
        # a date, a figure, a name may be in any retrieved article, as may a follow-up's new topic
        # (its subject's words weighed on retrieval): all are read (the rank still counts)
        every = q.wants_span or bool(q.carried)
        # a question naming a library document is read in that document's articles when any was retrieved
        readable = [s for s in sources if {s.document, s.parallel.document if s.parallel else ""} & q.named] or sources
        shortlist = self.ranked(question, readable, q.focus, q=q, per_source=len(readable) if every else 3)
        if not shortlist:
            reading.reason = "no sentence of the sources"
            return reading
        shortlist = self._about_named_law(q, shortlist, reading)
        if not shortlist:
            return reading
        parts = q.parts or [q]
        answered: list[tuple[Candidate, tuple[int, int] | None]] = []
        for part in parts:
            # each part of a two-part question is read in all the sources: the retrieval served both parts
            found = self._evidence(part, shortlist if part is q
                                   else self.ranked(part.text, readable, part.focus, per_source=len(readable), q=part)
                                   or shortlist)
            if found is None and (part.wants_span or part is q):
                reading.missing.append(part.text)
            elif found is None:
                continue  # a part asking for no particular kind of fact is served by the quotes
            else:
                answered.append(found)
        if not answered:
            reading.reason = f"no sentence of the sources states {q.describe('en')} about the question"
            return reading
        reading.support = "partial" if reading.missing else "direct"
        reading.strength = max(c.lexical for c, _ in answered)
        reading.closeness = max(0.0 if c.across else c.cosine for c, _ in answered)
        reading.confidence = max(c.score for c, _ in answered) if self.settings.reader_scorer == "learned" else 0.0
        reading.lines = self._compose(q, answered, shortlist)
        return reading
