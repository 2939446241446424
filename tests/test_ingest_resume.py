"""An ingest that crashes half-way resumes without re-embedding what it finished.

Both models are fakes (deterministic vectors, every call recorded), the store is a real embedded
Chroma store: the first run dies inside the multilingual embedding of its second group; the
second run must embed exactly the texts the first did not finish, and end with the whole library.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import ingest.pipeline as pipeline
import vectorstore.embeddings as embeddings
import vectorstore.multilingual as multilingual
from benchmarks.servers import CORPUS
from ingest.pipeline import run_ingest
from vectorstore.chroma import ChunkStore
from vectorstore.embeddings import DIMENSIONS, Embedder
from vectorstore.multilingual import MultilingualEmbedder


def _vector(text: str) -> np.ndarray:
    v = np.random.default_rng(sum(text.encode()) * 7919 + len(text)).normal(size=DIMENSIONS)
    return (v / np.linalg.norm(v)).astype(np.float32)


class FakeMiniLM:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def encode(self, texts, **_) -> np.ndarray:
        self.calls.update(texts)
        return np.stack([_vector(t) for t in texts])


class FakeE5:
    """Fails on its ``fail_at``-th batch (None: never), as a killed process would stop there."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.calls: Counter[str] = Counter()
        self.batches, self.fail_at = 0, fail_at

    def passage(self, texts):
        self.batches += 1
        if self.fail_at is not None and self.batches >= self.fail_at:
            raise RuntimeError("killed (simulated)")
        self.calls.update(texts)
        return np.stack([_vector(t) for t in texts])

    query = passage


def _models(monkeypatch, tmp_path, e5: FakeE5) -> tuple[FakeMiniLM, FakeE5]:
    cache = tmp_path / "vectors.sqlite"
    minilm = FakeMiniLM()
    embedder = Embedder(batch_size=4, cache_path=cache)
    embedder._model = minilm
    xl = MultilingualEmbedder(cache)
    xl._model = e5
    monkeypatch.setattr(embeddings, "get_embedder", lambda: embedder)
    monkeypatch.setattr(pipeline, "get_multilingual_embedder", lambda: xl)
    monkeypatch.setattr(multilingual, "get_multilingual_embedder", lambda: xl)
    return minilm, e5


def test_a_crashed_ingest_resumes_without_embedding_anything_twice(tmp_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "GROUP_CHUNKS", 20)  # several groups from the bundled corpus
    chunks = [c for f in sorted(CORPUS.glob("*.txt")) for c in pipeline.parse_file(f, tmp_settings).chunks]
    windows = {w for c in chunks for w in c.xl_windows}
    assert len(chunks) > 60  # (at least three groups)

    first_minilm, first_e5 = _models(monkeypatch, tmp_path, FakeE5(fail_at=8))
    with pytest.raises(RuntimeError, match="killed"):
        run_ingest([CORPUS], tmp_settings, progress=False)
    store = ChunkStore(tmp_settings)
    assert store.pointer().active is None  # nothing was published
    assert store.count() == 0
    done_windows = set(first_e5.calls)
    assert 0 < len(done_windows) < len(windows)

    second_minilm, second_e5 = _models(monkeypatch, tmp_path, FakeE5())
    report = run_ingest([CORPUS], tmp_settings, progress=False)
    assert not set(second_e5.calls) & done_windows  # the finished batches were not embedded again
    assert set(second_e5.calls) | done_windows >= windows  # (names are embedded as queries too)
    assert not set(second_minilm.calls) & set(first_minilm.calls)
    assert set(second_minilm.calls) | set(first_minilm.calls) == {c.embed_text for c in chunks}
    assert report.store_chunks == store.count() == len(chunks) == len(store.chunks())
    assert len(store.xl_vectors([c.chunk_id for c in chunks])) == len(chunks)
