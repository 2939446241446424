"""Article references in a question: "Article 12", "art. 12", "第十四条", "Part 2 (2)". Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from netlaw.text.numerals import int_to_zh, to_int

_ZH_NUM = "零〇一二三四五六七八九十百千两"
_EN = re.compile(r"\b(?:article|art\.)\s*(\d{1,5})\b", re.I)
_ZH = re.compile(rf"第([{_ZH_NUM}\d]+)条")
_PART_ITEM = re.compile(r"\bpart\s+(\d{1,2}|[ivx]{1,4})\b(?:\s*,?\s*(?:item\s*)?\((\d{1,2})\))?", re.I)


def article_labels_in(question: str) -> list[str]:
    """Label prefixes the question names, in both languages ("Article 14" and "第十四条")."""
    labels: list[str] = []
    numbers = [int(n) for n in _EN.findall(question)] + [to_int(n) for n in _ZH.findall(question)]
    for n in numbers:
        if n:
            labels += [f"Article {n}", f"第{int_to_zh(n)}条"]
    for part, item in _PART_ITEM.findall(question):
        p = to_int(part)
        if p:
            labels.append(f"Part {p} ({item})" if item else f"Part {p}")
    return list(dict.fromkeys(labels))


def strip_references(question: str) -> str:
    """The question without its article references (what is left may name the document)."""
    return _ZH.sub(" ", _EN.sub(" ", question)).strip() or question


# A law's structure above its articles: 编 / 章 / 节, "Part" is taken by plans' parts.
_ZH_UNIT = re.compile(rf"第([{_ZH_NUM}\d]+)([编章节])")
_EN_UNIT = re.compile(r"\b(chapter|section)\s+(\d{1,3}|[ivxl]{1,6})\b", re.I)
_UNIT_LEVEL = {"编": 0, "章": 1, "节": 2, "chapter": 1, "section": 2}


def structure_refs_in(text: str) -> list[tuple[int, int]]:
    """(level, number) of each 编/章/节 or chapter/section the text names: 0 编, 1 章, 2 节."""
    refs = [(_UNIT_LEVEL[unit], to_int(n)) for n, unit in _ZH_UNIT.findall(text)]
    refs += [(_UNIT_LEVEL[unit.lower()], to_int(n)) for unit, n in _EN_UNIT.findall(text)]
    return [(level, n) for level, n in dict.fromkeys(refs) if n]


@lru_cache(maxsize=4096)
def heading_ref(heading: str) -> tuple[int, int] | None:
    """(level, number) of a structural heading that starts with its number ("第四章 网络信息安全")."""
    stripped = heading.strip()
    m = _ZH_UNIT.match(stripped) or _EN_UNIT.match(stripped)
    if not m:
        return None
    refs = structure_refs_in(m.group(0))
    return refs[0] if refs else None


def label_matches(label: str, prefixes: list[str]) -> bool:
    return any(label == p or label.startswith(p + " ") for p in prefixes)
