"""The REST API in process (FastAPI TestClient): contract, auth, limits, audit, bad input."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from service.api import hash_key
from tests.case_counter import count_case

KEY, OTHER = "key-for-tests-1", "key-for-tests-2"
AUTH = {"Authorization": f"Bearer {KEY}"}


def make_client(bundled_settings, tmp_path, **overrides):
    from app import create_app

    s = bundled_settings.model_copy(update={
        "api_keys": f"tester:{hash_key(KEY)},other:{hash_key(OTHER)}", "api_rate_per_minute": 10_000,
        "feedback_db": tmp_path / "feedback.sqlite", "audit_dir": tmp_path / "audit", **overrides})
    return TestClient(create_app(s)), s


@pytest.fixture(scope="module")
def api(bundled_settings, tmp_path_factory):
    client, s = make_client(bundled_settings, tmp_path_factory.mktemp("api"))
    with client:
        yield client, s


def test_keys_are_required_except_for_health(api):
    client, _ = api
    assert client.post("/api/ask", json={"question": "x"}).status_code == 401
    assert client.post("/api/ask", json={"question": "x"}, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/documents").status_code == 401
    health = client.get("/api/health")
    assert health.status_code == 200
    assert health.json()["store"]["ok"]
    assert health.json()["store"]["documents"] == 26
    assert "version" in health.json()
    assert client.get("/openapi.json").json()["paths"]["/api/ask"]


def test_ask_returns_the_answer_contract(api):
    client, _ = api
    r = client.post("/api/ask", json={"question": "When did the public account regulations take effect?"}, headers=AUTH)
    assert r.status_code == 200
    a = r.json()
    assert not a["refused"]
    assert "8 October 2017" in a["answer"]
    assert a["citations"][0]["article"] == "Article 18"
    assert {"retrieve_ms", "answer_ms"} <= set(a["timings"])
    assert a["kind"] == "date"
    assert a["support"] in {"direct", "partial"}
    assert a["not_stated"] == []
    refused = client.post("/api/ask", json={"question": "What is the capital of France?"}, headers=AUTH).json()
    assert refused["refused"]
    assert not refused["citations"]
    empty = client.post("/api/ask", json={"question": "   "}, headers=AUTH)
    assert empty.status_code == 200
    assert empty.json()["refused"]
    assert "Please type a question" in empty.json()["answer"]


def test_limits_give_clear_4xx(api):
    client, s = api
    r = client.post("/api/ask", json={"question": "q" * (s.max_question_chars + 1)}, headers=AUTH)
    assert r.status_code == 422
    assert "the limit is" in r.json()["detail"]
    as_json = {**AUTH, "Content-Type": "application/json"}
    r = client.post("/api/ask", content=json.dumps({"question": "x" * 300_000}), headers=as_json)
    assert r.status_code == 413
    assert "request body over" in r.json()["detail"]
    assert client.post("/api/ask", json={"question": "x", "backend": "gpt-9"}, headers=AUTH).status_code == 422
    assert client.post("/api/ask", json={"question": "x", "k": 0}, headers=AUTH).status_code == 422
    assert client.post("/api/ask", content=b"{not json", headers=as_json).status_code == 422


def test_stream_sends_tokens_then_the_answer(api):
    client, _ = api
    with client.stream("POST", "/api/ask/stream", json={"question": "第十四条规定了什么"}, headers=AUTH) as r:
        body = "".join(r.iter_text())
    events = [block.split("\n") for block in body.strip().split("\n\n")]
    kinds = [e[0].removeprefix("event: ") for e in events]
    assert kinds[0] == "token"
    assert kinds[-1] == "answer"
    answer = json.loads(events[-1][1].removeprefix("data: "))
    assert answer["citations"][0]["article"] == "第十四条"


def test_documents_articles_and_feedback(api):
    client, s = api
    docs = client.get("/api/documents", headers=AUTH).json()
    title = "Internet User Public Account Information Service Management Regulations"
    pa = next(d for d in docs if d["title"] == title)
    art = client.get(f"/api/documents/{pa['doc_id']}/articles/Article 16", headers=AUTH)
    assert art.status_code == 200
    assert "six months" in art.json()["text"]
    assert client.get(f"/api/documents/{pa['doc_id']}/articles/Article 99", headers=AUTH).status_code == 404
    assert client.get("/api/documents/nope/articles/x", headers=AUTH).status_code == 404
    r = client.post("/api/feedback", json={"question": "q", "answer": "a [1].", "rating": 1, "comment": "good",
                                           "citations": [{"marker": 1, "document": "D", "article": "Article 1"}]},
                    headers=AUTH)
    assert r.status_code == 200
    row = sqlite3.connect(s.feedback_db).execute("SELECT user, rating, comment FROM feedback WHERE id = ?",
                                                 (r.json()["id"],)).fetchone()
    assert row == ("key:tester", 1, "good")
    rated = {"id": "answer-7", "question": "q", "answer": "a", "rating": -1}
    first = client.post("/api/feedback", json=rated, headers=AUTH).json()["id"]
    again = client.post("/api/feedback", json={**rated, "rating": 1}, headers=AUTH).json()["id"]
    assert again == first  # one record per answer and key: rating again updates it
    rows = sqlite3.connect(s.feedback_db).execute("SELECT rating FROM feedback WHERE answer_id = 'answer-7'").fetchall()
    assert rows == [(1,)]
    bad_rating = {"question": "q", "answer": "a", "rating": 5}
    assert client.post("/api/feedback", json=bad_rating, headers=AUTH).status_code == 422


def test_audit_log_names_the_key_never_the_key_itself(api):
    client, s = api
    client.post("/api/ask", json={"question": "Who supervises public account services?"}, headers=AUTH)
    lines = [json.loads(line) for line in (s.audit_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines
    assert lines[-1]["who"] == "key:tester"
    assert lines[-1]["question"] == "Who supervises public account services?"
    for key in ("time", "answer", "citations", "backend", "refused", "latency_ms"):
        assert key in lines[-1]
    assert KEY not in (s.audit_dir / "audit.jsonl").read_text(encoding="utf-8")


def test_rate_limit_per_key(bundled_settings, tmp_path):
    client, _ = make_client(bundled_settings, tmp_path, api_rate_per_minute=3)
    with client:
        codes = [client.get("/api/documents", headers=AUTH).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/documents", headers=AUTH)
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert client.get("/api/documents", headers={"Authorization": f"Bearer {OTHER}"}).status_code == 200


NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00\x01\x02", "😀" * 50, "<script>alert(1)</script>",
                     "' OR 1=1; DROP TABLE feedback;--", "第十四条 Article 14 混合 mixed", "\u202e\u200b\ufeff",
                     "a" * 5000, "{{7*7}}", "../../etc/passwd"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=NASTY)
def test_any_question_gets_an_answer_a_refusal_or_a_4xx(api, question):
    count_case("hypothesis")
    client, _ = api
    r = client.post("/api/ask", json={"question": question}, headers=AUTH)
    assert r.status_code in (200, 422), r.text
    assert "Traceback" not in r.text
    if r.status_code == 200:
        body = r.json()
        assert isinstance(body["refused"], bool)
        assert "<script>" not in body["answer"] or "<script>" in question


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc_id=NASTY, label=NASTY)
def test_any_document_id_gets_a_4xx_or_an_article(api, doc_id, label):
    count_case("hypothesis")
    client, _ = api
    from urllib.parse import quote

    r = client.get(f"/api/documents/{quote(doc_id, safe='')}/articles/{quote(label, safe='')}", headers=AUTH)
    assert r.status_code in (200, 404, 405, 422)
    assert "Traceback" not in r.text


def test_concurrent_requests_get_the_same_answers_as_sequential_ones(api):
    from concurrent.futures import ThreadPoolExecutor

    client, _ = api
    questions = ["When did the public account regulations take effect?", "第十四条规定了什么",
                 "What is the capital of France?", "How does China protect critical information infrastructure?"]

    def ask(question):
        r = client.post("/api/ask", json={"question": question}, headers=AUTH)
        return r.status_code, (r.json()["answer"], [c["article"] for c in r.json()["citations"]])

    reference = {q: ask(q)[1] for q in questions}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(ask, questions * 8))
    assert [code for code, _ in results] == [200] * 32
    assert [body for _, body in results] == [reference[q] for q in questions * 8]


def test_an_answer_is_exported_for_the_record_by_its_id_to_its_asker_only(api):
    client, s = api
    question = "When did the public account regulations take effect?"
    answer = client.post("/api/ask", json={"question": question}, headers=AUTH).json()
    assert answer["id"]
    audit = [json.loads(line) for line in (s.audit_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert audit[-1]["id"] == answer["id"]  # the audit line names the answer an export is asked for by
    md = client.get(f"/api/answers/{answer['id']}/export", headers=AUTH)
    assert md.status_code == 200
    assert md.headers["content-type"].startswith("text/markdown")
    assert f"## 1. {question}" in md.text
    assert "### [1] Internet User Public Account Information Service Management Regulations, Article 18" in md.text
    assert "- File: " in md.text  # the ingested file the article came from
    assert re.search(r"- SHA-256: [0-9a-f]{64}\n", md.text)  # its hash, from the store's manifest
    page = client.get(f"/api/answers/{answer['id']}/export?format=html", headers=AUTH)
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!DOCTYPE html>")
    assert "<script" not in page.text
    other = {"Authorization": f"Bearer {OTHER}"}
    assert client.get(f"/api/answers/{answer['id']}/export", headers=other).status_code == 404  # not theirs
    assert client.get("/api/answers/nope/export", headers=AUTH).status_code == 404
    assert client.get(f"/api/answers/{answer['id']}/export?format=pdf", headers=AUTH).status_code == 422
    assert client.get(f"/api/answers/{answer['id']}/export").status_code == 401
