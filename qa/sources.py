"""Retrieved articles → the numbered sources an answer may cite, in the question's language."""

from __future__ import annotations

from qa.records import Parallel, Source


def _parallel(hit) -> Parallel | None:
    if hit is None:
        return None
    return Parallel(article_id=hit.article_id, document=hit.document, article=hit.article,
                    text=hit.text, language=hit.language, chunk_id=hit.best_chunk_id)


def build_sources(hits, language: str, lookup) -> list[Source]:
    """Number the hits [1]..[k]; for a Chinese question prefer the Chinese original of an
    article and show the English one beside it (and the reverse for an English question).
    ``lookup(article_id)`` returns the ArticleHit of a parallel article, or None."""
    sources: list[Source] = []
    used: set[str] = set()
    for hit in hits:
        primary, other = hit, lookup(hit.parallel_id) if hit.parallel_id else None
        if other is not None and other.language == language and hit.language != language:
            primary, other = other, hit
        if primary.article_id in used:
            continue
        used.add(primary.article_id)
        if other is not None:
            used.add(other.article_id)
        sources.append(Source(
            marker=len(sources) + 1, article_id=primary.article_id, document=primary.document,
            article=primary.article, text=primary.text, chunk_id=primary.best_chunk_id,
            language=primary.language, doc_type=primary.doc_type, path=list(primary.path),
            parallel=_parallel(other), version=primary.version,
        ))
    return sources
