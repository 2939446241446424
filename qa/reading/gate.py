"""The refusal gate: refuse when the evidence is weak, the question is not about the documents,
or it tries to steer the assistant. Pure functions over retrieval results.

Thresholds live in settings (``gate_*``) and were calibrated on the 56 retrieval benchmark
questions (answerable) and 14 out-of-scope questions (benchmarks/data/); the multilingual ones
(``gate_*_xl*``) on the tuning part of the gold set and the same out-of-scope questions: see
``python -m benchmarks.answer_bench`` for the figures they give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netlaw.text.claims import mentions_title
from netlaw.text.script import is_zh
from netlaw.text.tokens import tokenize

REFUSAL = {
    "en": "The documents in the library do not answer this question.",
    "zh": "资料库中的文件无法回答这个问题。",
}

_INJECTION = re.compile(
    r"ignore (all |any |the )?(previous|prior|above|earlier|your|these) (instructions|rules|prompts?)"
    r"|disregard (all |any |the )?(previous|prior|above|your) "
    r"|(reveal|print|show|tell me|output|repeat) (me )?(your |the )?(system prompt|api[ _-]?key|secret|password"
    r"|instructions)"
    r"|you are now\b|pretend (to be|you are)|act as (an? )?(unrestricted|different)|jailbreak|developer mode"
    r"|answer every question with"
    r"|忽略(之前|以上|上面|前面|先前)?(的)?(所有)?(指令|指示|规则|提示)|无视(之前|以上)?(的)?(指令|规则)"
    r"|(系统提示|提示词|API ?密钥|密码)",
    re.IGNORECASE,
)


@dataclass
class GateDecision:
    refused: bool
    reason: str | None = None
    coverage: float = 0.0
    dense: float = 0.0
    keyword: float = 0.0


def looks_like_injection(question: str) -> bool:
    return bool(_INJECTION.search(question))


def coverage(question: str, hit) -> float:
    """Share of the question's index terms found in the top article (title and headings included)."""
    q_terms = set(tokenize(question))
    if not q_terms:
        return 0.0
    a_terms = set(tokenize(" ".join([hit.document, *hit.path, hit.text])))
    return len(q_terms & a_terms) / len(q_terms)


def names_document(question: str, hit) -> bool:
    """The question names the hit's document (either title, nearly verbatim)."""
    return any(mentions_title(question, t) for t in (hit.document, getattr(hit, "alt_title", None)))


def decide(question: str, hits: list, s, named: frozenset[str] = frozenset()) -> GateDecision:
    """Answer or refuse, from the question and the ranked articles. ``named``: ids of the
    document the question names (``qa.documents.named_documents``)."""
    if looks_like_injection(question):
        return GateDecision(True, "the question asks the assistant to change its instructions")
    if not hits:
        return GateDecision(True, "nothing in the library matches the question")
    # The thresholds were set on the retrieval's own first article: they judge it whatever a ranker put
    # first (``qa.ranking.ranker.LearnedRanker`` marks each candidate's place in the retrieval's order).
    top = min(hits, key=lambda h: getattr(h, "retrieval_position", 0))
    if top.direct:
        return GateDecision(False, None, 1.0, top.dense, top.keyword)
    cov = coverage(question, top)
    decision = GateDecision(False, None, cov, top.dense, top.keyword)
    if (top.language == "zh") != is_zh(question):
        # Only the multilingual model sees across languages: terms and MiniLM cannot judge,
        # unless the question names the document (by its title in either language).
        if top.xl < s.gate_min_xl_cross and top.doc_id not in named and not names_document(question, top):
            decision.refused, decision.reason = True, "the closest articles are not about this question"
        return decision
    if top.xl >= s.gate_strong_xl and (is_zh(question) or top.dense >= s.gate_min_dense):
        return decision  # a paraphrase: few shared words, but both models find the meaning close
    if is_zh(question):
        # The embedding model is English-trained: Chinese questions are judged on terms.
        if cov < s.gate_min_coverage_zh or top.keyword < s.gate_min_keyword_zh:
            decision.refused, decision.reason = True, "too little of the question is found in the library"
        return decision
    if top.dense < s.gate_min_dense or cov < s.gate_min_coverage:
        decision.refused, decision.reason = True, "the closest articles are not about this question"
    elif top.dense < s.gate_strong_dense and cov < s.gate_strong_coverage and top.doc_id not in named:
        decision.refused, decision.reason = True, "the evidence for an answer is too weak"
    return decision
