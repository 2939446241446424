"""Keyword index: BM25 (bm25s) over the same chunks as Chroma.

Tokens: ``netlaw.text.tokens.tokenize`` (jieba for Chinese, Snowball stems for English, digits
kept, so "Article 16", "six months" and "2017" match).

Consistency: the Chroma store stays the single source of truth. The index belongs to one
*generation* of the store (the active collection, a new one per ingest, see
``vectorstore.chroma``) and is kept on disk per generation (``load_or_build``): a process that
finds the active collection changed loads that generation's matrix when it is there and matches
the chunks it read (a fingerprint of their texts, in order), and builds and saves it only when it
is missing or stale. An ingest by any process (including another app instance on a shared
Chroma server) is picked up by the others at their next check; they all build the same matrix
from the same chunks, so whichever writes it first, the others load an identical one. The
tokens are cached on disk by chunk text (``TokenCache``), so a new generation only tokenises
its new chunks.

bm25s cannot add documents to a built matrix. A running process that sees chunks *appended*
to its collection (``vectorstore.chroma.ChunkStore.append``) keeps its matrix and scores the
added chunks apart (``AppendedKeywordIndex``: BM25 on the matrix's statistics), so adding a
document costs its own tokens; the whole matrix is built again only when the added chunks grow
past a share of it, or at the next start on that generation (then saved, as above).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import pickle
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np

from netlaw.text.tokens import tokenize

log = logging.getLogger(__name__)

TOKENS_VERSION = "v6"  # of ``tokenize``'s output: part of the token cache's name and of the index's fingerprint
INDEX_VERSION = "bm25s-2"  # of the saved index's layout (2: with the mean document length)


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
        self.avgdl = sum(len(t) for t in tokenised) / max(1, self.size)  # bm25s's mean document length
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

    def save(self, folder: Path, fingerprint: str) -> None:
        """The matrix (bm25s's own files) and our idf table in ``folder``; ``fingerprint`` names
        the chunks it was built from (``corpus_fingerprint``)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)
        meta = {"version": INDEX_VERSION, "fingerprint": fingerprint, "size": self.size, "avgdl": self.avgdl,
                "empty": self._bm25 is None, "idf": self._idf, "max_idf": self._max_idf}
        (folder / "netlaw.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, fingerprint: str) -> KeywordIndex | None:
        """The index saved in ``folder`` when it was built from the chunks ``fingerprint`` names;
        None when it is missing, stale or unreadable (the caller builds it again)."""
        import bm25s

        try:
            meta = json.loads((folder / "netlaw.json").read_text(encoding="utf-8"))
            if meta.get("version") != INDEX_VERSION or meta.get("fingerprint") != fingerprint:
                return None
            index = cls.__new__(cls)
            index.size = int(meta["size"])
            index.avgdl = float(meta["avgdl"])
            index._idf = {str(t): float(v) for t, v in meta["idf"].items()}
            index._max_idf = float(meta["max_idf"])
            index._bm25 = None if meta["empty"] else bm25s.BM25.load(str(folder), show_progress=False)
        except Exception as exc:  # noqa: BLE001 - any damage means "build it again"
            log.warning("keyword index in %s unreadable (%s): building it again", folder, exc.__class__.__name__)
            return None
        return index

    def idf(self, token: str) -> float:
        """How rare a term is in the corpus (unknown terms count as rare)."""
        return self._idf.get(token, self._max_idf)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not query_tokens or self._bm25 is None:
            return np.zeros(self.size)
        return np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float64)[: self.size]

    def knows(self, token: str) -> bool:
        """Whether some indexed chunk holds ``token``."""
        return token in self._idf


class AppendedKeywordIndex:
    """A built index plus chunks appended after it (in corpus order after its own), scored with
    the built matrix's BM25 (bm25s's "lucene" method, k1 1.5, b 0.75) and mean length; a term
    the matrix has never seen gets its idf from the appended chunks. Close to what a rebuild
    gives while the appended chunks are few next to the built ones: the caller rebuilds the
    whole matrix once they are not (``share``)."""

    K1, B = 1.5, 0.75

    def __init__(self, base: KeywordIndex, appended: list[list[str]]):
        self.base = base
        self.tokenised = appended
        self.appended = [Counter(tokens) for tokens in appended]
        self.lengths = np.array([len(tokens) for tokens in appended], dtype=np.float64)
        self.size = base.size + len(appended)
        df: Counter[str] = Counter()
        for counts in self.appended:
            df.update(counts.keys())
        self._new_df = {t: f for t, f in df.items() if not base.knows(t)}

    @property
    def share(self) -> float:
        """Appended chunks per built chunk."""
        return len(self.appended) / max(1, self.base.size)

    def extended(self, more: list[list[str]]) -> AppendedKeywordIndex:
        return AppendedKeywordIndex(self.base, self.tokenised + more)


    def idf(self, token: str) -> float:
        if token in self._new_df:
            f = self._new_df[token]
            return math.log(1 + (self.size - f + 0.5) / (f + 0.5))
        return self.base.idf(token)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(len(self.appended))
        avgdl = self.base.avgdl or float(self.lengths.mean() if len(self.lengths) else 1.0)
        norm = self.K1 * (1 - self.B + self.B * self.lengths / max(avgdl, 1e-9))
        for token in query_tokens:
            tf = np.array([counts.get(token, 0) for counts in self.appended], dtype=np.float64)
            if tf.any() and (token in self._new_df or self.base.knows(token)):
                out += self.idf(token) * tf / (tf + norm)  # bm25s's Lucene term part has no (k1 + 1)
        return np.concatenate([self.base.scores(query_tokens), out])


def with_appended(index: KeywordIndex | AppendedKeywordIndex, tokenised: list[list[str]]) -> AppendedKeywordIndex:
    """``index`` with more chunks appended after its own (the built matrix stays as it is)."""
    if isinstance(index, AppendedKeywordIndex):
        return index.extended(tokenised)
    return AppendedKeywordIndex(index, tokenised)


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


def corpus_fingerprint(texts: list[str]) -> str:
    """Names the indexed texts, in order, with the tokeniser and index versions: a saved index
    with this fingerprint has one row per text, in this order, from the same tokens."""
    digest = hashlib.sha1(f"{TOKENS_VERSION} {INDEX_VERSION} {len(texts)}".encode())
    for text in texts:
        digest.update(TokenCache.key(text).encode("ascii"))
    return digest.hexdigest()


def load_or_build(root: Path, generation: str | None, texts: list[str], tokenised: list[list[str]],
                  keep: int = 3) -> KeywordIndex:
    """The keyword index of one store generation: loaded from ``root/<generation>`` when it is
    there and was built from ``texts``, else built from ``tokenised`` and saved there.

    Several processes may do this at once for the same generation: each writes into a
    private temporary folder and renames it into place; a rename that finds the folder
    already there (another process was first, with the same matrix) is dropped. Only the
    ``keep`` most recent generations' folders are kept. A cache that cannot be written only
    costs the next start a build."""
    fingerprint = corpus_fingerprint(texts)
    folder = root / f"{generation or 'none'}-{fingerprint[:16]}"
    if folder.exists():
        loaded = KeywordIndex.load(folder, fingerprint)
        if loaded is not None:
            log.info("keyword index of %s loaded from %s", generation, folder)
            return loaded
        shutil.rmtree(folder, ignore_errors=True)  # damaged: replaced below
    index = KeywordIndex(tokenised)
    tmp = root / f".{folder.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        index.save(tmp, fingerprint)
        try:
            tmp.rename(folder)
        except OSError:  # another process saved the same generation first
            shutil.rmtree(tmp, ignore_errors=True)
        _prune(root, keep)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        log.warning("cannot save the keyword index in %s: %s", root, exc)
    return index


def _prune(root: Path, keep: int, abandoned_s: float = 3600.0) -> None:
    """Drop all but the ``keep`` newest saved indexes (older generations), and temporary
    folders a killed process left an hour ago or more."""
    folders = [p for p in root.iterdir() if p.is_dir()]
    saved = sorted((p for p in folders if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
    left = [p for p in folders if p.name.startswith(".") and time.time() - p.stat().st_mtime > abandoned_s]
    for old in saved[keep:] + left:
        shutil.rmtree(old, ignore_errors=True)
