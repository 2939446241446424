"""The ranker's signals: one row of numbers per candidate article, the same for any library.

Every feature is relative to the question and the other candidates, or a fact of legal text in
general (a law's penalties chapter, its supplementary provisions), never a word of one library:

- the retrieval's own evidence: fused rank and score, the e5 similarity of the article's best window
  (absolute, and behind the best candidate), MiniLM similarity, BM25 score relative to the best;
- term coverage: the rarity-weighted share of the question's terms the article holds, and of the
  question's dictionary translation (English question ↔ Chinese article);
- the document: the question names it or the conversation is about it; it is an instrument (law,
  regulation, rule) rather than commentary, crossed with a question asking what is required;
- answer type: the question asks a duration, date, figure, body… and the article states one;
- structure: the article sits in a penalties chapter, crossed with a question about a fine or
  punishment; in the general provisions; in the supplementary provisions;
- the article is in the question's language; it was found by an article reference.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from netlaw.text.script import is_zh
from netlaw.text.tokens import tokenize

FEATURES: tuple[str, ...] = (
    "rank", "fused", "xl", "xl_behind", "dense", "keyword", "coverage", "coverage_translated",
    "named", "focus", "instrument", "instrument_x_requirement", "kind_stated", "liability",
    "liability_x_penalty", "general", "supplementary", "same_language", "direct", "title_coverage",
)

# Headings of the parts every Chinese statute has (facts of the genre, not of one library).
_LIABILITY = re.compile(r"法律责任|罚则|Legal Liabilit|Penalt", re.IGNORECASE)
_GENERAL = re.compile(r"总则|General Provisions", re.IGNORECASE)
_SUPPLEMENTARY = re.compile(r"附则|Supplementary Provisions", re.IGNORECASE)
# A question about a sanction: the words of the language for fines and punishment.
_PENALTY = re.compile(r"罚|处分|责任|吊销|penalt|fine[sd]?\b|punish|sanction|liab", re.IGNORECASE)
INSTRUMENTS = frozenset({"law", "administrative regulation", "departmental rule", "regulation", "measures"})


@dataclass
class RankContext:
    """What the features need besides the candidates: the question's analysis and the plan's documents."""

    question: str
    kind: str = "other"
    money: bool = False
    wants_span: bool = False
    requirement: bool = False
    named: frozenset[str] = frozenset()  # doc ids the question names
    focus: frozenset[str] = frozenset()  # doc ids of the conversation's subject
    translated: str = ""  # the question's dictionary translation into the other language
    idf: dict[str, float] = field(default_factory=dict)  # filled lazily from the snapshot


def _weighted_share(terms: set[str], held: set[str], idf) -> float:
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in terms if t in held) / total if total > 0 else 0.0


def candidate_matrix(ctx: RankContext, hits: Sequence, terms_of, idf, spans_of) -> np.ndarray:
    """One row of ``FEATURES`` per hit. ``terms_of(hit)``: the article's index terms (title and
    headings included); ``idf(term)``; ``spans_of(kind, text, money)``: answers of a kind in a text."""
    if not hits:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    q_terms = set(tokenize(ctx.question))
    t_terms = set(tokenize(ctx.translated)) if ctx.translated else set()
    best_xl = max(h.xl for h in hits)
    best_score = max(h.score for h in hits) or 1.0
    best_kw = max(h.keyword for h in hits) or 1.0
    zh = is_zh(ctx.question)
    penalty = bool(_PENALTY.search(ctx.question))
    rows = []
    for position, h in enumerate(hits, start=1):
        held = terms_of(h)
        headings = " ".join(h.path)
        title_terms = set(tokenize(h.document))
        instrument = float(h.doc_type in INSTRUMENTS)
        liability = float(bool(_LIABILITY.search(headings)))
        stated = float(ctx.wants_span and bool(spans_of(ctx.kind, h.text, ctx.money)))
        rows.append([
            1.0 / math.log2(position + 1),
            h.score / best_score,
            h.xl,
            h.xl - best_xl,
            h.dense,
            h.keyword / best_kw,
            _weighted_share(q_terms, held, idf),
            _weighted_share(t_terms, held, idf),
            float(h.doc_id in ctx.named),
            float(h.doc_id in ctx.focus),
            instrument,
            instrument * float(ctx.requirement),
            stated,
            liability,
            liability * float(penalty),
            float(bool(_GENERAL.search(headings))),
            float(bool(_SUPPLEMENTARY.search(headings))),
            float((h.language == "zh") == zh),
            float(bool(h.direct)),
            _weighted_share(title_terms, q_terms | t_terms, idf),
        ])
    return np.asarray(rows, dtype=np.float32)
