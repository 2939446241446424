"""Chunks ↔ Chroma: an embedded PersistentClient by default, a Chroma server when configured.

Writes are blue/green so an ingest is atomic: every ingest builds a *new*
collection (unchanged files' chunks are copied over with their vectors), and
only when it is complete does one small write flip the pointer — the metadata of
the ``<prefix>_meta`` collection — to it. A failed or killed ingest leaves the
previous collection active and queryable; its half-built collection is removed
by the next ingest. The pointer lives in Chroma itself, so several app processes
sharing one Chroma server all see the same active collection and manifest.

An ingest that only *adds* files (none changed or removed) does not copy the collection: it
appends the new rows to the active one (``append``), tagged with the next *append generation*
(``gen`` in each row's metadata), and the pointer's flip makes them visible by raising its
``gen``. Readers see the rows whose ``gen`` is at most the pointer's (``visible``); a failed or
killed append's rows stay invisible and the next append deletes them before it writes. The
chunk count is kept in the pointer too, so it never counts invisible rows.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator
from urllib.parse import urlparse

import numpy as np

from netlaw import settings as _settings
from vectorstore.records import Chunk

log = logging.getLogger(__name__)

INGEST_COMMAND = "python -m ingest"


class StoreError(RuntimeError):
    """A store problem with a message a user can act on."""


class StoreUnavailable(StoreError):
    """The Chroma server cannot be reached, or the store cannot be opened."""


class EmptyStore(StoreError):
    """Nothing has been ingested yet."""


def _server_address(s: _settings.Settings) -> tuple[str, int, bool]:
    if s.chroma_url:
        url = urlparse(s.chroma_url if "://" in s.chroma_url else f"http://{s.chroma_url}")
        ssl = url.scheme == "https"
        return url.hostname or "127.0.0.1", url.port or (443 if ssl else 8000), ssl
    return s.chroma_host or "127.0.0.1", s.chroma_port or 8000, False


def make_client(s: _settings.Settings | None = None):
    """A Chroma client for the settings; fails fast with StoreUnavailable."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    s = s or _settings.get_settings()
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if s.uses_chroma_server():
        host, port, ssl = _server_address(s)
        where = f"the Chroma server at {host}:{port}"
        try:  # a plain TCP check first: fails in milliseconds instead of hanging
            socket.create_connection((host, port), timeout=s.chroma_timeout_s).close()
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            raise StoreUnavailable(
                f"Cannot reach {where} ({exc.__class__.__name__}). Start it with "
                f"'chroma run --host {host} --port {port} --path DIR' or unset NETLAW_CHROMA_URL "
                f"to use the embedded store."
            ) from exc
        return client
    try:
        s.store_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(s.store_dir), settings=chroma_settings)
    except Exception as exc:  # noqa: BLE001
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
            raise StoreUnavailable(f"The store at {s.store_dir} is read-only: nothing was changed. "
                                   f"Ingest where the store can be written.") from exc
        raise StoreUnavailable(
            f"Cannot open the store at {s.store_dir} ({exc.__class__.__name__}: {exc}). "
            f"Rebuild it with: {INGEST_COMMAND} --reset"
        ) from exc


def describe(s: _settings.Settings | None = None) -> str:
    s = s or _settings.get_settings()
    if s.uses_chroma_server():
        host, port, _ = _server_address(s)
        return f"Chroma server {host}:{port}"
    return f"embedded store {s.store_dir}"


@dataclass
class Pointer:
    active: str | None
    manifest: dict
    updated: str | None
    gen: int | None = None  # the active collection's committed append generation (None: a store from before)
    chunks: int | None = None  # visible chunks in the active collection


def _is_connection_error(exc: Exception) -> bool:
    try:
        import httpx

        if isinstance(exc, httpx.TransportError):
            return True
    except ImportError:  # pragma: no cover
        pass
    text = str(exc).lower()
    return isinstance(exc, ConnectionError) or "connect" in text or "timed out" in text


def _translate(exc: Exception, s: _settings.Settings, writing: bool) -> StoreError:
    """A Chroma or OS failure as a StoreError a user can act on."""
    if isinstance(exc, StoreError):
        return exc
    if s.uses_chroma_server() and _is_connection_error(exc):
        host, port, _ = _server_address(s)
        return StoreUnavailable(f"The Chroma server at {host}:{port} is not answering ({exc.__class__.__name__}). "
                                f"Check that 'chroma run' is up; answers resume when it is back.")
    text = str(exc).lower()
    if writing and (isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text):
        return StoreError(f"The store ({describe(s)}) is read-only: the ingest changed nothing.")
    what = "write to" if writing else "read"
    return StoreError(f"Could not {what} the store ({describe(s)}): {exc.__class__.__name__}: {str(exc)[:200]}")


class ChunkStore:
    """The active chunk collection and its manifest, read and replaced atomically."""

    def __init__(self, s: _settings.Settings | None = None, client=None):
        self.settings = s or _settings.get_settings()
        self._owns_client = client is None  # (a client handed in is never reopened)
        self.client = client if client is not None else make_client(self.settings)
        self.prefix = self.settings.collection_prefix
        self.meta_name = f"{self.prefix}_meta"
        self._seen: tuple[str | None, int | None] | None = None  # the pointer this client has read or written

    def _follow(self, pointer: Pointer) -> None:
        """Reopen an embedded client when another process (the ingest worker, the CLI) has moved
        the pointer since this client last saw it. Embedded Chroma keeps a collection's vector
        and record segments in memory per process: rows that another process appended to a
        collection this process has already opened stay unknown to it, and a read that returns
        their embeddings fails ('Error finding id') while queries silently miss them. A fresh
        client reads the segments as they are now."""
        seen, self._seen = self._seen, (pointer.active, pointer.gen)
        if seen is None or seen == self._seen or not self._owns_client or self.settings.uses_chroma_server():
            return
        reopen_embedded(self.settings)
        self.client = make_client(self.settings)

    # --- reading -------------------------------------------------------------
    def _ef(self):
        from vectorstore.embeddings import chroma_embedding_function

        return chroma_embedding_function()

    def _meta_collection(self):
        return self.client.get_or_create_collection(self.meta_name, embedding_function=self._ef())

    def pointer(self) -> Pointer:
        try:
            meta = self._meta_collection().metadata or {}
        except Exception as exc:  # noqa: BLE001 - translated for the user
            raise _translate(exc, self.settings, writing=False) from exc
        pointer = Pointer(
            active=meta.get("active") or None,
            manifest=json.loads(meta.get("manifest") or "{}"),
            updated=meta.get("updated") or None,
            gen=int(meta["gen"]) if "gen" in meta else None,
            chunks=int(meta["chunks"]) if "chunks" in meta else None,
        )
        self._follow(pointer)
        return pointer

    def active_collection(self, pointer: Pointer | None = None):
        """The collection queries go to (``pointer``'s, default: read now); EmptyStore with the
        ingest command when there is none."""
        pointer = pointer or self.pointer()
        if not pointer.active:
            raise EmptyStore(f"The store ({describe(self.settings)}) is empty. Build it with: {INGEST_COMMAND}")
        try:
            return self.client.get_collection(pointer.active, embedding_function=self._ef())
        except Exception as exc:  # noqa: BLE001
            if self.settings.uses_chroma_server():
                raise _translate(exc, self.settings, writing=False) from exc
            raise StoreError(
                f"The store's active collection '{pointer.active}' is missing. Rebuild it with: "
                f"{INGEST_COMMAND} --reset"
            ) from exc

    def count(self) -> int:
        """Visible chunks: the pointer's count (an unfinished append's rows are not counted)."""
        try:
            pointer = self.pointer()
            if pointer.active and pointer.chunks is not None:
                return pointer.chunks
            return self.active_collection(pointer).count()
        except EmptyStore:
            return 0
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.settings, writing=False) from exc

    def probe(self) -> int:
        """Health: the active collection's count after a real query — a stored vector must find
        itself. StoreError when the query fails or finds nothing (e.g. a lost vector segment)."""
        pointer = self.pointer()
        collection = self.active_collection(pointer)
        try:
            count = collection.count() if pointer.chunks is None else pointer.chunks  # (visible chunks)
            got = collection.get(limit=1, include=["embeddings"])
            if not got["ids"]:
                raise StoreError(f"the active collection '{collection.name}' holds no chunks")
            hit = collection.query(query_embeddings=[got["embeddings"][0]], n_results=1,
                                   include=["distances"])
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.settings, writing=False) from exc
        ids, distances = hit["ids"][0], hit["distances"][0]
        if not ids or distances[0] > 1e-3:
            raise StoreError(f"the vector index of '{collection.name}' does not find its own vectors "
                             f"(got {ids[:1]} at distance {distances[:1]}): rebuild with {INGEST_COMMAND} --reset")
        return count

    def iter_chunks(self, where: dict | None = None, with_vectors: bool = False,
                    page: int = 2000) -> Iterator[tuple[Chunk, np.ndarray | None]]:
        """The visible chunks (``where`` and the pointer's append generation)."""
        pointer = self.pointer()
        collection = self.active_collection(pointer)
        try:
            yield from _iter_collection(collection, visible(where, pointer.gen), with_vectors, page)
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.settings, writing=False) from exc

    def query(self, vector: list[float], n: int, where: dict | None) -> dict:
        """Dense search in the active collection. Not filtered by append generation (a metadata
        filter on every query costs time): an unfinished append's rows can come back, and the
        caller keeps only the chunks it knows (``HybridRetriever.dense_ranking``)."""
        collection = self.active_collection()
        try:
            return collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.settings, writing=False) from exc

    def chunks(self, where: dict | None = None) -> list[Chunk]:
        return [chunk for chunk, _ in self.iter_chunks(where)]

    def appended(self, since: int, until: int) -> list[Chunk]:
        """The chunks of append generations ``since`` + 1 … ``until`` (all committed when ``until``
        is at most the pointer's): what a reader at generation ``since`` has not seen. Asked by
        equality ($in), which Chroma answers from its metadata index (a range scans)."""
        collection = self.active_collection()
        try:
            where = {"gen": {"$in": list(range(since + 1, until + 1))}}
            return [chunk for chunk, _ in _iter_collection(collection, where, False, 2000)]
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.settings, writing=False) from exc

    def xl_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """The multilingual window vectors of the active collection's chunks (its ``_xl``
        companion), one matrix per chunk; empty when the store was built before the companion."""
        pointer = self.pointer()
        if not pointer.active:
            return {}
        try:
            companion = self.client.get_collection(xl_name(pointer.active), embedding_function=None)
        except Exception:  # noqa: BLE001 - missing: the retriever computes the vectors itself
            return {}
        try:
            rows: dict[str, list[tuple[int, np.ndarray]]] = {}
            for start in range(0, len(chunk_ids), 500):
                where = visible({"chunk_id": {"$in": chunk_ids[start : start + 500]}}, pointer.gen)
                got = companion.get(where=where, include=["embeddings", "metadatas"])
                for meta, vector in zip(got["metadatas"], got["embeddings"], strict=True):
                    rows.setdefault(meta["chunk_id"], []).append((int(meta["window"]), vector))
            return {cid: np.asarray([v for _, v in sorted(ws, key=lambda w: w[0])], dtype=np.float32)
                    for cid, ws in rows.items()}
        except Exception as exc:  # noqa: BLE001
            raise _translate(exc, self.settings, writing=False) from exc

    # --- writing -------------------------------------------------------------
    def writer(self, append: bool = False):
        """A new store generation written batch by batch (``vectorstore.writer.StoreWriter``): with
        ``append``, rows added to the active collection; else a new collection."""
        from vectorstore.writer import StoreWriter

        return StoreWriter(self, append)

    def replace(self, new_chunks: list[Chunk], vectors: np.ndarray, keep_sources: Iterable[str],
                manifest: dict, progress: Callable[[int], None] | None = None,
                xl_vectors: list[np.ndarray] | None = None, xl_embed: Callable | None = None) -> str:
        """Make a new collection = kept sources' chunks + new chunks (and its multilingual
        companion), then flip the pointer. Kept chunks whose old companion vector is missing get
        one from ``xl_embed(chunks)``. Any failure leaves the previous collection active and is
        raised as a StoreError."""
        writer = self.writer(append=False)
        writer.add(new_chunks, vectors, xl_vectors, progress)
        return writer.commit(keep_sources, manifest, xl_embed, with_companion=xl_vectors is not None)

    def append(self, new_chunks: list[Chunk], vectors: np.ndarray, manifest: dict,
               progress: Callable[[int], None] | None = None, xl_vectors: list[np.ndarray] | None = None) -> str:
        """Add chunks of files the store does not hold to the active collection, as the next
        append generation, then flip the pointer (same collection, higher ``gen``, ``manifest``).
        Rows a failed append left (above the committed generation) are deleted first. Any
        failure leaves the pointer, and so what readers see, as it was; raised as a StoreError."""
        writer = self.writer(append=True)
        writer.add(new_chunks, vectors, xl_vectors, progress)
        return writer.commit((), manifest)

    def _add_batches(self, collection, companion, chunks: list[Chunk], vectors: np.ndarray,
                     xl_vectors: list[np.ndarray] | None, gen: int, progress: Callable[[int], None] | None) -> None:
        batch = self.settings.write_batch_size
        for start in range(0, len(chunks), batch):
            _add(collection, chunks[start : start + batch], vectors[start : start + batch], gen)
            if companion is not None and xl_vectors is not None:
                _add_vectors(companion, chunks[start : start + batch], xl_vectors[start : start + batch], gen)
            if progress:
                progress(len(chunks[start : start + batch]))

    def can_append(self, pointer: Pointer | None = None) -> bool:
        """Whether ``append`` works here: the active collection's rows carry append generations."""
        pointer = pointer or self.pointer()
        return bool(pointer.active) and pointer.gen is not None and pointer.chunks is not None

    def _companion(self, name: str):
        try:
            return self.client.get_collection(xl_name(name), embedding_function=None)
        except Exception:  # noqa: BLE001 - a store built before the companion existed
            return None

    def _copy(self, new, companion, buffer: list[tuple[Chunk, np.ndarray]], xl_embed) -> None:
        """Carry kept chunks (and their multilingual vectors) over to the new collections."""
        chunks = [c for c, _ in buffer]
        _add(new, chunks, np.array([v for _, v in buffer]))
        if companion is None:
            return
        have = self.xl_vectors([c.chunk_id for c in chunks])
        lacking = [c for c in chunks if c.chunk_id not in have]
        if lacking and xl_embed is not None:
            have.update(zip([c.chunk_id for c in lacking], xl_embed(lacking), strict=True))
        present = [c for c in chunks if c.chunk_id in have]
        _add_vectors(companion, present, [have[c.chunk_id] for c in present])

    def _set_pointer(self, active: str, manifest: dict, gen: int, chunks: int) -> None:
        """The one write that publishes a generation: collection, manifest, append generation, count."""
        self._meta_collection().modify(metadata={
            "active": active,
            "manifest": json.dumps(manifest, ensure_ascii=False, sort_keys=True),
            "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "gen": gen,
            "chunks": chunks,
        })
        self._seen = (active, gen)  # written through this client: it knows the rows

    def drop_stale(self, keep: str | None = None) -> list[str]:
        """Delete chunk collections other than the active one (old or half-built)."""
        keep = keep or self.pointer().active
        dropped = []
        for collection in self.client.list_collections():
            name = getattr(collection, "name", collection)
            if name.startswith(f"{self.prefix}_chunks_") and name not in (keep, xl_name(keep or "")):
                self.client.delete_collection(name)
                dropped.append(name)
        return dropped



def reopen_embedded(s: _settings.Settings) -> None:
    """Make the next embedded client for ``s.store_dir`` a fresh one. Chroma shares one system
    (bindings, segment caches) among all clients of a path in a process; forgetting it here
    (Chroma has no public call for one path) leaves clients already made working as before, on
    what they had read, and the next ``make_client`` opens the store anew."""
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(s.store_dir)
    with SharedSystemClient._refcount_lock:
        SharedSystemClient._identifier_to_system.pop(identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(identifier, None)


def xl_name(collection_name: str) -> str:
    """The multilingual companion of a chunk collection (same ids, e5 vectors)."""
    return f"{collection_name}_xl"


def visible(where: dict | None, gen: int | None) -> dict | None:
    """``where`` limited to the rows of committed append generations (``gen`` None: all rows)."""
    if gen is None:
        return where
    committed = {"gen": {"$lte": gen}}
    return committed if where is None else {"$and": [where, committed]}


def _add(collection, chunks: list[Chunk], vectors: np.ndarray, gen: int = 0) -> None:
    if not chunks:
        return
    collection.add(
        ids=[c.chunk_id for c in chunks],
        embeddings=vectors,
        documents=[c.text for c in chunks],
        metadatas=[{**c.metadata(), "gen": gen} for c in chunks],
    )


def _add_vectors(collection, chunks: list[Chunk], vectors: list[np.ndarray], gen: int = 0) -> None:
    """Each chunk's window vectors, with the chunk id: its text and metadata live in the main collection."""
    ids, metas, flat = [], [], []
    for chunk, matrix in zip(chunks, vectors, strict=False):
        for j, vector in enumerate(matrix):
            ids.append(f"{chunk.chunk_id}#w{j}")
            metas.append({"chunk_id": chunk.chunk_id, "window": j, "gen": gen})
            flat.append(vector)
    for start in range(0, len(ids), 5000):
        collection.add(ids=ids[start : start + 5000], embeddings=np.asarray(flat[start : start + 5000]),
                       metadatas=metas[start : start + 5000])


def _iter_collection(collection, where, with_vectors, page):
    include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=page, offset=offset)
        ids = got["ids"]
        if not ids:
            return
        embeddings = got.get("embeddings") if with_vectors else None
        for i, chunk_id in enumerate(ids):
            chunk = Chunk.from_metadata(chunk_id, got["documents"][i], got["metadatas"][i])
            yield chunk, (np.asarray(embeddings[i], dtype=np.float32) if embeddings is not None else None)
        offset += len(ids)
