"""Records of the answering step: what a turn, a source, a citation and an answer look like.

These are the typed shapes that cross the boundaries of ``qa/``: the chain builds them, the API and
the UI read them (``Answer.to_json()`` is the answer object of ``POST /api/ask``, the audit log and
the chat's state). Conversation turns arrive as JSON (API, UI, CLI, gold set) and become ``Turn``
records at the chain's door (``as_turns``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant"]


@dataclass
class Turn:
    """One turn of a conversation, as the chain needs it: who spoke, what was said, the standalone
    form of a user question (when the chain rewrote it) and the documents an answer cited."""

    role: Role
    content: str
    standalone: str | None = None
    cited_documents: list[str] = field(default_factory=list)  # in citation order, repeats kept

    @classmethod
    def from_mapping(cls, turn: Mapping[str, Any]) -> Turn:
        """A turn in its JSON shape: ``{"role", "content", "standalone"?, "citations"?: [{"document", …}]}``."""
        citations = turn.get("citations") or []
        cited = [str(c["document"]) for c in citations if isinstance(c, Mapping) and c.get("document")]
        return cls(role="assistant" if turn.get("role") == "assistant" else "user",
                   content=str(turn.get("content") or ""), standalone=turn.get("standalone") or None,
                   cited_documents=cited)


def as_turns(history: Iterable[Turn | Mapping[str, Any]] | None) -> list[Turn]:
    """Turns from a history given as records or in the JSON shape (see ``Turn.from_mapping``)."""
    return [t if isinstance(t, Turn) else Turn.from_mapping(t) for t in history or []]


@dataclass
class Parallel:
    """The same article in the other language of the library (English ↔ Chinese)."""

    article_id: str
    document: str
    article: str
    text: str
    language: str
    chunk_id: str


def location(article: str, path: list[str]) -> str:
    """The article with the numbers of the 编/章/节 above it ("第二章 第一节 第十三条"); headings that
    are not numbered structure (a plan's part titles) are left to the viewer's outline."""
    from netlaw.text.references import heading_ref

    numbered = [h.split()[0] for h in path[:-1] if heading_ref(h) is not None and h.split()]
    return " ".join([*numbered, article])


def cited_as(document: str, article: str, path: list[str], version: str | None) -> str:
    """A citation as a reader writes it: document, its version when several are held, location."""
    title = f"{document} (version of {version})" if version else document
    return f"{title}, {location(article, path)}"


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
    parallel: Parallel | None = None  # the same article in the other language, if the library has it
    version: str | None = None  # the date of its text, when the library holds several versions of it

    @property
    def label(self) -> str:
        return cited_as(self.document, self.article, self.path, self.version)


@dataclass
class Citation:
    marker: int
    document: str
    article: str
    text: str  # the full text of the cited article
    chunk_id: str
    article_id: str
    parallel: Parallel | None = None
    sentences: list[str] = field(default_factory=list)  # the answer sentences that cite it
    path: list[str] = field(default_factory=list)  # 编/章/节 headings down to the article
    version: str | None = None  # the date of the cited text, when the library holds several versions

    @property
    def label(self) -> str:
        """How the citation reads: "…保护法 (version of 2024-04-26), 第二章 第九条"."""
        return cited_as(self.document, self.article, self.path, self.version)


@dataclass
class Retrieved:
    """A retrieved article as the answer reports it, best first (scores rounded for display)."""

    rank: int
    document: str
    article: str
    text: str
    score: float  # the fused ranking score
    dense: float  # the English dense model's cosine
    keyword: float  # the BM25 score
    chunk_id: str  # the article's best-matching chunk
    article_id: str
    direct: bool  # named by the question ("Article 12 of …"), found by metadata


@dataclass
class Suggestion:
    """An article "you may want to read", offered with a refusal."""

    document: str
    article: str
    article_id: str


@dataclass
class FocusDocument:
    """A document a follow-up question is about (the conversation's subject)."""

    doc_id: str
    document: str  # its title


@dataclass
class Timings:
    """Milliseconds spent retrieving and answering; ``first_token_ms`` from the question to the first
    token written (absent when nothing was streamed, e.g. a refusal)."""

    retrieve_ms: float = 0.0
    answer_ms: float = 0.0
    first_token_ms: float | None = None

    def to_json(self) -> dict[str, float]:
        out = {"retrieve_ms": self.retrieve_ms, "answer_ms": self.answer_ms}
        if self.first_token_ms is not None:
            out["first_token_ms"] = self.first_token_ms
        return out


@dataclass
class RetrievalPlan:
    """How the chain searched, besides the question and k: a follow-up's or the named documents
    (``focus``, with ``focus_weight``), the documents whose own articles come ``first``, the document
    types ``prefer``red for a question about requirements, and the day whose versions are in force."""

    focus: list[str] = field(default_factory=list)
    focus_weight: float | None = None
    first: list[str] = field(default_factory=list)
    prefer: list[str] = field(default_factory=list)
    as_of: str | None = None
    asked: str | None = None  # the words that rank within the focus: a follow-up's own, a question without names

    def search_args(self) -> dict[str, Any]:
        """Keyword arguments of ``HybridRetriever.search`` (without ``filters``, the caller's own)."""
        return {"focus": self.focus or None, "focus_weight": self.focus_weight, "first": self.first or None,
                "prefer": self.prefer or None, "asked": self.asked}


Support = Literal["direct", "partial", "none"]


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[Retrieved] = field(default_factory=list)
    dropped_sentences: int = 0
    timings: Timings = field(default_factory=Timings)
    id: str | None = None
    standalone_question: str | None = None
    language: str = "en"
    notice: str | None = None  # e.g. "the local model failed; extractive answer shown"
    refusal_reason: str | None = None
    suggestions: list[Suggestion] = field(default_factory=list)  # "you may want to read" on a refusal
    focus: list[FocusDocument] = field(default_factory=list)  # a follow-up's documents
    named: list[str] = field(default_factory=list)  # ids of the documents the question names
    # how well the documents answer: "direct" (the asked answer is stated), "partial" (part of the
    # question is answered, the rest is marked as not stated), "none" (refused)
    support: Support = "none"
    kind: str | None = None  # the asked kind (qa.question.KINDS)
    not_stated: list[str] = field(default_factory=list)  # parts of the question the documents do not answer
    as_of: str | None = None  # the day whose versions answered (asked, or given to the API); None: today
    plan: RetrievalPlan = field(default_factory=RetrievalPlan)  # how the articles were searched

    def to_json(self) -> dict:
        """The answer object (API, audit log, UI state): plain JSON types, ``timings`` without an
        absent ``first_token_ms``; each citation with its ``label`` as a reader writes it."""
        out = asdict(self)
        out["timings"] = self.timings.to_json()
        for cited, citation in zip(out["citations"], self.citations, strict=True):
            cited["label"] = citation.label
        return out
