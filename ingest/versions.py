"""Versions of one work, read from the document at ingest.

Chinese laws are amended often and a team keeps the old text beside the new. Two documents with
the same title (and language) are versions of one *work*; each version is dated by the latest of:
- the adoption and amendment history lines under the title ("2024年4月26日 … 第二次修正",
  "2020年10月17日 … 第二次修订", "2000年9月25日 中华人民共和国国务院令第292号公布");
- a date in the file name ("未成年人保护法(2024-04-26).md"), as a collection names its files;
- a date an administrator gives on upload (``Document.version`` set before parsing).
Which version is in force on a day is the retriever's business (``vectorstore.versions``): the
latest whose date is not after that day.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from ingest.headings import classify

# The events a history line records: adopted, amended, revised, promulgated, issued.
_EVENT = re.compile(r"通过|修正|修订|公布|发布|颁布|adopted|amended|revised|promulgated|issued", re.I)
_AMENDED = re.compile(r"修正|修订|amended|revised", re.I)
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-._年](\d{1,2})[-._月](\d{1,2})(?!\d)")
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
HISTORY_LINES = 12  # the history sits right under the title, before the first heading


def history(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(ISO date, line) of each adoption or amendment line at the head of a document, in order."""
    from ingest.documents import find_dates

    out: list[tuple[str, str]] = []
    for paragraph in paragraphs[:HISTORY_LINES]:
        if classify(paragraph) is not None:
            break
        dates = find_dates(paragraph)
        if dates and dates[0][0] <= 2 and len(paragraph) <= 240 and _EVENT.search(paragraph):
            out.append((dates[0][1], paragraph.strip()))
    return out


_ADOPTED = re.compile(r"通过|adopted", re.I)
_PROMULGATED = re.compile(r"公布|发布|颁布|promulgated|issued", re.I)
# Who promulgated it: the State Council's decree makes an administrative regulation, a ministry's,
# commission's or administration's decree a departmental rule.
_STATE_COUNCIL = re.compile(r"国务院令|国务院第\d+号令|State Council (?:Decree|Order)", re.I)
_DEPARTMENT = re.compile(r"(?:部|委员会|总局|局|署|办公室|办)令|(?:Ministry|Commission|Administration|Office)[\w ,]*"
                         r"(?:Decree|Order)\s+No", re.I)


def history_dates(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """(adopted, promulgated): the first history line saying 通过 / 公布 (unknown stays None)."""
    lines = history(paragraphs)
    adopted = next((d for d, line in lines if _ADOPTED.search(line)), None)
    promulgated = next((d for d, line in lines if _PROMULGATED.search(line)), None)
    return adopted, promulgated


def issuer_type(paragraphs: list[str]) -> str | None:
    """"administrative regulation" or "departmental rule" when the document's head names the decree
    that promulgated it; None otherwise."""
    head = " ".join(paragraphs[:HISTORY_LINES])
    if _STATE_COUNCIL.search(head):
        return "administrative regulation"
    if _DEPARTMENT.search(head):
        return "departmental rule"
    return None


def date_in_name(source: str) -> str | None:
    """A date written in a file's name ("未成年人保护法(2024-04-26).md" → 2024-04-26)."""
    m = _NAME_DATE.search(PurePath(source).stem)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def version_date(source: str, paragraphs: list[str]) -> str | None:
    """The date of this version of the text: its latest history line or the date in its file name."""
    dates = [d for d, _ in history(paragraphs) if len(d) == 10]
    named = date_in_name(source)
    if named:
        dates.append(named)
    return max(dates) if dates else None


def amended(paragraphs: list[str], version: str | None) -> bool:
    """Whether this version is an amendment (its dating history line says 修正/修订/amended)."""
    return any(d == version and _AMENDED.search(line) for d, line in history(paragraphs))


def work_key(title: str, language: str) -> str:
    """What versions of one work share: the title without brackets, spaces or punctuation, and
    the language ("中华人民共和国未成年人保护法（2024年修正）" and "…保护法" are one work)."""
    bare = _BRACKETED.sub("", title)
    return f"{language}:" + re.sub(r"[\W_]+", "", bare.lower())
