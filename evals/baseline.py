"""The naive baseline the evaluation compares with (``pytest evals/ --compare``): LangChain's tutorial RAG
without a model, and ``overlaps``, how a chunk that knows nothing of articles is matched to a gold article.

The benchmarks use ``overlaps`` too (``benchmarks.retrieval_bench``, ``benchmarks.peer``): they import it
from here; nothing in ``evals/`` imports ``benchmarks/``."""

from __future__ import annotations

import re
import sys
import time
from difflib import SequenceMatcher

from tqdm import tqdm

from evals import metrics as m


def _key(document: str, article: str) -> tuple[str, str]:
    return (document, article)


def squash(text: str) -> str:
    """Runs of white space as one space (a chunk and an article wrap their lines differently)."""
    return re.sub(r"\s+", " ", text).strip()


def overlaps(chunk: str, article: str) -> bool:
    """The chunk shares a long passage with the article (80 chars, or half of a short article)."""
    a, b = squash(chunk), squash(article)
    need = min(80, max(20, len(b) // 2))
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= need


def run_naive_baseline(items: list[dict], article_texts: dict) -> list[dict]:
    """LangChain's tutorial RAG without a model: RecursiveCharacterTextSplitter(1000, 200) over the
    raw files, Chroma dense search with the same embeddings; its 'answer' is the top chunk. A gold
    article counts as retrieved when a chunk overlaps its text (``overlaps``)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from netlaw import settings as _settings
    from vectorstore.embeddings import langchain_embeddings

    corpus = _settings.get_settings().corpus_dir
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    docs = splitter.create_documents([p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))])
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    db = Chroma(client=client, collection_name="naive_eval", embedding_function=langchain_embeddings())
    db.add_documents(docs)
    rows = []
    for item in tqdm(items, desc="eval naive baseline", unit="q", file=sys.__stderr__):
        started = time.perf_counter()
        found = db.similarity_search(item["question"], k=10)
        seconds = time.perf_counter() - started
        gold = {_key(g["document"], g["article"]) for g in item["gold_articles"]}
        ranked: list = []
        for i, d in enumerate(found):
            match = next((g for g in gold if overlaps(d.page_content, article_texts.get(g, ""))), None)
            # a gold article counts once, at its first chunk (later chunks of it are not new hits)
            ranked.append(match if match and match not in ranked else ("chunk", i))
        answer = found[0].page_content if found else ""
        row = {"id": item["id"], "type": item["type"], "split": item.get("split", "heldout"), "set": item.get("set"),
               "language": item["language"], "question": item["question"], "answerable": bool(gold),
               "refused": False, "answer": answer, "backend": "naive LangChain",
               "seconds": seconds, "gold": sorted(map(list, gold)), "retrieved": [list(r) for r in ranked],
               "n_citations": 0, "n_resolving": 0, "dropped_sentences": 0, "first_token_s": None}
        if gold:
            row.update({"hit@1": m.hit_at_k(ranked, gold, 1), "hit@5": m.hit_at_k(ranked, gold, 5),
                        "recall@5": m.recall_at_k(ranked, gold, 5), "mrr@10": m.mrr_at_k(ranked, gold, 10),
                        "ndcg@10": m.ndcg_at_k(ranked, gold, 10),
                        "key_fact_recall": m.key_fact_recall(answer, item["must_include"]),
                        "token_f1": m.token_f1(answer, item["reference_answer"])})
        row["why"] = [] if not gold or row.get("hit@5") else ["wrong article (no gold article in the top 5)"]
        rows.append(row)
    return rows
