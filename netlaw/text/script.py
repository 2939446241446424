"""Script detection: the one definition of "a Chinese character" (the CJK Unified Ideographs
block, U+4E00–U+9FFF, which holds every character of the corpus's simplified Chinese)."""

from __future__ import annotations

import re

HAN = "\u4e00-\u9fff"
"""The range for a regular-expression character class: ``rf"[{HAN}]+"``."""

_HAN_CHAR = re.compile(f"[{HAN}]")
_LATIN = re.compile(r"[A-Za-z]")


def is_chinese_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def has_chinese(text: str) -> bool:
    """Holds at least one Chinese character."""
    return _HAN_CHAR.search(text) is not None


def chinese_chars(text: str) -> list[str]:
    """The text's Chinese characters, in order."""
    return _HAN_CHAR.findall(text)


def is_zh(text: str) -> bool:
    """Mostly Chinese characters (over 30% of the letters)?"""
    cjk = len(chinese_chars(text))
    latin = len(_LATIN.findall(text))
    return cjk > 0 and cjk / (cjk + latin) > 0.3
