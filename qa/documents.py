"""Summaries and comparisons read whole documents, not the best-ranked articles.

"Summarise the public account regulations" names a document: its articles are read in order.
"Compare the public account regulations with the microblog regulations" names two: the opening
articles of each are read, then each one's best retrieved article. The named document is the one
whose title (either language) holds most of the phrase's words; ties go to the better-ranked hit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from netlaw.records import ArticleHit, Filters
from netlaw.text.references import article_labels_in
from netlaw.text.script import has_chinese
from netlaw.text.tokens import tokenize
from qa.genres import GenreNamed, genre_named, writes_genre_of
from qa.names import Vectors, phrase_named, written_names
from qa.question import Question, focus_terms
from qa.versions import (
    asks_changes,
    asks_renumbered,
    change_topic,
    changed_pairs,
    counterpart,
    first_article_ref,
    label_version,
)
from vectorstore.hybrid import HybridRetriever

# The instruments themselves, as against news, papers, plans and speeches that discuss them.
PRIMARY_TYPES = ("law", "administrative regulation", "departmental rule", "regulation", "measures")
# A question asking what is required, allowed or forbidden ("must", "shall", "应当", "不得").
_REQUIREMENT = re.compile(
    r"\b(?:must|shall|required?|requires|requirements?|obliged|obligations?|duties|duty|allowed|permitted|prohibited|"
    r"forbidden|may not|liable|liability|penalt(?:y|ies)|fines?)\b|应当|必须|要求|义务|不得|禁止|责任|处罚|罚款", re.I)


def asks_requirement(question: str) -> bool:
    """The question asks what an instrument requires: its own articles should outrank commentary."""
    return bool(_REQUIREMENT.search(question))


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


@lru_cache(maxsize=8)
def _title_index(titles: tuple[tuple[str, str], ...]) -> list[tuple[str, dict[str, float]]]:
    """Each title's terms weighted by how rare they are among the library's titles (words every
    title shares, "internet", "regulations", 管理, weigh little)."""
    term_sets = [(doc_id, set(tokenize(title))) for doc_id, title in titles]
    df = Counter(term for _, terms in term_sets for term in terms)
    n = len(term_sets)
    return [(doc_id, {t: math.log(1 + n / df[t]) for t in terms}) for doc_id, terms in term_sets if terms]


def _titles(documents: list[dict]) -> tuple[tuple[str, str], ...]:
    """Every title a document is known by: both languages, and of its other names the short
    title and the English renderings (abbreviations and acronyms only match as written)."""
    return tuple((d["doc_id"], t) for d in documents for t in (d["title"], d.get("alt_title"), *_spelled_out(d)) if t)


def _spelled_out(doc: dict) -> list[str]:
    return [n for n in doc.get("names", []) if not n.isupper() and (not has_chinese(n) or len(n) >= 5)]


def title_terms(documents: list[dict]) -> set[str]:
    """Every term of the library's titles, both languages (tokenised once per library)."""
    return {t for _, weights in _title_index(_titles(documents)) for t in weights}


def with_versions(chosen: list[dict], documents: list[dict]) -> list[dict]:
    """The chosen documents and their versions in the other language (a document whose title is
    one's alternative title, or whose alternative title is one's title)."""
    names = {t for d in chosen for t in (d["title"], d.get("alt_title")) if t}
    return chosen + [d for d in documents if d not in chosen and (d["title"] in names or d.get("alt_title") in names)]


NAMED_MARGIN = 0.05  # a rival title this close: the question names neither (tried 0.1, 0.15 at share 0.3: worse)


def named_documents(question: str, documents: list[dict], min_share: float, vectors: Vectors | None = None,
                    min_similarity: float = 2.0, margin: float = 0.0) -> list[str]:
    """The ids of the document a question names, with its versions in the other language.
    In order: a name written out ("网安法", "《数据安全法》", "the DSL"; ``qa.names.written_names``);
    a title's terms ("电信和互联网用户个人信息保护规定是第几号令？", "the rules on admonishment meetings
    with internet news services"): the document whose title (either language) has the largest
    rarity-weighted share of its terms in the question, if that share reaches ``min_share`` and no
    other document's comes within ``NAMED_MARGIN`` of it; an English name phrase ("the Cybersecurity
    Law") close in e5 to a document's English name (``qa.names.phrase_named``, with ``vectors``).
    None when the question names no document, or several."""
    def works(ids: list[str]) -> list[str]:
        chosen = [d for d in documents if d["doc_id"] in ids]
        return [d["doc_id"] for d in with_versions(chosen, documents)]

    written = written_names(question, documents)
    if written:
        return works(written)
    found = _share_named(question, documents, min_share)
    if found is None or vectors is None:
        return found or []
    if found:
        return found

    def same_work(a: str, b: str) -> bool:
        return b in works([a])

    return works(phrase_named(question, documents, vectors, min_similarity, margin, same_work))


def _share_named(question: str, documents: list[dict], min_share: float) -> list[str] | None:
    """The named document by title terms; [] when no title reaches ``min_share``, None when two
    works' titles do within ``NAMED_MARGIN`` (the question names several, or it cannot tell)."""
    index = _title_index(_titles(documents))
    asked = set(tokenize(question))
    share: dict[str, float] = {}
    for doc_id, weights in index:
        value = sum(w for t, w in weights.items() if t in asked) / sum(weights.values())
        share[doc_id] = max(share.get(doc_id, 0.0), value)
    ranked = sorted(share.items(), key=lambda kv: -kv[1])
    genre = genre_named(question, documents)
    if genre is not None and (not ranked or ranked[0][1] < min_share or _genre_wins(
            genre, ranked[0][0], index, question, {d["doc_id"]: d for d in documents})):
        ranked = [(genre.doc_id, 1.0)]
    if not ranked or ranked[0][1] < min_share:
        return []
    same = [d["doc_id"] for d in with_versions([d for d in documents if d["doc_id"] == ranked[0][0]], documents)]
    rivals = [v for doc_id, v in ranked[1:] if doc_id not in same]
    if rivals and rivals[0] >= ranked[0][1] - NAMED_MARGIN:
        return None
    return same


def _genre_wins(genre: GenreNamed, rival: str, index: list[tuple[str, dict[str, float]]], question: str,
                documents: dict[str, dict]) -> bool:
    """A genre written in a referring form ("the 2023 white paper") outweighs another document's title
    words in the question ("protecting minors"), unless its modifiers are that title's words ("the
    Cybersecurity Law's plan"): those words are the question's topic, the genre is what it names."""
    if not genre.referring or rival == genre.doc_id or writes_genre_of(question, documents[rival]):
        return False
    rival_terms = {t for doc_id, weights in index if doc_id == rival for t in weights}
    return not genre.modifiers & rival_terms


def articles_of(retriever: HybridRetriever, doc_id: str, limit: int) -> list[ArticleHit]:
    """The first ``limit`` articles of a document, in document order."""
    ids = [a for a, _ in _articles(retriever.snapshot(), doc_id)[:limit]]
    return [h for h in (retriever.article(a) for a in ids) if h is not None]


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


def version_pair(library: list[dict], doc_ids: list[str], as_of: str | None) -> tuple[dict, dict] | None:
    """(earlier, later) versions of the work the question is about: the version in force on ``as_of``
    (today) and the one before it; None when the library holds one version of it."""
    from vectorstore.versions import in_force, versions_by_work

    by_id = {d["doc_id"]: d for d in library}
    works = {by_id[d]["work"] for d in doc_ids if d in by_id and by_id[d].get("work")}
    versioned = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in library)
    for work in works:
        found = versioned.get(work)
        if not found:
            continue
        later = in_force(found, as_of)
        at = found.index(later)
        if at == 0:  # the asked day's version is the first held: compare it with the next one
            later, at = found[1], 1
        return by_id[found[at - 1][1]], by_id[later[1]]
    return None


TOPIC_PAIRS = 2  # "what changed about X": the changed articles closest to X, at most this many pairs


def change_hits(retriever: HybridRetriever, earlier: dict, later: dict, labels: list[str],
                limit: int = 6, question: str | None = None) -> list[ArticleHit]:
    """The articles that differ between two versions, each as (later, earlier) hits, paired by text
    similarity (a revision renumbers: ``qa.versions.changed_pairs``). Only the articles ``labels``
    names when it names any; else, given the ``question``, the pairs closest to it ("what changed
    about the deadline": ranked by the retriever over both texts, not in document order); else in
    the later version's order. Ranked 1..n."""
    snap = retriever.snapshot()
    old_ids, old = _texts(snap, earlier["doc_id"])
    new_ids, new = _texts(snap, later["doc_id"])
    pairs = changed_pairs(old, new)
    if labels:
        pairs = ([p for p in pairs if p[1] in labels] or [p for p in pairs if p[0] in labels]
                 or [(p, p) for p in labels if p in old or p in new])
    elif question:
        both = Filters(documents=[earlier["doc_id"], later["doc_id"]], all_versions=True)
        ranked = retriever.search(change_topic(question), k=30, filters=both)
        place = {h.article_id: i for i, h in enumerate(ranked)}
        far = len(place)

        def closeness(pair: tuple[str | None, str | None]) -> int:
            return min(place.get(old_ids.get(pair[0] or "", ""), far), place.get(new_ids.get(pair[1] or "", ""), far))

        pairs = [p for p in sorted(pairs, key=closeness) if closeness(p) < far][:TOPIC_PAIRS] or pairs
    out: list[ArticleHit] = []
    for o, n in pairs[: limit // 2]:
        for article_id in (new_ids.get(n or ""), old_ids.get(o or "")):
            hit = retriever.article(article_id) if article_id else None
            if hit is not None:
                out.append(hit)
    return _ranked(out)


def renumbered_hits(retriever: HybridRetriever, library: list[dict], doc_ids: list[str], question: str,
                    as_of: str | None) -> list[ArticleHit]:
    """"旧法第九条在新法里是第几条？": the article the question names, in the version it puts it in, and
    its counterpart in the other version (closest in text; the paragraph the question is about when
    the article has several), as (counterpart, named) hits. [] when it names no article of the work."""
    ref = first_article_ref(question)
    found = _versions_of(library, doc_ids)
    if ref is None or not found:
        return []
    labels, at = ref
    dates = [v for v, _ in found]
    source, target = label_version(question, at, dates, as_of)
    snap = retriever.snapshot()
    source_ids, source_texts = _texts(snap, dict(found)[source])
    target_ids, target_texts = _texts(snap, dict(found)[target])
    label = next((label for label in labels if label in source_texts), None)
    other = counterpart(source_texts[label], target_texts, focus=question) if label else None
    if label is None or other is None:
        return []
    hits = [retriever.article(target_ids[other]), retriever.article(source_ids[label])]
    return _ranked([h for h in hits if h is not None])


def version_hits(retriever: HybridRetriever, library: list[dict], named: list[str], question: str,
                 as_of: str | None, hits: list[ArticleHit] | None = None) -> list[ArticleHit]:
    """The articles a question about a work held in several versions reads instead of a search: an
    article's number in another version, or what changed; [] for any other question. ``named``: the
    documents the question is about; naming none, the work of its best hit (``hits``), or of any hit
    for an article's number (an article named and its number asked is about versions already)."""
    ref = first_article_ref(question)
    renumbered = bool(ref) and asks_renumbered(question, ref[0] if ref else [])
    if not renumbered and not asks_changes(question):
        return []
    found = list(hits or [])
    doc_ids = named or [h.doc_id for h in (found if renumbered else found[:1])]
    if not _versions_of(library, doc_ids):
        return []
    if renumbered:
        return renumbered_hits(retriever, library, doc_ids, question, as_of)
    pair = version_pair(library, doc_ids, as_of)
    return change_hits(retriever, *pair, article_labels_in(question), question=question) if pair else []


def without_preamble(library: list[dict], hits: list[ArticleHit]) -> list[ArticleHit]:
    """The hits less the preamble ("序言": the adoption and amendment history lines) of a work held in
    several versions: its dates answer no question about the law's content, and they match every
    question that names a year."""
    versioned = {doc_id for found in _versioned(library).values() for _, doc_id in found}
    return [h for h in hits if h.doc_id not in versioned or article_labels_in(h.article)] or hits


def _ranked(hits: list[ArticleHit]) -> list[ArticleHit]:
    for i, hit in enumerate(hits, start=1):
        hit.rank = i
    return hits


def _texts(snap, doc_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """(label → article id, label → text without its label) of a document's articles (a preamble is none)."""
    ids = {label: a for a, label in _articles(snap, doc_id) if article_labels_in(label)}
    return ids, {label: snap.article_text(a).removeprefix(label).strip() for label, a in ids.items()}


def _articles(snap, doc_id: str) -> list[tuple[str, str]]:
    ids = sorted((a for a in snap.articles if snap.first_chunk(a).doc_id == doc_id),
                 key=lambda a: snap.first_chunk(a).position)
    return [(a, snap.first_chunk(a).article) for a in ids]


def _versioned(library: list[dict]) -> dict[str, list[tuple[str, str]]]:
    from vectorstore.versions import versions_by_work

    return versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in library)


def _versions_of(library: list[dict], doc_ids: list[str]) -> list[tuple[str, str]]:
    """(version, doc id) of the work these documents belong to, oldest first, when the library holds
    it in several versions; [] otherwise."""
    by_id = {d["doc_id"]: d for d in library}
    versioned = _versioned(library)
    for doc_id in doc_ids:
        found = versioned.get((by_id.get(doc_id) or {}).get("work") or "")
        if found:
            return found
    return []


def work_versions(library: list[dict], doc_ids: list[str]) -> list[str]:
    """The version dates (oldest first) of the work these documents belong to, when the library
    holds it in several versions; [] otherwise."""
    return [v for v, _ in _versions_of(library, doc_ids)]
