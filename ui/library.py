"""The Library tab: the documents in the store, and any article of one, read in the viewer."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.library import LIBRARY_COLUMNS, Library
from service.render import article_html
from ui.session import update


class LibraryPage:
    def __init__(self, library: Library):
        self.library = library

    # --- handlers ------------------------------------------------------------------------------
    def table(self) -> list[list]:
        return self.library.rows()

    def articles_of(self, title: str | None) -> dict[str, Any]:
        """The article picker for document ``title``: its articles in document order, none chosen."""
        return update(choices=self.library.articles_of(title) if title else [], value=None)

    def show_article(self, article_id: str | None) -> str:
        """The article with its parallel version beside it; nothing chosen (or gone): empty."""
        article = self.library.article(article_id) if article_id else None
        if article is None:
            return ""
        return article_html(article, [], self.library.parallel_of(article))

    # --- layout ----------------------------------------------------------------------------------
    def build(self) -> None:
        """The Library tab's components (inside a ``gr.Tab``), then its events."""
        self.table_view = gr.Dataframe(self.table(), headers=LIBRARY_COLUMNS, interactive=False, elem_id="library",
                                       wrap=True)
        with gr.Row():
            self.doc_pick = gr.Dropdown(self.library.titles(), label="Document", elem_id="doc-pick")
            self.art_pick = gr.Dropdown([], label="Article", elem_id="art-pick")
        self.viewer = gr.HTML(elem_id="library-viewer")
        self.doc_pick.change(self.articles_of, self.doc_pick, self.art_pick, api_name="articles_of")
        self.art_pick.change(self.show_article, self.art_pick, self.viewer, api_name="show_article")
