"""Answers and articles → HTML for the chat. Every piece of document or user text is escaped:
document text is shown as text, never interpreted as HTML (a question with <script> shows as is)."""

from __future__ import annotations

import html
import re

from netlaw.text.script import is_zh
from qa.text import lexical_support, split_sentences, strip_markers

_MARKERS = re.compile(r"((?:\[\d{1,3}\])+)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def answer_text_html(text: str) -> str:
    """Answer text, escaped, with the reader's **answer span** shown bold (the only markup an
    answer may carry; anything else stays literal text)."""
    return _BOLD.sub(r"<strong>\1</strong>", escape_html(text))


def unbold(text: str) -> str:
    return _BOLD.sub(r"\1", text or "")


def escape_html(text: str) -> str:
    """HTML-escape. Chat messages are wrapped in an HTML block, which Markdown leaves alone."""
    return html.escape(text or "", quote=True).replace("\n", "<br>")


def plain_message(text: str, css_class: str = "plain") -> str:
    """User text or streamed tokens as a chat message, shown literally."""
    return f'<div class="{css_class}">{escape_html(text)}</div>'



def chips(markers: str, answer_index: int) -> str:
    out = []
    for m in re.findall(r"\d+", markers):
        out.append(f'<a class="cite-chip" href="#" data-answer="{answer_index}" data-marker="{m}" '
                   f'title="Open source [{m}]">[{m}]</a>')
    return "".join(out)


def copy_buttons(copies: dict[str, str]) -> str:
    """The answer's copy buttons: each carries its text (plain text, Markdown) in ``data-copy``;
    ``static/citation-chips.js`` puts it on the clipboard. Newlines are character references, so the
    attribute never breaks the HTML block the chat's Markdown renderer leaves alone."""
    labels = {"text": ("Copy", "Copy the answer and its sources as plain text"),
              "markdown": ("Copy Markdown", "Copy the answer and its sources as Markdown")}
    out = []
    for kind, text in copies.items():
        label, title = labels.get(kind, (kind, kind))
        value = html.escape(text, quote=True).replace("\r", "").replace("\n", "&#10;")
        out.append(f'<button type="button" class="copy-answer" data-format="{kind}" title="{title}" '
                   f'data-copy="{value}">{label}</button>')
    return f'<div class="answer-tools">{"".join(out)}</div>'


def suggestion_link(suggestion: dict) -> str:
    """A refusal's "you may want to read" item, opening the article in the viewer when clicked."""
    label = f"{escape_html(suggestion['document'])}, {escape_html(suggestion['article'])}"
    if not suggestion.get("article_id"):
        return label
    return (f'<a class="suggestion-link" href="#" data-article="{html.escape(suggestion["article_id"], quote=True)}"'
            f' title="Open this article">{label}</a>')


def answer_html(answer: dict, answer_index: int, copies: dict[str, str] | None = None) -> str:
    """The assistant message: notice, answer with clickable citation chips, or a refusal (its
    suggestions clickable); ``copies`` ({"text": …, "markdown": …}) adds the copy buttons."""
    parts = []
    zh = is_zh(answer.get("answer") or "")
    if answer.get("notice"):
        parts.append(f'<div class="notice">⚠ {escape_html(answer["notice"])}</div>')
    if answer.get("standalone_question"):
        label = "理解为：" if zh else "Understood as: "
        parts.append(f'<div class="understood">{label}{escape_html(answer["standalone_question"])}</div>')
    if answer.get("refused"):
        parts.append(f'<div class="refusal"><b>{escape_html(unbold(answer["answer"]))}</b>')
        if answer.get("suggestions"):
            items = "".join(f"<li>{suggestion_link(s)}</li>" for s in answer["suggestions"])
            parts.append(f"<div>{'您可以阅读：' if zh else 'You may want to read:'}</div><ul>{items}</ul>")
        parts.append("</div>")
        return "".join(parts)
    pieces = _MARKERS.split(answer["answer"])
    body = "".join(chips(p, answer_index) if _MARKERS.fullmatch(p) else answer_text_html(p) for p in pieces)
    parts.append(f'<div class="answer">{body}</div>')
    if answer.get("citations"):
        items = "".join(f"<li>{chips('[' + str(c['marker']) + ']', answer_index)} {escape_html(c['document'])}, "
                        f"{escape_html(c['article'])}</li>" for c in answer["citations"])
        parts.append(f'<ul class="sources">{items}</ul>')
    if copies:
        parts.append(copy_buttons(copies))
    return "".join(parts)


def highlight(text: str, claims: list[str]) -> str:
    """Article text with the sentences an answer used marked."""
    out = []
    for line in text.split("\n"):
        pieces = []
        for sentence in split_sentences(line):
            used = any(strip_markers(unbold(c)) in sentence or lexical_support(unbold(c), sentence) >= 0.7
                       for c in claims)
            pieces.append(f"<mark>{escape_html(sentence)}</mark>" if used else escape_html(sentence))
        out.append(" ".join(pieces))
    return "<br>".join(out)


def article_html(article: dict, claims: list[str] | None = None, parallel: dict | None = None) -> str:
    """The source viewer: title, type, date, label, path, the article (used sentences marked) and
    the parallel original beside it."""
    meta = " · ".join(escape_html(x) for x in (article.get("doc_type"), article.get("language"),
                                          _dates(article)) if x)
    path = " › ".join(escape_html(p) for p in article.get("path") or [])
    if (article.get("path") or []) == [article["article"]]:
        path = ""  # the label says it all
    main = (f'<div class="col"><div class="label">{escape_html(article["article"])}</div>'
            f'<div class="text">{highlight(article["text"], claims or [])}</div></div>')
    side = ""
    if parallel:
        side = (f'<div class="col parallel"><div class="label">{escape_html(parallel["document"])}, '
                f'{escape_html(parallel["article"])}</div>'
                f'<div class="text">{escape_html(parallel["text"])}</div></div>')
    return (f'<div class="viewer"><h3>{escape_html(article["document"])}</h3><div class="meta">{meta}</div>'
            f'<div class="path">{path}</div><div class="cols">{main}{side}</div></div>')


def _dates(article: dict) -> str:
    bits = []
    if article.get("issued"):
        bits.append(f"issued {article['issued']}")
    if article.get("effective"):
        bits.append(f"effective {article['effective']}")
    return ", ".join(bits)
