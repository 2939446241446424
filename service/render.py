"""Answers and articles → HTML for the chat. Every piece of document or user text is escaped:
document text is shown as text, never interpreted as HTML (a question with <script> shows as is)."""

from __future__ import annotations

import html
import re

from netlaw.text.claims import lexical_support, split_sentences, strip_markers
from netlaw.text.script import is_zh

_MARKERS = re.compile(r"((?:\[\d{1,3}\])+)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")

# The fixed texts this module writes, in the interface's language ("en" or "zh").
WORDS: dict[str, dict[str, str]] = {
    "en": {"understood": "Understood as: ", "read": "You may want to read:", "open_source": "Open source [{n}]",
           "open_article": "Open this article", "copy": "Copy", "copy_title": "Copy the answer and its sources as "
           "plain text", "copy_md": "Copy Markdown", "copy_md_title": "Copy the answer and its sources as Markdown",
           "comment": "Optional comment on this answer", "comment_label": "Comment on this answer",
           "send_comment": "Send comment", "close": "Close the article", "issued": "issued", "effective": "effective",
           "version_of": "version of {v}", "versions": "Versions", "library_empty": "The library is empty.",
           "open_outline": "Open the outline of this document", "copied": "Copied", "why": "Why: {reason}."},
    "zh": {"understood": "理解为：", "read": "您可以阅读：", "open_source": "打开来源 [{n}]",
           "open_article": "打开这一条文",
           "copy": "复制", "copy_title": "以纯文本复制回答及其来源", "copy_md": "复制 Markdown",
           "copy_md_title": "以 Markdown 复制回答及其来源", "comment": "对这个回答的意见（可选）",
           "comment_label": "对这个回答的意见", "send_comment": "发送意见", "close": "关闭条文", "issued": "发布",
           "effective": "施行", "version_of": "{v} 版本", "versions": "各版本", "library_empty": "资料库为空。",
           "open_outline": "打开这份文件的条文目录", "copied": "已复制", "why": "原因：{reason}。"},
}
TYPE_WORDS = {"zh": {"law": "法律", "administrative regulation": "行政法规", "departmental rule": "部门规章",
                     "regulation": "法规", "measures": "办法", "opinion": "意见", "notice": "通知", "plan": "规划",
                     "white paper": "白皮书", "speech": "讲话", "commentary": "解读", "news": "新闻"}}
LANGUAGE_WORDS = {"en": {"en": "English", "zh": "Chinese"}, "zh": {"en": "英文", "zh": "中文"}}


def words(language: str | None) -> dict[str, str]:
    return WORDS["zh" if language == "zh" else "en"]


def type_word(doc_type: str | None, language: str | None) -> str:
    """A document type as the interface names it ("law" / "法律")."""
    return TYPE_WORDS.get(language or "en", {}).get(doc_type or "", doc_type or "")


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



def chips(markers: str, answer_index: int, language: str | None = None) -> str:
    out = []
    for m in re.findall(r"\d+", markers):
        title = words(language)["open_source"].format(n=m)
        out.append(f'<a class="cite-chip" href="#" data-answer="{answer_index}" data-marker="{m}" '
                   f'title="{title}">[{m}]</a>')
    return "".join(out)


def copy_buttons(copies: dict[str, str], language: str | None = None) -> str:
    """The answer's copy buttons: each carries its text (plain text, Markdown) in ``data-copy``;
    ``static/citation-chips.js`` puts it on the clipboard. Newlines are character references, so the
    attribute never breaks the HTML block the chat's Markdown renderer leaves alone."""
    w = words(language)
    labels = {"text": (w["copy"], w["copy_title"]), "markdown": (w["copy_md"], w["copy_md_title"])}
    out = []
    for kind, text in copies.items():
        label, title = labels.get(kind, (kind, kind))
        value = html.escape(text, quote=True).replace("\r", "").replace("\n", "&#10;")
        out.append(f'<button type="button" class="copy-answer" data-format="{kind}" title="{title}" '
                   f'data-copied="{w["copied"]}" data-copy="{value}">{label}</button>')
    return f'<div class="answer-tools">{"".join(out)}</div>'


def suggestion_link(suggestion: dict, language: str | None = None) -> str:
    """A refusal's "you may want to read" item, opening the article in the viewer when clicked."""
    label = f"{escape_html(suggestion['document'])}, {escape_html(suggestion['article'])}"
    if not suggestion.get("article_id"):
        return label
    return (f'<a class="suggestion-link" href="#" data-article="{html.escape(suggestion["article_id"], quote=True)}"'
            f' title="{words(language)["open_article"]}">{label}</a>')


def comment_box(answer_index: int, language: str | None = None) -> str:
    """The comment box of one answer, under it beside its 👍/👎: ``static/citation-chips.js`` sends
    the text with the answer's index (``ChatPage.comment_on``) and empties the box."""
    w = words(language)
    return (f'<div class="answer-comment"><textarea class="comment-text" data-answer="{answer_index}" rows="1" '
            f'aria-label="{w["comment_label"]}" placeholder="{w["comment"]}"></textarea>'
            f'<button type="button" class="comment-send" data-answer="{answer_index}">{w["send_comment"]}</button>'
            '</div>')


def answer_html(answer: dict, answer_index: int, copies: dict[str, str] | None = None,
                commentable: bool = False, language: str | None = None) -> str:
    """The assistant message: notice, answer with clickable citation chips, or a refusal (its
    suggestions clickable); ``copies`` ({"text": …, "markdown": …}) adds the copy buttons,
    ``commentable`` the comment box. The fixed texts around the answer (and a refusal's own fixed
    sentence) are in the interface ``language``; without one, in the answer's language."""
    language = language or ("zh" if is_zh(answer.get("answer") or "") else "en")
    body = _answer_body(answer, answer_index, copies, language)
    return body + comment_box(answer_index, language) if commentable else body


def _answer_body(answer: dict, answer_index: int, copies: dict[str, str] | None, language: str) -> str:
    from service.works import citation_label

    parts = []
    w = words(language)
    if answer.get("notice"):
        parts.append(f'<div class="notice">⚠ {escape_html(answer["notice"])}</div>')
    if answer.get("standalone_question"):
        parts.append(f'<div class="understood">{w["understood"]}{escape_html(answer["standalone_question"])}</div>')
    if answer.get("refused"):
        text, reason = refusal_parts(answer, language)
        parts.append(f'<div class="refusal"><b>{escape_html(text)}</b>')
        if reason:
            parts.append(f'<div class="refusal-reason">{escape_html(w["why"].format(reason=reason))}</div>')
        if answer.get("suggestions"):
            items = "".join(f"<li>{suggestion_link(s, language)}</li>" for s in answer["suggestions"])
            parts.append(f"<div>{w['read']}</div><ul>{items}</ul>")
        parts.append("</div>")
        return "".join(parts)
    pieces = _MARKERS.split(answer["answer"])
    body = "".join(chips(p, answer_index, language) if _MARKERS.fullmatch(p) else answer_text_html(p)
                   for p in pieces)
    parts.append(f'<div class="answer">{body}</div>')
    if answer.get("citations"):
        # the citation as a reader writes it: its version when several are held, its 章/节 location
        items = "".join(f"<li>{chips('[' + str(c['marker']) + ']', answer_index, language)} "
                        f"{escape_html(citation_label(c, language))}</li>"
                        for c in answer["citations"])
        parts.append(f'<ul class="sources">{items}</ul>')
    if copies:
        parts.append(copy_buttons(copies, language))
    return "".join(parts)


def refusal_text(text: str, language: str) -> str:
    """A refusal's fixed sentence in the interface ``language`` (the chain writes it in the asker's):
    "The documents in the library do not answer this question." ↔ "资料库中的文件无法回答这个问题。",
    with the asked kind of a near-topic refusal, and the empty and too-long question messages. Any
    other text (a reason no template makes) is left as it is."""
    from qa.messages import MESSAGES
    from qa.reading.gate import REFUSAL
    from qa.reading.question import KIND_WORDS

    target = "zh" if language == "zh" else "en"
    source = "en" if target == "zh" else "zh"
    stripped = text.strip()
    if stripped in (REFUSAL[source], REFUSAL[target]):
        return REFUSAL[target]
    if stripped == MESSAGES["empty"][source]:
        return MESSAGES["empty"][target]
    not_found = MESSAGES["not_found"]
    template = re.escape(not_found[source]).replace(re.escape("{what}"), "(?P<what>.+?)")
    found = re.fullmatch(template, stripped)
    if found:
        kind = next((k for k, v in KIND_WORDS[source].items() if v == found["what"]), None)
        if kind is not None:
            return not_found[target].format(what=KIND_WORDS[target][kind])
    too_long_pattern = (r"Your question is ([\d,]+) characters long; the limit is ([\d,]+)\. Please shorten it\."
                        if source == "en" else r"问题长度为(\d+)个字符，上限为(\d+)个字符，请缩短后再问。")
    too_long = re.fullmatch(too_long_pattern, stripped)
    if too_long:
        n, limit = (int(x.replace(",", "")) for x in too_long.groups())
        return MESSAGES["too_long"][target].format(n=n, limit=limit)
    return text


# Why the chain refused (``Answer.refusal_reason``: the gate's or the reader's words, in English) as
# the asker reads it. A pattern's groups are carried over (a document's title, the asked kind).
REASONS: list[tuple[str, dict[str, str]]] = [
    (r"the question asks the assistant to change its instructions",
     {"en": "the question asks the assistant to change its instructions", "zh": "问题要求助手改变其指令"}),
    (r"nothing in the library matches the question|no sources",
     {"en": "nothing in the library matches the question", "zh": "资料库中没有与问题相符的内容"}),
    (r"the closest articles are not about this question",
     {"en": "the closest articles in the library are about something else", "zh": "最相关的条文讲的是别的事情"}),
    (r"too little of the question is found in the library",
     {"en": "too little of the question is found in the library", "zh": "问题中的内容在资料库中几乎找不到"}),
    (r"the evidence for an answer is too weak",
     {"en": "the closest articles only touch on the question", "zh": "最相关的条文与问题只有少许关联"}),
    (r"no sentence of the sources states (?P<kind>.+) about the question",
     {"en": "the closest articles do not state {kind}", "zh": "最相关的条文中没有说明{kind}"}),
    (r"no sentence of the sources( answers the question)?|the closest articles do not answer it.*",
     {"en": "no sentence of the closest articles answers it", "zh": "最相关的条文中没有回答这个问题的句子"}),
    (r"the library does not contain (?P<law>.+)",
     {"en": "the library does not hold {law}", "zh": "资料库中没有{law}"}),
]
GENERAL_REASON = {"en": "the closest articles do not answer it", "zh": "最相关的条文没有回答这个问题"}


def refusal_parts(answer: dict, language: str) -> tuple[str, str]:
    """A refusal as shown: its sentence in the interface ``language`` and why, in the same language:
    a near-topic refusal's own "…: the closest articles do not state a sum of money." becomes the
    sentence and its reason; a plain one gets its reason from ``refusal_reason``. An empty or too long
    question's message has no reason ("")."""
    from qa.reading.gate import REFUSAL

    code = "zh" if language == "zh" else "en"
    text = refusal_text(unbold(answer.get("answer") or ""), code).strip()
    stem = REFUSAL[code].rstrip("。.")
    if text.startswith(stem) and text[len(stem):len(stem) + 1] in (":", "："):
        return REFUSAL[code], text[len(stem) + 1:].strip().rstrip("。.")
    return text, (refusal_reason(answer, code) if text == REFUSAL[code] else "")


def refusal_reason(answer: dict, language: str) -> str:
    """Why the chain refused (``Answer.refusal_reason``) in ``language``; a general reason when it gave
    none that is known."""
    from qa.reading.question import KIND_WORDS

    code = "zh" if language == "zh" else "en"
    reason = (answer.get("refusal_reason") or "").strip()
    for pattern, said in REASONS:
        found = re.fullmatch(pattern, reason)
        if found is None:
            continue
        values = found.groupdict()
        if values.get("kind"):
            kind = next((k for k, v in KIND_WORDS["en"].items() if v == values["kind"]), None)
            values["kind"] = KIND_WORDS[code][kind] if kind else values["kind"]
        return said[code].format(**values)
    return GENERAL_REASON[code]


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


def sentence_lines(text: str) -> list[list[str]]:
    """An article's sentences, line by line (the units the viewer marks, counted across lines)."""
    return [split_sentences(line) for line in text.split("\n")]


def sentences_of(text: str) -> list[str]:
    return [s for line in sentence_lines(text) for s in line]


def quoted_in(text: str, claims: list[str]) -> set[int]:
    """The indices (``sentences_of``) of the sentences of ``text`` that ``claims`` quoted."""
    return quoted_sentences(sentences_of(text), claims) if claims else set()


def highlight(text: str, claims: list[str], marked: set[int] | None = None) -> str:
    """Article text with the sentences an answer quoted marked (``quoted_sentences``), or with the
    sentences ``marked`` (indices of ``sentences_of``), e.g. the translation of the quoted ones."""
    lines = sentence_lines(text)
    used = quoted_sentences([s for line in lines for s in line], claims) if marked is None else marked
    out, index = [], 0
    for line in lines:
        pieces = []
        for sentence in line:
            pieces.append(f"<mark>{escape_html(sentence)}</mark>" if index in used else escape_html(sentence))
            index += 1
        out.append(" ".join(pieces))
    return "<br>".join(out)


def article_html(article: dict, claims: list[str] | None = None, parallel: dict | None = None,
                 versions: list[dict] | None = None, language: str = "en",
                 parallel_marked: set[int] | None = None) -> str:
    """The source viewer: title, type, date, label, path, the article (used sentences marked) and
    the parallel original beside it, with ``parallel_marked`` (the translation of the used sentences,
    ``service.align``) marked too; below, the article in its work's other ``versions`` side by side
    with the differences marked (``versions_html``). Its fixed words are in the interface ``language``;
    ``static/citation-chips.js`` scrolls the viewer to the first marked sentence when it opens."""
    w = words(language)
    version = w["version_of"].format(v=article["version"]) if article.get("version") else ""
    written_in = article.get("language") or ""
    written_in = LANGUAGE_WORDS["zh" if language == "zh" else "en"].get(written_in, written_in)
    meta = " · ".join(escape_html(x) for x in (type_word(article.get("doc_type"), language), written_in,
                                          _dates(article, language), version) if x)
    path = " › ".join(escape_html(p) for p in article.get("path") or [])
    if (article.get("path") or []) == [article["article"]]:
        path = ""  # the label says it all
    main = (f'<div class="col"><div class="label">{escape_html(article["article"])}</div>'
            f'<div class="text">{highlight(article["text"], claims or [])}</div></div>')
    side = ""
    if parallel:
        text = highlight(parallel["text"], [], parallel_marked) if parallel_marked else escape_html(parallel["text"])
        side = (f'<div class="col parallel"><div class="label">{escape_html(parallel["document"])}, '
                f'{escape_html(parallel["article"])}</div>'
                f'<div class="text">{text}</div></div>')
    close = (f'<button type="button" class="viewer-close" title="{w["close"]}" aria-label="{w["close"]}">✕'
             '</button>')
    below = versions_html(article, versions, language) if versions else ""
    return (f'<div class="viewer">{close}<h3>{escape_html(article["document"])}</h3><div class="meta">{meta}</div>'
            f'<div class="path">{path}</div><div class="cols">{main}{side}</div>{below}</div>')


def versions_html(article: dict, others: list[dict], language: str = "en") -> str:
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
        version = words(language)["version_of"].format(v=escape_html(current.get("version") or "?"))
        label = f"{escape_html(current['article'])} — {version}"
        cells.append(f'<div class="col version"><div class="label">{label}</div><div class="text">{body}</div></div>')
    heading = words(language)["versions"]
    return f'<div class="versions"><h4>{heading}</h4><div class="cols">{"".join(cells)}</div></div>'


def _diff_side(text: str, other: str, tag: str) -> str:
    """``text`` escaped, with the characters it does not share with ``other`` inside <tag>."""
    import difflib

    out = []
    for op, a0, a1, _, _ in difflib.SequenceMatcher(None, text, other, autojunk=False).get_opcodes():
        piece = escape_html(text[a0:a1])
        out.append(piece if op == "equal" or not piece else f"<{tag}>{piece}</{tag}>")
    return "".join(out)


def _dates(article: dict, language: str = "en") -> str:
    w = words(language)
    return ", ".join(f"{w[key]} {article[key]}" for key in ("issued", "effective") if article.get(key))


def library_table_html(rows: list[list], columns: list[str], language: str = "en") -> str:
    """The Library tab's table: one row per document (``Library.rows``, the title first), each row
    opening the document's outline when clicked (``static/citation-chips.js``). Headers never wrap;
    on a phone each row becomes a card (``netlaw.css``)."""
    if not rows:
        return f'<p class="library-empty">{words(language)["library_empty"]}</p>'
    head = "".join(f'<th scope="col">{escape_html(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = "".join(f'<td data-label="{escape_html(c)}">{escape_html(str(v))}</td>'
                        for c, v in zip(columns, row, strict=True))
        body.append(f'<tr class="library-row" data-doc="{escape_html(str(row[0]))}" tabindex="0" '
                    f'title="{words(language)["open_outline"]}">{cells}</tr>')
    return (f'<div class="library-scroll"><table class="library-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')
