"""Keyword index: BM25 (bm25s) over the same chunks as Chroma.

Tokens: ``netlaw.text.tokens.tokenize`` (jieba for Chinese, Snowball stems for English, digits
kept, so "Article 16", "six months" and "2017" match).

Consistency: the index is not persisted next to Chroma but rebuilt from the store
whenever the store's active collection changes (see ``HybridRetriever.snapshot``);
the tokens are cached on disk by chunk text (``TokenCache``), so a rebuild only
tokenises new chunks and building the sparse matrix itself takes seconds at
200,000 articles. The store stays the
single source of truth, so an ingest by any process (including another app
instance on a shared Chroma server) is picked up, and a restart is fast.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from netlaw.text.tokens import tokenize

log = logging.getLogger(__name__)


def indexed_text(chunk) -> str:
    """What BM25 sees of a chunk: both titles and the heading path with the text, so a question
    naming the document or a part matches."""
    return f"{chunk.document} {chunk.alt_title or ''} {' '.join(chunk.path)} {chunk.text}"


class KeywordIndex:
    """BM25 over tokenised chunks; ``scores`` gives one score per chunk, in corpus order.

    bm25s (sparse matrices, numpy) replaced rank-bm25, which scored every chunk in pure Python:
    measured with ``benchmarks.keyword_bench`` (query p95 at 20,000 and 200,000 distractor
    articles, same tokens, same hit@5). The idf used to judge the keyword match's confidence
    is BM25's (Lucene variant), from our own document frequencies."""

    def __init__(self, tokenised: list[list[str]]):
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
        self.size = len(tokenised)
        # bm25s cannot index a corpus without a single token: such a corpus scores 0 everywhere.
        self._bm25 = bm25s.BM25() if any(tokenised) else None
        if self._bm25 is not None:
            self._bm25.index(tokenised, show_progress=False)
        df: Counter[str] = Counter()
        for tokens in tokenised:
            df.update(set(tokens))
        n = max(1, self.size)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._max_idf = math.log(1 + (n + 0.5) / 0.5)

    def idf(self, token: str) -> float:
        """How rare a term is in the corpus (unknown terms count as rare)."""
        return self._idf.get(token, self._max_idf)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens or self._bm25 is None:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float64)[: self.size]


class TokenCache:
    """Tokens of chunk texts kept on disk between index builds, by a hash of the text: a new
    store generation (an ingest) only tokenises the chunks it has not seen, so adding one
    document to a large library costs that document's tokenising, not the library's."""

    def __init__(self, path: Path):
        self.path = path

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def tokenise(self, texts: list[str], cache_dir: Path | None = None) -> list[list[str]]:
        known: dict[str, list[str]] = {}
        if self.path.exists():
            try:
                known = pickle.loads(self.path.read_bytes())
            except Exception:  # noqa: BLE001 - a damaged cache is rebuilt
                log.warning("keyword token cache %s unreadable: tokenising again", self.path)
        keys = [self.key(t) for t in texts]
        fresh = sum(1 for k in keys if k not in known)
        out = [known[k] if k in known else tokenize(t, cache_dir) for k, t in zip(keys, texts, strict=True)]
        if fresh or len(known) != len(set(keys)):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # instances share the folder
                tmp.write_bytes(pickle.dumps(dict(zip(keys, out, strict=True))))
                tmp.replace(self.path)
            except OSError as exc:
                log.warning("cannot cache the keyword tokens in %s: %s", self.path, exc)
        log.info("keyword tokens: %d chunks, %d tokenised now", len(texts), fresh)
        return out
