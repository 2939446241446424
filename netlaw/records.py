"""The records of a query to the library, shared by every layer that asks or answers: what to search
(``Filters``) and what comes back (``ArticleHit``, one ranked article).

They live at the bottom (``netlaw``) so that the UI and the API build a query without importing the
store, and the store fills them without knowing who asked."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol


class Filterable(Protocol):
    """What a filter looks at in a stored chunk (``vectorstore.records.Chunk`` has these fields)."""

    @property
    def doc_id(self) -> str: ...
    @property
    def document(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def doc_type(self) -> str: ...


@dataclass
class ArticleHit:
    rank: int
    article_id: str
    document: str
    doc_id: str
    doc_type: str
    language: str
    article: str
    path: list[str]
    text: str  # the whole article (all parts)
    score: float  # fused reciprocal-rank score
    dense: float  # best cosine similarity of the article's chunks to the question (MiniLM)
    keyword: float  # best BM25 score of the article's chunks
    best_chunk_id: str
    best_part: int
    n_parts: int
    source: str
    parallel_id: str | None = None
    issued: str | None = None
    effective: str | None = None
    alt_title: str | None = None
    direct: bool = False  # found by an article reference in the question
    xl: float = 0.0  # best multilingual (e5) cosine similarity of the article's chunks
    chunk_ids: list[str] = field(default_factory=list)
    version: str | None = None  # the date of its document's text, when the library holds several versions

    @property
    def label(self) -> str:
        return f"{self.document}, {self.article}"

    def to_json(self) -> dict:
        out = asdict(self)
        out["chunk_id"] = self.best_chunk_id
        return out


@dataclass
class Filters:
    documents: list[str] | None = None  # titles or doc ids
    language: str | None = None
    doc_type: str | None = None
    as_of: str | None = None  # the day whose versions are in force (ISO date, year or year-month); None: today
    all_versions: bool = False  # every version of a work, not only the one in force
    exclude: list[str] | None = None  # doc ids left out (the retriever sets it: versions not in force)

    def where(self) -> dict | None:
        clauses: list[dict] = []
        if self.exclude:
            clauses.append({"doc_id": {"$nin": self.exclude}})
        if self.documents:
            clauses.append({"$or": [{"document": {"$in": self.documents}}, {"doc_id": {"$in": self.documents}}]})
        if self.language:
            clauses.append({"language": self.language})
        if self.doc_type:
            clauses.append({"doc_type": self.doc_type})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, chunk: Filterable) -> bool:
        return ((not self.exclude or chunk.doc_id not in self.exclude)
                and (not self.documents or chunk.document in self.documents or chunk.doc_id in self.documents)
                and (not self.language or chunk.language == self.language)
                and (not self.doc_type or chunk.doc_type == self.doc_type))
