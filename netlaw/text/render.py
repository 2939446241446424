"""English renderings of the key facts of Chinese legal text: amounts, durations, dates, ages,
frequencies, counts, multiples and shares ("不少于六个月" → "no less than six months",
"十万元以上一百万元以下" → "between RMB 100,000 and RMB 1,000,000", "每年至少进行一次" → "at least
once a year"), and of bodies through the CC-CEDICT dictionary (see ``netlaw.text.bodies``).

So an English question answered from a Chinese-only article can lead with the fact in English,
beside the Chinese quote. Pure functions, no model: every rule is a fact of the language (numerals,
units, 以上/以下/不少于/至少/每…), never a phrase of one law. Legal Chinese counts the bound in
以上/以下/以内 ("up to", "or more" are inclusive), so does the English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from netlaw.text.bodies import render_body
from netlaw.text.numerals import WORDS

_DIGIT = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
          "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10**4, "亿": 10**8}
_ZH_CHARS = "".join(_DIGIT) + "".join(_SMALL) + "".join(_BIG)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")

# ---- the grammar: each piece a named fragment of one regular expression ---------------------------------------
NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)[万亿]?|[{_ZH_CHARS}]+|半"
_UNIT = {"元": "amount", "周岁": "age", "岁": "age", "倍": "multiple", "次": "times", "人": "persons",
         "个工作日": "working day", "工作日": "working day", "个小时": "hour", "小时": "hour",
         "分钟": "minute", "个月": "month", "个季度": "quarter", "季度": "quarter", "个星期": "week", "星期": "week",
         "周": "week", "日": "day", "天": "day", "年": "year"}
UNIT = "|".join(sorted(map(re.escape, _UNIT), key=len, reverse=True))
_PRE = {**dict.fromkeys("不少于 不得少于 不低于 不得低于 不短于 不得短于".split(), "no less than"),
        **dict.fromkeys("至少 最少 最短".split(), "at least"),
        **dict.fromkeys("不超过 不得超过 不高于 不得高于 不多于 不得多于 不长于".split(), "no more than"),
        **dict.fromkeys("最长不得超过 最长不超过 最多不得超过 最多不超过".split(), "no more than"),
        **dict.fromkeys("最多 最长 最高".split(), "at most"),
        **dict.fromkeys("超过 多于 高于 逾".split(), "more than"),
        **dict.fromkeys("少于 低于 不满 不足 未满".split(), "less than"),
        **dict.fromkeys("年满 已满 满".split(), "full")}
PRE = "|".join(sorted(_PRE, key=len, reverse=True))
POST = "以上|以下|以内|之内|内(?![容部地涵在心])|以后|之后|后|以前|之前|前(?![款项条述])"
_QTY = re.compile(rf"(?P<pre>{PRE})?(?:人民币)?(?P<num>{NUM})(?P<unit>{UNIT})(?P<post>{POST})?")
_RANGE = re.compile(rf"(?P<pre>{PRE})?(?:人民币)?(?P<a>{NUM})(?P<ua>{UNIT})?"
                    rf"(?P<sep>以上不满|以上不足|以上未满|以上|至|到|~|～|－|-)(?:人民币)?(?P<b>{NUM})(?P<ub>{UNIT})(?P<post>以下|以内)?")
_SHARE = re.compile(rf"(?P<pre>{PRE})?(?:百分之(?P<pz>{NUM})|(?P<pa>\d+(?:\.\d+)?)%|(?P<den>{NUM})分之(?P<nom>{NUM}))"
                    rf"(?P<post>以上|以下|以内)?")
_PERCENT = rf"百分之(?:{NUM})|\d+(?:\.\d+)?%"
_SHARE_RANGE = re.compile(rf"(?P<a>{_PERCENT})(?P<sep>以上|至|到|~|～|－|-)(?P<b>{_PERCENT})(?P<post>以下)?")
_Y = r"\d{4}|[〇零○一二三四五六七八九]{4}"
_M = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_D = r"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_DATE = re.compile(rf"(?P<pre>自|从|于|截至|截止)?(?P<every>每年)?"
                   rf"(?:(?P<y>{_Y})年(?:度|(?P<m>{_M})月(?:(?P<d>{_D})[日号])?)?|(?P<m2>{_M})月(?P<d2>{_D})[日号])(?P<post>起|以来|以后|之后|后|以前|之前|前)?")
_PERIOD = "个工作日|工作日|个季度|季度|个月|月|个星期|星期|周|日|天|半年|年度|年|个小时|小时"
_QUAL = "至少|不少于|不得少于|最多|不超过|不得超过"
_FREQ = re.compile(rf"(?P<q1>{_QUAL})?每(?P<n>{NUM})?(?P<per>{_PERIOD})(?:(?P<q2>{_QUAL})?"
                   rf"(?P<fill>[^\s{_ZH_CHARS}每，。；：、,.;:（）()“”\d]{{0,8}}?)(?P<c>{NUM})次(?P<post>以上|以下)?)?")
_WORDS_FACTS = {"终身": "for life", "永久": "permanently", "立即": "immediately", "当日": "on the same day",
                "当天": "on the same day", "次日": "on the following day"}
_WORD_FACT = re.compile("|".join(_WORDS_FACTS))
_FINE = re.compile(r"处?(?P<fact>.+?)的?罚款")
_NO_FACT_BEFORE = "第之"  # 第三次 is an ordinal, 之一 a share's tail
_NO_ONE_AFTER = "同每上下统唯万其任逐"  # 同一天 "the same day", 上一年 "the year before", 每一 "each": not counts
_NO_FACT_AFTER = "性分之零半又"  # 一次性 "one-off", 十分 "very", 一年零三个月 and 一年半: the quantity goes on
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def zh_number(text: str) -> int | None:
    """A Chinese numeral's value, 万 and 亿 included ("十万" → 100000, "一亿零五百" → 100000500, "二〇二一" →
    2021, financial forms 壹贰…拾佰仟 alike); None when not a well-formed numeral ("二百五", "万")."""
    if not text or any(ch not in _ZH_CHARS for ch in text):
        return None
    if (len(text) == 4 or "〇" in text or "○" in text) and all(ch in _DIGIT for ch in text):
        # written digit by digit, as years are: 二〇二一 (not 三五, "three or five")
        return int("".join(str(_DIGIT[ch]) for ch in text)) if text[0] not in "两" else None
    total, section, digit, last_small, last_big, after_zero = 0, 0, None, 10**5, 10**9, False
    for ch in text:
        if ch in _DIGIT:
            if digit is not None and not (digit == 0 and _DIGIT[ch] != 0):
                return None
            after_zero = after_zero or _DIGIT[ch] == 0
            digit = _DIGIT[ch]
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if unit >= last_small or digit == 0 or (digit is None and (section or total) and unit != 10):
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small, after_zero = None, unit, False
        else:
            unit = _BIG[ch]
            section += digit or 0
            if unit >= last_big or section == 0:
                return None
            total, section = (total + section) * unit if unit > 10**4 else total + section * unit, 0
            digit, last_small, last_big, after_zero = None, 10**5, unit, False
    if digit and not after_zero and last_small != 10 and (last_small < 10**5 or last_big < 10**9):
        return None  # 二百五, 一万五: colloquial abbreviations, not legal numerals
    return total + section + (digit or 0)


def number(text: str) -> Decimal | None:
    """Arabic ("100,000", "1.5万", "10万") or Chinese ("十万", "半") numeral → its value."""
    text = text.translate(_FULL_WIDTH)
    if text == "半":
        return Decimal("0.5")
    if text and text[0].isdigit():
        scale = _BIG.get(text[-1], 1)
        return Decimal(text.rstrip("万亿").replace(",", "")) * scale
    value = zh_number(text)
    return None if value is None else Decimal(value)


def count_words(n: Decimal | int) -> str:
    """Zero to ten in words, larger numbers in figures with thousands separators."""
    if n == int(n):
        n = int(n)
        return "zero" if n == 0 else WORDS[n - 1] if n <= 10 else f"{n:,}"
    return f"{n:,}".rstrip("0")


def _figures(n: Decimal) -> str:
    return f"{int(n):,}" if n == int(n) else f"{n:,f}".rstrip("0")


def _base(kind: str, n: Decimal) -> str | None:
    """The quantity itself: "RMB 50,000", "six months", "aged 16", "ten times", "twice", "three persons"."""
    if kind == "amount":
        return f"RMB {_figures(n)}"
    if kind == "age":
        return f"aged {_figures(n)}"
    if kind in ("times", "multiple"):
        if n != int(n):
            return None
        return {1: "once", 2: "twice"}.get(int(n), f"{count_words(n)} times") if kind == "times" else \
            "one time" if n == 1 else f"{count_words(n)} times"
    if n == Decimal("0.5"):
        return {"year": "six months", "hour": "half an hour"}.get(kind, f"half a {kind}")
    if kind == "persons":
        return "one person" if n == 1 else f"{count_words(n)} persons"
    noun = {"items": "item"}.get(kind, kind)
    return f"{count_words(n)} {noun}{'' if n == 1 else 's'}"


def _bounded(kind: str, base: str, pre: str | None, post: str | None) -> str | None:
    """The quantity with its bound: a qualifier before (不少于…) or after (…以上), not both."""
    if pre and post:
        return None
    if kind == "age":
        number_ = base.removeprefix("aged ")
        if pre:
            over, under = f"aged {number_} or over", f"aged {number_} or under"
            return {"full": over, "no less than": over, "at least": over, "no more than": under, "at most": under,
                    "less than": f"under the age of {number_}", "more than": f"over the age of {number_}"}[_PRE[pre]]
        return {None: base, "以上": f"{base} or over", "以下": f"{base} or under"}.get(post)
    if pre:
        phrase = _PRE[pre]
        if kind in ("persons", "items"):  # things counted: "no fewer than two persons"
            phrase = phrase.replace("less", "fewer")
        return None if phrase == "full" else f"{phrase} {base}"
    if post is None:
        return base
    timed = kind in ("day", "working day", "week", "month", "quarter", "year", "hour", "minute")
    if post == "以上":
        return {"once": "at least once", "twice": "at least twice"}.get(base) or (
            base.replace(" times", " or more times") if kind == "times" else
            base.replace(" persons", " or more persons") if kind == "persons" else f"{base} or more")
    if post == "以下" or (post in ("以内", "之内", "内") and not timed):
        return {"once": "at most once", "twice": "at most twice"}.get(base, f"up to {base}")
    if not timed:
        return None
    if post in ("以内", "之内", "内"):
        return f"within {base}"
    return f"after {base}" if post.endswith("后") else f"{base} before"


def _quantity(num: str, unit: str) -> tuple[str, Decimal] | None:
    kind, n = _UNIT[unit], number(num)
    if n is None or (n == Decimal("0.5") and kind not in ("year", "month", "day", "hour")):
        return None
    if kind == "year" and (re.fullmatch(r"\d{4}", num) or re.fullmatch(rf"[{''.join(_DIGIT)}]{{4}}", num)):
        return None  # 2021年, 二〇二一年: a calendar year, not a duration
    if num != "半" and num[0] not in "0123456789" and zh_number(num) is None:
        return None
    return kind, n


def _render_qty(m: re.Match) -> str | None:
    q = _quantity(m["num"], m["unit"])
    if q is None:
        return None
    base = _base(*q)
    return None if base is None else _bounded(q[0], base, m["pre"], m["post"])


def _render_range(m: re.Match) -> str | None:
    """"A以上B以下", "A至B": both bounds count, so "between A and B"."""
    if m["pre"] or (m["sep"] == "以上") != (m["post"] is not None):
        return None
    a, b = _quantity(m["a"], m["ua"] or m["ub"]), _quantity(m["b"], m["ub"])
    if a is None or b is None or a[1] >= b[1] and a[0] == b[0]:
        return None
    timed = {"day", "working day", "week", "month", "quarter", "year", "hour", "minute"}
    if a[0] != b[0] and not {a[0], b[0]} <= timed:
        return None
    low, high = _base(*a), _base(*b)
    if low is None or high is None:
        return None
    if m["sep"].startswith("以上") and len(m["sep"]) > 2:
        return f"aged {_figures(a[1])} or over but under {_figures(b[1])}" if a[0] == "age" else \
            f"{low} or more but less than {high}"
    if a[0] == "amount":
        return f"between {low} and {high}"
    if a[0] == "age":
        return f"aged between {_figures(a[1])} and {_figures(b[1])}"
    if a[0] == b[0] and a[1] == int(a[1]):
        return f"between {count_words(a[1])} and {high}"
    return f"between {low} and {high}"


def _render_share(m: re.Match) -> str | None:
    if m["pa"]:
        base: str | None = f"{m['pa']}%"
    elif m["pz"]:
        n = number(m["pz"])
        base = None if n is None or m["pz"] == "半" else f"{_figures(n)}%"
    else:
        den, nom = zh_number(m["den"]), zh_number(m["nom"])
        if not den or not nom or nom >= den or den > 10:
            return None
        noun = {2: "half", 4: "quarter"}.get(den) or ["third", "fifth", "sixth", "seventh", "eighth", "ninth",
                                                       "tenth"][[3, 5, 6, 7, 8, 9, 10].index(den)]
        base = f"{count_words(nom)} {noun if nom == 1 else 'halves' if den == 2 else noun + 's'}"
    return None if base is None else _bounded("share", base, m["pre"], m["post"])


def _percent(text: str) -> Decimal | None:
    n = number(text.removeprefix("百分之").removesuffix("%"))
    return None if text.endswith("半") else n


def _render_share_range(m: re.Match) -> str | None:
    a, b = _percent(m["a"]), _percent(m["b"])
    if a is None or b is None or a >= b or (m["sep"] == "以上") != (m["post"] is not None):
        return None
    return f"between {_figures(a)}% and {_figures(b)}%"


def _render_date(m: re.Match) -> str | None:
    y, mo, d = m["y"], m["m"] or m["m2"], m["d"] or m["d2"]
    year = int(y) if y and y.isdigit() else zh_number(y) if y else None
    month = (int(mo) if mo.isdigit() else zh_number(mo)) if mo else None
    day = (int(d) if d.isdigit() else zh_number(d)) if d else None
    if year is not None and not 1000 <= year <= 2999 or month is not None and not 1 <= month <= 12:
        return None
    parts = [str(day)] if day else []
    parts += [_MONTHS[month - 1]] if month else []
    parts += [str(year)] if year else []
    if m["every"] and (year or not month):
        return None
    text = " ".join(parts) + (" each year" if m["every"] else "")
    post, pre = m["post"], m["pre"]
    if post == "起" or post is None and pre in ("自", "从"):
        return f"from {text}"
    if post == "以来":
        return f"since {text}"
    if post:
        return f"{'after' if post.endswith('后') else 'before'} {text}"
    if pre in ("截至", "截止"):
        return f"as of {text}"
    if pre == "于":
        return f"{'on' if day else 'in'} {text}"
    return text


_PER = {**dict.fromkeys("年 年度".split(), "a year"), **dict.fromkeys("季度 个季度".split(), "a quarter"),
        **dict.fromkeys("月 个月".split(), "a month"), **dict.fromkeys("周 星期 个星期".split(), "a week"),
        **dict.fromkeys("日 天".split(), "a day"), **dict.fromkeys("小时 个小时".split(), "an hour"),
        **dict.fromkeys("工作日 个工作日".split(), "every working day"), "半年": "every six months"}


def _render_freq(m: re.Match) -> str | None:
    per = m["per"]
    if m["n"]:  # 每两年, 每三个月: "every two years"
        unit = {"年度": "年", "月": "个月", "季度": "个季度", "个季度": "个季度"}.get(per, per)
        q = _quantity(m["n"], unit) if unit in _UNIT else None
        if q is None or q[1] == 1:
            return None
        period = f"every {_base(*q)}"
    else:
        period = _PER[per]
    if m["c"] is None:
        return None if m["q1"] else period.replace("a ", "every ", 1).replace("an ", "every ", 1)
    count = number(m["c"])
    if count is None or count != int(count) or count == 0 or m["q1"] and m["q2"]:
        return None
    times = _base("times", count)
    qual = m["q1"] or m["q2"]
    if qual and m["post"]:
        return None
    if m["post"]:
        qual = "至少" if m["post"] == "以上" else "最多"
    lead = {"至少": "at least ", "不少于": "at least ", "不得少于": "at least ", "最多": "at most ",
            "不超过": "no more than ", "不得超过": "no more than "}.get(qual or "", "")
    return f"{lead}{times} {period}"


_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str | None]]] = [
    (_FREQ, _render_freq), (_DATE, _render_date), (_RANGE, _render_range),
    (_SHARE_RANGE, _render_share_range), (_SHARE, _render_share),
    (_QTY, _render_qty), (_WORD_FACT, lambda m: _WORDS_FACTS[m[0]]),
]


def english_facts_in(sentence: str) -> list[tuple[int, int, str]]:
    """Every renderable fact span of a Chinese sentence, as (start, end, English), in reading order;
    where spans overlap the longest wins ("十万元以上一百万元以下" over "十万元以上")."""
    found: list[tuple[int, int, str]] = []
    for pattern, render in _PATTERNS:
        for start in range(len(sentence)):
            m = pattern.match(sentence, start)
            before = sentence[start - 1] if start else ""
            if m is None or m.end() == start or before and (before in _NO_FACT_BEFORE or
                                                            m[0][0] == "一" and before in _NO_ONE_AFTER):
                continue
            after = sentence[m.end():m.end() + 1]
            if after and after in _NO_FACT_AFTER or after in ("度", "级") and m[0].endswith("年") \
                    or _inside_number(sentence, start):
                continue  # 一次性 ("one-off"), 十分 ("very"), 一年度/一年级 (a year's accounts, first grade)
            text = render(m)
            if text:
                found.append((start, m.end(), text))
    chosen: list[tuple[int, int, str]] = []
    for span in sorted(found, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= s[0] or span[0] >= s[1] for s in chosen):
            chosen.append(span)
    return sorted(chosen)


def _inside_number(text: str, start: int) -> bool:
    """The match starts inside a numeral ("十万元" within "五十万元")."""
    numeral = _ZH_CHARS + "0123456789"
    return start > 0 and text[start - 1] in numeral and text[start] in numeral


def english_fact(chinese: str, glosses: Callable[[str], list[list[str]] | None] | None = None) -> str | None:
    """The exact English of one Chinese fact span ("十五个工作日内" → "within 15 working days", "国务院" →
    "State Council"), or None when part of it cannot be rendered confidently. ``glosses`` looks a word
    up in CC-CEDICT (its definition lists, as ``vectorstore.translate`` holds them); by default the
    dictionary is loaded here."""
    text = chinese.strip(" \t\n*，。；：、,.;:")
    if not text:
        return None
    for pattern, render in _PATTERNS:
        m = pattern.fullmatch(text)
        if m is not None:
            rendered = render(m)
            if rendered:
                return rendered
    fine = _FINE.fullmatch(text)
    if fine is not None:
        amount = english_fact(fine["fact"])
        if amount and "RMB" in amount:
            return f"a fine of {amount}"
    if re.search(rf"[\d{_ZH_CHARS}]", text) and any(p[0].search(text) for p in _PATTERNS):
        return None  # a fact with words around it: not all of it renders
    return render_body(text, glosses)


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Render the key facts of Chinese sentences in English.")
    parser.add_argument("text", nargs="+", help="Chinese sentences or fact spans")
    args = parser.parse_args(argv)
    for text in args.text:
        print(text, "→", english_fact(text), english_facts_in(text))


if __name__ == "__main__":
    main()


# ---- a rendering beside its quote: "**at least once a year** — 每年至少进行一次检测评估" -----------------------------
RENDERING = re.compile(r"^\s*\*\*(?P<english>[A-Za-z0-9][^*\u4e00-\u9fff]{0,80})\*\* — ")


def with_rendering(english: str, quote: str) -> str:
    """The line an English question gets from a Chinese sentence: the fact in English, then the quote."""
    return f"**{english}** — {quote}"


def split_rendering(line: str) -> tuple[str, str] | None:
    """(English, quote) of a line written by ``with_rendering`` whose English is the rendering of a fact
    the quote states (as a whole, a fact found in it, or a span it bolds, as the composer renders it); None
    for any other line (so a checker can take the quote alone as the claim)."""
    m = RENDERING.match(line)
    if m is None:
        return None
    quote = line[m.end():]
    plain = quote.replace("**", "")
    facts = {text for _, _, text in english_facts_in(plain)}
    english = m["english"].strip()
    bolded = (english_fact(span) for span in re.findall(r"\*\*(.+?)\*\*", quote))
    return (english, quote) if english in facts or english == english_fact(plain) or english in bolded else None
