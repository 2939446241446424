"""Document titles in the other language, from the library itself.

A document's title in its other language comes, in this order, from the page itself (a Chinese
original under an English post title, or the English and Chinese versions of one regulation on
one page) or from a ``titles.tsv`` file beside the documents: one line per document, the title
as the file spells it, a tab, its official title in the other language (``#`` starts a comment).
A team that uploads English translations writes the Chinese titles there, as the bundled corpus
does (``data/corpus/titles.tsv``); the code lists no document. A Chinese compliance team names
documents by their Chinese titles, so retrieval and citations use both.

Titles are compared without case, punctuation or quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

SIDECAR = "titles.tsv"


def _norm(title: str) -> str:
    title = re.sub(r"\[[^\]]*\]", " ", title)  # "[Excerpts]"
    return re.sub(r"[^0-9a-z\u3400-\u9fff]+", " ", title.lower().replace("’", "'").replace("'", "")).strip()


class TitleTable:
    """Pairs of titles of one document in its two languages (either side can be looked up)."""

    def __init__(self, pairs: Mapping[str, str] | None = None):
        self.pairs = dict(pairs or {})
        self._by_norm = {_norm(a): b for a, b in self.pairs.items()} | {_norm(b): a for a, b in self.pairs.items()}

    def other(self, title: str) -> str | None:
        """The title of the same document in the other language, or None."""
        return self._by_norm.get(_norm(title))

    def __bool__(self) -> bool:
        return bool(self.pairs)


def parse_sidecar(text: str) -> TitleTable:
    """A ``titles.tsv`` file's pairs; lines without a tab and ``#`` comments are skipped."""
    pairs = {}
    for line in text.splitlines():
        if line.lstrip().startswith("#") or "\t" not in line:
            continue
        first, second = (part.strip() for part in line.split("\t", 1))
        if first and second:
            pairs[first] = second
    return TitleTable(pairs)


@lru_cache(maxsize=64)
def _sidecar(folder: str, stamp: float) -> TitleTable:
    return parse_sidecar((Path(folder) / SIDECAR).read_text(encoding="utf-8"))


def titles_beside(source: str | Path, root: Path | None = None) -> TitleTable:
    """The title table in the folder of ``source`` (a path, or a source key relative to ``root``);
    an empty table when there is none."""
    path = Path(source)
    if not path.is_absolute() and root is not None:
        path = root / path
    sidecar = path.parent / SIDECAR
    try:
        return _sidecar(str(path.parent), sidecar.stat().st_mtime)
    except (OSError, UnicodeDecodeError):
        return TitleTable()
