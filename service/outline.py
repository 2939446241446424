"""A document's outline as a reader uses it: its 编/章/节 headings as a tree down to the articles,
each article under the label the law gives it (never a list number of ours), the history lines at the
head of a law ("1991年9月4日 …通过", "…第二次修正") as the law's history rather than as an article, and
the version shown (by default the one in force) with the work's other versions beside it.

Read from the library's current snapshot through its accessors; ``outline_html`` draws it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.versions import history
from netlaw.text.references import article_labels_in
from service.render import escape_html
from vectorstore.versions import in_force, versions_by_work


@dataclass
class Outline:
    title: str
    doc_id: str
    version: str | None = None  # the date of this text, when the library holds several
    in_force: bool = True
    others: list[tuple[str, str, bool]] = field(default_factory=list)  # (version, doc id, in force), oldest first
    history: list[str] = field(default_factory=list)  # the law's history lines, in order
    items: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)  # (headings, label, article id)
    source: str = ""  # the ingested file's name (no folder)
    sha256: str = ""
    ingested: str = ""


def is_history(label: str, text: str) -> bool:
    """An unnumbered part (a "序言" or "Preamble") made only of adoption and amendment lines."""
    if label in article_labels_in(label):
        return False
    lines = text_lines(text)
    return bool(lines) and len(history(lines)) == len(lines)


def text_lines(text: str) -> list[str]:
    """The lines of ``text`` that hold something (a line of zero-width spaces does not)."""
    return [line.strip() for line in text.split("\n") if line.strip(" \t\u200b\ufeff\u3000")]


def document_outline(library: Any, title: str, doc_id: str | None = None) -> Outline | None:
    """The outline of the document titled ``title`` in its version ``doc_id`` (the version in force when
    None; ``doc_id`` alone is enough); None when the library does not hold it."""
    documents = library.documents()
    chosen = next((d for d in documents if d["doc_id"] == doc_id), None) if doc_id else None
    title = chosen["title"] if chosen else title
    same = [d for d in documents if d["title"] == title]
    if not same:
        return None
    works = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in same)
    current = {in_force(found)[1] for found in works.values()}
    if chosen is None:
        chosen = next((d for d in same if d["doc_id"] in current), same[0])
    found = works.get(chosen.get("work") or "", [])
    outline = Outline(title, chosen["doc_id"], chosen.get("version") if found else None,
                      not found or chosen["doc_id"] in current,
                      [(v, i, i in current) for v, i in found if i != chosen["doc_id"]])
    snap = library.retriever.snapshot()
    for article_id, label in snap.articles_of_document(title):
        chunk = snap.first_chunk(article_id)
        if chunk.doc_id != chosen["doc_id"]:
            continue
        if not outline.items and is_history(label, snap.article_text(article_id)):
            outline.history += text_lines(snap.article_text(article_id))
            continue
        path = tuple(chunk.path or ())
        outline.items.append((path[:-1] if path and path[-1] == label else path, label, article_id))
    source = chosen.get("source") or ""
    entry = snap.manifest.get(source) or {}
    outline.source = source.replace("\\", "/").rsplit("/", 1)[-1]
    outline.sha256, outline.ingested = entry.get("sha256", ""), entry.get("ingested", "")
    return outline


OUTLINE_WORDS = {
    "en": {"version": "Version of {v}", "in_force": " (in force)", "superseded": " (no longer in force)",
           "others": "Other versions:", "history": "History", "source": "Source file: ", "ingested": "ingested ",
           "open_version": "Open the outline of this version"},
    "zh": {"version": "{v} 版本", "in_force": "（现行有效）", "superseded": "（已被修改）", "others": "其他版本：",
           "history": "制定和修改经过", "source": "来源文件：", "ingested": "入库时间 ",
           "open_version": "打开这一版本的条文目录"},
}


def outline_html(outline: Outline, language: str = "en") -> str:
    """A document's outline (``document_outline``): the title, which version it is (in force or
    not) with the work's other versions one click away, the law's history lines, then its 编/章/节 as
    nested sections down to the articles, each a link under the law's own label (no list numbers of
    ours), and the details line of the version's file."""
    w = OUTLINE_WORDS["zh" if language == "zh" else "en"]
    parts = [f'<div class="outline" data-doc-id="{escape_html(outline.doc_id)}"><h3>{escape_html(outline.title)}</h3>']
    if outline.version:
        state = w["in_force"] if outline.in_force else w["superseded"]
        others = " ".join(
            f'<a class="other-version" href="#" data-doc-id="{escape_html(doc_id)}" title="{w["open_version"]}">'
            f'{escape_html(version)}{w["in_force"] if now else ""}</a>' for version, doc_id, now in outline.others)
        parts.append(f'<div class="outline-version">{escape_html(w["version"].format(v=outline.version))}{state}'
                     + (f' · {w["others"]} {others}' if others else "") + "</div>")
    if outline.history:
        lines = "".join(f"<li>{escape_html(line)}</li>" for line in outline.history)
        parts.append(f'<div class="outline-history"><div class="label">{w["history"]}</div><ul>{lines}</ul></div>')
    parts.append(_outline_tree(outline.items))
    bits = [f'{w["source"]}{escape_html(outline.source or "?")}']
    if outline.sha256:
        bits.append(f"SHA-256 {escape_html(outline.sha256)}")
    if outline.ingested:
        bits.append(f'{w["ingested"]}{escape_html(outline.ingested)}')
    parts.append(f'<div class="details">{("，" if language == "zh" else ", ").join(bits)}</div></div>')
    return "".join(parts)


def _outline_tree(items: list[tuple[tuple[str, ...], str, str]]) -> str:
    """Articles under their headings: a section opens where a heading starts and closes where it ends."""
    out: list[str] = []
    open_headings: list[str] = []
    in_list = False
    for headings, label, article_id in items:
        shared = 0
        while shared < min(len(open_headings), len(headings)) and open_headings[shared] == headings[shared]:
            shared += 1
        if (shared < len(open_headings) or len(headings) > shared) and in_list:
            out.append("</ul>")
            in_list = False
        while len(open_headings) > shared:
            out.append("</section>")
            open_headings.pop()
        for heading in headings[shared:]:
            level = min(len(open_headings) + 1, 3)
            out.append(f'<section class="outline-section level-{level}">'
                       f'<div class="outline-heading">{escape_html(heading)}</div>')
            open_headings.append(heading)
        if not in_list:
            out.append('<ul class="outline-articles">')
            in_list = True
        out.append(f'<li><a class="outline-link" href="#" data-article="{escape_html(article_id)}">'
                   f"{escape_html(label)}</a></li>")
    if in_list:
        out.append("</ul>")
    out += ["</section>"] * len(open_headings)
    return f'<div class="outline-tree">{"".join(out)}</div>'
