"""Administrators' part of the UI: adding documents (at the top of the Library tab) and the feedback
download.

Both are shown to administrators only, and both check again on the server: the upload handler
refuses a caller who is not an administrator, and ``/admin/feedback.csv`` reads the Gradio
session cookie to find the signed-in user (the CSV is built per request, never a shared file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response

from service.export import AnswerArchive, Describe, content_disposition, export_response_body
from service.insights import groups_csv, insights
from service.preferences import Preferences
from service.uploads import Progress, ingest_uploads
from service.users import Users, proxied
from ui.i18n import Translated, t
from ui.library import LibraryPage
from ui.session import Caller, caller_of, update

UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".pdf", ".docx"]
PROGRESS = gr.Progress()  # a Progress default marks the argument Gradio fills with the event's progress bar


class AdminPage:
    def __init__(self, service: Any, settings: Any, users: Users, library: LibraryPage,
                 preferences: Preferences | None = None):
        self.service, self.settings, self.users, self.library = service, settings, users, library
        self.preferences = preferences
        self.translated = Translated()

    # --- handlers ------------------------------------------------------------------------------
    def upload(self, files: list | None, replace: bool, caller: Caller,
               progress: Progress | None = None) -> tuple[str, Any, dict, Any]:
        """Add ``files`` to the library: the status (HTML: what was done, each document added with a link
        to it in the Library), the library table and the document picker, both re-read (unchanged when
        nothing was ingested), and the file picker emptied. In the caller's interface language."""
        language = (self.preferences.language(caller.user) if self.preferences else None) or "en"
        if not caller.admin:
            return t("only_admin_upload", language), update(), update(), update()
        if not files:
            return t("choose_files", language), update(), update(), update()
        result = ingest_uploads(files, self.settings, self.service.retriever, bool(replace), progress, language)
        return (result.html(language), self.library.table_html(language),
                update(choices=self.library.library.titles()), None)

    # --- Gradio adapter -------------------------------------------------------------------------
    def _upload_event(self, files: list | None, replace: bool, request: gr.Request,
                      progress: gr.Progress = PROGRESS) -> tuple[str, Any, dict, Any]:
        def report(fraction: float, what: str) -> None:
            progress(fraction, desc=what)

        return self.upload(files, replace, caller_of(request, self.users), report)

    # --- layout ----------------------------------------------------------------------------------
    def build(self) -> None:
        """The upload form and the feedback link, hidden until a page load finds an administrator."""
        tr = self.translated
        with gr.Group(visible=False, elem_id="upload-box") as self.upload_box:
            tr.add(gr.Markdown(t("add_documents")), value="add_documents")
            tr.add(gr.Markdown(t("add_documents_help"), elem_id="upload-help"), value="add_documents_help")
            self.files = tr.add(gr.File(file_count="multiple", file_types=UPLOAD_TYPES, elem_id="upload", height=140,
                                        label=t("upload_files")), label="upload_files")
            self.replace = tr.add(gr.Checkbox(False, label=t("replace"), elem_id="replace"), label="replace")
            self.ingest = tr.add(gr.Button(t("ingest"), elem_id="ingest", variant="primary"), value="ingest")
            # the progress shows here, right under the button, and then what was added
            self.status = gr.HTML(elem_id="upload-status")
        with gr.Group(visible=False) as self.feedback_box:  # served by /admin/feedback.csv, never a file
            tr.add(gr.HTML(self._feedback_link("en")), value=self._feedback_link)

    def wire(self) -> None:
        """The upload's event, once the library's table and picker (which it re-reads) are built."""
        # one progress bar, in the status under the button (not also over the file box and the table),
        # over an emptied status rather than the previous result
        self.ingest.click(lambda: "", None, self.status, api_visibility="private", show_progress="hidden").then(
            self._upload_event, [self.files, self.replace],
            [self.status, self.library.table_view, self.library.doc_pick, self.files], api_name="upload",
            show_progress_on=[self.status])

    @staticmethod
    def _feedback_link(language: str) -> str:
        return ('<a id="download-feedback" href="admin/feedback.csv" download="netlaw-feedback.csv">'
                f'{t("download_feedback", language)}</a>')


def gradio_user(api: FastAPI, request: Request) -> str | None:
    """The user signed in to the mounted Gradio app (its session cookie), or None."""
    for route in api.routes:
        sub: Any = getattr(route, "app", None)
        if hasattr(sub, "tokens") and hasattr(sub, "cookie_id"):
            token = (request.cookies.get(f"access-token-{sub.cookie_id}")
                     or request.cookies.get(f"access-token-unsecure-{sub.cookie_id}"))
            return sub.tokens.get(token) if token else None
    return None


def add_admin_routes(api: FastAPI, users: Users, feedback: Any, audit: Any | None = None) -> None:
    """Administrators' downloads, built per request and never written to a shared temp folder."""
    api.add_api_route("/admin/feedback.csv", admin_csv_route(api, users, "feedback", feedback.to_csv),
                      methods=["GET"], include_in_schema=False)
    if audit is not None:
        def flagged_csv() -> str:
            return groups_csv(insights(audit.records(), feedback.rows()).groups)

        api.add_api_route("/admin/insights.csv", admin_csv_route(api, users, "insights", flagged_csv),
                          methods=["GET"], include_in_schema=False)


def admin_csv_route(api: FastAPI, users: Users, name: str, build: Callable[[], str]) -> Callable[[Request], Response]:
    """A route answering ``build()`` as ``netlaw-<name>.csv`` to a signed-in administrator, 403 to anyone else."""
    def admin_csv(request: Request) -> Response:
        if not users.is_admin(gradio_user(api, request), proxied=proxied(request.headers)):
            raise HTTPException(403, f"only an administrator can download {name}")
        return Response(build(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="netlaw-{name}.csv"',
                                 "Cache-Control": "no-store"})

    return admin_csv


def add_export_route(api: FastAPI, users: Users, archive: AnswerArchive, describe: Describe) -> None:
    """``/answers/export?ids=a,b&format=md|html&what=answer|conversation``: the answers of the signed-in
    user (any answer for an administrator) as a record for the file, named by date, document and answer
    id; an id that is unknown or someone else's is a 404."""
    def export(request: Request, ids: str, format: str = "md", what: str = "answer") -> Response:
        user = gradio_user(api, request)
        admin = users.is_admin(user, proxied=proxied(request.headers))
        wanted = [i for i in ids.split(",") if i][:50]
        found = [archive.get(i, user, admin) for i in wanted]
        answers = [a for a in found if a is not None]
        if not answers or len(answers) != len(wanted):
            raise HTTPException(404, "no such answer")
        body, media, filename = export_response_body(answers, format, describe, what == "conversation")
        return Response(body, media_type=media, headers={"Content-Disposition": content_disposition(filename),
                                                         "Cache-Control": "no-store"})

    api.add_api_route("/answers/export", export, methods=["GET"], include_in_schema=False)
