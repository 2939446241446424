"""Which version of a work is in force on a day (pure; the retriever applies it as a filter).

Documents of one work (``Chunk.work``: same title and language) are its versions, dated by
``Chunk.version``. On a day, the version in force is the latest dated on or before it; on no day
given, today. Before the first version, the first one stands (the library holds nothing older).
An undated document is never hidden.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Iterable


def today() -> str:
    return _dt.date.today().isoformat()


def versions_by_work(documents: Iterable[tuple[str, str, str | None]]) -> dict[str, list[tuple[str, str]]]:
    """work → [(version date, doc_id)] oldest first, for works held in two or more dated versions."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for doc_id, work, version in documents:
        if work and version:
            groups[work].append((version, doc_id))
    return {work: sorted(found) for work, found in groups.items() if len({v for v, _ in found}) >= 2}


def in_force(versions: list[tuple[str, str]], as_of: str | None = None) -> tuple[str, str]:
    """(version date, doc_id) of the version in force on ``as_of`` (ISO date, or a year / year-month:
    its last day counts) among a work's versions, oldest first."""
    day = _end_of(as_of) if as_of else today()
    dated = [v for v in versions if v[0] <= day]
    return dated[-1] if dated else versions[0]


def superseded(documents: Iterable[tuple[str, str, str | None]], as_of: str | None = None) -> set[str]:
    """Doc ids of the versions not in force on ``as_of`` (today when None)."""
    return superseded_among(versions_by_work(documents), as_of)


def superseded_among(versioned: dict[str, list[tuple[str, str]]], as_of: str | None = None) -> set[str]:
    """``superseded`` over works already grouped (``versions_by_work``)."""
    out: set[str] = set()
    for found in versioned.values():
        keep = in_force(found, as_of)[1]
        out |= {doc_id for _, doc_id in found if doc_id != keep}
    return out


def _end_of(as_of: str) -> str:
    """"2021" → "2021-12-31", "2021-06" → "2021-06-30", a full date stays."""
    parts = as_of.split("-")
    if len(parts) == 1:
        return f"{parts[0]}-12-31"
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        following = _dt.date(year + month // 12, month % 12 + 1, 1)
        return (following - _dt.timedelta(days=1)).isoformat()
    return as_of
