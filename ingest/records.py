"""Records of the ingestion pipeline: files → documents → articles."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    """One document found in a source file (a file may hold many)."""

    title: str
    source: str
    ordinal: int  # position of the document within its file
    paragraphs: list[str]
    language: str = "en"
    doc_type: str = "commentary"
    issued: str | None = None
    effective: str | None = None
    alt_title: str | None = None  # e.g. the English title of a Chinese original
    parallel_of: int | None = None  # ordinal of the same document in the other language
    names: list[str] = field(default_factory=list)  # short title, abbreviations, renderings (ingest.names)
    version: str | None = None  # the date of this text of the work (ingest.versions)
    adopted: str | None = None  # history line "… 通过" (a law's adoption)
    promulgated: str | None = None  # history line "… 公布" (a decree's promulgation)
    work: str = ""  # what the versions of one work share (ingest.versions.work_key)

    @property
    def doc_id(self) -> str:
        from ingest.ids import stable_id

        return stable_id(self.source, str(self.ordinal), self.title)


@dataclass
class Article:
    """The unit a citation points at: an article, a part or item of a plan, a paragraph."""

    label: str  # "Article 9", "第九条", "Part 2 (1) Establish a legal system ..."
    path: list[str]  # headings, document excluded
    text: str
    kind: str  # article | part | item | preamble | preface | conclusion | paragraph
    key: tuple  # language-neutral key used to link parallel texts, e.g. ("article", 9)
    position: int = 0
    article_id: str = ""
    parallel_id: str | None = None
