"""Metrics of the evaluation suite. Pure functions; each docstring gives its formula.

Notation: G = gold articles of an item, R_k = top-k retrieved articles, C = cited articles,
rank(g) = 1-based position of g in the retrieved list.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from netlaw.text.script import HAN, has_chinese


def hit_at_k(retrieved: list, gold: set, k: int) -> float:
    """hit@k = 1 if G ∩ R_k ≠ ∅ else 0."""
    return 1.0 if gold & set(retrieved[:k]) else 0.0


def recall_at_k(retrieved: list, gold: set, k: int) -> float:
    """recall@k = |G ∩ R_k| / |G|."""
    return len(gold & set(retrieved[:k])) / len(gold) if gold else 0.0


def mrr_at_k(retrieved: list, gold: set, k: int = 10) -> float:
    """MRR@k = 1 / min{rank(g) : g ∈ G, rank(g) ≤ k}, or 0 when no gold article is in the top k."""
    for i, item in enumerate(retrieved[:k], start=1):
        if item in gold:
            return 1.0 / i
    return 0.0


def ndcg_at_k(retrieved: list, gold: set, k: int = 10) -> float:
    """nDCG@k = DCG/IDCG with binary relevance: DCG = Σ_{i≤k, R_i∈G} 1/log2(i+1),
    IDCG = Σ_{i≤min(k,|G|)} 1/log2(i+1)."""
    dcg = sum(1 / math.log2(i + 1) for i, item in enumerate(retrieved[:k], start=1) if item in gold)
    idcg = sum(1 / math.log2(i + 1) for i in range(1, min(k, len(gold)) + 1))
    return dcg / idcg if idcg else 0.0


def citation_precision(citations: list[set], gold: set, documents: set | None = None) -> float:
    """precision = (citations whose article — or its parallel English/Chinese text — is in G) / (citations);
    each citation is given as the set of its (document, article) keys. For a summary or a comparison,
    any article of the item's gold documents D is a right source: a citation also counts when one of
    its keys' documents is in D. No citation scores 0."""
    documents = documents or set()
    return (sum(1 for keys in citations if keys & gold or any(d in documents for d, _ in keys)) / len(citations)
            if citations else 0.0)


def citation_recall(cited: set, gold: set) -> float:
    """recall = |C ∩ G| / |G|."""
    return len(cited & gold) / len(gold) if gold else 0.0


def citation_coverage(sentences: list[str]) -> float:
    """coverage = (answer sentences carrying at least one [n]) / (answer sentences)."""
    if not sentences:
        return 0.0
    return sum(1 for s in sentences if re.search(r"\[\d+\]", s)) / len(sentences)


def citation_validity(n_citations: int, n_resolving: int) -> float:
    """validity = (citations that resolve to a retrieved article) / (citations); 1.0 when none."""
    return n_resolving / n_citations if n_citations else 1.0


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces; Chinese characters kept one by one."""
    text = re.sub(rf"[^\w{HAN}]+", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def contains_fact(answer: str, alternatives: list[str]) -> bool:
    """A must-include fact is present when any alternative is a substring of the answer after
    normalisation; for Chinese, at character level (spaces removed on both sides)."""
    norm = normalise(answer)
    squashed = norm.replace(" ", "")
    for alt in alternatives:
        a = normalise(alt)
        if has_chinese(a):
            if a.replace(" ", "") in squashed:
                return True
        elif f" {a} " in f" {norm} ":
            return True
    return False


def first_line(answer: str) -> str:
    """The answer's first non-empty line: where an answer-first reply states the answer."""
    return next((line for line in (answer or "").splitlines() if line.strip()), "")


def key_fact_recall(answer: str, facts: list[list[str]]) -> float:
    """key-fact recall = (must-include groups found) / (groups)."""
    if not facts:
        return 1.0
    return sum(contains_fact(answer, group) for group in facts) / len(facts)


def _tokens(text: str) -> list[str]:
    words = []
    for piece in re.findall(rf"[{HAN}]|[A-Za-z]+|\d+", text.lower()):
        words.append(piece)
    return words


def token_f1(answer: str, reference: str) -> float:
    """F1 over tokens (words; Chinese characters one by one): 2PR/(P+R) with
    P = |overlap| / |answer tokens|, R = |overlap| / |reference tokens| (multiset overlap)."""
    a, r = _tokens(answer), _tokens(reference)
    if not a or not r:
        return 0.0
    overlap = sum((Counter(a) & Counter(r)).values())
    if overlap == 0:
        return 0.0
    p, rc = overlap / len(a), overlap / len(r)
    return 2 * p * rc / (p + rc)
