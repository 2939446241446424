"""Answers exported for the record: plain text and Markdown for the clipboard, Markdown and a
self-contained HTML page for the file.

An export holds what an auditor needs to check the answer later without the helpdesk: the question,
the answer with its ``[n]`` markers, and for every cited article its full text, the document's date and
the SHA-256 of the ingested file it came from; and for the answer, when it was asked and by whom (the
signed-in user or the API key's name), the backend that wrote it and the version of the library it was
answered from (``stamp``, when the answer is archived). Pure functions over the answer's JSON and a
per-article description, so they are tested without a store."""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from service.render import answer_text_html, unbold


@dataclass(frozen=True)
class CitedArticle:
    """One cited article as the export shows it."""

    marker: int
    document: str
    article: str
    text: str
    date: str = ""  # issued or effective date, when the document states one
    source: str = ""  # the ingested file
    sha256: str = ""  # of the ingested file, from the store's manifest
    label: str = ""  # the citation as a reader writes it (version, 章/节 location), when the answer has it

    @property
    def cited_as(self) -> str:
        return self.label or f"{self.document}, {self.article}"


Describe = Callable[[dict], dict]  # citation JSON -> {"date", "source", "sha256"} (any may be missing)


def cited_articles(answer: dict, describe: Describe | None = None) -> list[CitedArticle]:
    """The cited articles, each labelled as a reader writes it: version (and whether it is in force),
    章/节 location (``service.works.citation_label``)."""
    from service.works import citation_label

    out = []
    for c in answer.get("citations", []):
        extra = (describe(c) if describe else None) or {}
        out.append(CitedArticle(int(c["marker"]), c["document"], c["article"], c.get("text", ""),
                                extra.get("date", ""), extra.get("source", ""), extra.get("sha256", ""),
                                citation_label(c)))
    return out


def _source(a: CitedArticle) -> str:
    """"Document, Article N (date)": a source as the copied text lists it."""
    return a.cited_as + (f" ({a.date})" if a.date else "")


def plain_text(answer: dict, describe: Describe | None = None) -> str:
    """For an e-mail: the answer with [n] markers, then the numbered sources."""
    lines = [unbold(answer.get("answer", "")).strip()]
    sources = cited_articles(answer, describe)
    if sources:
        heading = "来源：" if answer.get("language") == "zh" else "Sources:"
        lines += ["", heading, *(f"[{a.marker}] {_source(a)}" for a in sources)]
    return "\n".join(lines)


def markdown(answer: dict, describe: Describe | None = None) -> str:
    """For a memo or a wiki: the answer as written (bold kept), then the numbered sources."""
    lines = [answer.get("answer", "").strip()]
    sources = cited_articles(answer, describe)
    if sources:
        lines += ["", "**Sources**", *(f"{a.marker}. {_source(a)}" for a in sources)]
    return "\n".join(lines)


def record_markdown(answers: Sequence[dict], describe: Describe | None = None) -> str:
    """For the file: each question and answer, then every cited article in full, with provenance."""
    parts = ["# Netlaw Helpdesk — answer record", ""]
    for n, answer in enumerate(answers, 1):
        parts += [f"## {n}. {answer.get('question', '')}", "", _meta_line(answer), "",
                  answer.get("answer", "").strip(), ""]
        for a in cited_articles(answer, describe):
            parts += [f"### [{a.marker}] {a.cited_as}", "", *_provenance(a), "",
                      *(f"> {line}" if line else ">" for line in a.text.splitlines()), ""]
    return "\n".join(parts)


def _meta_line(answer: dict) -> str:
    asked = " ".join(b for b in (f"asked {answer['asked_at']}" if answer.get("asked_at") else "",
                                 f"by {answer['asked_by']}" if answer.get("asked_by") else "") if b)
    bits = [f"answer id {answer['id']}" if answer.get("id") else "", asked,
            f"backend {answer.get('backend', '')}",
            f"library version {answer['library_version']}" if answer.get("library_version") else "",
            f"Netlaw Helpdesk {answer['app_version']}" if answer.get("app_version") else "",
            f"support {answer['support']}" if answer.get("support") else "", answer.get("time", "")]
    return "*" + " · ".join(b for b in bits if b) + "*"


def library_version(retriever: Any) -> str:
    """The library an answer came from: the first 12 hex digits of the SHA-256 over its files' names and
    hashes (the store's manifest; the same files give the same version on any machine), with the file
    count and the store generation ("3f2a…9c01 (6 files, store netlaw_…@2)"); "" when unknown."""
    try:
        snap = retriever.snapshot()
    except Exception:  # a store that is down: the answer was given from an earlier snapshot
        return ""
    manifest = getattr(snap, "manifest", None) or {}
    generation = getattr(snap, "generation", None)
    if not manifest and not generation:
        return ""
    listing = "\n".join(f"{key} {(entry or {}).get('sha256', '')}" for key, entry in sorted(manifest.items()))
    digest = hashlib.sha256(listing.encode("utf-8")).hexdigest()[:12]
    gen = getattr(snap, "gen", None)
    store = f"{generation}@{gen}" if gen is not None else str(generation or "?")
    return f"{digest} ({len(manifest)} files, store {store})"


def stamp(answer: dict, who: str | None, retriever: Any) -> dict:
    """``answer`` with what its record needs beyond the answer object: when it was asked (UTC), by whom
    (a user name, "key:<name>" for an API key, "local user" without sign-in), the library version and
    the helpdesk's version. Set once: an answer stamped before keeps its stamp."""
    from netlaw import __version__

    out = dict(answer)
    out.setdefault("asked_at", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))
    out.setdefault("asked_by", who or "local user")
    out.setdefault("library_version", library_version(retriever))
    out.setdefault("app_version", __version__)
    return out


def _provenance_rows(a: CitedArticle) -> list[tuple[str, str]]:
    """The rows under a cited article, the same in Markdown and HTML. The file is named as it was
    uploaded or shipped, never by its path on the server."""
    return [(label, value) for label, value in
            (("Date", a.date), ("File", file_name(a.source)), ("SHA-256", a.sha256)) if value]


def _provenance(a: CitedArticle) -> list[str]:
    return [f"- {label}: {value}" for label, value in _provenance_rows(a)]


def file_name(source: str) -> str:
    """The name of an ingested file without its folder ("/srv/…/uploads/法(2024).md" → "法(2024).md")."""
    return source.replace("\\", "/").rsplit("/", 1)[-1] if source else ""


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:52rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#1f2328}}.meta{{color:#57606a;font-size:.9em}}blockquote{{border-left:3px solid
#d0d7de;margin:0;padding:.2rem 1rem;white-space:pre-wrap}}dl{{display:grid;grid-template-columns:max-content 1fr;
gap:.1rem 1rem;font-size:.9em}}dt{{color:#57606a}}dd{{margin:0;word-break:break-all}}</style></head>
<body><h1>Netlaw Helpdesk — answer record</h1>{body}</body></html>"""


def record_html(answers: Sequence[dict], describe: Describe | None = None) -> str:
    """The same record as one self-contained page (no scripts, no external resources)."""
    body = [_answer_html(n, answer, describe) for n, answer in enumerate(answers, 1)]
    first = answers[0].get("question", "") if answers else ""
    lang = "zh" if answers and answers[0].get("language") == "zh" else "en"
    return _PAGE.format(lang=lang, title=html.escape(first[:80]), body="\n".join(body))


def _answer_html(n: int, answer: dict, describe: Describe | None) -> str:
    out = [f"<section><h2>{n}. {html.escape(answer.get('question', ''))}</h2>",
           f"<p class='meta'>{html.escape(_meta_line(answer).strip('*'))}</p>",
           f"<div class='answer'>{answer_text_html(answer.get('answer', ''))}</div>"]
    for a in cited_articles(answer, describe):  # as the Markdown record has them: label (version, 章/节), rows
        rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in _provenance_rows(a))
        out.append(f"<h3>[{a.marker}] {html.escape(a.cited_as)}</h3>"
                   f"<dl>{rows}</dl><blockquote>{html.escape(a.text)}</blockquote>")
    return "".join(out) + "</section>"


def new_answer_id() -> str:
    """A stable, unguessable id for an answer (audit log, feedback, exports)."""
    return uuid.uuid4().hex


class AnswerArchive:
    """The full answers by id (the audit log keeps ids, not the cited texts), for exports later:
    SQLite under the data dir, the newest ``keep`` answers only, each with who asked it, so an export
    is given to its asker (or an administrator) only."""

    def __init__(self, path: Path, keep: int = 5000):
        import sqlite3

        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.keep, self._lock = path, keep, threading.Lock()
        self._connect = lambda: sqlite3.connect(self.path, timeout=10)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS answers (n INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "id TEXT UNIQUE NOT NULL, owner TEXT, answer TEXT NOT NULL)")

    def add(self, answer: dict, owner: str | None) -> None:
        if not answer.get("id"):
            return
        with self._lock, self._connect() as db:
            db.execute("INSERT OR REPLACE INTO answers (id, owner, answer) VALUES (?, ?, ?)",
                       (answer["id"], owner, json.dumps(answer, ensure_ascii=False)))
            db.execute("DELETE FROM answers WHERE n <= (SELECT MAX(n) FROM answers) - ?", (self.keep,))

    def get(self, answer_id: str, owner: str | None, admin: bool = False) -> dict | None:
        """The answer, when ``owner`` asked it (any answer for an administrator); else None."""
        with self._connect() as db:
            row = db.execute("SELECT owner, answer FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if row is None or not (admin or row[0] == owner):
            return None
        return json.loads(row[1])


ANSWER_ARCHIVE = "answers.sqlite"  # beside the feedback store; the UI and the API share it


def answer_archive_for(settings) -> AnswerArchive:
    """The archive of an installation: ``answers.sqlite`` beside its feedback database."""
    return AnswerArchive(Path(settings.feedback_db).parent / ANSWER_ARCHIVE)


def export_response_body(answers: Sequence[dict], fmt: str, describe: Describe | None,
                         conversation: bool = False) -> tuple[str, str, str]:
    """(body, media type, file name) of a record export in ``fmt`` ("md" or "html"); ``conversation``: the
    export of a whole conversation (its file name says so)."""
    name = export_file_name(answers, "html" if fmt == "html" else "md", conversation)
    if fmt == "html":
        return record_html(answers, describe), "text/html; charset=utf-8", name
    return record_markdown(answers, describe), "text/markdown; charset=utf-8", name


def export_file_name(answers: Sequence[dict], ext: str, conversation: bool = False) -> str:
    """"netlaw-<date asked>-<document>-<answer id>.<ext>": the date of the (last) answer, the document
    it cites first (else "answer"), the first 8 digits of its id, and for a conversation its answers' count,
    so that no two exports of different answers overwrite each other in a downloads folder."""
    last = answers[-1] if answers else {}
    date = (last.get("asked_at") or datetime.now(timezone.utc).strftime("%Y-%m-%d"))[:10]
    cited = [c.get("document") or "" for a in reversed(answers) for c in a.get("citations", [])]
    document = re.sub(r"[^\w\-]+", "_", next((d for d in cited if d), "") or "answer").strip("_")[:40] or "answer"
    answer_id = re.sub(r"[^0-9a-zA-Z]", "", str(last.get("id") or ""))[:8] or "unsaved"
    several = f"-conversation-{len(answers)}" if conversation or len(answers) > 1 else ""
    return f"netlaw-{date}-{document}-{answer_id}{several}.{ext}"


def content_disposition(filename: str) -> str:
    """The header offering ``filename`` for download, its non-ASCII characters (a Chinese title) given by
    RFC 6266's ``filename*`` and replaced by "_" in the plain ``filename`` for old clients."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
