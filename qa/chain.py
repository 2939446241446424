"""The answering chain, in one place: question (+ history) → cited answer.

    validate → rewrite follow-up → retrieve articles → gate (refuse?) → answer with the
    backend → check citations → Answer

Each step is a LangChain runnable; ``AnswerService.chain`` composes them. ``ask`` runs the chain;
``stream`` runs the same chain and yields the backend's tokens as they come, then the Answer.
A generative backend that fails (down, slow, empty, or nothing it said is supported) is replaced
by the extractive answer with a visible notice, never an error.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from typing import Iterator

from langchain_core.runnables import RunnableLambda, RunnablePassthrough

import settings as _settings
from qa.backends import BACKENDS, BackendError, make_backend
from qa.gate import REFUSAL, decide
from qa.records import Answer
from qa.rewrite import conversation_focus, is_follow_up, model_rewrite, rule_rewrite
from qa.sources import build_sources
from qa.verify import CitationChecker
from vectorstore.hybrid import Filters, HybridRetriever
from vectorstore.numerals import is_zh

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGES = {
    "empty": {"en": "Please type a question.", "zh": "请输入问题。"},
    "too_long": {"en": "Your question is {n:,} characters long; the limit is {limit:,}. Please shorten it.",
                 "zh": "问题长度为{n}个字符，上限为{limit}个字符，请缩短后再问。"},
    "fallback": {"en": "The {backend} model could not answer ({reason}); this is the extractive answer from the documents.",
                 "zh": "{backend}模型无法回答（{reason}），以下为从文件中摘录的答案。"},
}


class AnswerService:
    """Holds the retriever, the citation checker and the backends (each loaded once)."""

    def __init__(self, s: _settings.Settings | None = None, retriever: HybridRetriever | None = None):
        self.settings = s or _settings.get_settings()
        self.retriever = retriever or HybridRetriever(self.settings)
        self.checker = CitationChecker(self.settings, self.retriever.embedder)
        self._backends: dict = {}
        self._lock = threading.Lock()
        self.chain = (
            RunnableLambda(self._validate)
            | RunnablePassthrough.assign(standalone=RunnableLambda(self._rewrite))
            | RunnablePassthrough.assign(focus=RunnableLambda(self._focus))
            | RunnablePassthrough.assign(retrieval=RunnableLambda(self._retrieve))
            | RunnablePassthrough.assign(gate=RunnableLambda(self._gate))
            | RunnableLambda(self._answer)
        )

    def backend(self, name: str):
        if name not in BACKENDS:
            raise ValueError(f"unknown backend '{name}' (choose from {', '.join(BACKENDS)})")
        with self._lock:
            if name not in self._backends:
                try:
                    self._backends[name] = make_backend(name, self.settings, self.retriever)
                except BackendError:
                    raise
                except Exception as exc:  # noqa: BLE001 - e.g. the model file or package is missing
                    raise BackendError(f"the {name} backend cannot start ({exc})") from exc
            return self._backends[name]

    # --- public -------------------------------------------------------------------------
    def ask(self, question: str, history: list[dict] | None = None, backend: str | None = None,
            k: int | None = None, filters: Filters | None = None, id: str | None = None,
            on_token=None) -> Answer:
        return self.chain.invoke({
            "question": question, "history": history or [], "backend": backend or self.settings.backend,
            "k": k or self.settings.retrieval_k, "filters": filters, "id": id, "on_token": on_token,
            "started": time.perf_counter(),
        })

    def stream(self, question: str, **kwargs) -> Iterator[dict]:
        """{"type": "token", "text"} events while the answer is written, then {"type": "answer", "answer"}."""
        events: queue.Queue = queue.Queue()
        result: dict = {}

        def run():
            try:
                result["answer"] = self.ask(question, on_token=lambda t: events.put({"type": "token", "text": t}),
                                            **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                result["error"] = exc
            events.put(None)

        threading.Thread(target=run, name="answer", daemon=True).start()
        while (event := events.get()) is not None:
            yield event
        if "error" in result:
            raise result["error"]
        yield {"type": "answer", "answer": result["answer"]}

    # --- steps --------------------------------------------------------------------------
    def _validate(self, x: dict) -> dict:
        question = _CONTROL.sub(" ", x["question"] or "").strip()
        x = dict(x, question=question, language="zh" if is_zh(question) else "en", problem=None)
        if not question:
            x["problem"] = MESSAGES["empty"][x["language"]]
        elif len(question) > self.settings.max_question_chars:
            x["problem"] = MESSAGES["too_long"][x["language"]].format(n=len(question), limit=self.settings.max_question_chars)
        return x

    def _rewrite(self, x: dict) -> str:
        if x["problem"]:
            return x["question"]
        if x["backend"] != "extractive" and self.settings.llm_rewrite and x["history"]:
            try:
                return model_rewrite(x["question"], x["history"], self.backend(x["backend"]).chat_model)
            except Exception:  # noqa: BLE001 - the backend may be down: the rule still works
                pass
        return rule_rewrite(x["question"], x["history"])

    def _focus(self, x: dict) -> list[dict]:
        """A follow-up's documents (the conversation's subject); none for a question that stands alone."""
        if x["problem"] or not is_follow_up(x["question"], x["history"]):
            return []
        return conversation_focus(x["history"], self.retriever.documents())

    def _retrieve(self, x: dict) -> dict:
        if x["problem"]:
            return {"hits": [], "ms": 0.0}
        started = time.perf_counter()
        hits = self.retriever.search(x["standalone"], k=x["k"], filters=x["filters"],
                                     focus=[d["doc_id"] for d in x["focus"]] or None)
        return {"hits": hits, "ms": (time.perf_counter() - started) * 1000}

    def _gate(self, x: dict):
        if x["problem"]:
            return None
        return decide(x["standalone"], x["retrieval"]["hits"], self.settings)

    def _answer(self, x: dict) -> Answer:
        language, backend_name = x["language"], x["backend"]
        hits, retrieve_ms = x["retrieval"]["hits"], x["retrieval"]["ms"]
        answer = Answer(id=x["id"], question=x["question"], answer="", refused=False, backend=backend_name,
                        standalone_question=x["standalone"] if x["standalone"] != x["question"] else None,
                        language=language, focus=x.get("focus") or [],
                        retrieved=[{"rank": h.rank, "document": h.document, "article": h.article, "text": h.text,
                                    "score": round(h.score, 6), "dense": round(h.dense, 4),
                                    "keyword": round(h.keyword, 4), "chunk_id": h.best_chunk_id,
                                    "article_id": h.article_id, "direct": h.direct} for h in hits])
        started = time.perf_counter()
        if x["problem"] or x["gate"].refused:
            answer.refused = True
            answer.answer = x["problem"] or REFUSAL[language]
            answer.refusal_reason = "invalid question" if x["problem"] else x["gate"].reason
            answer.suggestions = [{"document": h.document, "article": h.article, "article_id": h.article_id}
                                  for h in hits[:3]]
            answer.timings = {"retrieve_ms": round(retrieve_ms, 1), "answer_ms": 0.0}
            self._emit(x, answer.answer)
            return answer

        sources = build_sources(hits, language, self.retriever.article)
        first_token: list[float] = []

        def emit(token: str) -> None:
            if not first_token:
                first_token.append(time.perf_counter())
            self._emit(x, token)

        text, notice = self._generate(backend_name, x["standalone"], sources, language, emit)
        checked = self.checker.check(text, sources)
        answer.dropped_sentences = checked.dropped
        if backend_name != "extractive" and notice is None and not checked.kept:
            notice = MESSAGES["fallback"][language].format(backend=backend_name, reason="no supported sentence")
            text, _ = self._generate("extractive", x["standalone"], sources, language, emit)
            checked = self.checker.check(text, sources)
            answer.backend = f"{backend_name}→extractive"
        elif notice is not None:
            answer.backend = f"{backend_name}→extractive"
        answer.notice = notice
        answer.answer, answer.citations = checked.text, checked.citations
        if not checked.kept:  # nothing in the sources could be said with a citation
            answer.refused, answer.answer = True, REFUSAL[language]
            answer.refusal_reason = "no sentence of the sources answers the question"
            answer.suggestions = [{"document": s.document, "article": s.article, "article_id": s.article_id}
                                  for s in sources[:3]]
        answer.timings = {"retrieve_ms": round(retrieve_ms, 1),
                          "answer_ms": round((time.perf_counter() - started) * 1000, 1)}
        if first_token:
            answer.timings["first_token_ms"] = round((first_token[0] - x["started"]) * 1000, 1)
        return answer

    def _generate(self, name: str, question: str, sources, language: str, emit) -> tuple[str, str | None]:
        """The backend's text; on failure the extractive text and a notice."""
        try:
            pieces = []
            for token in self.backend(name).stream(question, sources, language):
                pieces.append(token)
                emit(token)
            return "".join(pieces), None
        except BackendError as exc:
            if name == "extractive":
                raise
            log.warning("backend %s failed: %s", name, exc)
            notice = MESSAGES["fallback"][language].format(backend=name, reason=str(exc))
            emit("\n\n")
            text, _ = self._generate("extractive", question, sources, language, emit)
            return text, notice

    @staticmethod
    def _emit(x: dict, text: str) -> None:
        if x.get("on_token"):
            x["on_token"](text)
