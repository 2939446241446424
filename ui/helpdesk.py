"""The whole UI: the header (title, who is signed in, the interface language), the Chat, Library and
Insights tabs (the administrators' upload at the top of the library), the page-load events, and the
mount on the FastAPI app with the static CSS and JS.

The language switch in the header sets the whole interface (labels, examples, refusals' fixed
texts, the library) in English or Chinese; each user's choice is remembered (``service.preferences``)
and applied on every page load."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from service.export import AnswerArchive, answer_archive_for
from service.library import Library
from service.preferences import Preferences, preferences_for
from service.users import Users
from ui.admin import AdminPage, add_admin_routes, add_export_route
from ui.chat import ChatPage
from ui.i18n import UI_LANGUAGES, Translated, language_code, language_label, t
from ui.insights import InsightsPage
from ui.library import LibraryPage
from ui.session import Caller, caller_of, update

STATIC = Path(__file__).parent / "static"


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def title_html(language: str = "en") -> str:
    """The header's title (one line) and what the helpdesk does (one line on a laptop)."""
    return (f'<div class="app-title"><h1>{html.escape(t("title", language))}</h1>'
            f'<p class="tagline">{html.escape(t("tagline", language))}</p></div>')


def signed_in_label(caller: Caller, language: str = "en") -> str:
    user = caller.user or t("local_user", language)
    return t("signed_in", language, user=user) + (t("admin", language) if caller.admin else "")


class Helpdesk:
    """The pages of one app; ``build()`` makes the Gradio Blocks."""

    def __init__(self, service: Any, settings: Any, users: Users, feedback: Any, audit: Any,
                 archive: AnswerArchive | None = None, preferences: Preferences | None = None):
        self.settings, self.users = settings, users
        self.archive = archive or answer_archive_for(settings)
        self.preferences = preferences or preferences_for(settings)
        self.chat = ChatPage(service, settings, users, feedback, audit, self.archive)
        self.library = LibraryPage(Library(service.retriever))
        self.admin = AdminPage(service, settings, users, self.library, self.preferences)
        self.insights = InsightsPage(users, feedback, audit)
        self.translated = Translated()

    def on_load(self, caller: Caller) -> tuple:
        """Every page load: the administrators' parts shown or hidden, who is signed in, and the
        library lists re-read (another process may have ingested since)."""
        titles = self.library.library.titles()
        return (update(visible=caller.admin), update(visible=caller.admin), caller.label, self.library.table_html(),
                update(choices=titles), update(choices=titles), update(visible=caller.admin))

    def language_of(self, caller: Caller) -> str:
        """The interface language ``caller`` chose last ("English" or "中文"; English until they choose)."""
        return language_label(self.preferences.language(caller.user) or "en")

    def choose_language(self, language: str, caller: Caller) -> None:
        """Remember the interface language ``caller`` chose (the switch's label or code)."""
        self.preferences.set_language(caller.user, language_code(language))

    def overview(self, language: str = "English") -> tuple[str, str]:
        """The landing page's account of the library (re-read on every load and when the language
        switch is turned): the summary line (works, versions and translations counted apart,
        ``service.works``) and the documents by type below the chat."""
        from qa.catalogue import HOW_TO_ASK
        from service.works import works_summary

        code = language_code(language)
        summary, catalogue = self.library.library.overview(code)
        return works_summary(self.library.library, code, HOW_TO_ASK[code]) or summary, catalogue

    def in_language(self, language: str, caller: Caller, answers: list[dict] | None = None,
                    backend: str | None = None) -> list[Any]:
        """Everything that follows the interface language, in ``self.language_outputs`` order: the
        registered labels and texts, then who is signed in, the account of the library, the library
        table, the conversation drawn again, the backend's note and the export links."""
        code = language_code(language)
        summary, catalogue = self.overview(code)
        fixed: list[Any] = []
        for registry in self.registries:
            fixed += registry.updates(code)
        return [*fixed, signed_in_label(caller, code), summary, catalogue, self.library.table_html(code),
                self.chat.conversation(answers or [], code), self.chat.backend_changed(backend or "", code),
                self.chat.export_links(answers or [], code)]

    # --- Gradio adapters -----------------------------------------------------------------------------
    def _load_event(self, request: gr.Request) -> tuple:
        caller = caller_of(request, self.users)
        return (*self.on_load(caller), self.language_of(caller))

    def _language_event(self, language: str, answers: list, backend: str, request: gr.Request) -> list[Any]:
        return self.in_language(language, caller_of(request, self.users), answers, backend)

    def _choose_event(self, language: str, answers: list, backend: str, request: gr.Request) -> list[Any]:
        caller = caller_of(request, self.users)
        self.choose_language(language, caller)
        return self.in_language(language, caller, answers, backend)

    # --- layout ----------------------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        tr = self.translated
        with gr.Blocks(title="Netlaw Helpdesk") as demo:
            with gr.Row(elem_id="header", equal_height=False):
                tr.add(gr.HTML(title_html("en"), elem_id="app-title", scale=3, min_width=300), value=title_html)
                with gr.Column(scale=1, min_width=220, elem_id="header-side"):
                    whoami = gr.Markdown(elem_id="whoami")
                    language = tr.add(gr.Radio(list(UI_LANGUAGES), value="English", label=t("language"),
                                               elem_id="ui-language"), label="language")
            with gr.Tabs(elem_id="tabs"):
                with tr.add(gr.Tab(t("tab_chat"), elem_id="chat-tab"), label="tab_chat"):
                    self.chat.build(language)
                    summary = gr.Markdown(elem_id="library-summary")
                    with tr.add(gr.Accordion(t("library_overview"), open=True, elem_id="library-overview"),
                                label="library_overview"):
                        catalogue = gr.Markdown()
                with tr.add(gr.Tab(t("tab_library"), elem_id="library-tab"), label="tab_library"):
                    self.admin.build()  # administrators only: adding a law comes first, its result beside it
                    self.library.build(language)
                    self.admin.wire()
                with tr.add(gr.Tab(t("tab_insights"), visible=False, elem_id="insights-tab"),
                            label="tab_insights") as insights_tab:
                    self.insights.build(language)
            self.registries = [tr, self.chat.translated, self.library.translated, self.admin.translated,
                               self.insights.translated]
            outputs = [c for registry in self.registries for c in registry.components]
            outputs += [whoami, summary, catalogue, self.library.table_view, self.chat.chat, self.chat.backend_note,
                        self.chat.export_view]
            self.language_outputs = outputs
            inputs = [language, self.chat.answers, self.chat.backend]
            insights_tab.select(self.insights._report_event, self.insights.inputs, self.insights.outputs,
                                api_visibility="private")
            demo.load(self._load_event, None, [self.admin.upload_box, self.admin.feedback_box, whoami,
                                               self.library.table_view, self.library.doc_pick, self.chat.documents,
                                               insights_tab, language],
                      api_name="on_load").then(self._language_event, inputs, outputs, api_visibility="private",
                                               show_progress="hidden")  # no spinner over the whole page
            language.input(self._choose_event, inputs, outputs, api_name="choose_language", show_progress="hidden")
            # Gradio's own components (the file picker, its status texts) in the chosen language (locale.js)
            language.change(None, language, None, js="(choice) => { window.netlawLocale(choice); }")
        demo.queue(default_concurrency_limit=self.settings.ui_concurrency, max_size=self.settings.queue_size)
        return demo


def mount_ui(api: FastAPI, service: Any, settings: Any, users: Users, feedback: Any, audit: Any) -> FastAPI:
    """The helpdesk at / of ``api`` (with the administrators' download route), behind the sign-in
    when users are configured."""
    add_admin_routes(api, users, feedback, audit)
    desk = Helpdesk(service, settings, users, feedback, audit)
    add_export_route(api, users, desk.archive, desk.chat.library.describe)
    demo = desk.build()
    scripts = "".join(f"<script>{static_text(name)}</script>" for name in ("citation-chips.js", "locale.js"))
    return gr.mount_gradio_app(api, demo, path="", auth=users.authenticate if users.enabled else None,
                               auth_message="Netlaw Helpdesk — sign in", ssr_mode=False,
                               css=static_text("netlaw.css"), head=scripts,
                               max_file_size=f"{int(settings.max_file_mb)}mb", show_error=True,
                               # no run history kept in the browser (the audit log and exports keep answers):
                               # its footer link is English in every locale
                               run_history=False)
