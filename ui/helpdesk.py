"""The whole UI: the header, the Chat and Library tabs (the administrators' part under the
library), the page-load event, and the mount on the FastAPI app with the static CSS and JS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI

from service.export import AnswerArchive, answer_archive_for
from service.library import Library
from service.users import Users
from ui.admin import AdminPage, add_admin_routes, add_export_route
from ui.chat import ChatPage
from ui.insights import InsightsPage
from ui.library import LibraryPage
from ui.session import Caller, caller_of, update

STATIC = Path(__file__).parent / "static"
OVERVIEW_LANGUAGES = {"English": "en", "中文": "zh"}  # the landing page's language switch


def static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


class Helpdesk:
    """The pages of one app; ``build()`` makes the Gradio Blocks."""

    def __init__(self, service: Any, settings: Any, users: Users, feedback: Any, audit: Any,
                 archive: AnswerArchive | None = None):
        self.settings, self.users = settings, users
        self.archive = archive or answer_archive_for(settings)
        self.chat = ChatPage(service, settings, users, feedback, audit, self.archive)
        self.library = LibraryPage(Library(service.retriever))
        self.admin = AdminPage(service, settings, users, self.library)
        self.insights = InsightsPage(users, feedback, audit)

    def on_load(self, caller: Caller) -> tuple:
        """Every page load: the administrators' parts shown or hidden, who is signed in, and the
        library lists re-read (another process may have ingested since)."""
        titles = self.library.library.titles()
        return (update(visible=caller.admin), update(visible=caller.admin), caller.label, self.library.table_html(),
                update(choices=titles), update(choices=titles), update(visible=caller.admin))

    def overview(self, language: str = "English") -> tuple[str, str]:
        """The landing page's account of the library (re-read on every load and when the language
        switch above it is turned): the summary line above the chat and the documents by type below it."""
        return self.library.library.overview(OVERVIEW_LANGUAGES.get(language, "en"))

    def _load_event(self, request: gr.Request) -> tuple:
        return self.on_load(caller_of(request, self.users))

    def build(self) -> gr.Blocks:
        with gr.Blocks(title="Netlaw Helpdesk") as demo:
            with gr.Row():
                gr.Markdown("## Netlaw Helpdesk — Chinese internet law, answered with article citations")
                whoami = gr.Markdown(elem_id="whoami")
            with gr.Tab("Chat"):
                with gr.Row(equal_height=False):
                    summary = gr.Markdown(elem_id="library-summary")
                    language = gr.Radio(list(OVERVIEW_LANGUAGES), value="English", show_label=False,
                                        elem_id="overview-language", scale=0, min_width=160)
                self.chat.build()
                with gr.Accordion("What the library holds", open=True, elem_id="library-overview"):
                    catalogue = gr.Markdown()
            with gr.Tab("Library"):
                self.library.build()
                self.admin.build()
            with gr.Tab("Insights", visible=False, elem_id="insights-tab") as insights_tab:
                self.insights.build()
            insights_tab.select(self.insights._report_event, None, self.insights.outputs, api_visibility="private")
            demo.load(self._load_event, None, [self.admin.upload_box, self.admin.feedback_box, whoami,
                                               self.library.table_view, self.library.doc_pick, self.chat.documents,
                                               insights_tab],
                      api_name="on_load")
            demo.load(self.overview, language, [summary, catalogue], api_name="library_overview")
            language.change(self.overview, language, [summary, catalogue], api_visibility="private")
        demo.queue(default_concurrency_limit=self.settings.ui_concurrency, max_size=self.settings.queue_size)
        return demo


def mount_ui(api: FastAPI, service: Any, settings: Any, users: Users, feedback: Any, audit: Any) -> FastAPI:
    """The helpdesk at / of ``api`` (with the administrators' download route), behind the sign-in
    when users are configured."""
    add_admin_routes(api, users, feedback, audit)
    desk = Helpdesk(service, settings, users, feedback, audit)
    add_export_route(api, users, desk.archive, desk.chat.library.describe)
    demo = desk.build()
    chips_js = static_text("citation-chips.js")
    return gr.mount_gradio_app(api, demo, path="", auth=users.authenticate if users.enabled else None,
                               auth_message="Netlaw Helpdesk — sign in", ssr_mode=False,
                               css=static_text("netlaw.css"), head=f"<script>{chips_js}</script>",
                               max_file_size=f"{int(settings.max_file_mb)}mb", show_error=True)
