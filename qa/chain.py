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

from netlaw import settings as _settings
from netlaw.text.script import is_zh
from qa.backends import BACKENDS, BackendError, make_backend
from qa.gate import REFUSAL, decide, looks_like_injection
from qa.question import Question, analyse
from qa.records import Answer, Retrieved, Suggestion, Timings, as_turns
from qa.rewrite import conversation_focus, is_follow_up, model_rewrite, rule_rewrite
from qa.sources import build_sources
from qa.verify import CitationChecker
from vectorstore.hybrid import Filters, HybridRetriever

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGES = {
    "empty": {"en": "Please type a question.", "zh": "请输入问题。"},
    "too_long": {"en": "Your question is {n:,} characters long; the limit is {limit:,}. Please shorten it.",
                 "zh": "问题长度为{n}个字符，上限为{limit}个字符，请缩短后再问。"},
    "fallback": {"en": "The {backend} model could not answer ({reason}); this is the extractive answer from the documents.",
                 "zh": "{backend}模型无法回答（{reason}），以下为从文件中摘录的答案。"},
    # near-topic: the library is about the subject, but no article states what was asked
    "not_found": {"en": "The documents in the library do not answer this question: the closest articles do not state {what}.",
                  "zh": "资料库中的文件无法回答这个问题：最相关的条文中没有说明{what}。"},
    "not_stated": {"en": "Not stated in the documents: “{part}”", "zh": "文件中没有说明：“{part}”"},
    "no_model_reason": {"en": "no supported sentence", "zh": "没有得到资料支持的句子"},
}
# A gate refusal for weak evidence is overturned when the reader finds the asked kind of answer in a
# sentence this close to the question (idf-weighted share of its focus terms): "What was the scale of
# the digital economy in 2021?" shares few words with its article as a whole, but one sentence holds them.
OVERRIDE_MIN_LEXICAL = 0.45
OVERRIDE_MIN_COSINE, OVERRIDE_MIN_SHARED = 0.55, 0.2
DOCUMENT_MATCH = 0.5  # share of a named document's words its title must hold (summaries, comparisons)


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
            | RunnablePassthrough.assign(analysis=RunnableLambda(self._analyse))
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
            "question": question, "history": as_turns(history), "backend": backend or self.settings.backend,
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

    def _analyse(self, x: dict) -> Question | None:
        """The asked kind (from the question as asked) and the focus (from its standalone form)."""
        if x["problem"]:
            return None
        standalone = x["standalone"]
        if x["language"] == "en":  # "deputy directer" is read as the retriever reads it
            try:
                standalone = self.retriever.snapshot().spelling.correct(standalone)
            except Exception:  # noqa: BLE001 - an empty store: nothing to correct with
                pass
        q = analyse(standalone)
        if x["standalone"] != x["question"]:
            asked = analyse(x["question"])
            if asked.kind != "other":
                q.kind, q.money, q.sides = asked.kind, asked.money, asked.sides or q.sides
        return q

    def _retrieve(self, x: dict) -> dict:
        if x["problem"]:
            return {"hits": [], "ms": 0.0}
        started = time.perf_counter()
        hits = self.retriever.search(x["standalone"], k=x["k"], filters=x["filters"],
                                     focus=[d.doc_id for d in x["focus"]] or None)
        q = x["analysis"]
        if q is not None and q.kind in ("summary", "comparison") and not looks_like_injection(x["question"]):
            hits = self._document_hits(q, hits) or hits
        return {"hits": hits, "ms": (time.perf_counter() - started) * 1000}

    # --- summaries and comparisons: the documents asked about, their articles in order ------------
    def _match_document(self, phrase: str, hits: list, exclude: set[str] = frozenset()) -> dict | None:
        """The library document a phrase names ("the public account regulations"): the one whose
        title (either language) holds most of the phrase's words; ties go to the better-ranked hit."""
        from netlaw.text.tokens import tokenize
        from qa.question import focus_terms

        words = set(focus_terms(phrase))
        if not words:
            return None
        rank = {}
        for i, h in enumerate(hits):
            rank.setdefault(h.doc_id, i)
        best, best_score = None, 0.0
        for d in self.retriever.documents():
            if d["doc_id"] in exclude or not d["articles"]:
                continue
            score = 0.0
            for title in (d["title"], d.get("alt_title")):
                if not title:
                    continue
                t_words = set(tokenize(title))
                shared = len(words & t_words)
                if phrase and title in phrase:
                    shared = len(words)
                score = max(score, shared / len(words) + 0.1 * shared / max(1, len(t_words)))
            score += 0.05 / (1 + rank[d["doc_id"]]) if d["doc_id"] in rank else 0.0
            if score > best_score:
                best, best_score = d, score
        return best if best_score >= DOCUMENT_MATCH else None

    def _articles_of(self, doc_id: str, limit: int) -> list:
        snap = self.retriever.snapshot()
        ids = [a for a in snap.articles if snap.first_chunk(a).doc_id == doc_id]
        ids.sort(key=lambda a: snap.first_chunk(a).position)
        return [h for h in (self.retriever.article(a) for a in ids[:limit]) if h is not None]

    def _document_hits(self, q: Question, hits: list) -> list:
        """A summary reads the whole document (its articles in order); a comparison the opening
        articles of each document compared, then the retrieved articles of those documents."""
        if q.kind == "summary":
            doc = self._match_document(q.text, hits)
            if doc is None:  # no document named: answered as an ordinary question
                q.kind = "other"
                return []
            out = self._articles_of(doc["doc_id"], 40)
            out = out[:11] + out[-1:] if len(out) > 12 else out
        else:
            sides = q.sides or []
            docs: list[dict] = []
            for side in sides[:2]:
                d = self._match_document(side, hits, {x["doc_id"] for x in docs})
                if d is None:
                    found = [h for h in self.retriever.search(side, k=3) if h.doc_id not in {x["doc_id"] for x in docs}]
                    d = {"doc_id": found[0].doc_id} if found else None
                if d is not None:
                    docs.append(d)
            if len(docs) < 2:
                q.kind = "other"
                return []
            out = []
            for d in docs:
                opening = self._articles_of(d["doc_id"], 2)
                more = [h for h in hits if h.doc_id == d["doc_id"] and h.article_id not in {o.article_id for o in opening}]
                out += opening + more[:1]
        for i, h in enumerate(out, start=1):
            h.rank = i
        return out

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
                        retrieved=[Retrieved(rank=h.rank, document=h.document, article=h.article, text=h.text,
                                             score=round(h.score, 6), dense=round(h.dense, 4),
                                             keyword=round(h.keyword, 4), chunk_id=h.best_chunk_id,
                                             article_id=h.article_id, direct=h.direct) for h in hits])
        started = time.perf_counter()
        q: Question | None = x.get("analysis")
        answer.kind = q.kind if q is not None else None
        gate = x["gate"]
        hard_refusal = x["problem"] or (gate.refused and (not hits or looks_like_injection(x["question"])))
        sources = [] if hard_refusal else build_sources(hits, language, self.retriever.article)
        reading = None
        if sources:
            reading = self.backend("extractive").read(x["standalone"], sources, q)
            if gate.refused and not self._overrides_gate(q, reading):
                reading = None
        if hard_refusal or reading is None or reading.support == "none":
            answer.refused, answer.support = True, "none"
            if x["problem"]:
                answer.answer, answer.refusal_reason = x["problem"], "invalid question"
            elif reading is not None:  # near-topic: the subject is there, the asked fact is not
                answer.answer = MESSAGES["not_found"][language].format(what=q.describe(language))
                answer.refusal_reason = reading.reason
            else:
                answer.answer, answer.refusal_reason = REFUSAL[language], gate.reason
            answer.suggestions = [Suggestion(h.document, h.article, h.article_id) for h in hits[:3]]
            answer.timings = Timings(retrieve_ms=round(retrieve_ms, 1))
            self._emit(x, answer.answer)
            return answer

        first_token: list[float] = []

        def emit(token: str) -> None:
            if not first_token:
                first_token.append(time.perf_counter())
            self._emit(x, token)

        text, notice = self._generate(backend_name, x["standalone"], sources, language, emit, q, reading)
        checked = self.checker.check(text, sources)
        answer.dropped_sentences = checked.dropped
        if backend_name != "extractive" and notice is None and not checked.kept:
            notice = MESSAGES["fallback"][language].format(backend=backend_name,
                                                           reason=MESSAGES["no_model_reason"][language])
            text, _ = self._generate("extractive", x["standalone"], sources, language, emit, q, reading)
            checked = self.checker.check(text, sources)
            answer.backend = f"{backend_name}→extractive"
        elif notice is not None:
            answer.backend = f"{backend_name}→extractive"
        answer.notice = notice
        answer.answer, answer.citations = checked.text, checked.citations
        answer.support = reading.support
        if reading.missing and checked.kept:
            answer.not_stated = [MESSAGES["not_stated"][language].format(part=p) for p in reading.missing]
            answer.answer += "\n" + "\n".join(answer.not_stated)
        if not checked.kept:  # nothing in the sources could be said with a citation
            answer.refused, answer.answer, answer.support = True, REFUSAL[language], "none"
            answer.refusal_reason = "no sentence of the sources answers the question"
            answer.suggestions = [Suggestion(s.document, s.article, s.article_id) for s in sources[:3]]
        answer.timings = Timings(retrieve_ms=round(retrieve_ms, 1),
                                 answer_ms=round((time.perf_counter() - started) * 1000, 1))
        if first_token:
            answer.timings.first_token_ms = round((first_token[0] - x["started"]) * 1000, 1)
        return answer

    @staticmethod
    def _overrides_gate(q: Question | None, reading) -> bool:
        """The gate found the evidence weak, but the reader found the asked kind of answer about the
        question's focus in one sentence (or the question names the documents it asks to summarise)."""
        if q is None or reading.support == "none":
            return False
        if q.kind in ("summary", "comparison"):
            return True  # the documents were matched by name
        if q.wants_span and reading.strength >= OVERRIDE_MIN_LEXICAL:
            return True
        # a paraphrase: few words shared, but one sentence is close in meaning and shares some
        return reading.closeness >= OVERRIDE_MIN_COSINE and reading.strength >= OVERRIDE_MIN_SHARED

    def _generate(self, name: str, question: str, sources, language: str, emit, analysis=None,
                  reading=None) -> tuple[str, str | None]:
        """The backend's text; on failure the extractive text and a notice."""
        try:
            pieces = []
            backend = self.backend(name)
            stream = (backend.stream(question, sources, language, analysis=analysis, reading=reading)
                      if name == "extractive" else backend.stream(question, sources, language, analysis=analysis))
            for token in stream:
                pieces.append(token)
                emit(token)
            return "".join(pieces), None
        except BackendError as exc:
            if name == "extractive":
                raise
            log.warning("backend %s failed: %s", name, exc)
            notice = MESSAGES["fallback"][language].format(backend=name, reason=str(exc))
            emit("\n\n")
            text, _ = self._generate("extractive", question, sources, language, emit, analysis, reading)
            return text, notice

    @staticmethod
    def _emit(x: dict, text: str) -> None:
        if x.get("on_token"):
            x["on_token"](text)
