"""Feedback that sticks, answers exported for the record, and the admin's view of what the library
fails to answer: the service functions behind them, without a store or a browser."""

from __future__ import annotations

import json
import sqlite3

from service.audit import AuditLog
from service.export import markdown, plain_text, record_html, record_markdown
from service.feedback import FeedbackStore
from service.insights import groups_csv, insights, per_day_plot

ANSWER = {
    "id": "a-1", "question": "How long must public account platforms keep logs?", "language": "en",
    "answer": "Platforms must keep logs for **no less than six months** [1].", "backend": "extractive",
    "support": "direct", "refused": False,
    "citations": [{"marker": 1, "document": "Public Account Regulations", "article": "Article 16",
                   "text": "Article 16: ... preserve logs for no less than six months.\nSecond line <b>x</b>."}],
}


def describe(citation):
    return {"date": "2017-09-07", "source": "data/corpus/002.txt", "sha256": "ab" * 32}


def test_rating_an_answer_again_updates_one_record_per_answer_and_user(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    first = store.add(ANSWER, -1, user="alice")
    assert store.add(ANSWER, +1, comment="useful after all", user="alice") == first
    assert store.add(ANSWER, +1, user="alice") == first  # no comment given: the earlier one stays
    other = store.add(ANSWER, -1, user="bob")
    rows = store.rows()
    assert [(r["user"], r["rating"], r["comment"]) for r in rows] == [
        ("alice", 1, "useful after all"), ("bob", -1, None)]
    assert other != first
    assert all(r["answer_id"] == "a-1" for r in rows)


def test_an_older_feedback_database_gains_the_answer_id_column(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, user TEXT, "
                   "question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL, backend TEXT, "
                   "rating INTEGER NOT NULL, comment TEXT)")
        db.execute("INSERT INTO feedback (time, question, answer, citations, rating) VALUES ('t', 'q', 'a', '[]', 1)")
    store = FeedbackStore(path)
    store.add(ANSWER, 1, user="alice")
    assert [r["answer_id"] for r in store.rows()] == [None, "a-1"]


def test_plain_text_copy_has_markers_and_numbered_sources_and_no_markup():
    text = plain_text(ANSWER, describe)
    assert text.splitlines()[0] == "Platforms must keep logs for no less than six months [1]."
    assert "[1] Public Account Regulations, Article 16 (2017-09-07)" in text
    assert "<" not in text
    assert "**" not in text
    assert "1. Public Account Regulations, Article 16 (2017-09-07)" in markdown(ANSWER, describe)


def test_the_record_holds_every_cited_article_in_full_with_its_provenance():
    md = record_markdown([ANSWER], describe)
    assert "## 1. How long must public account platforms keep logs?" in md
    assert "> Second line <b>x</b>." in md
    assert "SHA-256: " + "ab" * 32 in md
    assert "answer id a-1" in md
    page = record_html([ANSWER, dict(ANSWER, id="a-2", question="Follow-up?")], describe)
    assert "<script" not in page
    assert "http" not in page.split("<body>")[1]
    assert "Second line &lt;b&gt;x&lt;/b&gt;." in page
    assert "<strong>no less than six months</strong>" in page
    assert page.count("<section>") == 2
    assert "2017-09-07" in page


def test_audit_records_read_back_with_ids_across_rotation(tmp_path):
    log = AuditLog(tmp_path, max_bytes=400, backups=3)
    for n in range(4):
        log.record(dict(ANSWER, id=f"a-{n}"), "alice", "ui", 0.1)
    ids = [r["id"] for r in log.records()]
    assert ids == ["a-0", "a-1", "a-2", "a-3"]
    assert len(list(tmp_path.glob("audit.jsonl.*"))) >= 1


def test_insights_group_similar_wordings_and_count_why(tmp_path):
    records = [
        {"time": "2026-11-30T10:00:00", "question": "What is the fee for registering a public account?",
         "refused": True, "citations": []},
        {"time": "2026-12-01T09:00:00", "question": "what is the fee for registering a public account",
         "refused": True, "citations": []},
        {"time": "2026-12-01T11:00:00", "question": "Summarise the telephone rules", "refused": False,
         "support": "partial", "citations": [{"document": "Telephone Rules", "article": "Article 2"}]},
        {"time": "2026-12-01T12:00:00", "question": "How long are logs kept?", "refused": False,
         "support": "direct", "citations": [{"document": "Public Account Regulations", "article": "Article 16"}] * 2},
    ]
    feedback = [{"question": "How long are logs kept?", "time": "2026-12-01T12:05:00", "rating": -1},
                {"question": "Summarise the telephone rules", "time": "2026-12-01T12:06:00", "rating": 1}]
    result = insights(records, feedback)
    top = result.groups[0]
    assert top.count == 2
    assert top.reasons["refused"] == 2
    assert top.last.startswith("2026-12-01")
    assert {g.question: dict(g.reasons) for g in result.groups[1:]} == {
        "How long are logs kept?": {"👎": 1}, "Summarise the telephone rules": {"partial": 1}}
    assert result.per_day == {"2026-11-30": {"answered": 0, "refused": 1}, "2026-12-01": {"answered": 2, "refused": 1}}
    assert result.top_documents[0] == ("Public Account Regulations", 2)
    rows = groups_csv(result.groups).splitlines()
    assert rows[0].startswith("question,count")
    assert len(rows) == 4
    fig = per_day_plot(result.per_day)
    assert len(fig.axes[0].patches) == 4  # two days, two stacked bars each


def test_insights_csv_neutralises_formulas():
    result = insights([{"time": "2026-12-01", "question": "=HYPERLINK(\"x\")", "refused": True}], [])
    assert "'=HYPERLINK" in groups_csv(result.groups)


def test_audit_lines_are_json_with_support(tmp_path):
    log = AuditLog(tmp_path, max_bytes=10_000)
    log.record(ANSWER, "alice", "api", 0.2)
    line = json.loads((tmp_path / "audit.jsonl").read_text(encoding="utf-8"))
    assert line["id"] == "a-1"
    assert line["support"] == "direct"
