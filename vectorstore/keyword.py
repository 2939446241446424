"""Keyword index: BM25 (bm25s) over the same chunks as Chroma.

Tokens: English words lower-cased and stemmed (Snowball/Porter2), stop words
dropped; Chinese runs cut by jieba in search mode (its dictionary cache is kept in
our cache dir, nothing is downloaded); digits kept as tokens, so "Article 16",
"six months" and "2017" match.

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
import re
import threading
from collections import Counter
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
        out = [known[k] if k in known else tokenize(t, cache_dir) for k, t in zip(keys, texts)]
        if fresh or len(known) != len(set(keys)):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # instances share the folder
                tmp.write_bytes(pickle.dumps(dict(zip(keys, out))))
                tmp.replace(self.path)
            except OSError as exc:
                log.warning("cannot cache the keyword tokens in %s: %s", self.path, exc)
        log.info("keyword tokens: %d chunks, %d tokenised now", len(texts), fresh)
        return out
