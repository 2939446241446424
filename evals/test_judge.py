"""Optional LLM judge (faithfulness, answer relevancy) with an OpenAI-compatible model as the judge.

Runs only when NETLAW_JUDGE_URL (and optionally NETLAW_JUDGE_MODEL, NETLAW_JUDGE_API_KEY) is set;
otherwise skipped with that reason. A 135M local model is no judge: point it at a capable model.
The judge reads the text of every article the answer cites (from the store, not the answer's own copy):
faithfulness cannot be judged from document and article names. The prompt's construction is tested
without a judge, so it cannot silently go back to names only."""

from __future__ import annotations

import os
import re

import pytest

JUDGE_URL = os.environ.get("NETLAW_JUDGE_URL")
PROMPT = ("You grade an answer to a question about legal documents.\nQuestion: {question}\n"
          "Sources (the full text of each article the answer cites):\n{sources}\nAnswer: {answer}\n\n"
          "Reply with two numbers from 0 to 1 separated by a space: "
          "faithfulness (every claim is supported by the sources) and relevancy (it answers the question).")
SOURCE_CHARS = 3000  # per cited article: the longest articles are cut, not dropped


def article_texts(settings) -> dict[tuple[str, str], str]:
    """(document, article) → the article's text in the store (versions of one article joined)."""
    from vectorstore.hybrid import HybridRetriever

    snap = HybridRetriever(settings).snapshot()
    texts: dict[tuple[str, str], list[str]] = {}
    for article_id in snap.articles:
        chunk = snap.first_chunk(article_id)
        text = snap.article_text(article_id)
        if text not in texts.setdefault((chunk.document, chunk.article), []):
            texts[(chunk.document, chunk.article)].append(text)
    return {key: "\n".join(values) for key, values in texts.items()}


def judge_sources(cited: list, texts: dict[tuple[str, str], str]) -> str:
    """The sources block of the prompt: each cited article's name, then its text. KeyError for a cited
    article the store does not hold (the judge would grade against nothing)."""
    blocks = []
    for document, article in cited:
        text = texts[(document, article)]
        blocks.append(f"[{document} {article}]\n{text[:SOURCE_CHARS]}")
    return "\n\n".join(blocks)


def judged_rows(evaluation) -> list[dict]:
    run = evaluation["runs"][evaluation["primary"]]
    return [r for r in run["rows"] if r["answerable"] and not r["refused"] and r.get("cited")]


@pytest.fixture(scope="module")
def texts(eval_settings):
    return article_texts(eval_settings)


def test_the_judge_reads_the_cited_article_texts(evaluation, texts):
    """Every graded answer's prompt holds the text of each article it cites, not only the names."""
    rows = judged_rows(evaluation)
    assert rows, "no answered item with citations to judge"
    for row in rows:
        sources = judge_sources(row["cited"], texts)
        prompt = PROMPT.format(question=row["question"], sources=sources, answer=row["answer"])
        for key in map(tuple, row["cited"]):
            assert texts[key].strip(), f"{row['id']}: cited {key} has no text in the store"
            assert texts[key][:SOURCE_CHARS] in prompt, f"{row['id']}: the prompt lacks the text of {key}"


def test_the_sources_block_fails_for_an_article_the_store_lacks(texts):
    key = next(iter(texts))
    assert texts[key][:50] in judge_sources([list(key)], texts)
    with pytest.raises(KeyError):
        judge_sources([[key[0], "no such article"]], texts)


@pytest.mark.skipif(not JUDGE_URL, reason="no judge endpoint configured (set NETLAW_JUDGE_URL to an "
                                          "OpenAI-compatible server to run the LLM-judge layer)")
def test_llm_judge_faithfulness_and_relevancy(evaluation, texts):
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    judge = ChatOpenAI(base_url=JUDGE_URL, model=os.environ.get("NETLAW_JUDGE_MODEL", "judge"),
                       api_key=SecretStr(os.environ.get("NETLAW_JUDGE_API_KEY", "none")), temperature=0, max_retries=0)
    scores = []
    for row in judged_rows(evaluation)[:30]:
        reply = judge.invoke(PROMPT.format(question=row["question"], sources=judge_sources(row["cited"], texts),
                                           answer=row["answer"])).content
        numbers = [float(x) for x in re.findall(r"[01](?:\.\d+)?", str(reply))[:2]]
        if len(numbers) == 2:
            scores.append(numbers)
    assert scores, "the judge gave no usable grades"
    faithfulness = sum(s[0] for s in scores) / len(scores)
    relevancy = sum(s[1] for s in scores) / len(scores)
    assert faithfulness >= float(os.environ.get("NETLAW_JUDGE_MIN_FAITHFULNESS", 0.8))
    assert relevancy >= float(os.environ.get("NETLAW_JUDGE_MIN_RELEVANCY", 0.6))
