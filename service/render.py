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


def comment_box(answer_index: int) -> str:
    """The comment box of one answer, under it beside its 👍/👎: ``static/citation-chips.js`` sends
    the text with the answer's index (``ChatPage.comment_on``) and empties the box."""
    return (f'<div class="answer-comment"><textarea class="comment-text" data-answer="{answer_index}" rows="1" '
            'aria-label="Comment on this answer" placeholder="Optional comment on this answer"></textarea>'
            f'<button type="button" class="comment-send" data-answer="{answer_index}">Send comment</button></div>')


def answer_html(answer: dict, answer_index: int, copies: dict[str, str] | None = None,
                commentable: bool = False) -> str:
    """The assistant message: notice, answer with clickable citation chips, or a refusal (its
    suggestions clickable); ``copies`` ({"text": …, "markdown": …}) adds the copy buttons,
    ``commentable`` the comment box."""
    body = _answer_body(answer, answer_index, copies)
    return body + comment_box(answer_index) if commentable else body


def _answer_body(answer: dict, answer_index: int, copies: dict[str, str] | None) -> str:
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
        # the citation as a reader writes it: its version when several are held, its 章/节 location
        items = "".join(f"<li>{chips('[' + str(c['marker']) + ']', answer_index)} "
                        f"{escape_html(c.get('label') or c['document'] + ', ' + c['article'])}</li>"
                        for c in answer["citations"])
        parts.append(f'<ul class="sources">{items}</ul>')
    if copies:
        parts.append(copy_buttons(copies))
    return "".join(parts)


def quoted_sentences(sentences: list[str], claims: list[str]) -> set[int]:
    """The indices of the article sentences an answer quoted: per claim, the sentences it contains
    or is part of, else the one sentence that holds most of its terms (at least 70%). Before, every
    sentence holding 70% of some claim's terms was marked, so a short claim lit up half an article."""
    used: set[int] = set()
    for claim in claims:
        plain = strip_markers(unbold(claim)).strip()
        if not plain:
            continue
        quoted = {i for i, s in enumerate(sentences) if plain in s or (len(s.strip()) > 15 and s.strip() in plain)}
        if quoted:
            used |= quoted
            continue
        scores = [lexical_support(plain, s) for s in sentences]
        best = max(range(len(scores)), key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= 0.7:
            used.add(best)
    return used


def highlight(text: str, claims: list[str]) -> str:
    """Article text with the sentences an answer quoted marked (``quoted_sentences``)."""
    lines = [split_sentences(line) for line in text.split("\n")]
    used = quoted_sentences([s for line in lines for s in line], claims)
    out, index = [], 0
    for line in lines:
        pieces = []
        for sentence in line:
            pieces.append(f"<mark>{escape_html(sentence)}</mark>" if index in used else escape_html(sentence))
            index += 1
        out.append(" ".join(pieces))
    return "<br>".join(out)


def article_html(article: dict, claims: list[str] | None = None, parallel: dict | None = None,
                 versions: list[dict] | None = None) -> str:
    """The source viewer: title, type, date, label, path, the article (used sentences marked) and
    the parallel original beside it; below, the article in its work's other ``versions`` side by side
    with the differences marked (``versions_html``)."""
    version = f"version of {article['version']}" if article.get("version") else ""
    meta = " · ".join(escape_html(x) for x in (article.get("doc_type"), article.get("language"),
                                          _dates(article), version) if x)
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
    close = '<button type="button" class="viewer-close" title="Close the article" aria-label="Close">✕</button>'
    below = versions_html(article, versions) if versions else ""
    return (f'<div class="viewer">{close}<h3>{escape_html(article["document"])}</h3><div class="meta">{meta}</div>'
            f'<div class="path">{path}</div><div class="cols">{main}{side}</div>{below}</div>')


def versions_html(article: dict, others: list[dict]) -> str:
    """An article beside its text in the work's other versions (``Library.versions_of``), oldest
    first, each column naming its version; words removed from the earlier text are struck through
    and words added in the later one marked (``difflib`` over characters)."""
    columns = sorted([*others, article], key=lambda a: a.get("version") or "")
    cells = []
    for i, current in enumerate(columns):
        text = current["text"]
        if i == 0:
            following = columns[1]["text"] if len(columns) > 1 else text
            body = _diff_side(text, following, "del")
        else:
            body = _diff_side(text, columns[i - 1]["text"], "ins")
        label = f"{escape_html(current['article'])} — version of {escape_html(current.get('version') or '?')}"
        cells.append(f'<div class="col version"><div class="label">{label}</div><div class="text">{body}</div></div>')
    return f'<div class="versions"><h4>Versions</h4><div class="cols">{"".join(cells)}</div></div>'


def _diff_side(text: str, other: str, tag: str) -> str:
    """``text`` escaped, with the characters it does not share with ``other`` inside <tag>."""
    import difflib

    out = []
    for op, a0, a1, _, _ in difflib.SequenceMatcher(None, text, other, autojunk=False).get_opcodes():
        piece = escape_html(text[a0:a1])
        out.append(piece if op == "equal" or not piece else f"<{tag}>{piece}</{tag}>")
    return "".join(out)


def _dates(article: dict) -> str:
    bits = []
    if article.get("issued"):
        bits.append(f"issued {article['issued']}")
    if article.get("effective"):
        bits.append(f"effective {article['effective']}")
    return ", ".join(bits)


def library_table_html(rows: list[list], columns: list[str]) -> str:
    """The Library tab's table: one row per document (``Library.rows``, the title first), each row
    opening the document's outline when clicked (``static/citation-chips.js``). Headers never wrap;
    on a phone each row becomes a card (``netlaw.css``)."""
    if not rows:
        return '<p class="library-empty">The library is empty.</p>'
    head = "".join(f'<th scope="col">{escape_html(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = "".join(f'<td data-label="{escape_html(c)}">{escape_html(str(v))}</td>'
                        for c, v in zip(columns, row, strict=True))
        body.append(f'<tr class="library-row" data-doc="{escape_html(str(row[0]))}" tabindex="0" '
                    f'title="Open the outline of this document">{cells}</tr>')
    return (f'<div class="library-scroll"><table class="library-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def outline_html(title: str, articles: list[tuple[str, str]], details: str) -> str:
    """A document's outline: its articles ((label, article id), in document order) as links opening
    the article in the viewer, then the details line (the ingested file, its hash)."""
    items = "".join(f'<li><a class="outline-link" href="#" data-article="{escape_html(article_id)}">'
                    f"{escape_html(label)}</a></li>" for label, article_id in articles)
    return (f'<div class="outline"><h3>{escape_html(title)}</h3><ol class="outline-list">{items}</ol>'
            f'<div class="details">{escape_html(details)}</div></div>')
