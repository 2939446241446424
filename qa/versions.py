"""Questions about versions: which text a question asks for, and what changed between two texts.

- ``asked_as_of``: a question that names a year, a date or a version of a work held in several
  versions ("2020年版", "before the 2024 amendment", "as of June 2021", "Under the 2018 … Law") is
  answered from the version in force on that day. Only a work the library holds in several
  versions turns a year into a version: "the 2025 conference" stays a topic.
- ``asks_changes`` / ``changed_articles``: "What changed in Article 9?", "2024年修正改了哪些条款？":
  the articles whose text differs between a version and the one before it.
Pure functions over the retriever's document dicts (``version``, ``work``) and article texts.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from dataclasses import dataclass

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_YEAR = r"((?:19|20)\d\d)"
# (pattern, relation): "before" the version dated in that year, or "in force" on that day.
_ASKED: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"(?:before|prior to|until) the {_YEAR} (?:amendment|revision|version)", re.I), "before"),
    (re.compile(rf"{_YEAR}\s*年?\s*(?:修正|修订|修改)(?:之前|以前|前)"), "before"),
    (re.compile(rf"(?:as of|as at|on|in force (?:on|in)|in) ({'|'.join(_MONTHS)})\s+{_YEAR}", re.I), "month"),
    (re.compile(rf"(?:截至|截止|在){_YEAR}年(\d{{1,2}})月"), "zh-month"),
    (re.compile(rf"(?:as of|as at|in force in|the|under the|in the) {_YEAR}\b", re.I), "year"),
    (re.compile(rf"{_YEAR}\s*年\s*(?:版|修正|修订|文本|的版本|时)"), "year"),
    (re.compile(rf"(?:截至|截止|在){_YEAR}年"), "year"),
]
_CHANGES = re.compile(
    r"\bwhat(?:'s| has| have)? (?:changed|is new|was amended|were amended)|\b(?:changes?|differences?|amendments?)\b"
    r".*\b(?:made|between|in|to)\b|\bhow (?:did|has) .* change|\bwhat did the .* (?:amendment|revision) change"
    r"|改了|修改了|修改了哪些|哪些(?:条款|内容)?(?:被)?修改|有何(?:变化|不同)|有什么(?:变化|不同)|变化|改动", re.I)


@dataclass(frozen=True)
class AsOf:
    """A day asked for (``day``: ISO date, year-month or year) or the version before one dated in ``before``."""

    day: str | None = None
    before: str | None = None  # a year: the version in force before the one dated in that year


def asked_as_of(question: str) -> AsOf | None:
    """The day or version a question asks about, if it names one (whether it applies depends on the
    library holding several versions of the work; see ``resolve``)."""
    for pattern, relation in _ASKED:
        m = pattern.search(question)
        if not m:
            continue
        if relation == "before":
            return AsOf(before=m.group(1))
        if relation == "month":
            return AsOf(day=f"{m.group(2)}-{_MONTHS.index(m.group(1).lower()) + 1:02d}")
        if relation == "zh-month":
            return AsOf(day=f"{m.group(1)}-{int(m.group(2)):02d}")
        return AsOf(day=m.group(1))
    return None


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


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


def changed_articles(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Labels (in the new version's order) of the articles whose text differs, or that one version
    lacks; ``old``/``new``: label → text of each version's articles, in document order."""
    labels = list(new) + [label for label in old if label not in new]
    return [label for label in labels if _normalised(old.get(label, "")) != _normalised(new.get(label, ""))]


def version_words(version: str, language: str) -> str:
    """"the version of 2024-04-26" / "2024-04-26版"."""
    return f"{version}版" if language == "zh" else f"the version of {version}"


def today() -> str:
    return _dt.date.today().isoformat()


Lookup = Callable[[str], dict[str, str]]  # doc_id → its articles' label → text
