"""Feedback on answers (thumbs up/down, a comment), kept in SQLite under the data dir.

One record per answer and user: rating an answer again, or adding a comment, updates that record
instead of adding a contradicting one. Older databases gain the ``answer_id`` column on open."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading
import time
from pathlib import Path

_SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, user TEXT, question TEXT NOT NULL,
    answer TEXT NOT NULL, citations TEXT NOT NULL, backend TEXT, rating INTEGER NOT NULL, comment TEXT,
    answer_id TEXT)"""
COLUMNS = ["id", "time", "user", "question", "answer", "citations", "backend", "rating", "comment", "answer_id"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value):
    """A cell a spreadsheet would run as a formula (starts with = + - @ tab CR, or their full-width
    forms) is prefixed with an apostrophe, so it is shown as text (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)
            if "answer_id" not in {row[1] for row in db.execute("PRAGMA table_info(feedback)")}:
                db.execute("ALTER TABLE feedback ADD COLUMN answer_id TEXT")

    def _connect(self):
        return sqlite3.connect(self.path, timeout=10)

    def add(self, answer: dict, rating: int, comment: str | None = None, user: str | None = None) -> int:
        """rating: +1 (helpful), -1 (not helpful), 0 (a comment without a rating). An answer with an
        ``id`` that this user has rated before gets its record updated (the rating, and the comment
        when one is given)."""
        citations = [{"marker": c["marker"], "document": c["document"], "article": c["article"]}
                     for c in answer.get("citations", [])]
        answer_id = answer.get("id") or None
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with self._lock, self._connect() as db:
            existing = answer_id and db.execute(
                "SELECT id FROM feedback WHERE answer_id = ? AND user IS ?", (answer_id, user)).fetchone()
            if existing:
                db.execute("UPDATE feedback SET time = ?, rating = ?, comment = COALESCE(?, comment) WHERE id = ?",
                           (now, int(rating), comment or None, existing[0]))
                return int(existing[0])
            cur = db.execute(
                "INSERT INTO feedback (time, user, question, answer, citations, backend, rating, comment, answer_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now, user, answer.get("question", ""), answer.get("answer", ""),
                 json.dumps(citations, ensure_ascii=False), answer.get("backend"), int(rating), comment or None,
                 answer_id))
            return int(cur.lastrowid or 0)

    def comment(self, answer: dict, comment: str, user: str | None = None) -> int:
        """The comment of ``user`` on ``answer`` (the box under each answer in the UI): kept in the
        record of that answer and user, which a rating given before or after updates; until one is
        given the record's rating is 0."""
        with self._lock, self._connect() as db:
            existing = answer.get("id") and db.execute(
                "SELECT id FROM feedback WHERE answer_id = ? AND user IS ?", (answer["id"], user)).fetchone()
            if existing:
                db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, existing[0]))
                return int(existing[0])
        return self.add(answer, 0, comment, user)

    def set_comment(self, row_id: int, comment: str) -> None:
        with self._lock, self._connect() as db:
            db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, row_id))

    def rows(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")
            return [dict(zip(COLUMNS, row, strict=True)) for row in rows]

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in self.rows())
        return buffer.getvalue()
