"""Article references in a question: "Article 12", "art. 12", "第十四条", "Part 2 (2)". Pure."""

from __future__ import annotations

import re

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


def label_matches(label: str, prefixes: list[str]) -> bool:
    return any(label == p or label.startswith(p + " ") for p in prefixes)
