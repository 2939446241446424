"""Administrators' part of the UI: adding documents (under the library) and the feedback download.

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

from service.export import AnswerArchive, Describe, export_response_body
from service.insights import groups_csv, insights
from service.uploads import Progress, ingest_uploads
from service.users import Users, proxied
from ui.library import LibraryPage
from ui.session import Caller, caller_of, update

UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".pdf", ".docx"]
PROGRESS = gr.Progress()  # a Progress default marks the argument Gradio fills with the event's progress bar


class AdminPage:
    def __init__(self, service: Any, settings: Any, users: Users, library: LibraryPage):
        self.service, self.settings, self.users, self.library = service, settings, users, library

    # --- handlers ------------------------------------------------------------------------------
    def upload(self, files: list | None, replace: bool, caller: Caller,
               progress: Progress | None = None) -> tuple[str, Any, dict]:
        """Add ``files`` to the library: the status (Markdown), the library table (HTML) and the
        document picker, both re-read (unchanged when nothing was ingested)."""
        if not caller.admin:
            return "Only an administrator can add documents.", update(), update()
        if not files:
            return "Choose one or more files first.", update(), update()
        result = ingest_uploads(files, self.settings, self.service.retriever, bool(replace), progress)
        return result.markdown(), self.library.table_html(), update(choices=self.library.library.titles())

    # --- Gradio adapter -------------------------------------------------------------------------
    def _upload_event(self, files: list | None, replace: bool, request: gr.Request,
                      progress: gr.Progress = PROGRESS) -> tuple[str, Any, dict]:
        def report(fraction: float, what: str) -> None:
            progress(fraction, desc=what)

        return self.upload(files, replace, caller_of(request, self.users), report)

    # --- layout ----------------------------------------------------------------------------------
    def build(self) -> None:
        """The upload form and the feedback link, hidden until a page load finds an administrator."""
        with gr.Group(visible=False) as self.upload_box:
            gr.Markdown("### Add documents (administrators)")
            files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, elem_id="upload")
            replace = gr.Checkbox(False, label="Replace documents uploaded earlier under the same file name",
                                  elem_id="replace")
            ingest = gr.Button("Ingest", elem_id="ingest")
            status = gr.Markdown(elem_id="upload-status")
        with gr.Group(visible=False) as self.feedback_box:  # served by /admin/feedback.csv, never a file
            gr.HTML('<a id="download-feedback" href="admin/feedback.csv" download="netlaw-feedback.csv">'
                    'Download feedback (CSV)</a>')
        ingest.click(self._upload_event, [files, replace], [status, self.library.table_view, self.library.doc_pick],
                     api_name="upload")


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
    """``/answers/export?ids=a,b&format=md|html``: the answers of the signed-in user (any answer for an
    administrator) as a record for the file; an id that is unknown or someone else's is a 404."""
    def export(request: Request, ids: str, format: str = "md") -> Response:
        user = gradio_user(api, request)
        admin = users.is_admin(user, proxied=proxied(request.headers))
        wanted = [i for i in ids.split(",") if i][:50]
        found = [archive.get(i, user, admin) for i in wanted]
        answers = [a for a in found if a is not None]
        if not answers or len(answers) != len(wanted):
            raise HTTPException(404, "no such answer")
        body, media, filename = export_response_body(answers, format, describe)
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                         "Cache-Control": "no-store"})

    api.add_api_route("/answers/export", export, methods=["GET"], include_in_schema=False)
