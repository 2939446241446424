"""The fixed texts of an answer (in both languages) and the citation numbering of its text."""

from __future__ import annotations

import re

from qa.records import Citation

MESSAGES = {
    "empty": {"en": "Please type a question.", "zh": "请输入问题。"},
    "too_long": {"en": "Your question is {n:,} characters long; the limit is {limit:,}. Please shorten it.",
                 "zh": "问题长度为{n}个字符，上限为{limit}个字符，请缩短后再问。"},
    "fallback": {"en": "The {backend} model could not answer ({reason}); "
                       "this is the extractive answer from the documents.",
                 "zh": "{backend}模型无法回答（{reason}），以下为从文件中摘录的答案。"},
    # near-topic: the library is about the subject, but no article states what was asked
    "not_found": {"en": "The documents in the library do not answer this question: "
                        "the closest articles do not state {what}.",
                  "zh": "资料库中的文件无法回答这个问题：最相关的条文中没有说明{what}。"},
    "not_stated": {"en": "Not stated in the documents: “{part}”", "zh": "文件中没有说明：“{part}”"},
    "no_model_reason": {"en": "no supported sentence", "zh": "没有得到资料支持的句子"},
}


_MARKER = re.compile(r"\[(\d+)\]")


def in_order_of_appearance(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Citation markers renumbered so that the first one in the text is [1], the next new one [2]…;
    the citations (same records, new ``marker``) in that order."""
    order: dict[int, int] = {}
    for m in _MARKER.finditer(text):
        order.setdefault(int(m.group(1)), len(order) + 1)
    by_marker = {c.marker: c for c in citations}
    for c in citations:  # a citation the text does not show keeps a number after the others
        order.setdefault(c.marker, len(order) + 1)

    def new(m: re.Match) -> str:
        old = int(m.group(1))
        return f"[{order[old]}]" if old in by_marker else m.group(0)

    renumbered = _MARKER.sub(new, text)
    out = []
    for old, number in sorted(order.items(), key=lambda kv: kv[1]):
        if old in by_marker:
            by_marker[old].marker = number
            out.append(by_marker[old])
    return renumbered, out
