"""Recognising structural headings in one paragraph.

``classify`` looks at a single paragraph and says whether it *could* open an
article, a part, an item, a chapter, a preface or a conclusion. Whether it really
does depends on its neighbours (numbering must go up; a table of contents is not
a heading), which ``ingest.articles`` decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netlaw.text.numerals import ORDINALS, WORDS, to_int
from netlaw.text.script import is_zh

_ZH_NUM = "零〇一二三四五六七八九十百千两"
_SENTENCE_END = re.compile(r"[.。;；!?！？]")

# "Article 9:", "Article 9." or "Article 9 These ..." — but not "Article 21 of the Cybersecurity Law".
_ARTICLE_EN = re.compile(
    r"^Article\s+(\d{1,5})(?:\s*[:：.．]\s*|\s*$|\s+(?=[A-Z“\"‘(（]))(.*)$", re.DOTALL
)
# "第十四条 ..." with a space, colon or line end after 条: "第二十一条规定的" is a cross-reference.
_ARTICLE_ZH = re.compile(rf"^第([{_ZH_NUM}\d]+)条(?:[\s:：]+|$)(.*)$", re.DOTALL)
# The same without a space; accepted only when the numbering fits exactly.
_ARTICLE_ZH_TIGHT = re.compile(rf"^第([{_ZH_NUM}\d]+)条(?![规的之所中第款至、和或及项])(.+)$", re.DOTALL)
_CHAPTER = re.compile(
    rf"^(?:(Chapter|Section)\s+(\d{{1,2}}|[IVXL]+)\b[:.：]?|第([{_ZH_NUM}\d]+)([编章节]))\s*(.*)$", re.IGNORECASE
)
# A law's structure above its articles: 编 (part), 章 (chapter), 节 (section), outermost first.
_LEVELS = {"编": 0, "章": 1, "节": 2, "chapter": 1, "section": 2}
_WORD_NUMS = "|".join(w.capitalize() for w in WORDS + ORDINALS)
_PART = re.compile(
    r"^(?:(\d{1,2})\s*[.、．](?!\d)|([IVXL]{1,5})\s*[,.、，．]|(" + _WORD_NUMS + r")\s*[,、，]"
    rf"|([{_ZH_NUM}]+)\s*、)\s*(.+)$",
    re.DOTALL,
)
_ITEM = re.compile(rf"^[（(]\s*(\d{{1,2}}|[{_ZH_NUM}]+)\s*[)）]\s*(.*)$", re.DOTALL)
_PREFACE = re.compile(r"^(preface|foreword|introduction|前言|序言|引言)$", re.IGNORECASE)
_CONCLUSION = re.compile(r"^(conclusion|concluding remarks|closing remarks|结束语|结语)$", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    kind: str  # article | chapter | part | item | preface | conclusion
    number: int | None
    title: str  # the heading's own words ("Guiding ideology"), may be ""
    inline: bool  # True when body text follows the heading in the same paragraph
    tight: bool = False  # 第N条 written without a space: needs exact numbering
    level: int = 1  # chapter headings only: 0 编 (part of a code), 1 章 (chapter), 2 节 (section)


def _title_of(rest: str) -> tuple[str, bool]:
    """Split the text after a marker into (heading words, has body text)."""
    rest = rest.strip()
    match = _SENTENCE_END.search(rest)
    if not match or match.end() >= len(rest.rstrip()):
        # One phrase: a heading on its own line (a trailing period is allowed).
        return rest.rstrip(".。 "), False
    first = rest[: match.start()].strip()
    limit = 30 if is_zh(first) else 20
    words = len(first) if is_zh(first) else len(first.split())
    return (first if words <= limit else ""), True


def classify(paragraph: str) -> Heading | None:
    """The heading this paragraph could be, or None for body text."""
    text = paragraph.strip()
    if _PREFACE.match(text):
        return Heading("preface", None, text, False)
    if _CONCLUSION.match(text):
        return Heading("conclusion", None, text, False)
    if m := _ARTICLE_EN.match(text):
        return Heading("article", int(m.group(1)), "", bool(m.group(2).strip()))
    if m := _ARTICLE_ZH.match(text):
        return Heading("article", to_int(m.group(1)), "", bool(m.group(2).strip()))
    if m := _ARTICLE_ZH_TIGHT.match(text):
        return Heading("article", to_int(m.group(1)), "", True, tight=True)
    if m := _CHAPTER.match(text):
        rest = m.group(5).strip()
        if len(rest) <= 80 and not _SENTENCE_END.search(rest):
            unit = (m.group(1) or m.group(4)).lower()
            return Heading("chapter", to_int(m.group(2) or m.group(3)), rest, False, level=_LEVELS[unit])
    if m := _ITEM.match(text):
        number = to_int(m.group(1))
        title, inline = _title_of(m.group(2))
        if number:
            return Heading("item", number, title, inline)
    if m := _PART.match(text):
        numeral = next(g for g in m.groups()[:4] if g)
        rest = m.group(5)
        number = to_int(numeral)
        arabic = bool(m.group(1))
        starts_ok = not arabic or rest[:1].isupper() or rest[:1] in "“\"‘" or is_zh(rest[:2])
        if number and starts_ok:
            title, inline = _title_of(rest)
            # A long numbered paragraph with no heading words is a list entry, not a part,
            # unless its numeral is roman/word/Chinese (those number sections, not lists).
            if inline and not title and arabic:
                return None
            return Heading("part", number, title, inline)
    return None
