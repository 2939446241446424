"""Each user's interface language, remembered across sessions and browsers: SQLite beside the feedback
database (``preferences.sqlite``), one row per signed-in user ("" is the local user when no users
are configured)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
PREFERENCES_DB = "preferences.sqlite"


class Preferences:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self._lock = path, threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS preferences (user TEXT PRIMARY KEY, language TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def language(self, user: str | None) -> str | None:
        """The language ``user`` chose last ("en" or "zh"), or None when they never chose."""
        with self._connect() as db:
            row = db.execute("SELECT language FROM preferences WHERE user = ?", (user or "",)).fetchone()
        return row[0] if row and row[0] in LANGUAGES else None

    def set_language(self, user: str | None, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown interface language {language!r}")
        with self._lock, self._connect() as db:
            db.execute("INSERT INTO preferences (user, language) VALUES (?, ?) "
                       "ON CONFLICT(user) DO UPDATE SET language = excluded.language", (user or "", language))


def preferences_for(settings: Any) -> Preferences:
    """The preferences of an installation: ``preferences.sqlite`` beside its feedback database."""
    return Preferences(Path(settings.feedback_db).parent / PREFERENCES_DB)
