"""The Library tab: the documents in the store as a table; clicking a row opens the document's
outline, clicking an article in the outline opens it in the viewer (two clicks from the tab to any
article). The dropdowns below do the same for keyboard users; nothing is chosen until one is.

Above the table: a search over the titles in either language, a type filter, a date range, the
order, and pages of ``PAGE_SIZE`` rows (``Library.browse``), so a library of 700 documents shows
50 rows at a time and finds one by a few characters of its name."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.library import PAGE_SIZE, SORTS, Library, library_columns
from service.outline import document_outline, outline_html
from service.render import article_html, escape_html, library_table_html
from ui.i18n import Translated, language_code, t
from ui.session import update

WORDS = {  # the controls' texts (this tab's own; the rest of the interface's are in ui.i18n)
    "search": {"en": "Search titles (English or Chinese)", "zh": "按标题搜索（中文或英文）"},
    "type": {"en": "Type", "zh": "类型"},
    "all_types": {"en": "All types", "zh": "全部类型"},
    "date_from": {"en": "Dated from (year or date)", "zh": "日期自（年份或日期）"},
    "date_to": {"en": "to", "zh": "至"},
    "sort": {"en": "Order", "zh": "排序"},
    "previous": {"en": "‹ Previous", "zh": "‹ 上一页"},
    "next": {"en": "Next ›", "zh": "下一页 ›"},
    "count": {"en": "{first}–{last} of {total} documents (page {page} of {pages})",
              "zh": "共 {total} 份文件，第 {first}–{last} 份（第 {page}/{pages} 页）"},
    "none": {"en": "No document matches.", "zh": "没有符合条件的文件。"},
}
SORT_WORDS = {"type": {"en": "By type, then title", "zh": "按类型、标题"},
              "title": {"en": "By title", "zh": "按标题"},
              "newest": {"en": "Newest first", "zh": "日期从新到旧"},
              "oldest": {"en": "Oldest first", "zh": "日期从旧到新"},
              "articles": {"en": "Most articles first", "zh": "条数从多到少"}}
ALL = ""  # the type filter's "all types" value


def _word(key: str):
    return lambda code: WORDS[key][code]


class LibraryPage:
    def __init__(self, library: Library):
        self.library = library
        self.translated = Translated()

    # --- handlers ------------------------------------------------------------------------------
    def table(self, language: str = "en") -> list[list]:
        return self.library.rows(language_code(language))

    def table_html(self, language: str = "en", query: str = "", doc_type: str | None = ALL, date_from: str = "",
                   date_to: str = "", sort: str | None = "type", page: float | None = 1) -> str:
        """One page of the library table as the tab shows it (``service.render.library_table_html``),
        under a line saying which documents of how many it shows; its headings, types and languages
        in the interface ``language``. The filters as ``Library.browse`` takes them."""
        code = language_code(language)
        shown = self.library.browse(code, query or "", doc_type or ALL, date_from or "", date_to or "",
                                    sort or "type", int(page or 1), PAGE_SIZE)
        if not shown.total:
            empty = not self.library.documents()
            return library_table_html([], library_columns(code), code) if empty else \
                f'<p class="library-count">{WORDS["none"][code]}</p>'
        count = WORDS["count"][code].format(first=shown.first, last=shown.first + len(shown.rows) - 1,
                                            total=shown.total, page=shown.page, pages=shown.pages)
        return (f'<p class="library-count" data-page="{shown.page}" data-pages="{shown.pages}">'
                f"{escape_html(count)}</p>" + library_table_html(shown.rows, library_columns(code), code))

    def type_choices(self, language: str = "en") -> list[tuple[str, str]]:
        """(label, value) of the type filter: all types, then each type the library holds."""
        from service.library import TYPE_WORDS_ZH

        code = language_code(language)
        names = [(TYPE_WORDS_ZH.get(k, k) if code == "zh" else k, k) for k in self.library.doc_types()]
        return [(WORDS["all_types"][code], ALL), *names]

    def turn(self, page: float | None, step: int, language: str, query: str, doc_type: str | None,
             date_from: str, date_to: str, sort: str | None) -> tuple[int, str]:
        """The page ``step`` pages on (clamped to the pages there are) and its table."""
        shown = self.library.browse(language_code(language), query or "", doc_type or ALL, date_from or "",
                                    date_to or "", sort or "type", int(page or 1) + step, PAGE_SIZE)
        return shown.page, self.table_html(language, query, doc_type, date_from, date_to, sort, shown.page)

    def filtered(self, language: str, query: str, doc_type: str | None, date_from: str, date_to: str,
                 sort: str | None) -> tuple[int, str]:
        """A filter or the order changed: back to the first page."""
        return 1, self.table_html(language, query, doc_type, date_from, date_to, sort, 1)

    def outline(self, title: str | None, language: str = "en", doc_id: str | None = None) -> str:
        """The outline of document ``title`` (of its version ``doc_id``; by default the version in force):
        its 编/章/节 as a tree down to the articles, each a link labelled as the law numbers it; the
        history lines at its head as the law's history; which version it is and the others one click
        away; the details line of that version's file. Unknown: empty."""
        found = document_outline(self.library, title or "", doc_id) if title or doc_id else None
        if found is None:
            return ""
        return outline_html(found, language_code(language))

    def open_target(self, target: str, language: str = "en") -> tuple[Any, Any]:
        """A click in the tab (``static/citation-chips.js``): "doc:<title>" (a table row, or a document an
        upload added) gives the outline and empties the viewer; "version:<doc id>" (another version in
        an outline) that version's outline; "article:<id>" (an outline item) gives the article."""
        target = target or ""
        if target.startswith("doc:"):
            return self.outline(target[len("doc:"):], language), ""
        if target.startswith("version:"):
            return self.outline(None, language, target[len("version:"):]), ""
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
        with gr.Row(elem_id="library-filters"):
            self.search = tr.add(gr.Textbox(label=WORDS["search"]["en"], elem_id="library-search", scale=3),
                                 label=_word("search"))
            self.type_pick = tr.add(gr.Dropdown(self.type_choices(), value=ALL, label=WORDS["type"]["en"],
                                                elem_id="library-type", scale=1),
                                    label=_word("type"), choices=self.type_choices)
            self.date_from = tr.add(gr.Textbox(label=WORDS["date_from"]["en"], elem_id="library-from", scale=1),
                                    label=_word("date_from"))
            self.date_to = tr.add(gr.Textbox(label=WORDS["date_to"]["en"], elem_id="library-to", scale=1),
                                  label=_word("date_to"))
            self.sort = tr.add(gr.Dropdown([(SORT_WORDS[k]["en"], k) for k in SORTS], value="type",
                                           label=WORDS["sort"]["en"], elem_id="library-sort", scale=1),
                               label=_word("sort"),
                               choices=lambda code: [(SORT_WORDS[k][code], k) for k in SORTS])
        self.page = gr.Number(1, precision=0, elem_id="library-page", elem_classes=["netlaw-hidden"],
                              show_label=False)
        self.table_view = gr.HTML(self.table_html(), elem_id="library")
        with gr.Row(elem_id="library-pages"):
            previous = tr.add(gr.Button(WORDS["previous"]["en"], elem_id="library-previous", size="sm"),
                              value=_word("previous"))
            following = tr.add(gr.Button(WORDS["next"]["en"], elem_id="library-next", size="sm"),
                               value=_word("next"))
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
        filters = [language, self.search, self.type_pick, self.date_from, self.date_to, self.sort]
        for control in (self.search, self.date_from, self.date_to):
            control.submit(self.filtered, filters, [self.page, self.table_view], api_visibility="private")
        self.search.change(self.filtered, filters, [self.page, self.table_view], api_name="library_search",
                           trigger_mode="always_last", show_progress="hidden")
        for control in (self.type_pick, self.sort):
            control.change(self.filtered, filters, [self.page, self.table_view], api_visibility="private")
        previous.click(lambda page, *rest: self.turn(page, -1, *rest), [self.page, *filters],
                       [self.page, self.table_view], api_visibility="private")
        following.click(lambda page, *rest: self.turn(page, 1, *rest), [self.page, *filters],
                        [self.page, self.table_view], api_visibility="private")
