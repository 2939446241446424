"""Numerals as they appear in headings and questions: 12, XII, Six, 十二.

Shared by ingest (parsing headings) and retrieval (article references in questions).
"""

from __future__ import annotations

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen", "twenty"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth"]


def zh_to_int(text: str) -> int | None:
    """十二 → 12, 二十二 → 22, 一百零五 → 105; None when not a Chinese numeral."""
    if not text or any(ch not in _ZH_DIGITS and ch not in _ZH_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_zh(n: int) -> str:
    """12 → 十二, 22 → 二十二, 105 → 一百零五, 1260 → 一千二百六十 (arabic digits from 10000)."""
    digits = "零一二三四五六七八九"
    if n >= 10000:
        return str(n)
    if n >= 1000:
        head, rest = digits[n // 1000] + "千", n % 1000
        if rest == 0:
            return head
        if rest < 100:
            return head + "零" + (int_to_zh(rest) if rest < 10 or rest >= 20 else "一" + int_to_zh(rest))
        return head + int_to_zh(rest)
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    rest = n % 100
    head = digits[n // 100] + "百"
    if rest == 0:
        return head
    return head + ("零" + digits[rest] if rest < 10 else int_to_zh(rest) if rest >= 20 else "一" + int_to_zh(rest))


def roman_to_int(text: str) -> int | None:
    text = text.upper()
    if not text or any(ch not in _ROMAN for ch in text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN[ch]
        if i + 1 < len(text) and _ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def to_int(text: str) -> int | None:
    """Any numeral we meet in headings: arabic, roman, English word, Chinese."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    lowered = text.lower()
    if lowered in WORDS:
        return WORDS.index(lowered) + 1
    if lowered in ORDINALS:
        return ORDINALS.index(lowered) + 1
    return roman_to_int(text) or zh_to_int(text)

