"""Optional LLM judge (faithfulness, answer relevancy) with an OpenAI-compatible model as the judge.

Runs only when NETLAW_JUDGE_URL (and optionally NETLAW_JUDGE_MODEL, NETLAW_JUDGE_API_KEY) is set;
otherwise skipped with that reason. A 135M local model is no judge: point it at a capable model."""

from __future__ import annotations

import os
import re

import pytest

JUDGE_URL = os.environ.get("NETLAW_JUDGE_URL")
PROMPT = ("You grade an answer to a question about legal documents.\nQuestion: {question}\n"
          "Sources:\n{sources}\nAnswer: {answer}\n\nReply with two numbers from 0 to 1 separated by a space: "
          "faithfulness (every claim is supported by the sources) and relevancy (it answers the question).")


@pytest.mark.skipif(not JUDGE_URL, reason="no judge endpoint configured (set NETLAW_JUDGE_URL to an "
                                          "OpenAI-compatible server to run the LLM-judge layer)")
def test_llm_judge_faithfulness_and_relevancy(evaluation):
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    judge = ChatOpenAI(base_url=JUDGE_URL, model=os.environ.get("NETLAW_JUDGE_MODEL", "judge"),
                       api_key=SecretStr(os.environ.get("NETLAW_JUDGE_API_KEY", "none")), temperature=0, max_retries=0)
    run = evaluation["runs"][evaluation["primary"]]
    scores = []
    for row in [r for r in run["rows"] if r["answerable"] and not r["refused"]][:30]:
        reply = judge.invoke(PROMPT.format(question=row["question"], sources="; ".join(map(str, row["cited"])),
                                           answer=row["answer"])).content
        numbers = [float(x) for x in re.findall(r"[01](?:\.\d+)?", reply)[:2]]
        if len(numbers) == 2:
            scores.append(numbers)
    assert scores, "the judge gave no usable grades"
    faithfulness = sum(s[0] for s in scores) / len(scores)
    relevancy = sum(s[1] for s in scores) / len(scores)
    assert faithfulness >= float(os.environ.get("NETLAW_JUDGE_MIN_FAITHFULNESS", 0.8))
    assert relevancy >= float(os.environ.get("NETLAW_JUDGE_MIN_RELEVANCY", 0.6))
