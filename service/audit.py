"""The audit log: one JSON line per answer (UI or API), rotated by size. Keys are never written:
only the key's name (or the signed-in user) identifies who asked."""

from __future__ import annotations

import json
import logging
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path

# line separators that str.splitlines() and many log tools treat as line ends: always escaped
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085",
                              "\x0b": "\\u000b", "\x0c": "\\u000c", "\x1c": "\\u001c",
                              "\x1d": "\\u001d", "\x1e": "\\u001e"})


def json_line(record: dict) -> str:
    """One JSON object on exactly one line, whatever the text in it (lone surrogates escaped)."""
    text = json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class AuditLog:
    def __init__(self, directory: Path, max_bytes: int, backups: int = 5):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "audit.jsonl"
        self._logger = logging.getLogger(f"netlaw.audit.{id(self)}")
        self._logger.propagate = False
        self._logger.setLevel(logging.INFO)
        handler = RotatingFileHandler(self.path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        self._logger.addHandler(handler)

    def record(self, answer: dict, who: str | None, channel: str, latency_s: float) -> None:
        self._logger.info(json_line({
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "id": answer.get("id"), "who": who or "anonymous",
            "channel": channel,
            "question": answer.get("question"), "answer": answer.get("answer"),
            "citations": [{"marker": c["marker"], "document": c["document"], "article": c["article"]}
                          for c in answer.get("citations", [])],
            "backend": answer.get("backend"), "refused": answer.get("refused"), "support": answer.get("support"),
            "latency_ms": round(latency_s * 1000, 1),
        }))

    def records(self) -> list[dict]:
        """Every answer still in the log (rotated files included), oldest first; unreadable lines skipped."""
        files = sorted(self.path.parent.glob(self.path.name + ".*"), key=lambda p: p.suffix, reverse=True)
        out = []
        for path in [*files, self.path]:
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out
