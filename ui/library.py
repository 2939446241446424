"""The Library tab: the documents in the store as a table; clicking a row opens the document's
outline, clicking an article in the outline opens it in the viewer (two clicks from the tab to any
article). The dropdowns below do the same for keyboard users; nothing is chosen until one is."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.library import LIBRARY_COLUMNS, Library
from service.render import article_html, library_table_html, outline_html
from ui.session import update


class LibraryPage:
    def __init__(self, library: Library):
        self.library = library

    # --- handlers ------------------------------------------------------------------------------
    def table(self) -> list[list]:
        return self.library.rows()

    def table_html(self) -> str:
        """The library table as the tab shows it (``service.render.library_table_html``)."""
        return library_table_html(self.table(), LIBRARY_COLUMNS)

    def outline(self, title: str | None) -> str:
        """The outline of document ``title`` (its articles as links, the details line); unknown: empty."""
        articles = self.library.articles_of(title) if title else []
        if not articles:
            return ""
        return outline_html(title or "", articles, self.library.details(title or ""))

    def open_target(self, target: str) -> tuple[Any, Any]:
        """A click in the tab (``static/citation-chips.js``): "doc:<title>" (a table row) gives the
        outline and empties the viewer; "article:<id>" (an outline item) gives the article."""
        target = target or ""
        if target.startswith("doc:"):
            return self.outline(target[len("doc:"):]), ""
        if target.startswith("article:"):
            return update(), self.show_article(target[len("article:"):])
        return update(), update()

    def articles_of(self, title: str | None) -> dict[str, Any]:
        """The article picker for document ``title``: its articles in document order, none chosen."""
        return update(choices=self.library.articles_of(title) if title else [], value=None)

    def show_article(self, article_id: str | None) -> str:
        """The article with its parallel version beside it; nothing chosen (or gone): empty."""
        article = self.library.article(article_id) if article_id else None
        if article is None:
            return ""
        return article_html(article, [], self.library.parallel_of(article), self.library.versions_of(article))

    # --- layout ----------------------------------------------------------------------------------
    def build(self) -> None:
        """The Library tab's components (inside a ``gr.Tab``), then its events."""
        gr.Markdown("Click a document to see its articles, then an article to read it.", elem_id="library-hint")
        self.table_view = gr.HTML(self.table_html(), elem_id="library")
        with gr.Row(elem_id="library-reader"):
            with gr.Column(scale=1, min_width=240):
                self.outline_view = gr.HTML(elem_id="library-outline")
                with gr.Accordion("Pick from lists", open=False):
                    self.doc_pick = gr.Dropdown(self.library.titles(), value=None, label="Document",
                                                elem_id="doc-pick")
                    self.art_pick = gr.Dropdown([], value=None, label="Article", elem_id="art-pick")
            with gr.Column(scale=2):
                self.viewer = gr.HTML(elem_id="library-viewer")
        self.target = gr.Textbox(elem_id="library-target", elem_classes=["netlaw-hidden"], show_label=False)
        self.open = gr.Button("open", elem_id="library-open", elem_classes=["netlaw-hidden"])
        self.open.click(self.open_target, self.target, [self.outline_view, self.viewer], api_name="library_open")
        self.doc_pick.change(self.articles_of, self.doc_pick, self.art_pick, api_name="articles_of").then(
            self.outline, self.doc_pick, self.outline_view, api_visibility="private")
        self.art_pick.change(self.show_article, self.art_pick, self.viewer, api_name="show_article")
