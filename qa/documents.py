"""Summaries and comparisons read whole documents, not the best-ranked articles.

"Summarise the public account regulations" names a document: its articles are read in order.
"Compare the public account regulations with the microblog regulations" names two: the opening
articles of each are read, then each one's best retrieved article. The named document is the one
whose title (either language) holds most of the phrase's words; ties go to the better-ranked hit.
"""

from __future__ import annotations

from netlaw.text.tokens import tokenize
from qa.question import Question, focus_terms
from vectorstore.hybrid import ArticleHit, HybridRetriever

SUMMARY_ARTICLES = 12  # a summary reads the first 11 articles and the last one of a longer document


def _title_score(words: set[str], phrase: str, titles: tuple[str | None, ...]) -> float:
    score = 0.0
    for title in titles:
        if not title:
            continue
        title_words = set(tokenize(title))
        shared = len(words) if phrase and title in phrase else len(words & title_words)
        score = max(score, shared / len(words) + 0.1 * shared / max(1, len(title_words)))
    return score


def match_document(retriever: HybridRetriever, phrase: str, hits: list[ArticleHit],
                   exclude: frozenset[str] = frozenset()) -> str | None:
    """The id of the library document a phrase names ("the public account regulations"), if any."""
    words = set(focus_terms(phrase))
    if not words:
        return None
    rank: dict[str, int] = {}
    for i, hit in enumerate(hits):
        rank.setdefault(hit.doc_id, i)
    best, best_score = None, 0.0
    for doc in retriever.documents():
        if doc["doc_id"] in exclude or not doc["articles"]:
            continue
        score = _title_score(words, phrase, (doc["title"], doc.get("alt_title")))
        score += 0.05 / (1 + rank[doc["doc_id"]]) if doc["doc_id"] in rank else 0.0
        if score > best_score:
            best, best_score = doc["doc_id"], score
    return best if best_score >= retriever.settings.document_match_min else None


def articles_of(retriever: HybridRetriever, doc_id: str, limit: int) -> list[ArticleHit]:
    """The first ``limit`` articles of a document, in document order."""
    snap = retriever.snapshot()
    ids = [a for a in snap.articles if snap.first_chunk(a).doc_id == doc_id]
    ids.sort(key=lambda a: snap.first_chunk(a).position)
    return [h for h in (retriever.article(a) for a in ids[:limit]) if h is not None]


def _summary_hits(retriever: HybridRetriever, q: Question, hits: list[ArticleHit]) -> list[ArticleHit]:
    doc_id = match_document(retriever, q.text, hits)
    if doc_id is None:
        return []
    out = articles_of(retriever, doc_id, 40)
    return out[:SUMMARY_ARTICLES - 1] + out[-1:] if len(out) > SUMMARY_ARTICLES else out


def _comparison_hits(retriever: HybridRetriever, q: Question, hits: list[ArticleHit]) -> list[ArticleHit]:
    doc_ids: list[str] = []
    for side in (q.sides or [])[:2]:
        doc_id = match_document(retriever, side, hits, frozenset(doc_ids))
        if doc_id is None:  # a side not named by title: the document of its best hit
            found = [h for h in retriever.search(side, k=3) if h.doc_id not in doc_ids]
            doc_id = found[0].doc_id if found else None
        if doc_id is not None:
            doc_ids.append(doc_id)
    if len(doc_ids) < 2:
        return []
    out: list[ArticleHit] = []
    for doc_id in doc_ids:
        opening = articles_of(retriever, doc_id, 2)
        opened = {o.article_id for o in opening}
        more = [h for h in hits if h.doc_id == doc_id and h.article_id not in opened]
        out += opening + more[:1]
    return out


def document_hits(retriever: HybridRetriever, q: Question, hits: list[ArticleHit]) -> list[ArticleHit]:
    """The articles a summary or comparison reads, ranked 1..n; none (and ``q.kind`` becomes
    "other": answered as an ordinary question) when the documents are not found."""
    out = _summary_hits(retriever, q, hits) if q.kind == "summary" else _comparison_hits(retriever, q, hits)
    if not out:
        q.kind = "other"
    for i, hit in enumerate(out, start=1):
        hit.rank = i
    return out
