"""A document named by its genre: "the white paper", "the 2023 white paper", "2023年白皮书", "the plan".

The question's words for a genre, and the words of a title (or the document type) of that genre.
A genre names a document when the library holds one text of that genre (in one or two languages),
or one among several that carries the year the question writes ("the 2023 white paper").

Why a genre may outweigh a title's words: topic words of a question often overlap another
document's title ("protecting minors" and a law on the protection of minors). When the question
refers to a document by its genre in a referring form ("the … white paper", "该规划", "2023年白皮书"),
that reference is what it names; the title overlap is its topic. A referring form bound to another
title ("the Cybersecurity Law's plan") names nothing by genre.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.names import GENRES, genre
from netlaw.text.tokens import tokenize

# A determiner and at most two modifiers before the genre word ("the plan", "the eighth five-year plan").
_DETERMINED = r"\b(?:the|this|that)\s+((?:[\w'’-]+\s+){0,2})"
# Chinese: a year, or a demonstrative, just before the genre word ("2023年白皮书", "该规划", "这份纲要").
_REFERRED = r"(?:(?:19|20)\d\d年(?:发布的|的)?|该|这份|这个|这部|此|本)"
_GENRES = (
    # (asked, asked in a referring form, title words of the genre, document type)
    (re.compile(r"\bwhite paper\b|白皮书", re.I), re.compile(rf"(?:{_DETERMINED})?white paper\b|白皮书", re.I),
     None, "white paper"),
    (re.compile(rf"{_DETERMINED}plan\b|规划", re.I), re.compile(rf"{_DETERMINED}plan\b|{_REFERRED}规划", re.I),
     re.compile(r"\bplan\b|规划", re.I), None),
    (re.compile(rf"{_DETERMINED}outline\b|纲要", re.I), re.compile(rf"{_DETERMINED}outline\b|{_REFERRED}纲要", re.I),
     re.compile(r"\boutline\b|纲要", re.I), None),
    (re.compile(rf"{_DETERMINED}strategy\b|战略", re.I),
     re.compile(rf"{_DETERMINED}strategy\b|{_REFERRED}战略", re.I), re.compile(r"\bstrategy\b|战略", re.I), None),
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_DATE_FIELDS = ("issued", "effective", "version", "adopted", "promulgated", "date")


@dataclass(frozen=True)
class GenreNamed:
    doc_id: str
    referring: bool  # written in a referring form that outweighs a title's words
    modifiers: frozenset[str]  # the terms between the determiner and the genre word


def writes_genre_of(question: str, doc: dict) -> bool:
    """The question also writes the document's own genre ("… Outline … differ from the … Plan"): it names
    that document as much as the genre named another (single-character Chinese words, 法, are too common)."""
    kinds = {k for t in (doc["title"], doc.get("alt_title")) if t and (k := genre(t))}
    words = [w for name, chinese, english in GENRES if name in kinds for w in (*chinese, *english)
             if not (has_han(w) and len(w) < 2)]
    return any(re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", question, re.I) for w in words)


def has_han(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _with_versions(chosen: list[dict], documents: list[dict]) -> list[dict]:
    names = {t for d in chosen for t in (d["title"], d.get("alt_title")) if t}
    return chosen + [d for d in documents if d not in chosen and (d["title"] in names or d.get("alt_title") in names)]


def _years(doc: dict) -> set[str]:
    texts = [str(doc.get(f) or "") for f in _DATE_FIELDS] + [doc["title"], doc.get("alt_title") or ""]
    return {y for text in texts for y in _YEAR.findall(text)}


def _other_genre(doc: dict, title_words: re.Pattern) -> bool:
    """The title ends in another genre's word: "城乡规划法" is a law, not a plan."""
    kinds = [k for t in (doc["title"], doc.get("alt_title")) if t and (k := genre(t))]
    return bool(kinds) and not any(title_words.search(k) for k in kinds)


def _one_work(found: list[dict], documents: list[dict]) -> str | None:
    one_text = {d["doc_id"] for d in _with_versions(found[:1], documents)}  # in one or two languages
    return found[0]["doc_id"] if found and {d["doc_id"] for d in found} <= one_text else None


def without_chinese_names(question: str, documents: list[dict]) -> str:
    """The question without the Chinese names it writes: "城乡规划法" holds 规划 without naming a plan."""
    names = sorted({n for d in documents for n in (d["title"], d.get("alt_title"), *d.get("names", []))
                    if n and re.search(r"[\u4e00-\u9fff]", n)}, key=len, reverse=True)
    for name in names:
        question = question.replace(name, " ")
    return question


def genre_named(question: str, documents: list[dict]) -> GenreNamed | None:
    """The document the question names by its genre, if the library holds exactly one text of that
    genre, or exactly one of the year(s) the question writes."""
    text = without_chinese_names(question, documents)
    years = set(_YEAR.findall(text))
    for asked, referring, title_words, doc_type in _GENRES:
        if not asked.search(text):
            continue
        found = [d for d in documents if (doc_type and d.get("doc_type") == doc_type) or (
            title_words and not _other_genre(d, title_words)
            and any(t and title_words.search(t) for t in (d["title"], d.get("alt_title"))))]
        of_year = [d for d in found if years & _years(d)]
        chosen = _one_work(of_year, documents) if of_year else _one_work(found, documents)
        if chosen is None:
            continue
        form = referring.search(text)
        modifiers = frozenset(t for t in tokenize(form.group(1) or "") if not _YEAR.fullmatch(t)) \
            if form and form.lastindex else frozenset()
        return GenreNamed(chosen, bool(form) or bool(of_year), modifiers)
    return None
