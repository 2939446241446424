"""Netlaw Helpdesk: the Gradio chat and document library, served with FastAPI.

    python app.py [--host 127.0.0.1] [--port 7860] [--backend extractive]
    python app.py hash-password        # reads a password on stdin, prints its hash for NETLAW_USERS

On first start with an empty store the bundled corpus is ingested (with progress), then the
app serves. Binding to anything but localhost requires users (NETLAW_USERS) and a login.
"""


import argparse
import logging
import re
import shutil
import sys
import time
from pathlib import Path

from netlaw import __version__
from netlaw import settings as _settings
from netlaw.text.script import HAN

log = logging.getLogger("netlaw.app")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via")
EXAMPLES = [
    "How long must public account platforms keep records of what users post?",
    "What does Article 12 of the public account regulations say?",
    "公众账号实名认证遵循什么原则？",
    "What are the main objectives of the Eighth Five-Year Plan for online law popularization?",
]
CSS = """
.netlaw-hidden {display: none !important}
.cite-chip {display: inline-block; padding: 0 .35em; margin: 0 .1em; border-radius: .6em; background: #dbeafe;
            color: #1e40af !important; font-size: .85em; text-decoration: none !important; cursor: pointer}
.refusal {border-left: 4px solid #f59e0b; padding-left: .6em}
.notice {background: #fef3c7; padding: .3em .5em; border-radius: .3em; margin-bottom: .4em}
.understood {color: #6b7280; font-size: .85em; margin-bottom: .3em}
.viewer .cols {display: flex; gap: 1em} .viewer .col {flex: 1} .viewer mark {background: #fde68a}
.viewer .meta, .viewer .path {color: #6b7280; font-size: .9em} .viewer .label {font-weight: 600}
"""
# A click on a citation chip fills a hidden textbox with "answer:marker" and presses a hidden button.
HEAD = """<script>
document.addEventListener('click', function (event) {
  const chip = event.target.closest('.cite-chip');
  if (!chip) return;
  event.preventDefault();
  const box = document.querySelector('#chip-target textarea');
  box.value = chip.dataset.answer + ':' + chip.dataset.marker;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(function () { document.querySelector('#chip-open').click(); }, 50);
});
</script>"""


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload directory."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(rf"[^\w.\-{HAN}]+", "_", base).strip("._") or "upload"
    return base[:120]


def proxied(headers) -> bool:
    """The request came through a reverse proxy (it carries forwarding headers)."""
    return any(h in headers for h in PROXY_HEADERS)


def build_ui(service, s: _settings.Settings, users, feedback, audit):
    import gradio as gr

    from qa.backends import available_backends
    from qa.records import Answer
    from service.render import answer_html, article_html
    from vectorstore.hybrid import Filters

    backends = available_backends(s)

    def username(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request else None

    def is_admin(request: gr.Request | None) -> bool:
        headers = getattr(request, "headers", None) or {}
        return users.is_admin(username(request), proxied=proxied(headers))

    def documents_choices():
        return sorted({d["title"] for d in service.retriever.documents()})

    def history_for_chain(answers: list[dict]) -> list[dict]:
        turns = []
        for a in answers[-3:]:
            turns.append({"role": "user", "content": a["question"], "standalone": a.get("standalone_question")})
            turns.append({"role": "assistant", "content": a["answer"], "citations": a.get("citations", [])})
        return turns

    def respond(message, chat, answers, backend, k, language, documents, request: gr.Request):
        chat, answers = list(chat or []), list(answers or [])
        question = message or ""
        chat.append({"role": "user", "content": _plain(question)})
        chat.append({"role": "assistant", "content": "…"})
        yield chat, answers, ""
        filters = Filters(documents=documents or None, language={"English": "en", "中文": "zh"}.get(language))
        text = ""
        answer: Answer | None = None
        for event in service.stream(question, history=history_for_chain(answers), backend=backend,
                                    k=int(k), filters=filters):
            if event["type"] == "token":
                text += event["text"]
                chat[-1] = {"role": "assistant", "content": _plain(text)}
                yield chat, answers, ""
            else:
                answer = event["answer"]
        record = answer.to_json()
        record["user"] = username(request)
        answers.append(record)
        audit.record(record, username(request), "ui", (answer.timings.retrieve_ms + answer.timings.answer_ms) / 1000)
        chat[-1] = {"role": "assistant", "content": answer_html(record, len(answers) - 1)}
        yield chat, answers, ""

    def open_source(target, answers):
        try:
            index, marker = (int(x) for x in (target or "").split(":"))
            record = answers[index]
        except (ValueError, IndexError, TypeError):
            return gr.update()
        cite = next((c for c in record.get("citations", []) if c["marker"] == marker), None)
        if cite is None:
            return gr.update()
        article = service.retriever.article(cite["article_id"])
        if article is None:
            return "<p>This article is no longer in the library.</p>"
        return article_html(article.to_json(), cite.get("sentences"), cite.get("parallel"))

    def on_like(data: gr.LikeData, answers, request: gr.Request):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer_index = (int(index) - 1) // 2
        if not answers or not 0 <= answer_index < len(answers) or data.liked in ("", None):
            return None, "Nothing to rate."
        row = feedback.add(answers[answer_index], 1 if data.liked else -1, user=username(request))
        return row, f"Thanks — feedback #{row} saved. Add a comment below if you like."

    def on_comment(comment, row):
        if not row:
            return "Rate an answer with 👍 or 👎 first."
        feedback.set_comment(int(row), (comment or "")[:2000])
        return f"Comment saved with feedback #{row}."

    def library_table():
        return [[d["title"], d["doc_type"], d["issued"] or d["effective"] or "", d["language"], d["articles"], d["source"]]
                for d in sorted(service.retriever.documents(), key=lambda d: (d["source"], d["title"]))]

    def articles_of(title):
        snap = service.retriever.snapshot()
        ids = [(snap.first_chunk(a).position, a, snap.first_chunk(a).article) for a in snap.articles
               if snap.first_chunk(a).document == title]
        return gr.update(choices=[(label, a) for _, a, label in sorted(ids)], value=None)

    def show_article(article_id):
        hit = service.retriever.article(article_id) if article_id else None
        if hit is None:
            return ""
        parallel = service.retriever.article(hit.parallel_id) if hit.parallel_id else None
        return article_html(hit.to_json(), [], parallel.to_json() if parallel else None)

    def upload(files, replace, request: gr.Request, progress=gr.Progress()):
        if not is_admin(request):
            return "Only an administrator can add documents.", gr.update(), gr.update()
        if not files:
            return "Choose one or more files first.", gr.update(), gr.update()
        progress(0, desc="Checking the files…")
        lines, targets = stage_uploads(files, s, bool(replace))
        if targets:
            from ingest.worker import ingest_in_child

            progress(0.1, desc="Ingesting (other ingests wait their turn)…")
            report = ingest_in_child(targets, s)
            service.retriever.refresh()
            lines += upload_report(report, targets)
        return "\n".join(f"- {line}" for line in lines), library_table(), gr.update(choices=documents_choices())

    def on_load(request: gr.Request):
        admin = is_admin(request)
        who = username(request) or "local user"
        titles = documents_choices()
        return (gr.update(visible=admin), gr.update(visible=admin),
                f"Signed in as **{who}**" + (" (admin)" if admin else ""),
                library_table(), gr.update(choices=titles), gr.update(choices=titles))

    with gr.Blocks(title="Netlaw Helpdesk") as demo:
        answers = gr.State([])
        feedback_row = gr.State(None)
        with gr.Row():
            gr.Markdown("## Netlaw Helpdesk — Chinese internet law, answered with article citations")
            whoami = gr.Markdown(elem_id="whoami")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(elem_id="chat", height=520, sanitize_html=False, buttons=["copy"],
                                      placeholder="Ask about the regulations, plans and white papers in the library.",
                                      feedback_options=("Like", "Dislike"))
                    box = gr.Textbox(placeholder="Ask a question (English or 中文) and press Enter", show_label=False,
                                     elem_id="question", max_lines=6)
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation", elem_id="new-conversation")
                    gr.Examples(EXAMPLES, inputs=[box], label="Examples")
                    with gr.Row():
                        comment = gr.Textbox(placeholder="Optional comment on the answer you rated",
                                             show_label=False, elem_id="feedback-comment", scale=4)
                        send_comment = gr.Button("Send comment", elem_id="send-comment", scale=1)
                    feedback_status = gr.Markdown(elem_id="feedback-status")
                    with gr.Accordion("Advanced", open=False):
                        backend = gr.Dropdown(backends, value=s.backend if s.backend in backends else "extractive",
                                              label="Answer backend", elem_id="backend")
                        k = gr.Slider(1, 10, value=s.retrieval_k, step=1, label="Number of sources")
                        language = gr.Radio(["Any", "English", "中文"], value="Any", label="Documents in")
                        documents = gr.Dropdown(documents_choices(), multiselect=True, label="Only these documents")
                with gr.Column(scale=2):
                    gr.Markdown("### Source viewer\nClick a citation chip such as [1] to read the article.")
                    viewer = gr.HTML(elem_id="viewer")
            chip_target = gr.Textbox(elem_id="chip-target", elem_classes=["netlaw-hidden"], show_label=False)
            chip_open = gr.Button("open", elem_id="chip-open", elem_classes=["netlaw-hidden"])
        with gr.Tab("Library"):
            table = gr.Dataframe(library_table(), headers=["Title", "Type", "Date", "Language", "Articles", "Source"],
                                 interactive=False, elem_id="library", wrap=True)
            with gr.Row():
                doc_pick = gr.Dropdown(documents_choices(), label="Document", elem_id="doc-pick")
                art_pick = gr.Dropdown([], label="Article", elem_id="art-pick")
            lib_view = gr.HTML(elem_id="library-viewer")
            with gr.Group(visible=False) as admin_box:
                gr.Markdown("### Add documents (administrators)")
                files = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                                elem_id="upload")
                replace = gr.Checkbox(False, label="Replace documents uploaded earlier under the same file name",
                                      elem_id="replace")
                ingest_btn = gr.Button("Ingest", elem_id="ingest")
                upload_status = gr.Markdown(elem_id="upload-status")
            with gr.Group(visible=False) as admin_feedback:  # served by /admin/feedback.csv, never a file
                gr.HTML('<a id="download-feedback" href="admin/feedback.csv" download="netlaw-feedback.csv">'
                        'Download feedback (CSV)</a>')

        outputs = [chat, answers, box]
        inputs = [box, chat, answers, backend, k, language, documents]
        box.submit(respond, inputs, outputs)
        send.click(respond, inputs, outputs)
        clear.click(lambda: ([], [], "", None), None, [chat, answers, viewer, feedback_row])
        chip_open.click(open_source, [chip_target, answers], viewer)
        chat.like(on_like, [answers], [feedback_row, feedback_status])
        send_comment.click(on_comment, [comment, feedback_row], feedback_status)
        doc_pick.change(articles_of, doc_pick, art_pick)
        art_pick.change(show_article, art_pick, lib_view)
        ingest_btn.click(upload, [files, replace], [upload_status, table, doc_pick])
        demo.load(on_load, None, [admin_box, admin_feedback, whoami, table, doc_pick, documents])
    demo.queue(default_concurrency_limit=s.ui_concurrency, max_size=s.queue_size)
    return demo


def stage_uploads(files, s: _settings.Settings, replace: bool) -> tuple[list[str], list[Path]]:
    """Copy uploads into the upload folder, the source a rebuild reads. A name already there is
    refused unless ``replace`` (identical content is fine: the ingest reports it unchanged); a
    replaced file is kept as ``.<name>.previous`` until its replacement is ingested."""
    s.upload_dir.mkdir(parents=True, exist_ok=True)
    root = s.upload_dir.resolve()
    lines, targets = [], []
    for f in files:
        src = Path(f if isinstance(f, (str, Path)) else f.name)
        target = (root / safe_upload_name(getattr(f, "orig_name", None) or src.name)).resolve()
        if root not in target.parents:
            lines.append(f"{src.name}: invalid file name")
        elif src.stat().st_size > s.max_file_mb * 1e6:
            lines.append(f"{target.name}: larger than {s.max_file_mb:.0f} MB")
        elif target.exists() and not replace and target.read_bytes() != src.read_bytes():
            lines.append(f"{target.name}: a different file was already uploaded under this name; rename it, "
                         f"or tick 'Replace' to replace that document")
        else:
            if target.exists():
                shutil.copyfile(target, _previous(target))
            shutil.copyfile(src, target)
            targets.append(target)
    return lines, targets


def _previous(target: Path) -> Path:
    return target.with_name(f".{target.name}.previous")


def upload_report(report: dict, targets: list[Path]) -> list[str]:
    """Lines for the upload status; files that were not ingested leave the upload folder (a
    replaced file comes back)."""
    if "error" in report:
        failed = [(str(t), report["error"]) for t in targets]
        lines = [f"Nothing was ingested: {report['error']}"]
    else:
        failed = report["skipped"]
        lines = [f"Ingested {len(report['ingested'])} file(s): {report['documents']} documents, "
                 f"{report['articles']} articles ({len(report['unchanged'])} unchanged)."]
        lines += [f"{Path(p).name}: {reason}" for p, reason in failed]
    failed_paths = {Path(p).resolve() for p, _ in failed}
    for target in targets:
        previous = _previous(target)
        if target in failed_paths:
            target.unlink(missing_ok=True)
            if previous.exists():
                previous.replace(target)
        previous.unlink(missing_ok=True)
    return lines


def gradio_user(api, request) -> str | None:
    """The user signed in to the mounted Gradio app (its session cookie), or None."""
    for route in api.routes:
        sub = getattr(route, "app", None)
        if hasattr(sub, "tokens") and hasattr(sub, "cookie_id"):
            token = (request.cookies.get(f"access-token-{sub.cookie_id}")
                     or request.cookies.get(f"access-token-unsecure-{sub.cookie_id}"))
            return sub.tokens.get(token) if token else None
    return None


def add_admin_routes(api, users, feedback) -> None:
    """Administrators' downloads, built per request and never written to a shared temp folder."""
    from fastapi import HTTPException, Request
    from fastapi.responses import Response

    @api.get("/admin/feedback.csv", include_in_schema=False)
    def feedback_csv(request: Request):
        if not users.is_admin(gradio_user(api, request), proxied=proxied(request.headers)):
            raise HTTPException(403, "only an administrator can download feedback")
        return Response(feedback.to_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="netlaw-feedback.csv"',
                                 "Cache-Control": "no-store"})


def _plain(text: str) -> str:
    from service.render import plain_message

    return plain_message(text)


def create_app(s: _settings.Settings):
    """FastAPI app with the Gradio UI mounted at / (the REST API shares the process)."""
    import gradio as gr
    from fastapi import FastAPI

    from qa.chain import AnswerService
    from service.api import build_api
    from service.audit import AuditLog
    from service.feedback import FeedbackStore
    from service.users import ClientAddress, Users

    service = AnswerService(s)
    users = Users(s.users, s.admins, s.local_admin, s.login_max_failures, s.login_window_s)
    feedback = FeedbackStore(s.feedback_db)
    audit = AuditLog(s.audit_dir, s.audit_max_bytes)
    demo = build_ui(service, s, users, feedback, audit)
    api = FastAPI(title="Netlaw Helpdesk", version=__version__,
                  description="Answers about Chinese internet law with article citations.")
    api.state.service, api.state.users, api.state.feedback, api.state.audit = service, users, feedback, audit
    build_api(api, service, feedback, audit, s)
    add_admin_routes(api, users, feedback)
    api.add_middleware(ClientAddress)
    return gr.mount_gradio_app(api, demo, path="", auth=users.authenticate if users.enabled else None,
                               auth_message="Netlaw Helpdesk — sign in", ssr_mode=False, css=CSS, head=HEAD,
                               max_file_size=f"{int(s.max_file_mb)}mb", show_error=True)


def ensure_store(s: _settings.Settings) -> None:
    """First start (or a lost store): ingest the bundled corpus and the uploaded files, with
    progress, before serving."""
    from vectorstore.chroma import ChunkStore

    if ChunkStore(s).count() == 0:
        from ingest.pipeline import default_sources, run_ingest

        sources = default_sources(s)
        print(f"The store is empty: ingesting {' and '.join(map(str, sources))} first…", flush=True)
        report = run_ingest(sources, s, progress=True)
        print(report.summary(), flush=True)


def serve(args) -> int:
    import uvicorn

    updates = {k: v for k, v in {"host": args.host, "port": args.port, "backend": args.backend}.items() if v}
    s = _settings.get_settings().model_copy(update=updates)
    from service.users import Users

    if s.host not in LOOPBACK and not Users(s.users, s.admins).enabled:
        print(f"error: serving on {s.host} (beyond localhost) needs a login. Set NETLAW_USERS "
              f"(hashes from: python app.py hash-password) and NETLAW_ADMINS.", file=sys.stderr)
        return 2
    from vectorstore.chroma import StoreError

    started = time.perf_counter()
    try:
        ensure_store(s)
        app = create_app(s)
        app.state.service.retriever.snapshot()
        app.state.service.retriever.embedder.preload()  # the model loads while the first page is served
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Netlaw Helpdesk ready in {time.perf_counter() - started:.1f}s: http://{s.host}:{s.port}", flush=True)
    # open streams (SSE, Gradio's heartbeat) do not keep a stopping server alive past 5 s
    uvicorn.run(app, host=s.host, port=s.port, log_level="warning", timeout_graceful_shutdown=5)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python app.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", choices=["serve", "hash-password", "hash-key"], default="serve",
                        help="serve (default); hash-password / hash-key read a secret on stdin and print its hash")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; others need NETLAW_USERS)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--backend", choices=["extractive", "local", "openai"], help="default answer backend")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "hash-key":
        from service.api import hash_key

        key = sys.stdin.readline().strip()
        if not key:
            print("error: give the API key on standard input", file=sys.stderr)
            return 2
        print(hash_key(key))
        return 0
    if args.command == "hash-password":
        from service.users import hash_password

        password = sys.stdin.readline().rstrip("\n")
        if not password:
            print("error: give the password on standard input", file=sys.stderr)
            return 2
        print(hash_password(password))
        return 0
    return serve(args)


if __name__ == "__main__":
    raise SystemExit(main())
