"""Keyword index: BM25 (rank-bm25) over the same chunks as Chroma.

Tokens: English words lower-cased and stemmed (Snowball/Porter2), stop words
dropped; Chinese runs cut by jieba in search mode (its dictionary cache is kept in
our cache dir, nothing is downloaded); digits kept as tokens, so "Article 16",
"six months" and "2017" match.

Consistency: the index is not persisted next to Chroma but rebuilt from the store
whenever the store's active collection changes (see ``HybridIndex``), and the
tokenised corpus is cached on disk per collection generation. The store stays the
single source of truth, so an ingest by any process (including another app
instance on a shared Chroma server) is picked up, and a restart is fast.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+(?:'[a-z]+)?|\d+")
_STOP = frozenset("""
a an and are as at be been but by can could do does for from had has have how i if in into is it its
may might must of on or our shall should so such than that the their them then there these they this
those to was we were what when where which who whom whose why will with would you your about any
all also article articles says say said tell me please regulation regulations
""".split())
_ZH_STOP = frozenset("的 了 和 与 及 或 在 是 为 对 等 由 其 之 中 本 并 应当 什么 哪些 规定 条".split())


_local = threading.local()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Snowball (Porter2) stem; a stemmer object keeps state, so each thread has its own."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


_jieba_ready = False
_jieba_lock = threading.Lock()


def _jieba(cache_dir: Path | None = None):
    global _jieba_ready
    import jieba

    if _jieba_ready:
        return jieba
    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(logging.WARNING)
            if cache_dir is not None:
                cache_dir.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache_dir)
            jieba.initialize()
            _jieba_ready = True
    return jieba


def tokenize(text: str, cache_dir: Path | None = None) -> list[str]:
    """Index terms of a text, English and Chinese alike."""
    tokens: list[str] = []
    for piece in _TOKEN.findall(text):
        first = piece[0]
        if "\u4e00" <= first <= "\u9fff":
            for word in _jieba(cache_dir).lcut_for_search(piece):
                if word not in _ZH_STOP:
                    tokens.append(word)
        elif first.isdigit():
            tokens.append(piece)
        else:
            word = piece.lower()
            if word not in _STOP and len(word) > 1:
                tokens.append(_stem(word))
    return tokens


class KeywordIndex:
    """BM25 over tokenised chunks; ``scores`` gives one score per chunk, in corpus order."""

    def __init__(self, tokenised: list[list[str]]):
        from rank_bm25 import BM25Okapi

        self.size = len(tokenised)
        # rank-bm25 divides by zero on an empty corpus; keep one empty document instead.
        self._bm25 = BM25Okapi(tokenised or [[]])

    def idf(self, token: str) -> float:
        """How rare a term is in the corpus (unknown terms count as rare)."""
        return float(self._bm25.idf.get(token, max(self._bm25.idf.values(), default=1.0)))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens or self.size == 0:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(query_tokens))[: self.size]
