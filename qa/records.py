"""Records of the answering step: what a question, a citation and an answer look like."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Source:
    """A retrieved article offered to the answer backend as ``[marker]``."""

    marker: int
    article_id: str
    document: str
    article: str
    text: str
    chunk_id: str
    language: str
    doc_type: str
    path: list[str]
    parallel: dict | None = None  # the same article in the other language, if the library has it

    @property
    def label(self) -> str:
        return f"{self.document}, {self.article}"


@dataclass
class Citation:
    marker: int
    document: str
    article: str
    text: str  # the full text of the cited article
    chunk_id: str
    article_id: str
    parallel: dict | None = None
    sentences: list[str] = field(default_factory=list)  # the answer sentences that cite it


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[dict] = field(default_factory=list)
    dropped_sentences: int = 0
    timings: dict = field(default_factory=dict)
    id: str | None = None
    standalone_question: str | None = None
    language: str = "en"
    notice: str | None = None  # e.g. "the local model failed; extractive answer shown"
    refusal_reason: str | None = None
    suggestions: list[dict] = field(default_factory=list)  # "you may want to read" on a refusal
    focus: list[dict] = field(default_factory=list)  # a follow-up's documents: [{"doc_id", "document"}]
    # how well the documents answer: "direct" (the asked answer is stated), "partial" (part of the
    # question is answered, the rest is marked as not stated), "none" (refused)
    support: str = "none"
    kind: str | None = None  # the asked kind (qa.question.KINDS)
    not_stated: list[str] = field(default_factory=list)  # parts of the question the documents do not answer

    def to_json(self) -> dict:
        return asdict(self)
