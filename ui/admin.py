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
        """Add ``files`` to the library: the status (Markdown), the library table and the document
        picker, both re-read (unchanged when nothing was ingested)."""
        if not caller.admin:
            return "Only an administrator can add documents.", update(), update()
        if not files:
            return "Choose one or more files first.", update(), update()
        result = ingest_uploads(files, self.settings, self.service.retriever, bool(replace), progress)
        return result.markdown(), self.library.table(), update(choices=self.library.library.titles())

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


def add_admin_routes(api: FastAPI, users: Users, feedback: Any) -> None:
    """Administrators' downloads, built per request and never written to a shared temp folder."""
    api.add_api_route("/admin/feedback.csv", feedback_csv_route(api, users, feedback), methods=["GET"],
                      include_in_schema=False)


def feedback_csv_route(api: FastAPI, users: Users, feedback: Any) -> Callable[[Request], Response]:
    def feedback_csv(request: Request) -> Response:
        if not users.is_admin(gradio_user(api, request), proxied=proxied(request.headers)):
            raise HTTPException(403, "only an administrator can download feedback")
        return Response(feedback.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="netlaw-feedback.csv"',
                                 "Cache-Control": "no-store"})

    return feedback_csv
