"""Questions about versions: which text a question asks for, what changed between two texts, and
where an article of one text went in the other.

- ``asked_as_of``: a question that names a year, a date or a version of a work held in several
  versions, anywhere and in either language ("2020年版", "按2017年的…", "2017年行政复议法…", "截至2020年",
  "before the 2024 amendment", "as of June 2021", "under the 2018 text", "as it stood in 2019") is
  answered from the version in force on that day. Only a work the library holds in several
  versions turns a year into a version: "the 2025 conference" stays a topic.
- ``asks_changes`` / ``changed_pairs``: "What changed in Article 9?", "what changed about the deadline",
  "2024年修正改了哪些条款？": the articles whose text differs between a version and the one before it,
  each paired with its counterpart in the other text by text similarity (a revision renumbers).
- ``asks_renumbered`` / ``label_version``: "旧法第九条在新法里是第几条？", "Which article of the 2023 text
  holds Article 21 of the 2017 text?": the article named, in the version the question puts it in,
  and its counterpart in the other version (``counterpart``).
Pure functions over the retriever's document dicts (``version``, ``work``) and article texts.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MONTH = "|".join(_MONTHS)
_YEAR = r"((?:19|20)\d\d)"
# "before the 2024 amendment", "2024年修正前": the version in force before the one dated in that year.
_BEFORE = [
    re.compile(rf"\b(?:before|prior to|until|preceding) (?:the |its |this )?{_YEAR}\b"
               r"(?:[\s-]+(?:amendment|revision|version|text|change|edition|reform)s?)", re.I),
    re.compile(rf"{_YEAR}\s*年?\s*(?:的)?\s*(?:修正|修订|修改)(?:之前|以前|前)"),
]
# A day: "June 1, 2021", "1 June 2021", "June 2021", "2021年6月1日", "2021年6月", "2021-06-01", "2021-06".
_DAYS = [
    (re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+{_YEAR}\b", re.I), "mdy"),
    (re.compile(rf"\b(\d{{1,2}})\s+({_MONTH}),?\s+{_YEAR}\b", re.I), "dmy"),
    (re.compile(rf"\b({_MONTH}),?\s+(?:of\s+)?{_YEAR}\b", re.I), "my"),
    (re.compile(rf"{_YEAR}\s*年\s*(\d{{1,2}})\s*月(?:\s*(\d{{1,2}})\s*日)?"), "zh"),
    (re.compile(rf"(?<!\d){_YEAR}-(\d\d)(?:-(\d\d))?(?!\d)"), "iso"),
]
# A year alone: "2017年…", "2017版", or in English a year that is not an amount ("2000 yuan", "RMB 2000").
_YEAR_ZH = re.compile(rf"(?<!\d){_YEAR}\s*(?:年|版)")
_YEAR_EN = re.compile(rf"(?<![\d.,$¥€£])(?<!RMB )(?<!CNY )(?<!USD )\b{_YEAR}\b(?![.,]\d)"
                      r"(?!\s*(?:yuan|rmb|元|dollars?|usd|euros?|%|percent|people|persons|cases|items|km|kg|words))",
                      re.I)
_CHANGES = re.compile(
    r"\bwhat(?:'s| has| have)? (?:changed|is new|was amended|were amended|was revised|was added|was removed)"
    r"|\b(?:changes?|differences?|amendments?)\b.*\b(?:made|between|in|to|about)\b|\bhow (?:did|has|have|was|were) .*"
    r" (?:change|changed|revised|amended)\b|\bwhat did the .* (?:amendment|revision) change"
    r"|改了|修改了|哪些(?:条款|内容|规定)?(?:被)?(?:修改|调整|删除|新增)|(?:有何|有什么|有哪些|做了哪些|作了哪些|做了什么)"
    r"(?:变化|不同|调整|修改|改动|区别|变动)|(?:增加|新增|删除|删去)了?(?:哪些|什么)|变化|改动|前后.{0,4}(?:不同|区别)",
    re.I)
# "第几条", "哪一条", "which article", "what number": the question asks for an article's number.
_NUMBER_ASKED = re.compile(
    r"第几条|哪一?条|几条|哪个条款|什么条|条文序号|\bwhich (?:article|provision|section)\b"
    r"|\bwhat (?:article|number|provision)\b|\brenumbered\b|\bnumber(?:ed)? (?:is it|now)\b"
    r"|\bnow (?:numbered|article)\b",
    re.I)
_OLD = re.compile(r"旧法|旧版|旧的|原法|原来|修订前|修改前|修正前|老版"
                  r"|\b(?:old|previous|former|earlier|original|prior)\b", re.I)
_NEW = re.compile(r"新法|新版|现行|现在|修订后|修改后|修正后|\b(?:new|current|revised|amended|present|today)\b", re.I)


@dataclass(frozen=True)
class AsOf:
    """A day asked for (``day``: ISO date, year-month or year) or the version before one dated in ``before``."""

    day: str | None = None
    before: str | None = None  # a year: the version in force before the one dated in that year


def asked_days(question: str) -> list[tuple[int, AsOf]]:
    """Every day or version the question names, with its position, in the order written (a span
    already read as a full date is not read again as a year)."""
    found: list[tuple[int, int, AsOf]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    for pattern in _BEFORE:
        for m in pattern.finditer(question):
            if free(m.start(), m.end()):
                found.append((m.start(), m.end(), AsOf(before=m.group(1))))
    for pattern, form in _DAYS:
        for m in pattern.finditer(question):
            if free(m.start(), m.end()):
                found.append((m.start(), m.end(), AsOf(day=_day(m, form))))
    for pattern in (_YEAR_ZH, _YEAR_EN):
        for m in pattern.finditer(question):
            if free(m.start(), m.end()):
                found.append((m.start(), m.end(), AsOf(day=m.group(1))))
    return [(start, asked) for start, _, asked in sorted(found, key=lambda f: f[0])]


def _day(m: re.Match, form: str) -> str:
    if form == "mdy":
        return f"{m.group(3)}-{_MONTHS.index(m.group(1).lower()) + 1:02d}-{int(m.group(2)):02d}"
    if form == "dmy":
        return f"{m.group(3)}-{_MONTHS.index(m.group(2).lower()) + 1:02d}-{int(m.group(1)):02d}"
    if form == "my":
        return f"{m.group(2)}-{_MONTHS.index(m.group(1).lower()) + 1:02d}"
    day = f"{m.group(1)}-{int(m.group(2)):02d}"
    return f"{day}-{int(m.group(3)):02d}" if m.group(3) else day


def asked_as_of(question: str) -> AsOf | None:
    """The day or version a question asks about, if it names one (the first named; whether it applies
    depends on the library holding several versions of the work; see ``resolve``)."""
    days = asked_days(question)
    return days[0][1] if days else None


def resolve(asked: AsOf, versions: list[str]) -> str | None:
    """The ``as_of`` day for the retriever, given a work's version dates (oldest first)."""
    if asked.day:
        dated_in = [v for v in versions if v.startswith(asked.day)]
        return dated_in[-1] if dated_in else asked.day  # "the 2020 text": the version of 2020 itself
    if asked.before:
        earlier = [v for v in versions if v[:4] < asked.before]
        return earlier[-1] if earlier else None
    return None


def asks_changes(question: str) -> bool:
    return bool(_CHANGES.search(question))


def asks_renumbered(question: str, labels: list[str]) -> bool:
    """The question names an article and asks for its number (in another version)."""
    return bool(labels) and bool(_NUMBER_ASKED.search(question))


def in_force_at(day: str | None, versions: list[str]) -> str:
    """The version (date) in force on ``day`` (today when None): the latest not after it, else the first."""
    day = day or today()
    held = [v for v in versions if v <= day or v.startswith(day)]
    return held[-1] if held else versions[0]


def label_version(question: str, label_at: int, versions: list[str],
                  as_of: str | None = None) -> tuple[str, str]:
    """(the version an article named at ``label_at`` belongs to, the version asked about), for a
    question asking where that article is in another version. The version nearest the label in the
    question ("2017年文本第三十五条", "Article 7 of the 2017 text", "旧法第九条") is the label's; another
    named version, or else the version in force (the one before it when the label's is the one in
    force), is the other. With none named near the label it is an earlier text's ("第九条现在是第几条？")."""
    marks: list[tuple[int, str]] = [(at, v) for at, asked in asked_days(question)
                                    if (v := resolve_version(asked, versions)) is not None]
    now = in_force_at(as_of if as_of and not marks else None, versions)
    for pattern, which in ((_OLD, "old"), (_NEW, "new")):
        for m in pattern.finditer(question):
            marks.append((m.start(), which))
    tied = [(at, v) for at, v in marks if _tied(question, at, label_at)]
    if tied:
        at, near = min(tied, key=lambda mark: abs(mark[0] - label_at))
        others = [v for a, v in marks if a != at and v != near]
    else:  # "第九条现在是第几条？": an earlier text's article, asked about in a later one
        near, others = "old", [v for _, v in marks] or ["new"]
    source = _named(near, versions, now, None)
    target = _named(others[0], versions, now, source) if others else None
    if target is None or target == source:
        target = now if source != now else versions[max(0, versions.index(now) - 1)]
    return source, target


def _tied(question: str, at: int, label_at: int) -> bool:
    """A version named right before the label in the same clause ("2017年文本第三十五条", "旧法第九条"),
    or right after it ("Article 7 of the 2017 text")."""
    if at < label_at:
        return not re.search(r"[，,。.;；？?！!]", question[at:label_at])
    between = question[label_at:at]
    return bool(re.fullmatch(r"(?:Article|art\.)?\s*\d*\s+(?:of|in|from)\s+(?:the\s+|its\s+)?", between, re.I))


def resolve_version(asked: AsOf, versions: list[str]) -> str | None:
    """The version (date) a named day or "before" picks among ``versions``."""
    day = resolve(asked, versions)
    return in_force_at(day, versions) if day else None


def _named(mark: str, versions: list[str], now: str, other: str | None) -> str:
    """A version date from a mark: a date as is, "new" the version in force, "old" the one before
    (or before ``other``)."""
    if mark == "new":
        return now
    if mark == "old":
        ref = other if other and other != versions[0] else now
        return versions[max(0, versions.index(ref) - 1)]
    return mark


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


def changed_articles(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Labels (in the new version's order) of the articles whose text differs, or that one version
    lacks; ``old``/``new``: label → text of each version's articles, in document order."""
    labels = list(new) + [label for label in old if label not in new]
    return [label for label in labels if _normalised(old.get(label, "")) != _normalised(new.get(label, ""))]


def _grams(text: str) -> Counter:
    """Character bigrams of a text without spaces and punctuation (the text similarity of two versions)."""
    chars = re.sub(r"[\s\W_]+", "", text)
    return Counter(chars[i:i + 2] for i in range(len(chars) - 1))


def similarity(a: str | Counter, b: str | Counter) -> float:
    """Cosine of the character-bigram counts of two texts (0..1)."""
    ga = a if isinstance(a, Counter) else _grams(a)
    gb = b if isinstance(b, Counter) else _grams(b)
    dot = sum(n * gb[g] for g, n in ga.items() if g in gb)
    norm = math.sqrt(sum(n * n for n in ga.values()) * sum(n * n for n in gb.values()))
    return dot / norm if norm else 0.0


ALIGN_MIN = 0.3  # below this an article has no counterpart in the other version (added or removed)


def align(old: dict[str, str], new: dict[str, str], least: float = ALIGN_MIN) -> list[tuple[str | None, str | None]]:
    """Each article of one version with its counterpart in the other, by text similarity, best pairs
    first (a text kept under its own label wins a tie): (old label, new label), None for an article
    the other version lacks; in the new version's order, removed articles last."""
    pairs: dict[str, str] = {}  # new label → old label
    same = {_normalised(text): label for label, text in reversed(list(old.items()))}
    for n, text in new.items():  # a text kept word for word (under its own label when it can)
        o = n if n in old and _normalised(old[n]) == _normalised(text) else same.get(_normalised(text))
        if o is not None and o not in pairs.values():
            pairs[n] = o
    taken = set(pairs.values())
    old_grams = {label: _grams(text) for label, text in old.items() if label not in taken}
    new_grams = {label: _grams(text) for label, text in new.items() if label not in pairs}
    scored = sorted(((similarity(og, ng) + (0.05 if o == n else 0.0), o, n)
                     for o, og in old_grams.items() for n, ng in new_grams.items()), reverse=True)
    for score, o, n in scored:
        if score < least:
            break
        if n not in pairs and o not in taken:
            pairs[n] = o
            taken.add(o)
    out: list[tuple[str | None, str | None]] = [(pairs.get(n), n) for n in new]
    return out + [(o, None) for o in old if o not in taken]


def changed_pairs(old: dict[str, str], new: dict[str, str]) -> list[tuple[str | None, str | None]]:
    """The aligned pairs whose text differs (spacing aside), in the new version's order."""
    return [(o, n) for o, n in align(old, new)
            if _normalised(old.get(o or "", "")) != _normalised(new.get(n or "", ""))]


def counterpart(text: str, others: dict[str, str], focus: str | None = None) -> str | None:
    """The label of the article of another version closest in text to ``text`` (an article, or the
    paragraph of it a question is about when ``focus`` picks one), None when none is close."""
    part = text
    if focus:
        paragraphs = [p for p in text.split("\n") if p.strip()]
        if len(paragraphs) > 1:
            asked = _grams(focus)
            best = max(paragraphs, key=lambda p: similarity(asked, _grams(p)))
            part = best if similarity(asked, _grams(best)) > 0 else text
    grams = _grams(part)
    scored = sorted(((similarity(grams, _grams(t)), label) for label, t in others.items()), reverse=True)
    return scored[0][1] if scored and scored[0][0] >= ALIGN_MIN else None


def version_words(version: str, language: str) -> str:
    """"the version of 2024-04-26" / "2024-04-26版"."""
    return f"{version}版" if language == "zh" else f"the version of {version}"


def today() -> str:
    return _dt.date.today().isoformat()


Lookup = Callable[[str], dict[str, str]]  # doc_id → its articles' label → text


_ARTICLE_REF = re.compile(r"第[零〇一二三四五六七八九十百千两\d]+条|\b(?:article|art\.)\s*\d{1,5}\b", re.I)


def first_article_ref(question: str) -> tuple[list[str], int] | None:
    """The labels (both languages) of the first article the question names, and where it is named."""
    from netlaw.text.references import article_labels_in

    m = _ARTICLE_REF.search(question)
    return (article_labels_in(m.group(0)), m.start()) if m else None


_VERSION_WORDS = re.compile(
    r"(?:修订|修正|修改)(?:之前|以前|前|后|时)?|新法|旧法|新版|旧版|版本|文本|\b(?:amendments?|revisions?|versions?|texts?"
    r"|revised|amended|old|new)\b", re.I)


def without_days(question: str) -> str:
    """The question less the days and versions it names ("截至2020年，…" → "截至，…"): once they have
    picked the version that answers, they are not part of the fact asked (a year asked as a version
    is not a year the answer must state)."""
    spans = [(m.start(), m.end()) for pattern in _BEFORE for m in pattern.finditer(question)]
    spans += [(m.start(), m.end()) for pattern, _ in _DAYS for m in pattern.finditer(question)]
    spans += [(m.start(), m.end()) for pattern in (_YEAR_ZH, _YEAR_EN) for m in pattern.finditer(question)]
    out = question
    for start, end in sorted(set(spans), reverse=True):
        out = out[:start] + " " * (end - start) + out[end:]  # positions kept for overlapping spans
    return re.sub(r"\s{2,}", " ", out).strip()


def change_topic(question: str) -> str:
    """What a "what changed about X" question is about: the question less its days, version words and
    words of change (the search for X among the changed articles should not match "2023" or "修订")."""
    return _VERSION_WORDS.sub(" ", _CHANGES.sub(" ", without_days(question))).strip()
