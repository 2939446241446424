"""The local backend (SmolLM2-135M in llama.cpp) on a small fixed subset of the gold set, in every `make test`.

The subset: nine held-out items of evals/gold/gold.jsonl named below (when chosen, the first two of each
type in file order; named so that later edits of the gold files do not change what the floors were
measured on, and chosen before any result was seen). Each answer must cite only retrieved articles and quote or
state only what the cited article says (qa.verify.span_problems on the store's text); the shares of
grounded answers, of answered questions and of key facts meet the [local.subset] floors of
evals/floors.toml, measured when this test was written and never lowered. llama.cpp runs one thread when
the machine is loaded (load ≥ its cores), two otherwise. Without llama_cpp or the model file the test
skips; under CI=true it fails saying what to install (tests/needs.py)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from evals.citations import answer_span_problems
from evals.metrics import key_fact_recall
from tests.needs import require

SUBSET = ("fact-wp-1994", "fact-explain-li", "zh-realname", "zh-news-account", "direct-pa-9", "direct-lic-2",
          "list-pa-authentication", "oos-02", "oos-03")


def subset(gold: list[dict]) -> list[dict]:
    by_id = {g["id"]: g for g in gold if g.get("set") == "gold"}
    return [by_id[i] for i in SUBSET if i in by_id]


@pytest.fixture(scope="module")
def local_run(eval_settings, gold):
    require("llama_cpp", "SmolLM2 model")
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    threads = 1 if os.getloadavg()[0] >= (os.cpu_count() or 2) else 2
    s = eval_settings.model_copy(update={"local_threads": threads})
    service = AnswerService(s, HybridRetriever(s))
    started = time.perf_counter()
    service.ask("warm-up: when did the public account regulations take effect?", backend="local")
    rows = []
    for item in subset(gold):
        answer = service.ask(item["question"], backend="local")
        rows.append((item, answer))
    seconds = time.perf_counter() - started
    print(f"\nlocal subset: {len(rows)} items in {seconds:.0f} s, llama.cpp threads {threads}, "
          f"load {os.getloadavg()[0]:.1f}", file=sys.__stderr__)
    return service, s, rows


def test_the_subset_is_held_out_and_covers_each_type(gold):
    chosen = subset(gold)
    assert [g["id"] for g in chosen] == list(SUBSET), "a subset item left evals/gold/gold.jsonl"
    assert all(g.get("split") == "heldout" and not g.get("turns") for g in chosen)
    assert {g["type"] for g in chosen} == {"fact", "chinese", "direct", "list", "unanswerable"}


def test_local_answers_cite_retrieved_articles_and_say_what_they_cite(local_run, floors):
    service, s, rows = local_run
    answerable = [(i, a) for i, a in rows if i["gold_articles"]]
    invented, ungrounded, answered, facts = [], {}, 0, []
    for item, a in rows:
        retrieved = {r.article_id for r in a.retrieved}
        invented += [f"{item['id']}: {c.label}" for c in a.citations if c.article_id not in retrieved
                     and not (c.parallel and c.parallel.article_id in retrieved)]
        if a.citations and (problems := answer_span_problems(a, service.retriever, s)):
            ungrounded[item["id"]] = problems
    for item, a in answerable:
        answered += not a.refused
        facts.append(0.0 if a.refused else key_fact_recall(a.answer, item["must_include"]))
    cited = [a for _, a in rows if a.citations]
    figures = {"grounded": 1 - len(ungrounded) / len(cited) if cited else 0.0,
               "answered": answered / len(answerable), "key_fact_recall": sum(facts) / len(facts),
               "out_of_scope_refused": sum(a.refused for i, a in rows if not i["gold_articles"])
               / max(1, sum(not i["gold_articles"] for i, _ in rows))}
    print("\nlocal subset: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items())
          + "".join(f"\n  {k}: {'; '.join(v)}" for k, v in ungrounded.items()), file=sys.__stderr__)
    assert not invented, f"citations outside the retrieved articles: {invented}"
    for metric, floor in floors.get("local", {}).get("subset", {}).items():
        assert figures[metric] >= floor, f"local subset {metric} = {figures[metric]:.3f} < {floor}\n" + "\n".join(
            f"  {k}: {'; '.join(v)}" for k, v in ungrounded.items())
    assert floors.get("local", {}).get("subset"), "no [local.subset] floors in evals/floors.toml"
