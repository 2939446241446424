"""What an answer quotes is in the article it cites, for every backend (qa.verify.span_problems over the
store's text of the cited article). The markers resolving to retrieved articles (test_quality) cannot fail
for the extractive backend, which cites by construction; this can: a quote altered by one character, a
sentence cited to the wrong article or a label that is not the cited article's fails it."""

from __future__ import annotations

import re

import pytest

from evals.citations import answer_span_problems, cited_sources
from qa.verify import cited_claims, span_problems


@pytest.fixture(scope="module")
def extractive_answers(eval_settings, gold):
    """Every gold item without a conversation, through the extractive backend: (item, answer)."""
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    service = AnswerService(eval_settings, HybridRetriever(eval_settings))
    return service, [(item, service.ask(item["question"], backend="extractive"))
                     for item in gold if not item.get("turns")]


def test_every_extractive_quote_is_in_the_article_it_cites(extractive_answers, eval_settings):
    service, answers = extractive_answers
    cited = [(item, a) for item, a in answers if a.citations]
    assert len(cited) >= len(answers) // 2, f"only {len(cited)} of {len(answers)} answers cite anything"
    bad = {item["id"]: problems for item, a in cited
           if (problems := answer_span_problems(a, service.retriever, eval_settings))}
    pieces = sum(len(cited_claims(a.answer)) for _, a in cited)
    print(f"\ncited pieces checked: {pieces} in {len(cited)} answers; answers with a problem: {len(bad)}")
    assert not bad, "\n".join(f"{k}: {'; '.join(v)}" for k, v in list(bad.items())[:20])


def _doctor_one_character(answer_text: str) -> str:
    """Change one Chinese character or one word letter inside the first cited piece (not in a label)."""
    claim, _ = cited_claims(answer_text)[0]
    body = re.sub(r"^[\s\-*]*\*\*[^*]+\*\*\s*(?:\([^)]*\))?\s*[:：]\s*", "", claim)
    m = re.search(r"[\u4e00-\u9fff]{2}|[A-Za-z]{4,}", body)
    assert m, claim
    piece = m.group(0)
    changed = piece[0] + ("乙" if piece[1] != "乙" else "甲") if "\u4e00" <= piece[0] <= "\u9fff" \
        else piece[:-1] + ("q" if piece[-1] != "q" else "z")
    at = answer_text.index(claim) + len(claim) - len(body) + m.start()  # in the quote, not in a label before it
    return answer_text[:at] + changed + answer_text[at + len(piece):]


def test_a_doctored_quote_fails_the_check(extractive_answers):
    """One character changed in a real answer's first quote, one quote moved to another article: each fails."""
    service, answers = extractive_answers
    item, answer = next((i, a) for i, a in answers if len(a.citations) >= 1 and cited_claims(a.answer))
    sources = cited_sources(answer, service.retriever)
    assert span_problems(answer.answer, sources) == []
    doctored = _doctor_one_character(answer.answer)
    assert doctored != answer.answer
    assert span_problems(doctored, sources), f"{item['id']}: a changed quote passed: {doctored[:200]}"
    # the same answer with every citation pointing at an article of another answer
    other = next(a for _, a in answers if a.citations and a.citations[0].article_id not in
                 {c.article_id for c in answer.citations})
    elsewhere = {m: cited_sources(other, service.retriever)[other.citations[0].marker] for m in sources}
    assert span_problems(answer.answer, elsewhere), f"{item['id']}: quotes passed against another article"
    # an invented marker
    assert span_problems(answer.answer + "\nA sentence with no source [99].", sources)


def test_the_check_reads_labels_gaps_and_paraphrases():
    """Pure cases: a label that names the cited article is not quoted text; "…" marks a gap; a model's
    paraphrase passes on support but not with a number or a quote the article lacks."""
    text = "第九条 县级以上人民政府应当建立未成年人保护工作协调机制，具体工作由民政部门承担。"
    sources = {1: ([text], ["某法", "第九条", "2024-04-26"])}
    assert span_problems("**第九条** (2024-04-26版): 具体工作由民政部门承担[1]。", sources) == []
    assert span_problems("县级以上人民政府…由**民政部门**承担[1]。", sources) == []
    assert span_problems("具体工作由教育部门承担[1]。", sources)
    assert span_problems("**第十条**: 具体工作由民政部门承担[1]。", sources)
    english = {1: (["Article 9: Platforms shall keep the records for at least six months."], ["Rules", "Article 9"])}
    assert span_problems("Platforms must keep records for at least six months [1].", english, verbatim=False) == []
    assert span_problems("Platforms must keep records for at least 12 months [1].", english, verbatim=False)
    assert span_problems('Platforms must keep "all records forever" [1].', english, verbatim=False)
    assert span_problems("Platforms shall keep the records for at least six months [1].", english) == []
    assert span_problems("Platforms must keep records for at least six months [1].", english)
