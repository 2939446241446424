"""Hybrid retrieval on the bundled corpus: ranking, direct lookup, filters, LangChain, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from netlaw import settings as _settings
from netlaw.records import Filters
from netlaw.text.references import article_labels_in
from netlaw.text.tokens import tokenize

PA = "Internet User Public Account Information Service Management Regulations"
PAZ = "互联网用户公众账号信息服务管理规定"
WP = "The Construction of China's Internet Rule of Law in the New Era"


def top(retriever, question, k=5, **kw):
    return [(h.document, h.article) for h in retriever.search(question, k=k, **kw)]


def test_tokenizer_handles_english_and_chinese():
    assert tokenize("Regulations REGULATING the Platforms' logs, 2017!") == ["regul", "platform", "log", "2017"]
    zh = tokenize("互联网用户公众账号信息服务提供者应当留存六个月")
    assert "公众" in zh
    assert "账号" in zh
    assert "留存" in zh
    assert "应当" not in zh


def test_article_references_in_questions():
    labels = article_labels_in("What does Article 12 of the public account regulations say?")
    assert labels == ["Article 12", "第十二条"]
    assert article_labels_in("第十四条规定了什么") == ["Article 14", "第十四条"]
    assert article_labels_in("What does Part 2 (2) of the plan say?") == ["Part 2 (2)"]
    assert article_labels_in("How long are logs kept?") == []


@pytest.mark.parametrize(("question", "gold"), [
    ("Which authority supervises public account information services nationwide?", (PA, "Article 3")),
    ("When did the public account regulations take effect?", (PA, "Article 18")),
    ("公众账号信息服务提供者应当留存使用者发布内容和日志信息多长时间？", (PAZ, "第十六条")),
    ("What international platform for dialogue has China built since 2014?",
     (WP, "Part 6 (3) Strive to build a dialogue platform")),
    ("Where was the 2024 national conference on the rule of law on the internet held?",
     ("On February 28, the Cyberspace Administration of China (CAC) held a national conference on the rule of law "
      "on the Internet in Tianjin", "Paragraph 1")),
])
def test_gold_article_is_in_the_top_three(retriever, question, gold):
    assert gold in top(retriever, question, k=3)


def test_direct_article_lookup_ranks_first(retriever):
    hits = retriever.search("What does Article 12 of the public account regulations say?")
    assert (hits[0].document, hits[0].article, hits[0].direct) == (PA, "Article 12", True)
    hits = retriever.search("第十四条规定了什么")
    assert (hits[0].document, hits[0].article) == (PAZ, "第十四条")
    hits = retriever.search("What does Part 2 (2) of the Eighth Five-Year Plan say?")
    assert hits[0].article == "Part 2 (2) Prominently publicize the Constitution"


def test_results_are_articles_with_scores_and_merged_parts(retriever):
    hits = retriever.search("How does China protect critical information infrastructure and data security?", k=10)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert len({h.article_id for h in hits}) == len(hits)  # an article appears once
    assert all(h.score > 0 and 0 <= h.dense <= 1 and h.keyword >= 0 for h in hits)
    split = next(h for h in hits if h.n_parts > 1)
    assert 1 <= split.best_part <= split.n_parts
    assert split.best_chunk_id in split.chunk_ids
    snap = retriever.snapshot()
    assert split.text == "\n".join(snap.chunks[snap.index_of[c]].text for c in split.chunk_ids)


def test_filters_by_language_type_and_document(retriever):
    assert {h.language for h in retriever.search("网络 安全", k=8, filters=Filters(language="zh"))} == {"zh"}
    hits = retriever.search("rule of law", k=8, filters=Filters(doc_type="white paper"))
    assert {h.doc_type for h in hits} == {"white paper"}
    assert {h.document for h in retriever.search("supervision", k=8, filters=Filters(documents=[PA]))} == {PA}


def test_langchain_retriever(retriever):
    from vectorstore.retriever import NetlawRetriever

    docs = NetlawRetriever.create(retriever, k=3).invoke("When did the public account regulations take effect?")
    assert len(docs) == 3
    assert docs[0].metadata["article"]
    assert docs[0].page_content


def test_new_ingest_is_visible_to_a_running_retriever(tmp_path):
    from benchmarks.servers import CORPUS, make_settings
    from ingest.pipeline import run_ingest
    from vectorstore.hybrid import HybridRetriever

    s = make_settings(tmp_path, index_refresh_s=0.0)
    run_ingest([CORPUS / "001_dc8b80564701d042.txt"], s, progress=False)
    r = HybridRetriever(s)
    assert r.search("zebra crossing ordinance", k=3, mode="keyword") == []
    extra = tmp_path / "extra.txt"
    extra.write_text("Zebra Crossing Ordinance\n\nArticle 1: Every zebra crossing shall be repainted yearly.\n")
    before = r.snapshot()
    run_ingest([extra], s, progress=False)
    hits = r.search("zebra crossing ordinance", k=3, mode="keyword")
    assert hits
    assert hits[0].document == "Zebra Crossing Ordinance"
    # appended to the same collection: the snapshot was extended, not loaded again
    after = r.snapshot()
    assert (after.generation, after.gen, len(after.chunks)) == (before.generation, 1, len(before.chunks) + 1)
    assert r.search("How often must zebra crossings be repainted?", k=1)[0].document == "Zebra Crossing Ordinance"
    fresh = HybridRetriever(s).snapshot()  # a new process loads the same chunks whole
    assert sorted(c.chunk_id for c in fresh.chunks) == sorted(c.chunk_id for c in after.chunks)
    question = tokenize("zebra crossing repainted yearly")
    assert np.allclose(sorted(fresh.keyword.scores(question)), sorted(after.keyword.scores(question)), rtol=0.2)


def test_file_ingested_by_another_process_is_searchable(tmp_path):
    """The UI's upload path: the ingest worker (a child process) appends to the collection this
    process has open. Embedded Chroma keeps segments per process, so the appended rows' vectors
    were unknown here: extending the snapshot failed with 'Error finding id'."""
    from benchmarks.servers import CORPUS, make_settings
    from ingest.pipeline import run_ingest
    from ingest.worker import ingest_in_child
    from vectorstore.hybrid import HybridRetriever

    s = make_settings(tmp_path, index_refresh_s=0.0)
    run_ingest([CORPUS / "001_dc8b80564701d042.txt"], s, progress=False)
    r = HybridRetriever(s)
    before = r.snapshot()  # reads the multilingual companion's vectors, as a running app has
    assert "Zebra Crossing Ordinance" not in [h.document for h in r.search("zebra crossings repainted", k=3)]
    extra = tmp_path / "extra.txt"
    extra.write_text("Zebra Crossing Ordinance\n\nArticle 1: Every zebra crossing shall be repainted yearly.\n")
    report = ingest_in_child([extra], s)
    assert "error" not in report, report
    after = r.refresh()
    assert (after.generation, after.gen, len(after.chunks)) == (before.generation, 1, len(before.chunks) + 1)
    assert r.search("How often must zebra crossings be repainted?", k=1)[0].document == "Zebra Crossing Ordinance"
    dense = r.search("How often must zebra crossings be repainted?", k=1, mode="dense")
    assert dense[0].document == "Zebra Crossing Ordinance"  # the vector index here knows the new rows


def _cli(args, env_extra, timeout=120):
    env = dict(os.environ, **env_extra)
    return subprocess.run([sys.executable, "-m", "vectorstore", *args], env=env, capture_output=True,
                          text=True, cwd=_settings.PROJECT_ROOT, timeout=timeout)


def test_cli_search_batch_and_stats(bundled_settings, tmp_path):
    env = {"NETLAW_STORE_DIR": str(bundled_settings.store_dir), "NETLAW_CACHE_DIR": str(tmp_path / "c")}
    out = _cli(["search", "When did the public account regulations take effect?", "--k", "2", "--json"], env)
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)["results"]
    assert [r["rank"] for r in results] == [1, 2]
    assert {"rank", "document", "article", "text", "score", "chunk_id"} <= set(results[0])

    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps({"id": f"q{i}", "question": q}) for i, q in enumerate(
        ["第十四条规定了什么", "Who supervises public accounts?", "white paper conclusion"])), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    out = _cli(["search", "--questions-file", str(questions), "--output", str(output), "--k", "3"], env)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["q0", "q1", "q2"]
    assert all(len(r["results"]) == 3 for r in rows)
    assert rows[0]["results"][0]["article"] == "第十四条"

    out = _cli(["stats"], env)
    assert out.returncode == 0
    assert "documents: 26" in out.stdout


def test_cli_empty_store_says_how_to_build_it(tmp_path):
    out = _cli(["search", "anything"], {"NETLAW_STORE_DIR": str(tmp_path / "none")})
    assert out.returncode == 1
    assert "python -m ingest" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_server_down_fails_fast_and_clearly():
    from benchmarks.servers import free_port

    started = time.monotonic()
    out = _cli(["search", "anything"], {"NETLAW_CHROMA_URL": f"http://127.0.0.1:{free_port()}"})
    assert time.monotonic() - started < 15
    assert out.returncode == 1
    assert "Cannot reach the Chroma server" in out.stderr
    assert "Traceback" not in out.stderr
