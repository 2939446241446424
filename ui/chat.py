"""The Chat tab: questions streamed into answers with citation chips, the source viewer, ratings.

The conversation lives in two per-session values: ``chat`` (the messages Gradio shows) and
``answers`` (the answer objects, ``Answer.to_json()``, with the signed-in user): a chip carries
"answer index:marker", a rating the message index, and both are resolved against ``answers``.
The fixed texts follow the interface language (``ui.i18n``); switching it redraws the conversation
from ``answers`` (``conversation``).
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

from netlaw.records import Filters
from service.align import aligned
from service.examples import example_questions
from service.export import AnswerArchive, markdown, new_answer_id, plain_text, stamp
from service.library import Library
from service.render import answer_html, article_html, plain_message, quoted_in, sentence_lines
from service.works import mark_in_force
from ui.backends import backend_choices, backend_note, offered_backends
from ui.i18n import Translated, language_code, t
from ui.session import Caller, caller_of, update

log = logging.getLogger(__name__)
# the "Documents in" choices → chunk language (the values; the labels "English", "中文" are accepted too)
LANGUAGES = {"any": None, "en": "en", "zh": "zh", "Any": None, "English": "en", "中文": "zh"}
HISTORY_ANSWERS = 3  # earlier answers the chain sees (to rewrite a follow-up into a standalone question)
Message = dict[str, Any]  # a Gradio chat message: {"role", "content"}
Updates = tuple[list[Message], list[dict], str]  # chat, answers, the question box


@dataclass
class AskOptions:
    """The "Advanced" settings of one question."""

    backend: str
    k: int
    language: str = "any"  # the documents' language
    documents: list[str] | None = None
    ui_language: str = "en"  # the interface's: the fixed texts around the answer

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
        self.backends = offered_backends(settings)
        self.translated = Translated()

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
        record = stamp(record, caller.user, self.service.retriever)  # time, asker, library version: for exports
        record = mark_in_force(record, self.library)  # which cited version is in force, for labels and exports
        answers.append(record)
        self.audit.record(record, caller.user, "ui", time.perf_counter() - started)
        if self.archive is not None:
            self.archive.add(record, caller.user)
        chat[-1] = {"role": "assistant", "content": self.answer_message(record, len(answers) - 1,
                                                                        options.ui_language)}
        yield chat, answers, ""

    def answer_message(self, record: dict, index: int, language: str = "en") -> str:
        return answer_html(record, index, self.copies(record), commentable=True, language=language_code(language))

    def conversation(self, answers: list[dict], language: str = "en") -> list[Message]:
        """The chat drawn again from ``answers`` in the interface ``language`` (the language switch)."""
        chat: list[Message] = []
        for index, record in enumerate(answers or []):
            chat.append({"role": "user", "content": plain_message(record.get("question") or "")})
            chat.append({"role": "assistant", "content": self.answer_message(record, index, language)})
        return chat

    def copies(self, record: dict) -> dict[str, str]:
        """What the answer's copy buttons put on the clipboard: plain text and Markdown, with sources."""
        return {"text": plain_text(record, self.library.describe), "markdown": markdown(record, self.library.describe)}

    @staticmethod
    def export_links(answers: list[dict], language: str = "en") -> str:
        """Download links for the record: the last answer and the whole conversation, as Markdown and
        HTML (served by ``/answers/export``, to the asker only)."""
        ids = [a["id"] for a in answers or [] if a.get("id")]
        if not ids:
            return ""
        links = []
        for what, key, chosen in (("last answer", "last_answer", ids[-1:]), ("conversation", "conversation", ids)):
            for fmt, label in (("md", "Markdown"), ("html", "HTML")):
                query = urlencode({"ids": ",".join(chosen), "format": fmt, "what": key.split("_")[-1]})
                links.append(f'<a class="export-link" data-export="{what}-{fmt}" href="answers/export?{query}" '
                             f'download>{html.escape(t(key, language))} ({label})</a>')
        return f'<div class="export-links">{t("export_for_record", language)} ' + " · ".join(links) + "</div>"

    def open_source(self, target: str, answers: list[dict], language: str = "en") -> str | dict:
        """The source viewer for a chip ("answer index:marker") or a suggestion ("article:<id>");
        an unknown chip changes nothing. The quoted sentences are marked on both language sides."""
        code = language_code(language)
        if (target or "").startswith("article:"):
            found = self.library.article(target[len("article:"):])
            return (article_html(found, [], self.library.parallel_of(found), self.library.versions_of(found), code)
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
            return f"<p>{html.escape(t('article_gone', code))}</p>"
        claims, parallel = cite.get("sentences") or [], cite.get("parallel")
        marked = self.parallel_marks(article["text"], claims, parallel["text"]) if parallel and claims else None
        return article_html(article, claims, parallel, self.library.versions_of(article), code, marked)

    def parallel_marks(self, text: str, claims: list[str], parallel_text: str) -> set[int]:
        """The sentences of the parallel version that translate those ``claims`` quoted in ``text``
        (``service.align``, with the retriever's multilingual model)."""
        used = quoted_in(text, claims)
        if not used:
            return set()
        embedder = getattr(self.service.retriever, "xl_embedder", None)
        embed = embedder.embed_passages if embedder is not None else None
        try:
            return aligned(sentence_lines(text), used, sentence_lines(parallel_text), embed)
        except Exception:  # the model failed: the quoted side is still marked
            log.exception("aligning the parallel version failed")
            return set()

    def rate(self, message_index: int, liked: bool | str | None, answers: list[dict],
             caller: Caller, language: str = "en") -> tuple[int | None, str]:
        """A 👍/👎 on chat message ``message_index`` (each answer is the second of a pair):
        the feedback row and a status line. Rating again updates the same record."""
        answer_index = (int(message_index) - 1) // 2
        if not answers or not 0 <= answer_index < len(answers) or liked in ("", None):
            return None, t("nothing_to_rate", language)
        row = self.feedback.add(answers[answer_index], 1 if liked else -1, user=caller.user)
        return row, t("rated", language, row=row)

    def comment_on(self, payload: str, answers: list[dict], caller: Caller, language: str = "en") -> str:
        """The comment box under an answer (``static/citation-chips.js`` sends JSON ``{"answer": index,
        "text": …}``): the comment joins that answer's feedback record of this user."""
        try:
            sent = json.loads(payload or "")
            index, text = int(sent["answer"]), str(sent.get("text") or "").strip()[:2000]
            answer = answers[index] if index >= 0 else None
        except (ValueError, KeyError, IndexError, TypeError):
            return t("nothing_to_comment", language)
        if not text or answer is None:
            return t("comment_first", language)
        row = self.feedback.comment(answer, text, user=caller.user)
        return t("comment_saved", language, row=row)

    def backend_changed(self, backend: str, language: str = "en") -> dict:
        """The note under the backend choice: what the chosen backend cannot do (hidden for extractive)."""
        note = backend_note(backend, self.settings, language_code(language))
        return update(value=note, visible=bool(note))

    @staticmethod
    def new_conversation() -> tuple[list, list, str, None, str]:
        """Empty chat, answers (the memory follow-ups are read against), viewer and export links;
        no rating pending. The chat's own trash icon does the same."""
        return [], [], "", None, ""

    def examples_html(self, language: str = "en") -> str:
        """The example questions, made from the library as it is now (``service.examples``), as buttons
        that ask them (citation-chips.js); full length at any width (Gradio's examples cut a text at 60 characters)."""
        code = language_code(language)
        buttons = "".join(f'<button type="button" class="example-question" data-question="{html.escape(q)}">'
                          f"{html.escape(q)}</button>" for q in example_questions(self.library.documents(), code))
        return (f'<div class="examples" role="group" aria-label="{html.escape(t("examples", code))}">'
                f'<p class="examples-label">{html.escape(t("examples", code))}</p>'
                f'<div class="example-list">{buttons}</div></div>')

    @staticmethod
    def chat_label_html(language: str = "en") -> str:
        """The chat log's screen-reader label, for locale.js (Gradio writes "chatbot conversation")."""
        return f'<span id="chat-label" data-label="{html.escape(t("chat_label", language))}"></span>'

    # --- Gradio adapters: the request becomes a Caller ----------------------------------
    def _respond_event(self, message: str, chat: list, answers: list, backend: str, k: float, language: str,
                       documents: list[str] | None, ui_language: str, request: gr.Request) -> Iterator[Updates]:
        options = AskOptions(backend, int(k), language, documents, language_code(ui_language))
        yield from self.respond(message, chat, answers, options, caller_of(request, self.users))

    def _like_event(self, data: gr.LikeData, answers: list, ui_language: str,
                    request: gr.Request) -> tuple[int | None, str]:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        return self.rate(int(index), data.liked, answers, caller_of(request, self.users), language_code(ui_language))

    def _comment_event(self, payload: str, answers: list, ui_language: str, request: gr.Request) -> str:
        return self.comment_on(payload, answers, caller_of(request, self.users), language_code(ui_language))

    # --- layout ----------------------------------------------------------------------------
    def build(self, ui_language: Any = None) -> None:
        """The Chat tab's components (inside ``gr.Blocks`` and a ``gr.Tab``), then its events.
        ``ui_language``: the header's language switch (its value is an input of every handler that
        writes text); its texts are registered in ``self.translated``."""
        self.ui_language = ui_language if ui_language is not None else gr.State("English")
        self.answers, self.feedback_row = gr.State([]), gr.State(None)
        tr = self.translated
        with gr.Row(elem_id="chat-row"):
            with gr.Column(scale=3, elem_id="conversation-column"):
                self._build_conversation()
                self._build_advanced()
            with gr.Column(scale=2, elem_classes=["viewer-column"]):
                # the hint hides itself once an article is shown (netlaw.css); on a phone the article
                # opens as a sheet over the chat instead of far below it
                tr.add(gr.Markdown(t("viewer_hint"), elem_id="viewer-hint"), value="viewer_hint")
                self.viewer = gr.HTML(elem_id="viewer")
        self.chip_target = gr.Textbox(elem_id="chip-target", elem_classes=["netlaw-hidden"], show_label=False)
        self.chip_open = gr.Button("open", elem_id="chip-open", elem_classes=["netlaw-hidden"])
        self.comment_target = gr.Textbox(elem_id="comment-target", elem_classes=["netlaw-hidden"], show_label=False)
        self.comment_send = gr.Button("comment", elem_id="comment-open", elem_classes=["netlaw-hidden"])
        self._wire()

    def _build_conversation(self) -> None:
        tr = self.translated
        # no built-in copy button (it copies the message's HTML): each answer has its own Copy buttons
        # no label: Gradio's floats over the chat and covered the first line once it scrolled
        # the chat is as tall as its messages (at least a few lines, at most about half the screen), so the
        # question box and the examples are on the first screen of a laptop and of a phone
        self.chat = tr.add(gr.Chatbot(elem_id="chat", height="auto", min_height=96, max_height="min(560px, 56vh)",
                                      sanitize_html=False, buttons=[], show_label=False,
                                      placeholder=t("chat_placeholder"), feedback_options=("Like", "Dislike")),
                           placeholder="chat_placeholder")
        self.feedback_status = gr.Markdown(elem_id="feedback-status")  # right under the answers it is about
        tr.add(gr.HTML(self.chat_label_html("en"), elem_classes=["netlaw-hidden"]), value=self.chat_label_html)
        # no label shown, but a screen reader names the box by it (Gradio's default: "Textbox")
        self.box = tr.add(gr.Textbox(placeholder=t("question_placeholder"), label=t("question_label"),
                                     show_label=False, elem_id="question", max_lines=6),
                          placeholder="question_placeholder", label="question_label")
        with gr.Row(elem_id="ask-row"):
            self.send = tr.add(gr.Button(t("ask"), variant="primary", elem_id="ask", min_width=80), value="ask")
            self.clear = tr.add(gr.Button(t("new_conversation"), elem_id="new-conversation", min_width=80),
                                value="new_conversation")
        self.examples = tr.add(gr.HTML(self.examples_html("en"), elem_id="examples"), value=self.examples_html)
        self.export_view = gr.HTML(elem_id="export-links")

    def _build_advanced(self) -> None:
        tr = self.translated
        default = self.settings.backend if self.settings.backend in self.backends else self.backends[0]
        with tr.add(gr.Accordion(t("advanced"), open=False, elem_id="advanced"), label="advanced"):
            self.backend = tr.add(gr.Dropdown(backend_choices(self.settings), value=default, label=t("backend"),
                                              elem_id="backend"),
                                  label="backend", choices=lambda code: backend_choices(self.settings, code))
            note = backend_note(default, self.settings)
            self.backend_note = gr.Markdown(note, visible=bool(note), elem_id="backend-note")
            self.k = tr.add(gr.Slider(1, 10, value=self.settings.retrieval_k, step=1, label=t("sources_k")),
                            label="sources_k")
            self.language = tr.add(gr.Radio(self._language_choices("en"), value="any", label=t("documents_in")),
                                   label="documents_in", choices=self._language_choices)
            self.documents = tr.add(gr.Dropdown(self.library.titles(), multiselect=True, label=t("only_documents")),
                                    label="only_documents")

    @staticmethod
    def _language_choices(code: str) -> list[tuple[str, str]]:
        return [(t("any_language", code), "any"), (t("english", code), "en"), (t("chinese", code), "zh")]

    def _wire(self) -> None:
        inputs = [self.box, self.chat, self.answers, self.backend, self.k, self.language, self.documents,
                  self.ui_language]
        outputs = [self.chat, self.answers, self.box]
        links = [self.answers, self.ui_language]
        self.box.submit(self._respond_event, inputs, outputs, api_name="respond").then(
            self.export_links, links, self.export_view, api_visibility="private")
        self.send.click(self._respond_event, inputs, outputs, api_name="ask").then(
            self.export_links, links, self.export_view, api_visibility="private")
        cleared = [self.chat, self.answers, self.viewer, self.feedback_row, self.export_view]
        self.clear.click(self.new_conversation, None, cleared, api_name="new_conversation")
        self.chat.clear(self.new_conversation, None, cleared, api_visibility="private")
        self.chip_open.click(self.open_source, [self.chip_target, self.answers, self.ui_language], self.viewer,
                             api_name="open_source")
        self.chat.like(self._like_event, [self.answers, self.ui_language], [self.feedback_row, self.feedback_status],
                       api_name="rate")
        self.comment_send.click(self._comment_event, [self.comment_target, self.answers, self.ui_language],
                                self.feedback_status, api_name="comment")
        self.backend.change(self.backend_changed, [self.backend, self.ui_language], self.backend_note,
                            api_visibility="private")
