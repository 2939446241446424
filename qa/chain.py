"""The answering chain, in one place: question (+ history) → cited answer.

    validate ─┬─ invalid (empty, too long) ──────────────────────────────→ refusal
              └─ rewrite → focus → analyse → retrieve → gate → answer ──→ Answer

One typed record, ``AskState``, goes through the steps; each step is a method that fills its part
of it. ``AnswerService.chain`` composes the steps as LangChain runnables (a ``RunnableBranch``
sends an invalid question straight to its refusal). ``ask`` runs the chain; ``stream`` runs the
same chain and yields the backend's tokens as they come, then the Answer. A generative backend
that fails (down, slow, empty, or nothing it said is supported) is replaced by the extractive
answer with a visible notice, never an error.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda

from netlaw import settings as _settings
from netlaw.records import ArticleHit, Filters
from netlaw.text.references import article_labels_in, structure_refs_in
from netlaw.text.script import is_zh
from qa.backends import BACKENDS, Backend, BackendError, make_backend
from qa.catalogue import catalogue_answer, documents_on, library_topic
from qa.documents import (
    PRIMARY_TYPES,
    asks_requirement,
    document_hits,
    named_documents,
    version_hits,
    without_preamble,
    work_versions,
)
from qa.messages import MESSAGES, in_order_of_appearance
from qa.names import without_names
from qa.ranking.features import RankContext
from qa.ranking.ranker import RANKERS, Answerability, Ranker
from qa.reading.gate import REFUSAL, GateDecision, looks_like_injection
from qa.reading.reader import GeneralReader, Reader, Reading
from qa.records import (
    Answer,
    RetrievalPlan,
    Source,
    Suggestion,
    Turn,
    as_turns,
)
from qa.rewrite import conversation_focus, is_follow_up, model_rewrite, rule_rewrite
from qa.sources import build_sources
from qa.state import AskState, TokenSink
from qa.verify import CitationChecker, Verified
from qa.versions import asked_as_of, resolve, without_days
from vectorstore.hybrid import HybridRetriever

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _reason(exc: Exception) -> str:
    """What went wrong, for the log: our own BackendError messages, otherwise only the kind of error
    (a message may carry a server's address or a request)."""
    return str(exc) if isinstance(exc, BackendError) else type(exc).__name__


class AnswerService:
    """Holds the retriever, the citation checker and the backends (each loaded once)."""

    def __init__(self, s: _settings.Settings | None = None, retriever: HybridRetriever | None = None,
                 backends: Mapping[str, Backend] | None = None, reader: Reader | None = None):
        """``backends``: backends built elsewhere, by name (a shared model, a test double); the others
        are built from the registry when first asked for. ``reader``: what analyses the question,
        gates, reads the sources and says whether they answer, for every backend (default: the
        general reader, ``qa.reading``)."""
        self.settings = s or _settings.get_settings()
        self.retriever = retriever or HybridRetriever(self.settings)
        self.checker = CitationChecker(self.settings, self.retriever.embedder)
        self.reader: Reader = reader or GeneralReader(self.settings, self.retriever)
        self.ranker: Ranker = RANKERS[self.settings.ranker](self.retriever, path=self.settings.ranking_weights)
        self.in_order: Ranker = RANKERS["retrieval"](self.retriever)
        self.answerability = (Answerability(path=self.settings.ranking_weights)
                              if self.settings.answerability == "learned" else None)
        self._backends: dict[str, Backend] = dict(backends or {})
        self._lock = threading.Lock()
        steps: Runnable[AskState, AskState] = (
            RunnableLambda(self._rewrite) | RunnableLambda(self._focus) | RunnableLambda(self._analyse)
            | RunnableLambda(self._retrieve) | RunnableLambda(self._gate)
        )
        self.chain: Runnable[AskState, Answer] = RunnableLambda(self._validate) | RunnableBranch(
            (lambda state: state.problem is not None, RunnableLambda(self._invalid)),
            steps | RunnableLambda(self._answer),
        )

    def backend(self, name: str) -> Backend:
        if name not in BACKENDS:
            raise ValueError(f"unknown backend '{name}' (choose from {', '.join(BACKENDS)})")
        with self._lock:
            if name not in self._backends:
                try:
                    self._backends[name] = make_backend(name, self.settings, self.retriever)
                except BackendError:
                    raise
                except Exception as exc:  # e.g. the model file or package is missing
                    raise BackendError(f"the {name} backend cannot start ({exc})") from exc
            return self._backends[name]

    # --- public -------------------------------------------------------------------------
    def ask(self, question: str, history: Iterable[Turn | Mapping[str, Any]] | None = None,
            backend: str | None = None, k: int | None = None, filters: Filters | None = None,
            id: str | None = None, on_token: TokenSink | None = None) -> Answer:
        """Answer one question; ``history``: the conversation so far, as ``Turn`` records or their JSON shape."""
        state = AskState(question=question, history=as_turns(history), backend=backend or self.settings.backend,
                         k=k or self.settings.retrieval_k, filters=filters, id=id, on_token=on_token)
        return self.chain.invoke(state)

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None,
                 history: Iterable[Turn | Mapping[str, Any]] | None = None) -> list[ArticleHit]:
        """The articles the chain would answer from, without answering: the same steps up to retrieval
        (rewrite, the conversation's and the named documents, versions). For benchmarks and evaluation."""
        state = self.until_retrieval(question, k, filters, history)
        return [] if state.problem else state.hits

    def until_retrieval(self, question: str, k: int | None = None, filters: Filters | None = None,
                        history: Iterable[Turn | Mapping[str, Any]] | None = None) -> AskState:
        """The question's state after retrieval and ranking (its plan, candidates, features): for the fit."""
        state = AskState(question=question, history=as_turns(history), backend=self.settings.backend,
                         k=k or self.settings.retrieval_k, filters=filters)
        for step in (self._validate, self._rewrite, self._focus, self._analyse, self._retrieve):
            state = step(state)
            if state.problem:
                break
        return state

    def stream(self, question: str, **kwargs: Any) -> Iterator[dict]:
        """{"type": "token", "text"} events while the answer is written, then {"type": "answer", "answer"}."""
        events: queue.Queue[dict | None] = queue.Queue()
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["answer"] = self.ask(question, on_token=lambda t: events.put({"type": "token", "text": t}),
                                            **kwargs)
            except BaseException as exc:  # re-raised in the caller's thread
                result["error"] = exc
            events.put(None)

        threading.Thread(target=run, name="answer", daemon=True).start()
        while (event := events.get()) is not None:
            yield event
        if "error" in result:
            raise result["error"]
        yield {"type": "answer", "answer": result["answer"]}

    # --- steps --------------------------------------------------------------------------
    def _validate(self, state: AskState) -> AskState:
        state.question = question = _CONTROL.sub(" ", state.question or "").strip()
        state.language = "zh" if is_zh(question) else "en"
        state.standalone = question
        limit = self.settings.max_question_chars
        if not question:
            state.problem = MESSAGES["empty"][state.language]
        elif len(question) > limit:
            state.problem = MESSAGES["too_long"][state.language].format(n=len(question), limit=limit)
        return state

    def _rewrite(self, state: AskState) -> AskState:
        """A follow-up becomes a question that stands alone (the model's rewrite, else the rule's)."""
        if self.settings.llm_rewrite and state.history:
            try:
                chat_model = self.backend(state.backend).chat_model
                if chat_model is not None:
                    state.standalone = model_rewrite(state.question, state.history, chat_model)
                    return state
            except Exception as exc:  # the backend cannot start: the rule still works
                log.warning("no model to rewrite a follow-up with (%s): the rule's rewrite is used", _reason(exc))
        state.standalone = rule_rewrite(state.question, state.history)
        return state

    def _focus(self, state: AskState) -> AskState:
        """A follow-up's documents (the conversation's subject); none for a question that stands alone."""
        if is_follow_up(state.question, state.history):
            state.focus = conversation_focus(state.history, self.retriever.documents())
        return state

    def _analyse(self, state: AskState) -> AskState:
        """The asked kind (from the question as asked) and the focus (from its standalone form)."""
        standalone = state.standalone
        # "deputy directer" is read as the retriever reads it
        if state.language == "en" and self.settings.spelling_correction:
            try:
                standalone = self.retriever.snapshot().spelling.correct(standalone)
            except Exception:  # an empty store: nothing to correct with
                pass
        q = self.reader.analyse(standalone)
        if state.standalone != state.question:
            asked = self.reader.analyse(state.question)
            if asked.kind != "other":
                q.kind, q.money, q.sides = asked.kind, asked.money, asked.sides or q.sides
            own = set(asked.focus)
            if own & set(q.focus):
                q.carried = set(q.focus) - own
            q.asked = state.question
        state.analysis = q
        return state

    def _retrieve(self, state: AskState) -> AskState:
        started = time.perf_counter()
        library = self.retriever.documents()
        s = self.settings
        state.named = named_documents(state.standalone, library, s.named_document_min, self.retriever.name_vectors,
                                      s.named_similarity_min, s.named_similarity_margin)
        # a comparison reads each side's documents itself: one named side must not crowd out the other
        named = [] if self._compares(state) else state.named
        focus = [d.doc_id for d in state.focus] or named
        if state.analysis is not None and state.named:
            state.analysis.named = {d["title"] for d in library if d["doc_id"] in state.named}
        subject = [d.doc_id for d in state.focus] or state.named
        versions = work_versions(library, subject)
        version_asked = asked_as_of(state.question) if versions else None
        day = resolve(version_asked, versions) if version_asked else None
        if day:  # "2020年版…", "before the 2024 amendment": the version in force on that day answers
            state.filters = replace(state.filters or Filters(), as_of=day)
            if state.analysis is not None:  # the year named the version: not a year the answer must state
                state.analysis.text = without_days(state.analysis.text)
        state.plan = RetrievalPlan(
            focus=focus, focus_weight=None if state.focus else s.named_document_weight,
            first=named if not state.focus else [], as_of=day,
            prefer=list(PRIMARY_TYPES) if not named and asks_requirement(state.standalone) else [])
        # a follow-up's own words rank its subject's articles; a named document's are ranked without its name
        asked = state.question if state.focus else without_names(state.standalone, [
            d for d in library if d["doc_id"] in named]) if named else None
        state.plan.asked = asked
        depth = state.k if s.ranker == "retrieval" else max(state.k, s.rank_candidates)  # the fusion's own top k
        candidates = self.retriever.search(state.standalone, k=depth, filters=state.filters, **state.plan.search_args())
        hits = self._rank(state, candidates)
        q = state.analysis
        if q is not None and q.kind in ("summary", "comparison") and not looks_like_injection(state.question):
            hits = document_hits(self.retriever, q, hits) or hits
        if q is not None:
            as_of = state.filters.as_of if state.filters else None
            changed = version_hits(self.retriever, library, subject, state.question, as_of, hits)
            if changed:  # "what changed about X", "旧法第九条现在是第几条？": both texts' articles, each in its version
                hits, q.kind = changed, "changes"
            else:  # a work's history lines (its preamble) answer no question
                hits = without_preamble(library, hits)
        state.hits, state.retrieve_ms = hits, (time.perf_counter() - started) * 1000
        return state

    def _rank(self, state: AskState, candidates: list[ArticleHit]) -> list[ArticleHit]:
        """The ranker's order of the retrieval's candidates; the chain answers from its first k."""
        q = state.analysis
        context = RankContext(
            question=state.standalone, kind=q.kind if q else "other", money=bool(q and q.money),
            wants_span=bool(q and q.wants_span), requirement=asks_requirement(state.standalone),
            named=frozenset(state.named), focus=frozenset(d.doc_id for d in state.focus))
        explicit = article_labels_in(state.standalone) or structure_refs_in(state.standalone)  # a reference stands
        state.ranked = (self.in_order if explicit else self.ranker).run(context, candidates)
        hits = state.ranked.hits[: state.k]
        for rank, hit in enumerate(hits, start=1):
            hit.rank = rank
        return hits

    @staticmethod
    def _compares(state: AskState) -> bool:
        """A comparison reads each side's documents itself (``qa.documents.document_hits``)."""
        return state.analysis is not None and state.analysis.kind == "comparison"

    def _gate(self, state: AskState) -> AskState:
        state.gate = self.reader.gate(state.standalone, state.hits, frozenset(state.named))
        return state

    def _invalid(self, state: AskState) -> Answer:
        """An empty or too long question: its problem is the reply."""
        answer = state.new_answer()
        answer.refused, answer.answer, answer.refusal_reason = True, state.problem or "", "invalid question"
        state.emit(answer.answer)
        return answer

    def _answer(self, state: AskState) -> Answer:
        """Read the sources; refuse, or write the answer with the backend and check its citations."""
        if state.analysis is not None and state.analysis.kind == "library":
            return self._catalogue(state)
        answer = state.new_answer()
        started = time.perf_counter()
        sources, reading = self._read(state)
        if reading is None or reading.support == "none":
            return self._refuse(state, answer, reading)
        self._write(state, answer, sources, reading)
        answer.timings.answer_ms = round((time.perf_counter() - started) * 1000, 1)
        return answer

    # --- parts of the answer step ------------------------------------------------------------
    def _catalogue(self, state: AskState) -> Answer:
        """A question about the library itself ("Which documents are in the library?", "你们有哪些法规？"):
        answered from the library's own metadata, the documents on the question's topic (ranked by the
        retrieved articles) or all of them; no citations, a list of documents."""
        answer = state.new_answer()
        documents = self.retriever.documents()
        written, topic = library_topic(state.question, state.analysis.focus if state.analysis else [])
        on_topic = documents_on(topic, [h.document for h in state.hits],
                                {h.document: h.text for h in reversed(state.hits)}, documents) if topic else None
        answer.answer = catalogue_answer(documents, on_topic, written, state.language)
        answer.support = "direct"
        state.emit(answer.answer)
        return answer

    def _read(self, state: AskState) -> tuple[list[Source], Reading | None]:
        """The numbered sources and the reader's finding in them; no finding when the gate refuses
        for good (nothing retrieved, an injection) or the reader does not overturn its refusal."""
        gate = state.gate or GateDecision(True, "not gated")
        if gate.refused and (not state.hits or looks_like_injection(state.question)):
            return [], None
        sources = build_sources(state.hits, state.language, self.retriever.article)
        if not sources:
            return sources, None
        reading = self.reader.read(state.standalone, sources, state.analysis)
        if self.answerability is not None and state.answered_by_ranking():
            return sources, self.answerability.decide(state, sources, reading, self.reader)
        if gate.refused and not self.reader.answers(state.analysis, reading, gate):
            return sources, None  # the gate's refusal stands: the reader's finding does not overturn it
        return sources, reading

    def _refuse(self, state: AskState, answer: Answer, reading: Reading | None) -> Answer:
        language = state.language
        answer.refused, answer.support = True, "none"
        if reading is not None:  # near-topic: the subject is there, the asked fact is not
            answer.answer = MESSAGES["not_found"][language].format(what=reading.question.describe(language))
            answer.refusal_reason = reading.reason
        else:
            answer.answer = REFUSAL[language]
            answer.refusal_reason = state.gate.reason if state.gate else None
        answer.suggestions = [Suggestion(h.document, h.article, h.article_id) for h in state.hits[:3]]
        state.emit(answer.answer)
        return answer

    def _write(self, state: AskState, answer: Answer, sources: list[Source], reading: Reading) -> None:
        """The backend's answer, checked; the extractive one (with a notice) when the backend fails."""
        language, name = state.language, state.backend
        first_token: list[float] = []

        def emit(token: str) -> None:
            if not first_token:
                first_token.append(time.perf_counter())
            state.emit(token)

        text, notice = self._generate(name, state, sources, reading, emit)
        checked = self.checker.check(text, sources)
        answer.dropped_sentences = checked.dropped
        if name != "extractive" and notice is None and not checked.kept:
            notice = MESSAGES["fallback"][language].format(backend=name, reason=MESSAGES["no_model_reason"][language])
            text, _ = self._generate("extractive", state, sources, reading, emit)
            checked = self.checker.check(text, sources)
        if notice is not None:
            answer.backend = f"{name}→extractive"
        answer.notice = notice
        self._fill(answer, checked, sources, reading)
        if first_token:
            answer.timings.first_token_ms = round((first_token[0] - state.started) * 1000, 1)

    @staticmethod
    def _fill(answer: Answer, checked: Verified, sources: list[Source], reading: Reading) -> None:
        """The checked text and its citations, numbered [1], [2]… in order of first appearance (not by
        retrieval rank); a refusal when nothing could be said with a citation."""
        answer.answer, answer.citations = in_order_of_appearance(checked.text, checked.citations)
        answer.support = "partial" if reading.support == "partial" else "direct"  # "none" was refused before
        if reading.missing and checked.kept:
            answer.not_stated = [MESSAGES["not_stated"][answer.language].format(part=p) for p in reading.missing]
            answer.answer += "\n" + "\n".join(answer.not_stated)
        if not checked.kept:
            answer.refused, answer.answer, answer.support = True, REFUSAL[answer.language], "none"
            answer.refusal_reason = "no sentence of the sources answers the question"
            answer.suggestions = [Suggestion(s.document, s.article, s.article_id) for s in sources[:3]]

    def _generate(self, name: str, state: AskState, sources: list[Source], reading: Reading,
                  emit: TokenSink) -> tuple[str, str | None]:
        """The backend's text; on failure the extractive text and a notice."""
        try:
            pieces = []
            for token in self.backend(name).stream(state.standalone, sources, state.language,
                                                   analysis=state.analysis, reading=reading):
                pieces.append(token)
                emit(token)
            return "".join(pieces), None
        except BackendError as exc:
            if name == "extractive":
                raise
            log.warning("backend %s failed: %s", name, exc)
            notice = MESSAGES["fallback"][state.language].format(backend=name, reason=str(exc))
            emit("\n\n")
            text, _ = self._generate("extractive", state, sources, reading, emit)
            return text, notice
