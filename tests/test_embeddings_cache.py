"""``Embedder.embed_cached`` under threads, with a fake model (no torch): every text is embedded
once and each caller gets its own vectors, even when other threads evict them from a small cache.
Before the fix, the vectors were written to the cache outside its lock and read back under it, so
another thread's eviction in between made the call embed them again, one at a time, under the lock."""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np

from vectorstore.embeddings import DIMENSIONS, Embedder

THREADS = 8


class Rows(np.ndarray):
    """The fake model's output: handing out its second row waits until every thread has taken its
    first, so the threads' cache writes interleave deterministically wherever the vectors are
    consumed row by row."""

    together: threading.Barrier | None = None

    def __array_finalize__(self, obj) -> None:
        self.together = getattr(obj, "together", None)

    def __iter__(self):
        for i in range(len(self)):
            if i == 1 and self.together is not None:
                self.together.wait(10)
            yield self[i]


class FakeModel:
    """Deterministic unit vectors by text; records what it embedded."""

    def __init__(self, together: threading.Barrier | None = None) -> None:
        self.calls: Counter[str] = Counter()
        self.counting = threading.Lock()
        self.together = together

    @staticmethod
    def vector(text: str) -> np.ndarray:
        v = np.random.default_rng(sum(text.encode()) * 7919 + len(text)).normal(size=DIMENSIONS)
        return (v / np.linalg.norm(v)).astype(np.float32)

    def encode(self, texts, **_) -> np.ndarray:
        with self.counting:
            self.calls.update(texts)
        rows = np.stack([self.vector(t) for t in texts]).view(Rows)
        rows.together = self.together if len(texts) > 1 else None
        return rows


def test_threads_embed_each_text_once_and_get_their_own_vectors():
    embedder = Embedder()
    embedder._cache_size = 1  # every thread's writes evict the others' entries
    model = FakeModel(threading.Barrier(THREADS))
    embedder._model = model
    results: dict[int, np.ndarray] = {}

    def ask(n: int) -> None:
        results[n] = embedder.embed_cached([f"q{n}-a", f"q{n}-b", f"q{n}-c"])

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == THREADS
    for n, vectors in results.items():
        assert np.allclose(vectors, np.stack([model.vector(f"q{n}-{x}") for x in "abc"]))
    re_embedded = {t: c for t, c in model.calls.items() if c > 1}
    assert not re_embedded, f"embedded more than once (lost from the cache mid-call): {re_embedded}"


def test_a_cached_text_is_not_embedded_again_and_order_and_duplicates_are_kept():
    embedder = Embedder()
    model = FakeModel()
    embedder._model = model
    first = embedder.embed_cached(["a", "b", "a"])
    second = embedder.embed_cached(["b", "c"])
    assert model.calls == Counter({"a": 1, "b": 1, "c": 1})
    assert np.allclose(first[0], first[2])
    assert np.allclose(second[0], first[1])
    assert embedder.embed_cached([]).shape == (0, DIMENSIONS)
