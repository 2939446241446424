"""The Chat tab: questions streamed into answers with citation chips, the source viewer, ratings.

The conversation lives in two per-session values: ``chat`` (the messages Gradio shows) and
``answers`` (the answer objects, ``Answer.to_json()``, with the signed-in user): a chip carries
"answer index:marker", a rating the message index, and both are resolved against ``answers``.
"""

from __future__ import annotations

import html
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import gradio as gr

from qa.backends import available_backends
from service.export import AnswerArchive, markdown, new_answer_id, plain_text
from service.library import Library
from service.render import answer_html, article_html, plain_message
from ui.session import Caller, caller_of, update
from vectorstore.hybrid import Filters

log = logging.getLogger(__name__)
EXAMPLES = [
    "How long must public account platforms keep records of what users post?",
    "What does Article 12 of the public account regulations say?",
    "公众账号实名认证遵循什么原则？",
    "What are the main objectives of the Eighth Five-Year Plan for online law popularization?",
]
LANGUAGES = {"Any": None, "English": "en", "中文": "zh"}  # the "Documents in" choices → chunk language
HISTORY_ANSWERS = 3  # earlier answers the chain sees (to rewrite a follow-up into a standalone question)
Message = dict[str, Any]  # a Gradio chat message: {"role", "content"}
Updates = tuple[list[Message], list[dict], str]  # chat, answers, the question box


@dataclass
class AskOptions:
    """The "Advanced" settings of one question."""

    backend: str
    k: int
    language: str = "Any"
    documents: list[str] | None = None

    def filters(self) -> Filters:
        return Filters(documents=self.documents or None, language=LANGUAGES.get(self.language))


def history_for_chain(answers: list[dict]) -> list[dict]:
    """The last answers as conversation turns in the chain's JSON shape."""
    turns = []
    for a in answers[-HISTORY_ANSWERS:]:
        turns.append({"role": "user", "content": a["question"], "standalone": a.get("standalone_question")})
        turns.append({"role": "assistant", "content": a["answer"], "citations": a.get("citations", [])})
    return turns


class ChatPage:
    def __init__(self, service: Any, settings: Any, users: Any, feedback: Any, audit: Any,
                 archive: AnswerArchive | None = None):
        self.service, self.settings, self.users = service, settings, users
        self.feedback, self.audit, self.archive = feedback, audit, archive
        self.library = Library(service.retriever)
        self.backends = available_backends(settings)

    # --- handlers: plain arguments in, plain values out ---------------------------------
    def respond(self, question: str, chat: list[Message], answers: list[dict], options: AskOptions,
                caller: Caller) -> Iterator[Updates]:
        """Stream the answer into the chat: the question at once, then tokens, then the final
        answer with chips. The audit log gets the wall time from question to answer."""
        chat, answers, question = list(chat or []), list(answers or []), question or ""
        chat += [{"role": "user", "content": plain_message(question)}, {"role": "assistant", "content": "…"}]
        yield chat, answers, ""
        started = time.perf_counter()
        text, answer = "", None
        for event in self.service.stream(question, history=history_for_chain(answers), backend=options.backend,
                                         k=int(options.k), filters=options.filters()):
            if event["type"] == "token":
                text += event["text"]
                chat[-1] = {"role": "assistant", "content": plain_message(text)}
                yield chat, answers, ""
            else:
                answer = event["answer"]
        if answer is None:
            raise RuntimeError("the answer stream ended without an answer")
        record = answer.to_json() | {"user": caller.user}
        record["id"] = record.get("id") or new_answer_id()
        answers.append(record)
        self.audit.record(record, caller.user, "ui", time.perf_counter() - started)
        if self.archive is not None:
            self.archive.add(record, caller.user)
        chat[-1] = {"role": "assistant",
                    "content": answer_html(record, len(answers) - 1, self.copies(record), commentable=True)}
        yield chat, answers, ""

    def copies(self, record: dict) -> dict[str, str]:
        """What the answer's copy buttons put on the clipboard: plain text and Markdown, with sources."""
        return {"text": plain_text(record, self.library.describe), "markdown": markdown(record, self.library.describe)}

    @staticmethod
    def export_links(answers: list[dict]) -> str:
        """Download links for the record: the last answer and the whole conversation, as Markdown and
        HTML (served by ``/answers/export``, to the asker only)."""
        ids = [a["id"] for a in answers or [] if a.get("id")]
        if not ids:
            return ""
        links = []
        for what, chosen in (("last answer", ids[-1:]), ("conversation", ids)):
            for fmt, label in (("md", "Markdown"), ("html", "HTML")):
                query = urlencode({"ids": ",".join(chosen), "format": fmt})
                links.append(f'<a class="export-link" data-export="{what}-{fmt}" href="answers/export?{query}" '
                             f'download>{html.escape(what.capitalize())} ({label})</a>')
        return '<div class="export-links">Export for the record: ' + " · ".join(links) + "</div>"

    def open_source(self, target: str, answers: list[dict]) -> str | dict:
        """The source viewer for a chip ("answer index:marker") or a suggestion ("article:<id>");
        an unknown chip changes nothing."""
        if (target or "").startswith("article:"):
            found = self.library.article(target[len("article:"):])
            return (article_html(found, [], self.library.parallel_of(found), self.library.versions_of(found))
                    if found else update())
        try:
            index, marker = (int(x) for x in (target or "").split(":"))
            record = answers[index]
        except (ValueError, IndexError, TypeError):
            return update()
        cite = next((c for c in record.get("citations", []) if c["marker"] == marker), None)
        if cite is None:
            return update()
        article = self.library.article(cite["article_id"])
        if article is None:
            return "<p>This article is no longer in the library.</p>"
        return article_html(article, cite.get("sentences"), cite.get("parallel"), self.library.versions_of(article))

    def rate(self, message_index: int, liked: bool | str | None, answers: list[dict],
             caller: Caller) -> tuple[int | None, str]:
        """A 👍/👎 on chat message ``message_index`` (each answer is the second of a pair):
        the feedback row and a status line. Rating again updates the same record."""
        answer_index = (int(message_index) - 1) // 2
        if not answers or not 0 <= answer_index < len(answers) or liked in ("", None):
            return None, "Nothing to rate."
        row = self.feedback.add(answers[answer_index], 1 if liked else -1, user=caller.user)
        return row, f"Thanks — feedback #{row} saved. You can add a comment in the box under the answer."

    def comment_on(self, payload: str, answers: list[dict], caller: Caller) -> str:
        """The comment box under an answer (``static/citation-chips.js`` sends JSON ``{"answer": index,
        "text": …}``): the comment joins that answer's feedback record of this user."""
        try:
            sent = json.loads(payload or "")
            index, text = int(sent["answer"]), str(sent.get("text") or "").strip()[:2000]
            answer = answers[index] if index >= 0 else None
        except (ValueError, KeyError, IndexError, TypeError):
            return "Nothing to comment on."
        if not text or answer is None:
            return "Write a comment in the box under the answer first."
        row = self.feedback.comment(answer, text, user=caller.user)
        return f"Comment saved with feedback #{row}."

    @staticmethod
    def new_conversation() -> tuple[list, list, str, None, str]:
        """Empty chat, answers (the memory follow-ups are read against), viewer and export links;
        no rating pending. The chat's own trash icon does the same."""
        return [], [], "", None, ""

    @staticmethod
    def example_question(sample: list[str] | str) -> str:
        """The question of a clicked example (the Dataset gives the sample's values)."""
        return sample[0] if isinstance(sample, list) else str(sample)

    # --- Gradio adapters: the request becomes a Caller ----------------------------------
    def _respond_event(self, message: str, chat: list, answers: list, backend: str, k: float, language: str,
                       documents: list[str] | None, request: gr.Request) -> Iterator[Updates]:
        options = AskOptions(backend, int(k), language, documents)
        yield from self.respond(message, chat, answers, options, caller_of(request, self.users))

    def _like_event(self, data: gr.LikeData, answers: list, request: gr.Request) -> tuple[int | None, str]:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        return self.rate(int(index), data.liked, answers, caller_of(request, self.users))

    def _comment_event(self, payload: str, answers: list, request: gr.Request) -> str:
        return self.comment_on(payload, answers, caller_of(request, self.users))

    # --- layout ----------------------------------------------------------------------------
    def build(self) -> None:
        """The Chat tab's components (inside ``gr.Blocks`` and a ``gr.Tab``), then its events."""
        self.answers, self.feedback_row = gr.State([]), gr.State(None)
        with gr.Row():
            with gr.Column(scale=3):
                self._build_conversation()
                self._build_advanced()
            with gr.Column(scale=2, elem_classes=["viewer-column"]):
                # the hint hides itself once an article is shown (netlaw.css); on a phone the article
                # opens as a sheet over the chat instead of far below it
                gr.Markdown("### Source viewer\nClick a citation chip such as [1] to read the article.",
                            elem_id="viewer-hint")
                self.viewer = gr.HTML(elem_id="viewer")
        self.chip_target = gr.Textbox(elem_id="chip-target", elem_classes=["netlaw-hidden"], show_label=False)
        self.chip_open = gr.Button("open", elem_id="chip-open", elem_classes=["netlaw-hidden"])
        self.comment_target = gr.Textbox(elem_id="comment-target", elem_classes=["netlaw-hidden"], show_label=False)
        self.comment_send = gr.Button("comment", elem_id="comment-open", elem_classes=["netlaw-hidden"])
        self._wire()

    def _build_conversation(self) -> None:
        # no built-in copy button (it copies the message's HTML): each answer has its own Copy buttons
        # no label: Gradio's floats over the chat and covered the first line once it scrolled
        self.chat = gr.Chatbot(elem_id="chat", height=520, sanitize_html=False, buttons=[], show_label=False,
                               placeholder="Ask about the regulations, plans and white papers in the library.",
                               feedback_options=("Like", "Dislike"))
        self.feedback_status = gr.Markdown(elem_id="feedback-status")  # right under the answers it is about
        self.box = gr.Textbox(placeholder="Ask a question (English or 中文) and press Enter", show_label=False,
                              elem_id="question", max_lines=6)
        with gr.Row():
            self.send = gr.Button("Ask", variant="primary", elem_id="ask")
            self.clear = gr.Button("New conversation", elem_id="new-conversation")
        self.export_view = gr.HTML(elem_id="export-links")
        self.examples = gr.Dataset(components=[self.box], samples=[[e] for e in EXAMPLES], label="Examples",
                                   elem_id="examples")

    def _build_advanced(self) -> None:
        default = self.settings.backend if self.settings.backend in self.backends else self.backends[0]
        with gr.Accordion("Advanced", open=False):
            self.backend = gr.Dropdown(self.backends, value=default, label="Answer backend", elem_id="backend")
            self.k = gr.Slider(1, 10, value=self.settings.retrieval_k, step=1, label="Number of sources")
            self.language = gr.Radio(list(LANGUAGES), value="Any", label="Documents in")
            self.documents = gr.Dropdown(self.library.titles(), multiselect=True, label="Only these documents")

    def _wire(self) -> None:
        inputs = [self.box, self.chat, self.answers, self.backend, self.k, self.language, self.documents]
        outputs = [self.chat, self.answers, self.box]
        self.box.submit(self._respond_event, inputs, outputs, api_name="respond").then(
            self.export_links, self.answers, self.export_view, api_visibility="private")
        self.send.click(self._respond_event, inputs, outputs, api_name="ask").then(
            self.export_links, self.answers, self.export_view, api_visibility="private")
        self.examples.click(self.example_question, self.examples, self.box, api_visibility="private").then(
            self._respond_event, inputs, outputs, api_visibility="private").then(
            self.export_links, self.answers, self.export_view, api_visibility="private")
        cleared = [self.chat, self.answers, self.viewer, self.feedback_row, self.export_view]
        self.clear.click(self.new_conversation, None, cleared, api_name="new_conversation")
        self.chat.clear(self.new_conversation, None, cleared, api_visibility="private")
        self.chip_open.click(self.open_source, [self.chip_target, self.answers], self.viewer, api_name="open_source")
        self.chat.like(self._like_event, [self.answers], [self.feedback_row, self.feedback_status], api_name="rate")
        self.comment_send.click(self._comment_event, [self.comment_target, self.answers], self.feedback_status,
                                api_name="comment")
