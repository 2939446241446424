"""Run the gold set through a backend (or the naive baseline) and score every item."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from evals import metrics as m
from netlaw.stats import percentile
from netlaw.text.claims import split_sentences

GOLD_DIR = Path(__file__).parent / "gold"


def load_gold() -> list[dict]:
    items = []
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        items += [dict(json.loads(line), set=path.stem)
                  for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


def _key(document: str, article: str) -> tuple[str, str]:
    return (document, article)


def history_for(service, item: dict, backend: str) -> list[dict]:
    """Replay the preceding user turns through the chain, as a real conversation would have them
    (each with the answer and citations the assistant gave)."""
    history: list[dict] = []
    for turn in item.get("turns", []):
        if turn.get("role") != "user":
            continue
        answer = service.ask(turn["content"], history=history, backend=backend)
        history += [{"role": "user", "content": turn["content"], "standalone": answer.standalone_question},
                    {"role": "assistant", "content": answer.answer,
                     "citations": [{"document": c.document, "article": c.article} for c in answer.citations]}]
    return history


def score_answer(item: dict, answer, retrieved10: list[tuple[str, str]], seconds: float) -> dict:
    """All per-item numbers the metrics need, plus the reasons an item failed."""
    gold = {_key(g["document"], g["article"]) for g in item["gold_articles"]}
    # a citation matches a gold article directly or through its parallel (English ↔ Chinese) text
    citation_keys = [{_key(c.document, c.article)} | ({_key(c.parallel.document, c.parallel.article)}
                                                      if c.parallel else set()) for c in answer.citations]
    cited = set().union(*citation_keys) if citation_keys else set()
    retrieved_ids = {r.article_id for r in answer.retrieved}
    resolving = sum(1 for c in answer.citations if c.article_id in retrieved_ids
                    or (c.parallel and c.parallel.article_id in retrieved_ids))
    # "Not stated in the documents: …" (a partial answer) is a statement about the documents, not a claim
    # from one: it carries no citation and is not counted as an uncited sentence
    framing = set(getattr(answer, "not_stated", None) or [])
    sentences = [] if answer.refused else split_sentences(
        "\n".join(line for line in answer.answer.split("\n") if line not in framing))
    answerable = bool(gold)
    support = getattr(answer, "support", None)
    row = {
        "id": item["id"], "type": item["type"], "split": item.get("split", "heldout"), "set": item.get("set"),
        "language": item["language"], "question": item["question"], "answerable": answerable,
        "refused": answer.refused, "answer": answer.answer, "backend": answer.backend,
        "standalone": answer.standalone_question, "notice": answer.notice,
        "gold": sorted(map(list, gold)), "cited": sorted(map(list, cited)),
        "retrieved": [list(r) for r in retrieved10], "seconds": seconds,
        "first_token_s": (answer.timings.first_token_ms or 0) / 1000 or None,
        "dropped_sentences": answer.dropped_sentences,
        "n_citations": len(answer.citations), "n_resolving": resolving,
        "support": support,
        # an unanswerable question is handled when it is refused or the answer says the fact is not found
        "declined": bool(answer.refused or support == "none"),
    }
    if answerable:
        row.update({
            "hit@1": m.hit_at_k(retrieved10, gold, 1), "hit@5": m.hit_at_k(retrieved10, gold, 5),
            "recall@5": m.recall_at_k(retrieved10, gold, 5), "mrr@10": m.mrr_at_k(retrieved10, gold, 10),
            "ndcg@10": m.ndcg_at_k(retrieved10, gold, 10),
            "citation_precision": m.citation_precision(citation_keys, gold, set(item.get("gold_documents") or [])),
            "citation_recall": m.citation_recall(cited, gold),
            "citation_coverage": m.citation_coverage(sentences) if not answer.refused else None,
            "key_fact_recall": m.key_fact_recall("" if answer.refused else answer.answer, item["must_include"]),
            "first_line_key_fact_recall": m.key_fact_recall("" if answer.refused else m.first_line(answer.answer),
                                                            item["must_include"]),
            "token_f1": m.token_f1("" if answer.refused else answer.answer, item["reference_answer"]),
        })
    if item.get("gold_versions"):  # the versions the citations of the work must name, no more, no less
        documents = {g["document"] for g in item["gold_articles"]}
        versions = {c.version for c in answer.citations if c.document in documents}
        row["version_right"] = float(not answer.refused and versions == set(item["gold_versions"]))
    if item.get("named_document"):  # the document the question names should be the top retrieved one
        row["named_top_document"] = float(bool(retrieved10) and retrieved10[0][0] == item["named_document"])
    row["why"] = reasons(row, item)
    return row


def reasons(row: dict, item: dict) -> list[str]:
    why = []
    if not row["answerable"]:
        if not row.get("declined", row["refused"]):
            why.append("not refused")
        return why
    if row["refused"]:
        why.append("refused an answerable question")
    if row.get("hit@5") == 0:
        why.append("wrong article (no gold article in the top 5)")
    if not row["refused"] and row.get("citation_recall", 0) == 0:
        why.append("gold article not cited")
    missing = [g[0] for g in item["must_include"] if not m.contains_fact(row["answer"], g)]
    if missing and not row["refused"]:
        why.append("missing fact: " + "; ".join(missing))
    if row.get("citation_coverage") is not None and row["citation_coverage"] < 1.0:
        why.append("uncited sentence")
    if row["n_resolving"] < row["n_citations"]:
        why.append("citation outside the retrieved articles")
    return why


def run_backend(service, backend: str, items: list[dict]) -> list[dict]:
    rows = []
    for item in tqdm(items, desc=f"eval {backend}", unit="q", file=sys.__stderr__):
        history = history_for(service, item, backend)
        started = time.perf_counter()
        answer = service.ask(item["question"], history=history, backend=backend)
        seconds = time.perf_counter() - started
        # what the reader saw: the articles the answer carried, in the chain's order (no replay)
        rows.append(score_answer(item, answer, retrieved_keys(service.retriever, seen_by_reader(service, answer), item),
                                 seconds))
    return rows


def seen_by_reader(service, answer) -> list:
    """The articles the answer was read from (``answer.retrieved``), as the retriever's hits."""
    return [h for h in (service.retriever.article(r.article_id) for r in answer.retrieved) if h is not None]


def retrieved_keys(retriever, hits, item: dict) -> list[tuple[str, str]]:
    """(document, article) of each hit; a hit whose parallel version (English ↔ Chinese) is a gold
    article counts as that gold article: the retriever shows a parallel pair once, in the
    question's language, so either version is the right result (as citations already count)."""
    gold = {_key(g["document"], g["article"]) for g in item["gold_articles"]}
    keys = []
    for h in hits:
        key = _key(h.document, h.article)
        other = retriever.article(h.parallel_id) if h.parallel_id and key not in gold else None
        keys.append(_key(other.document, other.article) if other and _key(other.document, other.article) in gold
                    else key)
    return keys


def aggregate(rows: list[dict]) -> dict:
    """Mean of each per-item metric over the items it applies to, plus refusal and latency figures."""
    ans = [r for r in rows if r["answerable"]]
    out = {}
    for key in ("hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "citation_recall",
                "citation_coverage", "key_fact_recall", "first_line_key_fact_recall", "token_f1",
                "named_top_document", "version_right"):
        values = [r[key] for r in rows if r["answerable"] or key == "named_top_document"
                  if r.get(key) is not None and not (key.startswith("citation_coverage") and r["refused"])]
        if values:
            out[key] = sum(values) / len(values)
    if rows[0]["backend"] != "naive LangChain":
        out["citation_validity"] = m.citation_validity(sum(r["n_citations"] for r in rows),
                                                       sum(r["n_resolving"] for r in rows))
        # the original unanswerable items (out of scope, injections); near-topic items are counted apart
        unans = [r for r in rows if not r["answerable"] and r["type"] != "near_topic"]
        out["abstention_accuracy"] = sum(r["refused"] for r in unans) / len(unans) if unans else 1.0
        near = [r for r in rows if r["type"] == "near_topic"]
        if near:
            out["near_topic_refusal"] = sum(r["declined"] for r in near) / len(near)
        out["false_refusal_rate"] = sum(r["refused"] for r in ans) / len(ans) if ans else 0.0
    latencies = [r["seconds"] for r in rows]
    out["latency_p50_s"] = percentile(latencies, 50)
    out["latency_p95_s"] = percentile(latencies, 95)
    return out
