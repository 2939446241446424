"""The Library tab: the documents in the store as a table; clicking a row opens the document's
outline, clicking an article in the outline opens it in the viewer (two clicks from the tab to any
article). The dropdowns below do the same for keyboard users; nothing is chosen until one is."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.library import Library, library_columns
from service.render import article_html, library_table_html, outline_html
from ui.i18n import Translated, language_code, t
from ui.session import update


class LibraryPage:
    def __init__(self, library: Library):
        self.library = library
        self.translated = Translated()

    # --- handlers ------------------------------------------------------------------------------
    def table(self, language: str = "en") -> list[list]:
        return self.library.rows(language_code(language))

    def table_html(self, language: str = "en") -> str:
        """The library table as the tab shows it (``service.render.library_table_html``), its headings,
        types and languages in the interface ``language``."""
        code = language_code(language)
        return library_table_html(self.table(code), library_columns(code), code)

    def outline(self, title: str | None, language: str = "en") -> str:
        """The outline of document ``title`` (its articles as links, the details line); unknown: empty."""
        articles = self.library.articles_of(title) if title else []
        if not articles:
            return ""
        return outline_html(title or "", articles, self.library.details(title or "", language_code(language)))

    def open_target(self, target: str, language: str = "en") -> tuple[Any, Any]:
        """A click in the tab (``static/citation-chips.js``): "doc:<title>" (a table row, or a document an
        upload added) gives the outline and empties the viewer; "article:<id>" (an outline item) gives
        the article."""
        target = target or ""
        if target.startswith("doc:"):
            return self.outline(target[len("doc:"):], language), ""
        if target.startswith("article:"):
            return update(), self.show_article(target[len("article:"):], language)
        return update(), update()

    def articles_of(self, title: str | None) -> dict[str, Any]:
        """The article picker for document ``title``: its articles in document order, none chosen."""
        return update(choices=self.library.articles_of(title) if title else [], value=None)

    def show_article(self, article_id: str | None, language: str = "en") -> str:
        """The article with its parallel version beside it; nothing chosen (or gone): empty."""
        article = self.library.article(article_id) if article_id else None
        if article is None:
            return ""
        return article_html(article, [], self.library.parallel_of(article), self.library.versions_of(article),
                            language_code(language))

    # --- layout ----------------------------------------------------------------------------------
    def build(self, ui_language: Any = None) -> None:
        """The Library tab's components (inside a ``gr.Tab``), then its events; ``ui_language``: the
        header's language switch."""
        language = ui_language if ui_language is not None else gr.State("English")
        tr = self.translated
        tr.add(gr.Markdown(t("library_hint"), elem_id="library-hint"), value="library_hint")
        self.table_view = gr.HTML(self.table_html(), elem_id="library")
        with gr.Row(elem_id="library-reader"):
            with gr.Column(scale=1, min_width=240):
                self.outline_view = gr.HTML(elem_id="library-outline")
                with tr.add(gr.Accordion(t("pick_from_lists"), open=False), label="pick_from_lists"):
                    self.doc_pick = tr.add(gr.Dropdown(self.library.titles(), value=None, label=t("document"),
                                                       elem_id="doc-pick"), label="document")
                    self.art_pick = tr.add(gr.Dropdown([], value=None, label=t("article"), elem_id="art-pick"),
                                           label="article")
            with gr.Column(scale=2):
                self.viewer = gr.HTML(elem_id="library-viewer")
        self.target = gr.Textbox(elem_id="library-target", elem_classes=["netlaw-hidden"], show_label=False)
        self.open = gr.Button("open", elem_id="library-open", elem_classes=["netlaw-hidden"])
        self.open.click(self.open_target, [self.target, language], [self.outline_view, self.viewer],
                        api_name="library_open")
        self.doc_pick.change(self.articles_of, self.doc_pick, self.art_pick, api_name="articles_of").then(
            self.outline, [self.doc_pick, language], self.outline_view, api_visibility="private")
        self.art_pick.change(self.show_article, [self.art_pick, language], self.viewer, api_name="show_article")
