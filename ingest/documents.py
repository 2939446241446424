"""Splitting one cleaned file into documents, with title, language, type and dates.

A scraped page may hold many documents. Boundaries we trust:
- a blog "Posted on" marker (the line before it is the next document's title);
- a switch from English to a Chinese block (the Chinese original that often
  follows a translation); the two become a parallel pair.
"""

from __future__ import annotations

import re

from ingest.clean import DOCUMENT_BREAK
from ingest.headings import classify
from ingest.names import document_names, genre
from ingest.records import Document
from ingest.titles import TitleTable
from ingest.versions import history_dates, issuer_type, version_date, work_key
from netlaw.text.script import is_zh

_TERMINAL = re.compile(r"[.。;；!?！？:：,，]$")
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS)
_DATE_PATTERNS = [
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\s+(\d{{4}})\b"), ("d", "mon", "y")),
    (re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}}),\s*(\d{{4}})\b"), ("mon", "d", "y")),
    (re.compile(rf"\b({_MONTH_RE})\s+(\d{{4}})\b"), ("mon", "y")),
    (re.compile(r"(\d{4})年(\d{1,2})月"), ("y", "m")),
]
_EFFECTIVE = re.compile(r"take effect|come into (force|effect)|effective (from|on|as of)|施行|实施之日|起实施", re.I)
_DATE_ONLY = re.compile(r"^[(（]?\s*(date\s*:\s*)?(?=[^\d]*\d)[\w ,\-年月日]{4,30}[)）]?$", re.I)

_TYPE_RULES: list[tuple[str, re.Pattern]] = [
    ("news", re.compile(r"\b(issued|issues|held|holds|released|releases)\b|印发", re.I)),
    ("commentary", re.compile(r"^explaining\b|解读|commentary|interpretation of", re.I)),
    ("speech", re.compile(r"\bspeech\b|讲话|致辞|^[A-Z][a-z]+ [A-Z][a-z]+:", re.I)),
    ("opinion", re.compile(r"\bopinions?\b|意见", re.I)),
    ("notice", re.compile(r"\bnotice\b|\bcircular\b|通知", re.I)),
    ("plan", re.compile(r"\bplan\b|\boutline\b|\bstrategy\b|规划|纲要|战略", re.I)),
    ("regulation",
     re.compile(r"regulations?\b|provisions\b|\brules\b|\bmeasures\b|\blaw\b|规定|条例|办法|细则|法$", re.I)),
]
_KEYWORDS = re.compile(r"\b(plan|regulations?|provisions|rules|opinions?|notice|outline|strategy|measures|law)\b"
                       r"|规定|条例|办法|纲要|意见|通知|规划", re.I)


def is_title_like(paragraph: str) -> bool:
    text = paragraph.strip()
    return (
        0 < len(text) <= 220
        and not _TERMINAL.search(text)
        and classify(text) is None
        and not _DATE_ONLY.match(text)
    )


def find_dates(text: str) -> list[tuple[int, str]]:
    """Every date in text as (offset, ISO date); YYYY-MM when no day is given."""
    found: list[tuple[int, str]] = []
    taken: list[range] = []
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() in r for r in taken):
                continue
            parts = dict(zip(order, m.groups(), strict=False))
            month = int(parts["m"]) if "m" in parts else _MONTHS.index(parts["mon"].lower()) + 1
            if not 1 <= month <= 12:
                continue
            day = f"-{int(parts['d']):02d}" if "d" in parts else ""
            found.append((m.start(), f"{int(parts['y']):04d}-{month:02d}{day}"))
            taken.append(range(m.start(), m.end()))
    return sorted(found)


def parse_date(text: str) -> str | None:
    """The first date in text, ISO."""
    dates = find_dates(text)
    return dates[0][1] if dates else None


def extract_dates(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """(issued, effective). Issued: a date standing on its own line, else one in the first lines."""
    effective = None
    for p in paragraphs:
        for sentence in re.split(r"(?<=[.。;；])\s*", p):
            keyword = _EFFECTIVE.search(sentence)
            if keyword is None:
                continue
            dates = find_dates(sentence)
            if dates:  # the date nearest to "take effect" / "施行"
                at = keyword.start()
                effective = min(dates, key=lambda d: abs(d[0] - at))[1]
                break
        if effective:
            break
    issued = None
    standalone = [p for p in paragraphs if len(p) <= 40 and _DATE_ONLY.match(p) and parse_date(p)]
    standalone.sort(key=lambda p: p.lower().startswith("date"))  # a page's "Date:" line last
    if standalone:
        issued = parse_date(standalone[0])
    if issued is None:
        for p in paragraphs[:3]:
            if not _EFFECTIVE.search(p) and (date := parse_date(p)):
                issued = date
                break
    return issued, effective


def classify_type(title: str, paragraphs: list[str]) -> str:
    head = " ".join(paragraphs[:3])
    if re.search(r"white paper|白皮书", title + " " + head, re.I):
        return "white paper"
    for doc_type, pattern in _TYPE_RULES:
        if pattern.search(title):
            # A statute ("中华人民共和国网络安全法", "… Law") is a law, not a regulation under one.
            return "law" if doc_type == "regulation" and genre(title) == "law" else doc_type
    if re.search(r"\bspeech at\b|讲话", " ".join(paragraphs[:2]), re.I):
        return "speech"
    return "commentary"


def _first_sentence(paragraph: str, limit: int = 160) -> str:
    sentence = re.split(r"(?<=[.。!?！？])\s", paragraph, maxsplit=1)[0].rstrip(".。")
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def choose_title(paragraphs: list[str]) -> tuple[str, bool]:
    """(title, taken from a title line). Prefer a formal title over a news headline."""
    header: list[str] = []
    for p in paragraphs[:8]:
        if classify(p) is not None:
            break
        if is_title_like(p):
            header.append(p)
    formal = [p for p in header if _KEYWORDS.search(p) and not _TYPE_RULES[0][1].search(p)]
    if formal:
        return formal[0], True
    if header:
        return header[0], True
    return (_first_sentence(paragraphs[0]), False) if paragraphs else ("Untitled", False)


def _zh_split_point(paragraphs: list[str]) -> int | None:
    """Index where a Chinese block starts after English body text, if any."""
    flags = [is_zh(p) for p in paragraphs]
    for i, flag in enumerate(flags):
        if not flag:
            continue
        tail = flags[i:]
        english_before = any(not f and not is_title_like(p) for f, p in zip(flags[:i], paragraphs[:i], strict=False))
        if english_before and sum(tail) >= 0.8 * len(tail):
            return i
        return None
    return None


def _zh_title(paragraphs: list[str], fallback: str) -> tuple[str, list[str]]:
    first = paragraphs[0]
    if m := re.match(r"^[《“]?(.+?)[》”]?\s*全文如下[。:：]?$", first):
        return m.group(1).strip("《》“” "), paragraphs[1:]
    if is_title_like(first):
        return first, paragraphs[1:]
    return f"{fallback}（中文）", paragraphs


def _segments(paragraphs: list[str]) -> list[tuple[str | None, list[str]]]:
    """Cut at "Posted on" markers: (title or None, paragraphs)."""
    segments: list[tuple[str | None, list[str]]] = []
    title: str | None = None
    current: list[str] = []
    for p in paragraphs:
        if p == DOCUMENT_BREAK:
            next_title = current.pop() if current else None
            segments.append((title, current))
            title, current = next_title, []
        else:
            current.append(p)
    segments.append((title, current))
    # A first segment that is only page chrome (no body) is not a document.
    return [(t, ps) for t, ps in segments if ps or t]


def split_documents(paragraphs: list[str], source: str, titles: TitleTable | None = None) -> list[Document]:
    """The documents of one cleaned file; ``titles``: official titles in the other language of the
    documents its folder holds in one language (``ingest.titles``)."""
    documents: list[Document] = []
    for title, body in _segments(paragraphs):
        if title is None:
            if not body:
                continue
            title, from_line = choose_title(body)
            if from_line:
                body = [p for p in body if p != title]
        else:
            body = [p for p in body if p != title]
        if not body:
            continue
        split = _zh_split_point(body)
        english_title = title
        if split is None and all(is_zh(p) for p in body) and not is_zh(title):
            # A Chinese original under an English post title.
            zh_title, body = _zh_title(body, title)
            documents.append(_make(zh_title, body, source, len(documents), english_title, titles))
            continue
        if split is None:
            documents.append(_make(title, body, source, len(documents), None, titles))
            continue
        zh_title, zh_body = _zh_title(body[split:], title)
        en = _make(title, body[:split], source, len(documents), zh_title, titles)
        zh = _make(zh_title, zh_body, source, len(documents) + 1, english_title, titles)
        en.parallel_of, zh.parallel_of = zh.ordinal, en.ordinal
        documents.extend([en, zh])
    return [d for d in documents if d.paragraphs]


def _make(title: str, body: list[str], source: str, ordinal: int, alt_title: str | None = None,
          titles: TitleTable | None = None) -> Document:
    issued, effective = extract_dates(body)
    language = "zh" if sum(is_zh(p) for p in body) > len(body) / 2 else "en"
    doc_type = classify_type(title, body)
    if doc_type == "commentary" and alt_title:
        doc_type = classify_type(alt_title, body)
    alt_title = alt_title or (titles.other(title) if titles else None)
    if doc_type == "regulation":  # the decree that promulgated it says which kind of instrument it is
        doc_type = issuer_type(body) or doc_type
    adopted, promulgated = history_dates(body)
    return Document(
        title=title, source=source, ordinal=ordinal, paragraphs=body, language=language,
        doc_type=doc_type, issued=issued, effective=effective, alt_title=alt_title,
        names=document_names(title, alt_title), version=version_date(source, body),
        work=work_key(title, language), adopted=adopted, promulgated=promulgated,
    )
