"""Parsing a document's paragraphs into articles — the unit every citation points at.

Three schemes, chosen per document:
- **articles**: regulations with ``Article N`` / ``第N条`` headings (chapters become path
  entries; numbered items stay inside their article);
- **outline**: plans, opinions and white papers with parts (``1.``, ``1、``, ``I,``,
  ``V.``, ``Six,``, ``一、``) and items (``(1)``, ``（一）``), plus preface and conclusion;
- **paragraphs**: anything else, one unit per paragraph, labelled by position.

Numbering must go up for a paragraph to count as a heading, so a cross-reference
("Article 21 of the Cybersecurity Law", "第二十一条规定的") or a list restarting
at 1 inside an item is body text. A heading that reappears later with no body of
its own at the first place is a table-of-contents entry and is dropped.
"""

from __future__ import annotations

import re

from ingest.headings import Heading, classify
from ingest.ids import stable_id
from ingest.records import Article, Document
from netlaw.text.numerals import int_to_zh

_STRUCTURAL = {"part", "item", "chapter", "preface", "conclusion"}


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def drop_table_of_contents(paragraphs: list[str]) -> list[str]:
    """Remove headings listed once at the top and again, with body text, below."""
    headings = [classify(p) for p in paragraphs]
    normed = [_norm(p) if h is not None else None for p, h in zip(paragraphs, headings, strict=False)]
    keep = []
    for i, (p, h) in enumerate(zip(paragraphs, headings, strict=False)):
        if h is not None and h.kind in _STRUCTURAL and not h.inline:
            following = headings[i + 1] if i + 1 < len(headings) else None
            next_is_heading = i + 1 >= len(paragraphs) or (following is not None and not following.inline)
            repeated = normed[i] in normed[i + 1 :]
            if next_is_heading and repeated:
                continue
        keep.append(p)
    return keep


def _accept_articles(headings: list[Heading | None]) -> list[bool]:
    """Which article-shaped paragraphs really open an article (numbering goes up)."""
    accepted, last = [], 0
    for h in headings:
        ok = False
        if h is not None and h.kind == "article" and h.number:
            ok = h.number == last + 1 if h.tight else h.number > last
            if ok:
                last = h.number
        accepted.append(ok)
    return accepted


class _Builder:
    """Collects paragraphs into units as headings open and close them."""

    def __init__(self, document: Document):
        self.doc = document
        self.zh = document.language == "zh"
        self.units: list[Article] = []
        self.label = "序言" if self.zh else "Preamble"
        self.path: list[str] = []
        self.kind = "preamble"
        self.key: tuple = ("preamble",)
        self.buffer: list[str] = []
        self.heading: str | None = None  # a heading paragraph that opened this unit

    def open(self, label: str, path: list[str], kind: str, key: tuple,
             heading: str | None = None, inline: bool = False) -> None:
        """Start a unit with its heading paragraph (kept in its text; ``inline``: body follows on it)."""
        self.flush()
        self.label, self.path, self.kind, self.key = label, path, kind, key
        self.heading = None if inline else heading
        if heading:
            self.buffer.append(heading)

    def add(self, paragraph: str) -> None:
        self.buffer.append(paragraph)

    def flush(self) -> None:
        # A part heading directly followed by its items has no text of its own:
        # it lives on in the items' paths, not as an empty article.
        if self.buffer and not (self.heading and self.buffer == [self.heading]):
            self.units.append(Article(
                label=self.label, path=list(self.path), text="\n".join(self.buffer),
                kind=self.kind, key=self.key, position=len(self.units),
            ))
        self.buffer = []


def _parse_articles(doc: Document, headings: list[Heading | None]) -> list[Article]:
    b = _Builder(doc)
    accepted = _accept_articles(headings)
    # The open 编/章/节 headings by level: a chapter closes the previous chapter and its sections.
    structure: dict[int, str] = {}
    for p, h, ok in zip(doc.paragraphs, headings, accepted, strict=False):
        if h is not None and h.kind == "chapter":
            structure = {level: text for level, text in structure.items() if level < h.level}
            structure[h.level] = p
            b.open(p, list(structure.values()), "part", ("chapter", h.level, h.number))
            continue
        if ok and h is not None and h.number is not None:  # an accepted article always has its number
            label = f"第{int_to_zh(h.number)}条" if b.zh else f"Article {h.number}"
            b.open(label, [*structure.values(), label], "article", ("article", h.number))
        b.add(p)
    b.flush()
    return b.units


def _item_label(zh: bool, part: int | None, number: int, title: str) -> str:
    if zh:
        prefix = f"{int_to_zh(part)}、" if part else ""
        return f"{prefix}（{int_to_zh(number)}）{title}"
    prefix = f"Part {part} " if part else ""
    return f"{prefix}({number}) {title}".strip()


def _parse_outline(doc: Document, headings: list[Heading | None]) -> list[Article]:
    b = _Builder(doc)
    zh = b.zh
    part: int | None = None
    part_heading: str | None = None
    last_part, last_item = 0, 0
    for p, h in zip(doc.paragraphs, headings, strict=False):
        if h is not None and h.kind in ("preface", "conclusion"):
            part, part_heading, last_item = None, None, 0
            label = {"preface": "前言" if zh else "Preface", "conclusion": "结束语" if zh else "Conclusion"}[h.kind]
            b.open(label, [label], h.kind, (h.kind,), heading=p, inline=h.inline)
            continue
        if h is not None and h.kind == "part" and h.number is not None and h.number > last_part:
            last_part, last_item = h.number, 0
            part = h.number
            part_heading = p if not h.inline else (h.title or p[:80])
            if zh:
                label = f"{int_to_zh(part)}、{h.title}".rstrip("、")
            else:
                label = f"Part {part} {h.title}".strip()
            b.open(label, [part_heading], "part", ("part", part), heading=p, inline=h.inline)
            continue
        if h is not None and h.kind == "item" and h.number is not None and h.number > last_item:
            last_item = h.number
            label = _item_label(zh, part, h.number, h.title)
            item_heading = p if not h.inline else (h.title or label)
            b.open(label, ([part_heading] if part_heading else []) + [item_heading], "item",
                   ("item", part, h.number), heading=p, inline=h.inline)
            continue
        b.add(p)
    b.flush()
    return b.units


def _parse_paragraphs(doc: Document) -> list[Article]:
    """No structure: one unit per paragraph; short heading-like lines join the next."""
    units: list[Article] = []
    pending: list[str] = []
    for p in doc.paragraphs:
        pending.append(p)
        if len(p) < 60 and not re.search(r"[.。!?！？]$", p):
            continue
        n = len(units) + 1
        label = f"第{int_to_zh(n)}段" if doc.language == "zh" else f"Paragraph {n}"
        units.append(Article(label=label, path=[label], text="\n".join(pending),
                             kind="paragraph", key=("paragraph", n), position=len(units)))
        pending = []
    if pending:
        if units:
            units[-1].text += "\n" + "\n".join(pending)
        else:
            label = "第一段" if doc.language == "zh" else "Paragraph 1"
            units.append(Article(label=label, path=[label], text="\n".join(pending),
                                 kind="paragraph", key=("paragraph", 1), position=0))
    return units


def parse_articles(doc: Document) -> list[Article]:
    """Parse a document into articles with labels, paths and stable ids."""
    doc.paragraphs = drop_table_of_contents(doc.paragraphs)
    headings = [classify(p) for p in doc.paragraphs]
    if any(_accept_articles(headings)):
        units = _parse_articles(doc, headings)
    elif sum(1 for h in headings if h is not None and h.kind in ("part", "item")) >= 2:
        units = _parse_outline(doc, headings)
    else:
        units = _parse_paragraphs(doc)
    _assign_ids(doc, units)
    return units


def _assign_ids(doc: Document, units: list[Article]) -> None:
    seen: dict[str, int] = {}
    for unit in units:
        count = seen.get(unit.label, 0)
        seen[unit.label] = count + 1
        unit.article_id = stable_id(doc.doc_id, unit.label, str(count))


def link_parallel(a: list[Article], b: list[Article]) -> int:
    """Point articles with the same key in two parallel documents at each other."""
    by_key = {unit.key: unit for unit in b}
    linked = 0
    for unit in a:
        other = by_key.get(unit.key)
        if other is not None:
            unit.parallel_id, other.parallel_id = other.article_id, unit.article_id
            linked += 1
    return linked
