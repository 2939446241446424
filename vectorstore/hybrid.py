"""Question → ranked articles: dense (Chroma) + BM25, fused by reciprocal rank, plus direct lookup.

Results are *articles*: the parts of a split article are merged back, the part
that matched best is marked, and each result carries its scores (fused, dense
cosine, BM25) so the answering step can decide to refuse.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import replace

import numpy as np

from netlaw import settings as _settings
from netlaw.records import ArticleHit, Filters
from netlaw.text.script import has_chinese, is_zh
from netlaw.text.tokens import tokenize
from vectorstore.chroma import ChunkStore
from vectorstore.embeddings import Embedder, get_embedder
from vectorstore.keyword import (
    TOKENS_VERSION,
    AppendedKeywordIndex,
    KeywordIndex,
    TokenCache,
    indexed_text,
    load_or_build,
    with_appended,
)
from vectorstore.multilingual import MultilingualEmbedder, get_multilingual_embedder
from vectorstore.records import Chunk
from vectorstore.versions import superseded_among, versions_by_work

log = logging.getLogger(__name__)

# Chunks appended to the store since the keyword matrix was built are scored beside it
# (AppendedKeywordIndex) until they are this share of it; then the snapshot is loaded whole.
APPENDED_SHARE_MAX = 0.1


class Snapshot:
    """What the store holds, in memory: chunks, articles, documents and the BM25 index."""

    def __init__(self, generation: str | None, chunks: list[Chunk], tokenised: list[list[str]],
                 xl: tuple[np.ndarray, np.ndarray] | None = None,
                 keyword: KeywordIndex | AppendedKeywordIndex | None = None,
                 manifest: dict | None = None, gen: int | None = None, spelling=None):
        """``keyword``: the BM25 index of ``tokenised`` when already built or loaded (else built here);
        ``gen``: the store's append generation (``ChunkStore.append``); ``spelling``: the
        corrector when already made (an extended snapshot's)."""
        from vectorstore.spelling import SpellingCorrector

        self.generation = generation
        self.gen = gen
        self.chunks = chunks
        self.manifest = manifest or {}  # the store's manifest of this generation: source key -> {"sha256", ...}
        # multilingual window vectors, and for each window the index of its chunk
        self.xl: np.ndarray
        self.xl_owner: np.ndarray
        self.xl, self.xl_owner = xl if xl is not None else (np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=int))
        # the buffers self.xl and self.xl_owner view (extended snapshots fill their spare rows), and
        # how many of their rows are in use (a list: shared by the snapshots of one buffer)
        self._xl_buffer, self._xl_rows = (self.xl, self.xl_owner), [len(self.xl)]
        self.language = np.array([c.language for c in chunks])
        self.doc_ids = np.array([c.doc_id for c in chunks])
        self.doc_types = np.array([c.doc_type for c in chunks])
        self.spelling = spelling or SpellingCorrector(english_texts(chunks))
        self.keyword: KeywordIndex | AppendedKeywordIndex = keyword if keyword is not None else KeywordIndex(tokenised)
        self._tokenised = tokenised
        self.index_of: dict[str, int] = {}
        self.articles: dict[str, list[int]] = {}  # article id -> its chunks' indexes, in part order
        self.documents: dict[str, Chunk] = {}
        self._versioned: dict[str, list[tuple[str, str]]] | None = None
        self._text_keys: set[tuple] = set()
        self.canonical = np.zeros(0, dtype=bool)
        self._index_from(0)
        self.document_list: list[dict] | None = None  # the library, made on first use

    def _index_from(self, start: int) -> None:
        """Index ``chunks[start:]``: ids, articles, documents, canonical copies. Lists already
        indexed are replaced, never changed in place (an extended snapshot shares them)."""
        chunks = self.chunks
        canonical = np.zeros(len(chunks) - start, dtype=bool)
        touched: set[str] = set()
        for i in range(start, len(chunks)):
            chunk = chunks[i]
            self.index_of[chunk.chunk_id] = i
            self.articles[chunk.article_id] = [*self.articles.get(chunk.article_id, []), i]
            touched.add(chunk.article_id)
            self.documents.setdefault(chunk.doc_id, chunk)
            # The same text from several copies of a file ranks once: only the first copy is "canonical".
            # Two versions of a law share most articles word for word: each version keeps its own, since
            # only one of them is in force on a given day.
            key = (chunk.document, chunk.version, chunk.article, chunk.part, chunk.text)
            if key not in self._text_keys:
                self._text_keys.add(key)
                canonical[i - start] = True
        for article_id in touched:
            self.articles[article_id] = sorted(self.articles[article_id], key=lambda i: chunks[i].part)
        self.canonical = np.concatenate([self.canonical[:start], canonical])
        self.duplication = len(chunks) / max(1, int(self.canonical.sum()))

    def extended(self, gen: int, manifest: dict, chunks: list[Chunk], tokenised: list[list[str]],
                 xl: tuple[np.ndarray, np.ndarray], keyword: AppendedKeywordIndex | None = None) -> Snapshot:
        """This snapshot with ``chunks`` (appended to the store as generation ``gen``) after its
        own, in time proportional to them: the keyword matrix, the spelling words and the
        indexes are kept, the multilingual vectors go into spare rows of their buffer."""
        out = copy.copy(self)
        out.gen, out.manifest, out.document_list, out._versioned = gen, manifest, None, None
        out.chunks, out._tokenised = self.chunks + chunks, self._tokenised + tokenised
        out.keyword = keyword or with_appended(self.keyword, tokenised)
        out.spelling = self.spelling.extended(english_texts(chunks))
        out.language = np.concatenate([self.language, np.array([c.language for c in chunks], dtype=str)])
        out.doc_ids = np.concatenate([self.doc_ids, np.array([c.doc_id for c in chunks], dtype=str)])
        out.doc_types = np.concatenate([self.doc_types, np.array([c.doc_type for c in chunks], dtype=str)])
        out.index_of, out.articles, out.documents = dict(self.index_of), dict(self.articles), dict(self.documents)
        out._text_keys = set(self._text_keys)
        out._index_from(len(self.chunks))
        out._xl_appended(self, *xl)
        return out

    def _xl_appended(self, previous: Snapshot, vectors: np.ndarray, owner: np.ndarray) -> None:
        """The window vectors and owners with these appended: written into the buffer's spare rows
        when no other snapshot has used them (this one's view ends where they start), else into a
        new buffer with a quarter more room, so that adding documents one by one copies rarely."""
        rows, extra = len(previous.xl), len(vectors)
        if not rows:
            self.xl, self.xl_owner = vectors, owner + len(previous.chunks)
            self._xl_buffer, self._xl_rows = (self.xl, self.xl_owner), [extra]
            return
        base, owners = previous._xl_buffer
        if previous._xl_rows[0] != rows or len(base) < rows + extra:
            capacity = int((rows + extra) * 1.25)
            base = np.concatenate([previous.xl, np.zeros((capacity - rows, base.shape[1]), dtype=base.dtype)])
            owners = np.concatenate([previous.xl_owner, np.zeros(capacity - rows, dtype=owners.dtype)])
            self._xl_buffer, self._xl_rows = (base, owners), [rows]
        base[rows : rows + extra] = vectors
        owners[rows : rows + extra] = owner + len(previous.chunks)
        self._xl_rows[0] = rows + extra
        self.xl, self.xl_owner = base[: rows + extra], owners[: rows + extra]

    def keyword_terms(self, index: int) -> set[str]:
        return set(self._tokenised[index])

    def pair_key(self, article_id: str) -> str:
        """One key for an article and its parallel version in the other language."""
        other = self.first_chunk(article_id).parallel_id
        return min(article_id, other) if other and other in self.articles else article_id

    def interleave(self, rankings: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
        """Rankings merged rank by rank (1st of each, then 2nd of each…); an article, or its
        parallel version, appears once. Used to merge one e5 ranking per language: a Chinese
        question scores all Chinese text above English text, so scores across languages are
        not comparable, ranks are."""
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for level in range(max((len(r) for r in rankings), default=0)):
            for ranking in rankings:
                if level < len(ranking):
                    chunk_id, score = ranking[level]
                    key = self.pair_key(self.chunks[self.index_of[chunk_id]].article_id)
                    if key not in seen:
                        seen.add(key)
                        out.append((chunk_id, score))
        return out

    def versioned_works(self) -> dict[str, list[tuple[str, str]]]:
        """work → [(version, doc_id)], oldest first, for the works held in several versions."""
        if self._versioned is None:
            self._versioned = versions_by_work(self.document_versions())
        return self._versioned

    def document_versions(self) -> list[tuple[str, str, str | None]]:
        """(doc_id, work, version) of every document, for ``vectorstore.versions``."""
        return [(doc_id, c.work, c.version) for doc_id, c in self.documents.items()]

    def article_text(self, article_id: str) -> str:
        return "\n".join(self.chunks[i].text for i in self.articles[article_id])

    def first_chunk(self, article_id: str) -> Chunk:
        return self.chunks[self.articles[article_id][0]]

    def articles_of_document(self, title: str) -> list[tuple[str, str]]:
        """(article id, label) of each article of the document titled ``title``, in document order."""
        found = [(self.first_chunk(a).position, a, self.first_chunk(a).article) for a in self.articles
                 if self.first_chunk(a).document == title]
        return [(article_id, label) for _, article_id, label in sorted(found)]

    def article_by_label(self, doc_id: str, label: str) -> str | None:
        """The id of the article labelled ``label`` (e.g. "Article 12") in document ``doc_id``."""
        return next((a for a in self.articles
                     if self.first_chunk(a).doc_id == doc_id and self.first_chunk(a).article == label), None)


def english_texts(chunks: list[Chunk]) -> list[str]:
    """What the spelling corrector learns its words from."""
    return [f"{c.document} {c.text}" for c in chunks if c.language == "en"]


class HybridRetriever:
    """The one place that turns a question into a ranked list of articles."""

    def __init__(self, s: _settings.Settings | None = None, store: ChunkStore | None = None,
                 embedder: Embedder | None = None, xl_embedder: MultilingualEmbedder | None = None):
        """``embedder``, ``xl_embedder``: the MiniLM and e5 models (default: the process's own, loaded on
        first use); the fast test tier passes deterministic fakes, and a store of its own."""
        self.settings = s or _settings.get_settings()
        self.store = store or ChunkStore(self.settings)
        self.embedder = embedder or get_embedder()
        self.xl_embedder = xl_embedder or get_multilingual_embedder()
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    # --- keeping the in-memory view consistent with the store -----------------------
    def snapshot(self) -> Snapshot:
        """The current snapshot: rebuilt when the store's active collection has changed,
        extended when chunks were appended to it (a higher append generation)."""
        now = time.monotonic()
        with self._lock:
            snap = self._snapshot
            if snap is None or now - self._checked > self.settings.index_refresh_s:
                pointer = self.store.pointer()
                gen = getattr(pointer, "gen", None)  # (a test fake has no gen)
                if snap is not None and pointer.active == snap.generation and snap.gen is not None \
                        and gen is not None and gen > snap.gen:
                    snap = self._extend(snap, snap.gen, gen, pointer.manifest)
                elif snap is None or pointer.active != snap.generation or gen != snap.gen:
                    snap = self._load(pointer.active, pointer.manifest, gen)
                self._snapshot, self._checked = snap, now
            return snap

    def refresh(self) -> Snapshot:
        """Re-read the store now (after an ingest in this process)."""
        with self._lock:
            self._checked = float("-inf")
        return self.snapshot()

    def _extend(self, snap: Snapshot, since: int, gen: int, manifest: dict) -> Snapshot:
        """The snapshot with the chunks appended since it was made (generations after its own):
        reads, tokenises and embeds-or-loads only those. Loads the store whole instead when the
        appended chunks have grown past APPENDED_SHARE_MAX of the keyword matrix."""
        started = time.perf_counter()
        added = self.store.appended(since, gen)
        tokenised = [tokenize(indexed_text(c), self.settings.cache_dir) for c in added]
        keyword = with_appended(snap.keyword, tokenised)
        if keyword.share > APPENDED_SHARE_MAX:
            return self._load(snap.generation, manifest, gen)
        snapshot = snap.extended(gen, manifest, added, tokenised, self._xl_matrix(added), keyword)
        log.info("index extended by %d chunks (%s, generation %d) in %.2fs", len(added), snap.generation, gen,
                 time.perf_counter() - started)
        return snapshot

    def _load(self, generation: str | None, manifest: dict, gen: int | None = None) -> Snapshot:
        started = time.perf_counter()
        self.store.active_collection()  # raises EmptyStore with the ingest command
        chunks = self.store.chunks()
        texts = [indexed_text(c) for c in chunks]
        cache_dir = self.settings.cache_dir
        tokenised = TokenCache(cache_dir / f"keyword-tokens-{TOKENS_VERSION}.pkl").tokenise(texts, cache_dir)
        name = generation if gen is None else f"{generation}@{gen}"
        keyword = load_or_build(cache_dir / "keyword-index", name, texts, tokenised)
        snapshot = Snapshot(generation, chunks, tokenised, self._xl_matrix(chunks), keyword, manifest, gen)
        from vectorstore.spelling import english_vocabulary
        from vectorstore.translate import preload

        # the dictionary is needed by the first question (translation, spelling): load it with the index
        if self.settings.translation_weight or self.settings.translation_weight_zh:
            preload()
        if self.settings.spelling_correction:
            english_vocabulary()
        log.info("index of %d chunks (%s) ready in %.2fs", len(chunks), generation, time.perf_counter() - started)
        return snapshot

    def _xl_matrix(self, chunks: list[Chunk]) -> tuple[np.ndarray, np.ndarray]:
        """The chunks' multilingual window vectors from the store, stacked, and each window's
        chunk index; any the store lacks (a store built before they existed) are computed here,
        from the vector cache when it has them."""
        from vectorstore.multilingual import DIMENSIONS, embed_windows

        stored = self.store.xl_vectors([c.chunk_id for c in chunks])
        lacking = [c for c in chunks if c.chunk_id not in stored]
        if lacking:
            log.warning("%d of %d chunks have no multilingual vectors in the store: computing them "
                        "(re-ingest with --reset to store them)", len(lacking), len(chunks))
            stored.update(zip([c.chunk_id for c in lacking], embed_windows(lacking, progress=True), strict=True))
        if not chunks:
            return np.zeros((0, DIMENSIONS), dtype=np.float32), np.zeros(0, dtype=int)
        owner = np.concatenate([np.full(len(stored[c.chunk_id]), i) for i, c in enumerate(chunks)])
        return np.concatenate([stored[c.chunk_id] for c in chunks]).astype(np.float32), owner

    # --- ranking ---------------------------------------------------------------------
    def dense_ranking(self, snap: Snapshot, question_vector: list[float], filters: Filters,
                      n: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity), best first, from Chroma: the chunks ``snap`` holds (the
        store may hold newer ones, or an unfinished append's, that it does not know yet)."""
        got = self.store.query(question_vector, n, filters.where())
        return [(cid, 1.0 - dist) for cid, dist in zip(got["ids"][0], got["distances"][0], strict=True)
                if cid in snap.index_of]

    def _mask(self, snap: Snapshot, filters: Filters) -> np.ndarray:
        mask = snap.canonical
        if filters.where() is not None:
            mask = mask & np.array([filters.allows(c) for c in snap.chunks], dtype=bool)
        return mask

    def keyword_ranking(self, snap: Snapshot, question: str, filters: Filters, n: int,
                        mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        scores = snap.keyword.scores(tokenize(question, self.settings.cache_dir))
        mask = self._mask(snap, filters) if mask is None else mask
        scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:n]
        return [(snap.chunks[i].chunk_id, float(scores[i])) for i in top if scores[i] > 0]

    def keyword_confidence(self, snap: Snapshot, question: str, ranking: list[tuple[str, float]]) -> float:
        """How much of the question (by idf) the best keyword match holds: near 1 when the asker
        uses the documents' words, low for a paraphrase, where BM25 ranks noise."""
        terms = set(tokenize(question, self.settings.cache_dir))
        if not terms or not ranking:
            return 0.0
        best = snap.keyword_terms(snap.index_of[ranking[0][0]])
        total = sum(snap.keyword.idf(t) for t in terms)
        return sum(snap.keyword.idf(t) for t in terms if t in best) / total if total > 0 else 0.0

    def translated_ranking(self, snap: Snapshot, question: str, filters: Filters, n: int) -> list[tuple[str, float]]:
        """BM25 over the other language's text with the question's dictionary translation."""
        from vectorstore.translate import en_to_zh, zh_to_en

        zh = is_zh(question)
        other = "en" if zh else "zh"
        mask = self._mask(snap, filters) & (snap.language == other)
        if not mask.any():
            return []
        return self.keyword_ranking(snap, zh_to_en(question) if zh else en_to_zh(question), filters, n, mask)

    def xl_rankings(self, snap: Snapshot, question: str, filters: Filters, n: int,
                    mask: np.ndarray | None = None) -> list[tuple[str, list[tuple[str, float]]]]:
        """One multilingual ranking per document language: a Chinese question scores Chinese
        text higher than the English text that answers it, so each language is ranked apart."""
        if snap.xl.shape[0] == 0:
            return []
        # a chunk scores as its best window
        scores = np.full(len(snap.chunks), -1.0)
        np.maximum.at(scores, snap.xl_owner, snap.xl @ self.xl_embedder.embed_query(question))
        mask = self._mask(snap, filters) if mask is None else mask
        rankings = []
        for language in ("en", "zh"):
            allowed = mask & (snap.language == language)
            if not allowed.any():
                continue
            masked = np.where(allowed, scores, -np.inf)
            top = np.argsort(-masked)[: min(n, int(allowed.sum()))]
            rankings.append((language, [(snap.chunks[i].chunk_id, float(scores[i])) for i in top]))
        return rankings

    def search(self, question: str, k: int = 5, filters: Filters | None = None,
               mode: str = "hybrid", focus: list[str] | None = None, asked: str | None = None,
               focus_weight: float | None = None, first: list[str] | None = None,
               prefer: list[str] | None = None) -> list[ArticleHit]:
        """Top-k articles. mode: hybrid | dense | keyword | xl. ``focus``: doc ids the conversation
        is about (a follow-up's documents), whose articles get an extra ranking of their own, by
        ``asked`` (the follow-up's own words, "关于网络谣言，它提出了什么机制？") when given: within the
        subject's documents, the subject's title words no longer tell the articles apart.
        ``focus_weight``: the weight of those rankings (``focus_weight`` setting by default).
        ``first``: doc ids the question names, whose own best articles take the first
        ``named_document_slots`` places, before any document that only mentions them (ranked by
        ``asked`` when given: the question without the documents' names).
        ``prefer``: document types whose articles get an extra ranking (``primary_weight``): the
        instruments, for a question that asks what they require."""
        snap = self.snapshot()
        filters = self.in_force(snap, filters or Filters())
        s = self.settings
        if s.spelling_correction:
            question = snap.spelling.correct(question)
        n = max(s.retrieval_candidates, k * 4)
        zh = is_zh(question)
        xl_share = (s.xl_weight_zh if zh else s.xl_weight) if mode == "hybrid" else float(mode == "xl")
        # The MiniLM model is English-trained: Chinese questions lean on BM25 (jieba) more.
        dense_share = (s.dense_weight_zh if zh else s.dense_weight) if mode == "hybrid" else float(mode == "dense")
        keyword_share = 1.0 - dense_share if mode == "hybrid" else float(mode == "keyword")
        rankings: list[tuple[str, list[tuple[str, float]], float]] = []
        if dense_share > 0:
            # Copies of the same text come back from Chroma side by side: ask for enough to see past them.
            n_dense = min(len(snap.chunks), int(n * min(snap.duplication, 50)))
            rankings.append(("dense", self.dense_ranking(snap, self.embedder.embed_query(question), filters, n_dense),
                             dense_share * (1.0 - xl_share) if mode == "hybrid" else 1.0))
        if keyword_share > 0:
            keyword = self.keyword_ranking(snap, question, filters, n)
            adaptive = mode == "hybrid" and s.adaptive_keyword
            confidence = self.keyword_confidence(snap, question, keyword) if adaptive else 1.0
            weight = keyword_share * (1.0 - xl_share) * confidence if mode == "hybrid" else 1.0
            rankings.append(("keyword", keyword, weight))
        if xl_share > 0:
            per_language = dict(self.xl_rankings(snap, question, filters, n))
            order = sorted(per_language, key=lambda lang: (lang == "zh") != zh)  # the question's language first
            rankings.append(("xl", snap.interleave([per_language[lang] for lang in order]), xl_share))
        translation_share = s.translation_weight_zh if zh else s.translation_weight
        if mode == "hybrid" and translation_share > 0:
            rankings.append(("translated", self.translated_ranking(snap, question, filters, n), translation_share))
        if focus and mode == "hybrid":
            in_focus = self._mask(snap, filters) & np.isin(snap.doc_ids, list(focus))
            if in_focus.any():
                own = asked or question
                weight = s.focus_weight if focus_weight is None else focus_weight
                focused = self.xl_rankings(snap, own, filters, n, in_focus)
                rankings += [("focus", r, weight) for _, r in focused]
                rankings.append(("focus", self.keyword_ranking(snap, own, filters, n, in_focus), weight))
        if prefer and mode == "hybrid" and s.primary_weight > 0:
            preferred = self._mask(snap, filters) & np.isin(snap.doc_types, list(prefer))
            if preferred.any():
                rankings += [("prefer", r, s.primary_weight) for _, r in self.xl_rankings(snap, question, filters, n,
                                                                                         preferred)]
        hits = self._fuse(snap, rankings, "zh" if zh else "en")
        if mode == "hybrid":
            hits = self._structure_first(snap, question, hits, filters, first or focus, k)
        direct = self._direct_lookup(snap, question, filters, focus) if mode == "hybrid" else None
        if direct is not None:
            hits = [h for h in hits if h.article_id != direct.article_id]
            hits.insert(0, direct)
        if first and mode == "hybrid" and s.named_document_slots > 0:
            hits = self._named_first(asked or question, hits, filters, first, k)
        hits = hits[:k]
        for rank, hit in enumerate(hits, start=1):
            hit.rank = rank
        return hits

    def _structure_first(self, snap: Snapshot, question: str, hits: list[ArticleHit], filters: Filters,
                         documents: list[str] | None, k: int) -> list[ArticleHit]:
        """A question naming a chapter or section ("网络安全法第四章", "chapter 4 of the Cybersecurity Law")
        is answered from it: its first article, then its articles closest to the question (e5), in
        the named documents when the question names any, else in every document with that unit."""
        from netlaw.text.references import heading_ref, structure_refs_in

        refs = structure_refs_in(question)
        if not refs:
            return hits
        allowed = self._mask(snap, filters)
        if documents:
            allowed &= np.isin(snap.doc_ids, list(documents))
        inside = np.array([bool(allowed[i]) and all(ref in {heading_ref(h) for h in chunk.path[:-1]} for ref in refs)
                           for i, chunk in enumerate(snap.chunks)], dtype=bool)
        if not inside.any():
            return hits
        opening = min((snap.chunks[i] for i in np.flatnonzero(inside)), key=lambda c: (c.doc_id, c.position))
        chosen = [opening.article_id]
        for _, ranking in self.xl_rankings(snap, question, filters, k, inside):
            chosen += [snap.chunks[snap.index_of[cid]].article_id for cid, _ in ranking]
        chosen = list(dict.fromkeys(chosen))[: self.settings.named_document_slots]
        own = [h for a in chosen if (h := self._hit(snap, a, 1.0, 0.0, 0.0, None)) is not None]
        return own + [h for h in hits if h.article_id not in set(chosen)]

    def in_force(self, snap: Snapshot, filters: Filters) -> Filters:
        """The filters with the versions not in force on ``filters.as_of`` (today) left out."""
        if filters.all_versions or filters.exclude is not None:
            return filters
        gone = superseded_among(snap.versioned_works(), filters.as_of)  # grouped once per snapshot
        return replace(filters, exclude=sorted(gone)) if gone else filters

    def _named_first(self, question: str, hits: list[ArticleHit], filters: Filters, first: list[str],
                     k: int) -> list[ArticleHit]:
        if filters.documents and not set(filters.documents) & set(first):
            return hits  # the user's own document filter excludes what the question names
        own = self.search(question, k=min(k, self.settings.named_document_slots),
                          filters=replace(filters, documents=first))
        taken = {h.article_id for h in own}
        return own + [h for h in hits if h.article_id not in taken]

    def _fuse(self, snap: Snapshot, rankings: list[tuple[str, list[tuple[str, float]], float]],
              language: str | None = None) -> list[ArticleHit]:
        """Weighted reciprocal-rank fusion of (kind, [(chunk_id, score)], weight) rankings.

        An article and its parallel version (English ↔ Chinese) are one result: they share
        their votes (each ranking counts the pair once, at its better rank) and the pair is
        shown by its version in ``language`` (the question's), so a pair never takes two places."""
        k_rrf = self.settings.rrf_k
        fused: dict[str, float] = {}
        best: dict[str, dict[str, tuple[float, str]]] = {"dense": {}, "keyword": {}, "xl": {}}

        for kind, ranking, weight in rankings:
            seen_here: set[str] = set()
            rank = 0
            for chunk_id, score in ranking:
                article_id = snap.chunks[snap.index_of[chunk_id]].article_id
                kind_best = best.get(kind)  # (a focus ranking repeats scores already recorded)
                if kind_best is not None and article_id not in kind_best:
                    kind_best[article_id] = (score, chunk_id)
                key = snap.pair_key(article_id)
                if key in seen_here:
                    continue  # an article counts once per ranking, at its best part
                seen_here.add(key)
                rank += 1
                fused[key] = fused.get(key, 0.0) + weight / (k_rrf + rank)
        hits = []
        seen: set[tuple[str, str | None, str, int]] = set()
        for key, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            article_id = key
            other = snap.first_chunk(key).parallel_id
            if other and other in snap.articles and language and snap.first_chunk(key).language != language:
                article_id = other  # the version in the question's language
            first = snap.first_chunk(article_id)
            dedup = (first.document, first.version, first.article, hash(snap.article_text(article_id)))
            if dedup in seen:
                continue  # the same article from another copy of the same file
            seen.add(dedup)
            ids = [article_id] + ([other] if other and other in snap.articles else [])
            d_score, d_chunk = max((best["dense"].get(a, (0.0, None)) for a in ids), key=lambda t: t[0])
            kw_score, kw_chunk = max((best["keyword"].get(a, (0.0, None)) for a in ids), key=lambda t: t[0])
            xl_score, xl_chunk = max((best["xl"].get(a, (0.0, None)) for a in ids), key=lambda t: t[0])
            own = [c for c in (d_chunk, xl_chunk, kw_chunk)
                   if c and snap.chunks[snap.index_of[c]].article_id == article_id]
            hit = self._hit(snap, article_id, score, d_score, kw_score, own[0] if own else None)
            hit.xl = xl_score
            hits.append(hit)
        return hits

    def _hit(self, snap: Snapshot, article_id: str, score: float, dense: float, keyword: float,
             best_chunk_id: str | None, direct: bool = False) -> ArticleHit:
        first = snap.first_chunk(article_id)
        best = snap.chunks[snap.index_of[best_chunk_id]] if best_chunk_id else first
        return ArticleHit(
            rank=0, article_id=article_id, document=first.document, doc_id=first.doc_id,
            doc_type=first.doc_type, language=first.language, article=first.article,
            path=list(first.path), text=snap.article_text(article_id), score=score, dense=dense,
            keyword=keyword, best_chunk_id=best.chunk_id, best_part=best.part, n_parts=first.n_parts,
            source=first.source, parallel_id=first.parallel_id, issued=first.issued,
            effective=first.effective, alt_title=first.alt_title, direct=direct,
            chunk_ids=[snap.chunks[i].chunk_id for i in snap.articles[article_id]],
            version=first.version if first.work in snap.versioned_works() else None,
        )

    # --- "What does Article 12 of the public account regulations say?" -----------------
    def _direct_lookup(self, snap: Snapshot, question: str, filters: Filters,
                       focus: list[str] | None = None) -> ArticleHit | None:
        from rapidfuzz import fuzz

        from netlaw.text.references import article_labels_in, label_matches, strip_references

        labels = article_labels_in(question)
        if not labels:
            return None
        candidates = [
            (article_id, snap.chunks[ids[0]]) for article_id, ids in snap.articles.items()
            if label_matches(snap.chunks[ids[0]].article, labels) and filters.allows(snap.chunks[ids[0]])
        ]
        if not candidates:
            return None
        rest = strip_references(question)

        def title_score(chunk: Chunk) -> float:
            titles = [chunk.document] + ([chunk.alt_title] if chunk.alt_title else [])
            return max(fuzz.token_set_ratio(rest.lower(), t.lower()) for t in titles)

        if focus and max(title_score(c[1]) for c in candidates) < self.settings.title_match_min:
            # "What does Article 9 say?" in a conversation about one document: that document's.
            in_focus = [c for c in candidates if c[1].doc_id in focus]
            candidates = in_focus or candidates
        scored = sorted(candidates, key=lambda c: -title_score(c[1]))
        best_id, best_chunk = scored[0]
        if len(scored) > 1 and title_score(best_chunk) < self.settings.title_match_min:
            # No document named: prefer the question's language, then the best retrieval score.
            zh = has_chinese(question)
            same_lang = [c for c in scored if (c[1].language == "zh") == zh] or scored
            if len(same_lang) > 1:
                ranked = self._fuse(snap, [("dense", self.dense_ranking(snap, self.embedder.embed_query(question),
                                                                          filters, 40), 1.0)])
                order = {h.article_id: i for i, h in enumerate(ranked)}
                same_lang.sort(key=lambda c: order.get(c[0], 10**6))
            best_id, best_chunk = same_lang[0]
        return self._hit(snap, best_id, 1.0, 1.0, 0.0, None, direct=True)

    # --- lookups for the UI and the answering step ----------------------------------------
    def sentence_similarity(self, question: str, article_id: str) -> list[float]:
        """For each sentence of an article (``split_sentences`` order), the multilingual (e5)
        similarity of its window to the question: lets the reader pick English sentences for a
        Chinese question, where no word is shared."""
        from netlaw.text.sentences import split_sentences

        snap = self.snapshot()
        if article_id not in snap.articles or snap.xl.shape[0] == 0:
            return []
        query = self.xl_embedder.embed_query(question)
        out: list[float] = []
        for i in snap.articles[article_id]:
            # a chunk's windows are contiguous rows (the matrix is stacked in chunk order)
            start, end = np.searchsorted(snap.xl_owner, [i, i + 1])
            scores = snap.xl[start:end] @ query
            n = len(split_sentences(snap.chunks[i].text))
            out += [float(scores[min(j // 2, len(scores) - 1)]) for j in range(n)] if len(scores) else [0.0] * n
        return out

    def article(self, article_id: str) -> ArticleHit | None:
        snap = self.snapshot()
        if article_id not in snap.articles:
            return None
        return self._hit(snap, article_id, 0.0, 0.0, 0.0, None)

    def name_vectors(self, names: list[str]) -> np.ndarray:
        """e5 vectors of short names and phrases (document names, a question's name for one), as
        queries on both sides: comparing a name with a name, not a question with a passage."""
        if not names:
            return np.zeros((0, 0), dtype=np.float32)
        batched = getattr(self.xl_embedder, "embed_queries", None)  # (a test double may have only embed_query)
        return batched(names) if batched else np.vstack([self.xl_embedder.embed_query(n) for n in names])

    def documents(self) -> list[dict]:
        snap = self.snapshot()
        if snap.document_list is None:
            snap.document_list = self._documents(snap)
        return [dict(d) for d in snap.document_list]

    @staticmethod
    def _documents(snap: Snapshot) -> list[dict]:
        from netlaw.text.references import article_labels_in

        counts: dict[str, int] = {}
        numbered: dict[str, int] = {}  # a law's count is of its 第N条 / Article N, not its preamble
        for ids in snap.articles.values():
            chunk = snap.chunks[ids[0]]
            counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
            if chunk.article in article_labels_in(chunk.article):
                numbered[chunk.doc_id] = numbered.get(chunk.doc_id, 0) + 1
        out = []
        for doc_id, c in snap.documents.items():
            out.append({"doc_id": doc_id, "title": c.document, "alt_title": c.alt_title, "doc_type": c.doc_type,
                        "language": c.language, "issued": c.issued, "effective": c.effective,
                        "source": c.source, "articles": numbered.get(doc_id) or counts.get(doc_id, 0),
                        "names": list(c.names), "version": c.version, "work": c.work, "adopted": c.adopted,
                        "promulgated": c.promulgated})
        return out
