"""Which library document a question names, by any of the names the library knows it by.

A document's names come from ingest (``ingest.names``: title, other-language title, short title,
abbreviation, dictionary renderings, acronyms) and travel in the retriever's document dicts.
Three general signals, strongest first:
1. **a Chinese name written in the question** ("网安法规定…", "根据《数据安全法》"): the longest one wins;
2. **an acronym** written in capitals ("the DSL");
3. **an English name phrase** ("the Cybersecurity Law", "Measures on … Internet Information
   Services"), compared by e5 with the documents' English names (titles and renderings) of the
   same genre: a law phrase names a law, never a strategy that shares its words. It names the
   best document when its similarity reaches ``named_similarity_min`` and no other work comes
   within ``named_similarity_margin``.
The lexical title share of ``qa.documents.named_documents`` stays the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from ingest.names import GENRES, genre
from netlaw.text.script import has_chinese

Vectors = Callable[[list[str]], np.ndarray]  # texts → e5 vectors (normalised), one row each

_GENRE_WORDS = sorted({w for _, _, english in GENRES for w in english if " " not in w}, key=len, reverse=True)
_GENRE = "|".join(_GENRE_WORDS)
# Up to five words before a genre word ("the Data Security Law", "Internet information services measures").
_BEFORE = re.compile(rf"((?:[\w’'-]+\s+){{0,5}})({_GENRE})\b", re.I)
# A genre word first ("Measures on the Administration of Internet Information Services").
_AFTER = re.compile(rf"\b({_GENRE})\s+((?:on|for|of|concerning|regarding)\s+(?:the\s+)?(?:[\w’'-]+\s*){{1,8}})", re.I)
_ACRONYM = re.compile(r"\b([A-Z]{3,6})s?\b")
# Words that end a name phrase when met going left from the genre word.
_BOUNDARY = {
    "the", "under", "of", "what", "does", "do", "did", "in", "by", "to", "a", "an", "according", "which", "is", "are",
    "how", "when", "who", "why", "where", "this", "that", "these", "those", "per", "about", "and", "or", "with",
    "must", "should", "can", "may", "will", "its", "their", "say", "says", "require", "requires", "for", "on",
}


def name_phrases(question: str) -> list[str]:
    """English phrases that name an instrument: the words before a genre word back to the first
    function word, or a genre word and the "on …" that follows it."""
    out: list[str] = []
    for m in _BEFORE.finditer(question):
        words = m.group(1).split()
        kept: list[str] = []
        for word in reversed(words):
            if word.lower().strip(",.;:?") in _BOUNDARY or re.search(r"[,.;:?]$", word):
                break
            kept.insert(0, word)
        if kept:
            out.append(" ".join([*kept, m.group(2)]))
    for m in _AFTER.finditer(question):
        tail = re.split(r"[,.;:?]", m.group(2))[0].strip()
        out.append(f"{m.group(1)} {tail}")
    return list(dict.fromkeys(out))


def _english(names: Sequence[str | None]) -> list[str]:
    return [n for n in names if n and not has_chinese(n) and not n.isupper()]


def _all_names(doc: dict) -> list[str]:
    return [n for n in (doc["title"], doc.get("alt_title"), *doc.get("names", [])) if n]


# Genres a question may use for one another: "the public account rules" for "… Regulations".
_FAMILY = {g: "rules" for g in ("measures", "rules", "regulations", "provisions", "interpretation", "decision")}


def _family(name: str | None) -> str | None:
    return _FAMILY.get(name, name) if name else None


def _doc_genre(doc: dict) -> str | None:
    return next((g for n in (doc["title"], doc.get("alt_title")) if n and (g := genre(n))), None)


def without_names(question: str, documents: list[dict]) -> str:
    """The question without the names it gives these documents ("网络安全法", "the Cybersecurity Law",
    "the DSL"): within a named document its name says nothing about which article answers, and every
    article's text is read under the document's title, so the name would favour the title-heavy ones."""
    text = question
    names = sorted({n for d in documents for n in _all_names(d)}, key=len, reverse=True)
    for name in names:
        if has_chinese(name) or name.isupper():
            text = text.replace(f"《{name}》", " ").replace(name, " ")
    for phrase in name_phrases(text):
        text = text.replace(phrase, " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) >= 4 else question


def written_names(question: str, documents: list[dict]) -> list[str]:
    """Ids of the documents whose longest Chinese name, or an acronym, is written in the question."""
    text = re.sub(r"[《》〈〉“”\"]", "", question)
    best, found = 0, []
    for doc in documents:
        longest = max((len(n) for n in _all_names(doc) if has_chinese(n) and len(n) >= 3 and n in text), default=0)
        if longest > best:
            best, found = longest, [doc["doc_id"]]
        elif longest and longest == best:
            found.append(doc["doc_id"])
    if found:
        return found
    acronyms = set(_ACRONYM.findall(question))
    return [d["doc_id"] for d in documents if acronyms & {n for n in d.get("names", []) if n.isupper()}]


def phrase_named(question: str, documents: list[dict], vectors: Vectors, min_similarity: float,
                 margin: float, same_work: Callable[[str, str], bool]) -> list[str]:
    """Ids of the document an English name phrase of the question names (see the module's note)."""
    phrases = name_phrases(question)
    if not phrases:
        return []
    candidates = [(d, _english(_all_names(d))) for d in documents]
    candidates = [(d, names) for d, names in candidates if names]
    if not candidates:
        return []
    texts = list(dict.fromkeys([*phrases, *(n for _, names in candidates for n in names)]))
    matrix = vectors(texts)
    row = {t: matrix[i] for i, t in enumerate(texts)}
    chosen: list[str] = []
    for phrase in phrases:
        asked = _family(genre(phrase))
        scored = sorted(
            ((max(float(row[phrase] @ row[n]) for n in names), d["doc_id"]) for d, names in candidates
             if asked is None or _family(_doc_genre(d)) == asked),
            reverse=True)
        if not scored or scored[0][0] < min_similarity:
            continue
        best_score, best = scored[0]
        rivals = [s for s, doc_id in scored[1:] if not same_work(doc_id, best)]
        if rivals and rivals[0] > best_score - margin:
            continue
        chosen.append(best)
    return list(dict.fromkeys(chosen))
