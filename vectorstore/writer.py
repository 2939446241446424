"""One ingest's writes to the store, streamed batch by batch and published by one pointer flip
(``ChunkStore.writer``; the blue/green and append-generation scheme is described in
``vectorstore.chroma``)."""

from __future__ import annotations

import time
import uuid
from typing import Any, Callable, Iterable

import numpy as np

from vectorstore.chroma import ChunkStore, StoreError, _iter_collection, _translate, xl_name
from vectorstore.records import Chunk


class StoreWriter:
    """One ingest's writes, streamed: ``add`` writes a batch as soon as it is embedded (the ingest
    never holds the whole library's chunks and vectors), ``commit`` publishes them all with one
    pointer flip. Until then readers see the store as it was; a failed or killed ingest leaves
    invisible rows (a half-built collection, or rows above the committed append generation) that
    the next ingest removes. Failures are raised as StoreError."""

    def __init__(self, store: ChunkStore, append: bool) -> None:
        self.store, self.append, self.added = store, append, 0
        self.collection: Any = None
        self.companion: Any = None
        self.name: str = ""
        try:
            self.pointer = store.pointer()
            if append:
                if not store.can_append(self.pointer):
                    raise StoreError("this store's collection cannot be appended to: ingest with --reset once")
                self.name = str(self.pointer.active)
                self.collection = store.active_collection(self.pointer)
                self.companion = store._companion(self.name)
                leftover = {"gen": {"$gt": self.pointer.gen}}
                for target in (self.collection, self.companion):
                    if target is not None:
                        target.delete(where=leftover)
                self.gen = (self.pointer.gen or 0) + 1
            else:
                self.name = f"{store.prefix}_chunks_{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:6]}"
                self.gen = 0
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, store.settings, writing=True) from exc

    def _create(self, with_companion: bool) -> None:
        """The new collection (and its multilingual companion), made on the first write."""
        if self.collection is None:
            self.collection = self.store.client.create_collection(
                self.name, embedding_function=self.store._ef(), configuration={"hnsw": {"space": "cosine"}})
        if with_companion and self.companion is None:
            self.companion = self.store.client.create_collection(
                xl_name(self.name), embedding_function=None, configuration={"hnsw": {"space": "cosine"}})

    def add(self, chunks: list[Chunk], vectors: np.ndarray, xl_vectors: list[np.ndarray] | None = None,
            progress: Callable[[int], None] | None = None) -> None:
        """Write ``chunks`` with their MiniLM ``vectors`` and e5 window matrices (invisible until ``commit``)."""
        try:
            if not self.append:
                self._create(with_companion=xl_vectors is not None)
            companion = self.companion if xl_vectors is not None else None
            self.store._add_batches(self.collection, companion, chunks, vectors, xl_vectors, self.gen, progress)
            self.added += len(chunks)
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.store.settings, writing=True) from exc

    def commit(self, keep_sources: Iterable[str], manifest: dict, xl_embed: Callable | None = None,
               with_companion: bool = True) -> str:
        """Copy the kept sources' chunks from the previous collection (a new collection only), then
        flip the pointer to this generation and drop stale collections."""
        try:
            if self.append:
                self.store._set_pointer(self.name, manifest, self.gen, (self.pointer.chunks or 0) + self.added)
            else:
                self._create(with_companion)
                self._copy_kept(sorted(set(keep_sources)), xl_embed)
                self.store._set_pointer(self.name, manifest, 0, self.collection.count())
            self.store.drop_stale(keep=self.name)
            return self.name
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.store.settings, writing=True) from exc

    def _copy_kept(self, keep: list[str], xl_embed: Callable | None) -> None:
        old = self.pointer.active
        if not old or not keep:
            return
        batch = self.store.settings.write_batch_size
        old_collection = self.store.client.get_collection(old, embedding_function=self.store._ef())
        for i in range(0, len(keep), 50):
            where = {"source": {"$in": keep[i : i + 50]}}
            buffer: list[tuple[Chunk, np.ndarray]] = []
            for item in _iter_collection(old_collection, where, True, batch):
                buffer.append(item)
                if len(buffer) >= batch:
                    self.store._copy(self.collection, self.companion, buffer, xl_embed)
                    buffer = []
            if buffer:
                self.store._copy(self.collection, self.companion, buffer, xl_embed)
