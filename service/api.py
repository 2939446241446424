"""The REST API of the helpdesk (mounted next to the Gradio UI in one FastAPI process).

    POST /api/ask            {"question", "history"?, "backend"?, "k"?, "documents"?} → the answer object
    POST /api/ask/stream     the same as Server-Sent Events: "token" events, then one "answer" event
    GET  /api/documents      the library
    GET  /api/documents/{doc_id}/articles/{label}
    POST /api/feedback       a rating (and comment) of an answer
    GET  /api/health         open: store, backends, counts, version

Every route but /api/health needs ``Authorization: Bearer <key>``; keys are configured as
``name:sha256-hex`` (NETLAW_API_KEYS), so no key is ever stored in clear, and only the key's name
reaches the audit log. Each key has a rate limit (429 with Retry-After). Errors are JSON with a
clear message — never a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, Field, field_validator

from qa.backends import available_backends as available
from vectorstore.chroma import EmptyStore, StoreError, StoreUnavailable
from vectorstore.hybrid import Filters

log = logging.getLogger(__name__)
from netlaw import __version__ as VERSION


# --- request and response models ---------------------------------------------------------
def _encodable(text: str) -> str:
    """Text that is valid Unicode: a lone surrogate (JSON "\\ud800") is a 422, not a 500 later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text contains a lone surrogate (invalid Unicode)") from None
    return text


Text = Annotated[str, AfterValidator(_encodable)]


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: Text = Field(max_length=20_000)
    citations: list[dict] | None = None


class AskRequest(BaseModel):
    question: Text = Field(max_length=100_000, description="the question; over NETLAW_MAX_QUESTION_CHARS is 422")
    history: list[Turn] = Field(default_factory=list, max_length=50)
    backend: Literal["extractive", "local", "openai"] | None = None
    k: int | None = Field(default=None, ge=1, le=20)
    documents: list[Text] | None = Field(default=None, max_length=50)


class CitationOut(BaseModel):
    marker: int
    document: str
    article: str
    text: str
    chunk_id: str
    article_id: str
    parallel: dict | None = None
    sentences: list[str] = []


class RetrievedOut(BaseModel):
    rank: int
    document: str
    article: str
    text: str
    score: float
    chunk_id: str
    article_id: str


class AnswerOut(BaseModel):
    id: str | None = None
    question: str
    answer: str
    refused: bool
    backend: str
    citations: list[CitationOut]
    retrieved: list[RetrievedOut]
    dropped_sentences: int
    timings: dict
    language: str
    standalone_question: str | None = None
    notice: str | None = None
    refusal_reason: str | None = None
    suggestions: list[dict] = []
    support: str = "none"  # direct | partial | none: how fully the documents answer
    kind: str | None = None  # the asked kind (date, duration, amount, …)
    not_stated: list[str] = []  # parts of the question the documents do not answer


class FeedbackIn(BaseModel):
    question: Text = Field(max_length=20_000)
    answer: Text = Field(max_length=50_000)
    citations: list[dict] = Field(default_factory=list, max_length=50)
    backend: Text | None = Field(default=None, max_length=50)
    rating: Literal[-1, 1]
    comment: Text | None = Field(default=None, max_length=2000)

    @field_validator("citations")
    @classmethod
    def _citations(cls, value):
        for c in value:
            if not {"marker", "document", "article"} <= set(c):
                raise ValueError("each citation needs marker, document and article")
            _encodable(json.dumps(c, ensure_ascii=False))
        return value


# --- keys and rate limits ----------------------------------------------------------------
def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_keys(spec: str | None) -> dict[str, str]:
    """"name:sha256hex,…" → {sha256hex: name}."""
    out = {}
    for item in (spec or "").split(","):
        if ":" in item:
            name, digest = item.strip().split(":", 1)
            out[digest.strip().lower()] = name.strip()
    return out


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests a minute, bursts up to the same number."""

    def __init__(self, per_minute: int):
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate


def build_api(app: FastAPI, service, feedback, audit, settings) -> None:
    keys = parse_keys(settings.api_keys)
    limiter = RateLimiter(settings.api_rate_per_minute)
    router = APIRouter(prefix="/api")

    def client(request: Request) -> str:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            raise HTTPException(401, "missing API key: send 'Authorization: Bearer <key>'",
                                headers={"WWW-Authenticate": "Bearer"})
        digest = hash_key(header[7:].strip())
        name = next((n for d, n in keys.items() if hmac.compare_digest(d, digest)), None)
        if name is None:
            raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "Bearer"})
        wait = limiter.take(name)
        if wait > 0:
            raise HTTPException(429, f"rate limit of {settings.api_rate_per_minute} requests a minute reached",
                                headers={"Retry-After": str(max(1, int(wait + 0.999)))})
        return name

    def validate(body: AskRequest) -> None:
        if len(body.question) > settings.max_question_chars:
            raise HTTPException(422, f"question is {len(body.question):,} characters; the limit is "
                                     f"{settings.max_question_chars:,}")
        if body.backend and body.backend not in available(settings):
            raise HTTPException(422, f"backend '{body.backend}' is not available here "
                                     f"(available: {', '.join(available(settings))})")

    def ask_kwargs(body: AskRequest) -> dict:
        return {"history": [t.model_dump() for t in body.history], "backend": body.backend, "k": body.k,
                "filters": Filters(documents=body.documents) if body.documents else None}

    @router.post("/ask", response_model=AnswerOut, summary="Answer a question with article citations")
    def ask(body: AskRequest, who: str = Depends(client)):
        validate(body)
        started = time.perf_counter()
        answer = service.ask(body.question, **ask_kwargs(body)).to_json()
        audit.record(answer, f"key:{who}", "api", time.perf_counter() - started)
        return answer

    @router.post("/ask/stream", summary="Answer as Server-Sent Events: tokens, then the answer object")
    def ask_stream(body: AskRequest, who: str = Depends(client)):
        validate(body)
        service.retriever.snapshot()  # a store that is down is a 503 before the stream starts

        def events():
            started = time.perf_counter()
            try:
                for event in service.stream(body.question, **ask_kwargs(body)):
                    if event["type"] == "token":
                        yield f"event: token\ndata: {json.dumps(event['text'], ensure_ascii=False)}\n\n"
                    else:
                        answer = event["answer"].to_json()
                        audit.record(answer, f"key:{who}", "api-stream", time.perf_counter() - started)
                        yield f"event: answer\ndata: {json.dumps(answer, ensure_ascii=False)}\n\n"
            except StoreError as exc:
                yield f"event: error\ndata: {json.dumps(str(exc))}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    @router.get("/documents", summary="The documents in the library")
    def documents(who: str = Depends(client)):
        return service.retriever.documents()

    @router.get("/documents/{doc_id}/articles/{label}", summary="One article of a document, by its label")
    def article(doc_id: str, label: str, who: str = Depends(client)):
        snap = service.retriever.snapshot()
        for article_id, ids in snap.articles.items():
            first = snap.chunks[ids[0]]
            if first.doc_id == doc_id and first.article == label:
                return service.retriever.article(article_id).to_json()
        raise HTTPException(404, f"no article '{label}' in document '{doc_id}'")

    @router.post("/feedback", summary="Rate an answer (+1 / -1) with an optional comment")
    def post_feedback(body: FeedbackIn, who: str = Depends(client)):
        row = feedback.add(body.model_dump(), body.rating, body.comment, user=f"key:{who}")
        return {"id": row}

    @router.get("/health", summary="Store and backends reachable, counts, version (no key needed)")
    def health():
        status = {"version": VERSION, "store": store_health(service), "backends": {}}
        for name in available(settings):
            status["backends"][name] = backend_health(name, settings)
        status["ok"] = status["store"]["ok"] and status["backends"].get(settings.backend, {"ok": True})["ok"]
        return JSONResponse(status, status_code=200 if status["ok"] else 503)

    app.include_router(router)
    install_error_handlers(app, settings)


def store_health(service) -> dict:
    """A real query against the active collection (not only a count); details go to the log,
    the open route says only what failed."""
    store = service.retriever.store
    try:
        count = store.probe()
        pointer = store.pointer()
        return {"ok": True, "chunks": count, "collection": pointer.active, "files": len(pointer.manifest),
                "documents": len(service.retriever.documents())}
    except EmptyStore:
        return {"ok": False, "chunks": 0, "error": "the store is empty: ingest documents first"}
    except StoreUnavailable as exc:
        log.error("health: store unavailable: %s", exc)
        return {"ok": False, "error": "the store is not answering; see the server log"}
    except Exception as exc:  # noqa: BLE001 - health reports, it does not fail
        log.error("health: the store does not answer queries: %s: %s", exc.__class__.__name__, exc)
        return {"ok": False, "error": "the store does not answer queries; see the server log"}


def backend_health(name: str, settings) -> dict:
    if name == "openai":
        import urllib.request

        try:
            urllib.request.urlopen(settings.openai_base_url.rstrip("/") + "/models", timeout=2)
            return {"ok": True}
        except Exception as exc:  # noqa: BLE001
            return {"ok": False, "error": f"{settings.openai_base_url} unreachable ({exc.__class__.__name__})"}
    return {"ok": True}


def body_limit_for(settings):
    """The body limit of each route: API, Gradio uploads, the rest of the UI."""
    def limit(path: str) -> int:
        if path.startswith("/api/"):
            return settings.api_max_body_bytes
        if path.rstrip("/").endswith("/upload"):
            return int(settings.max_upload_request_mb * 1e6)
        return settings.max_body_bytes
    return limit


def install_error_handlers(app: FastAPI, settings) -> None:
    from service.limits import BodyLimit

    app.add_middleware(BodyLimit, limit_for=body_limit_for(settings))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        # the offending input is not echoed back: it may not even be encodable (a lone surrogate)
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
                  for e in exc.errors()]
        return Response(json.dumps({"detail": errors}, ensure_ascii=True), status_code=422,
                        media_type="application/json")

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable):
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError):
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
