"""The REST API of the helpdesk (mounted next to the Gradio UI in one FastAPI process).

    POST /api/ask            {"question", "history"?, "backend"?, "k"?, "documents"?} → the answer object
    POST /api/ask/stream     the same as Server-Sent Events: "token" events, then one "answer" event
    GET  /api/documents      the library
    GET  /api/documents/{doc_id}/articles/{label}
    GET  /api/answers/{id}/export?format=md|html   an answer for the record (the asking key only)
    POST /api/feedback       a rating (and comment) of an answer
    GET  /api/health         open: store, backends, counts, version

Every route but /api/health needs ``Authorization: Bearer <key>``; keys are configured as
``name:sha256-hex`` (NETLAW_API_KEYS), so no key is ever stored in clear, and only the key's name
reaches the audit log. Each key has a rate limit (429 with Retry-After). Errors are JSON with a
clear message — never a traceback.

The answer object is ``qa.records.Answer`` itself (its dataclasses are the response model), less
``focus``, which only the chain uses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, Field, field_validator

from netlaw import __version__ as VERSION
from netlaw.records import Filters
from netlaw.settings import BackendName
from qa.backends import available_backends, why_unavailable
from qa.records import Answer
from service.export import (
    AnswerArchive,
    answer_archive_for,
    content_disposition,
    export_response_body,
    new_answer_id,
    stamp,
)
from service.health import health
from service.library import Library
from service.limits import BodyLimit, RateLimiter
from vectorstore.chroma import StoreError, StoreUnavailable

log = logging.getLogger(__name__)
ANSWER_EXCLUDE = {"focus"}  # answer fields the API does not send


# --- request models ------------------------------------------------------------------------
def _encodable(text: str) -> str:
    """Text that is valid Unicode: a lone surrogate (JSON "\\ud800") is a 422, not a 500 later."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text contains a lone surrogate (invalid Unicode)") from None
    return text


Text = Annotated[str, AfterValidator(_encodable)]


class TurnIn(BaseModel):
    """An earlier turn of the conversation, in the JSON shape the chain reads (``qa.records.Turn``)."""

    role: Literal["user", "assistant"]
    content: Text = Field(max_length=20_000)
    citations: list[dict] | None = None


DAY_PATTERN = r"^(?:19|20)\d\d(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$"  # YYYY[-MM[-DD]]


class AskRequest(BaseModel):
    question: Text = Field(max_length=100_000, description="the question; over NETLAW_MAX_QUESTION_CHARS is 422")
    history: list[TurnIn] = Field(default_factory=list, max_length=50)
    backend: BackendName | None = None
    k: int | None = Field(default=None, ge=1, le=20)
    documents: list[Text] | None = Field(default=None, max_length=50)
    as_of: str | None = Field(default=None, pattern=DAY_PATTERN,
                              description="answer from the version of each law in force on this day "
                                          "(YYYY-MM-DD, YYYY-MM or YYYY; default: today)")


class FeedbackIn(BaseModel):
    id: Text | None = Field(default=None, max_length=64,
                            description="the answer's id: rating it again with the same key updates the record")
    question: Text = Field(max_length=20_000)
    answer: Text = Field(max_length=50_000)
    citations: list[dict] = Field(default_factory=list, max_length=50)
    backend: Text | None = Field(default=None, max_length=50)
    rating: Literal[-1, 1]
    comment: Text | None = Field(default=None, max_length=2000)

    @field_validator("citations")
    @classmethod
    def _citations(cls, value: list[dict]) -> list[dict]:
        for c in value:
            if not {"marker", "document", "article"} <= set(c):
                raise ValueError("each citation needs marker, document and article")
            _encodable(json.dumps(c, ensure_ascii=False))
        return value


# --- keys ------------------------------------------------------------------------------------
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


@dataclass
class Api:
    """What the routes share: the answer service, the stores, the settings, the keys and their limits."""

    service: Any  # qa.chain.AnswerService
    feedback: Any  # service.feedback.FeedbackStore
    audit: Any  # service.audit.AuditLog
    settings: Any
    keys: dict[str, str] = field(init=False)  # sha256 hex → key name
    limiter: RateLimiter = field(init=False)
    archive: AnswerArchive = field(init=False)  # the full answers by id, for exports

    def __post_init__(self) -> None:
        self.keys = parse_keys(self.settings.api_keys)
        self.limiter = RateLimiter(self.settings.api_rate_per_minute)
        self.archive = answer_archive_for(self.settings)

    def record(self, answer: dict, who: str, channel: str, latency_s: float) -> None:
        """An answer given: its audit line, and the full answer kept for exports by its asker, stamped
        with the time, the key's name and the library version (``service.export.stamp``)."""
        self.audit.record(answer, f"key:{who}", channel, latency_s)
        self.archive.add(stamp(answer, f"key:{who}", self.service.retriever), f"key:{who}")

    def client(self, request: Request) -> str:
        """The name of the calling key (a route dependency): 401 without a valid key, 429 over its rate."""
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            raise HTTPException(401, "missing API key: send 'Authorization: Bearer <key>'",
                                headers={"WWW-Authenticate": "Bearer"})
        digest = hash_key(header[7:].strip())
        name = next((n for d, n in self.keys.items() if hmac.compare_digest(d, digest)), None)
        if name is None:
            raise HTTPException(401, "invalid API key", headers={"WWW-Authenticate": "Bearer"})
        wait = self.limiter.take(name)
        if wait > 0:
            raise HTTPException(429, f"rate limit of {self.settings.api_rate_per_minute} requests a minute reached",
                                headers={"Retry-After": str(max(1, int(wait + 0.999)))})
        return name

    def check(self, body: AskRequest) -> None:
        """422 for what the schema cannot say: the configured question length, the installed backends."""
        limit = self.settings.max_question_chars
        if len(body.question) > limit:
            raise HTTPException(422, f"question is {len(body.question):,} characters; the limit is {limit:,}")
        available = available_backends(self.settings)
        if body.backend and body.backend not in available:
            raise HTTPException(422, f"backend '{body.backend}' is not available here: "
                                     f"{why_unavailable(body.backend, self.settings)} "
                                     f"(available: {', '.join(available)})")

    @staticmethod
    def ask_kwargs(body: AskRequest) -> dict:
        filters = Filters(documents=body.documents, as_of=body.as_of) if body.documents or body.as_of else None
        return {"history": [t.model_dump() for t in body.history], "backend": body.backend, "k": body.k,
                "filters": filters}


def build_api(app: FastAPI, service: Any, feedback: Any, audit: Any, settings: Any) -> None:
    """The /api routes and the error handlers on ``app``."""
    api = Api(service, feedback, audit, settings)
    router = APIRouter(prefix="/api")
    for add_routes in (ask_routes, library_routes, export_routes, feedback_routes, health_routes):
        add_routes(router, api)
    app.include_router(router)
    install_error_handlers(app, settings)


# --- routes ------------------------------------------------------------------------------------
def ask_routes(router: APIRouter, api: Api) -> None:
    @router.post("/ask", response_model=Answer, response_model_exclude=ANSWER_EXCLUDE,
                 summary="Answer a question with article citations")
    def ask(body: AskRequest, who: str = Depends(api.client)) -> Answer:
        api.check(body)
        started = time.perf_counter()
        answer = api.service.ask(body.question, **api.ask_kwargs(body))
        answer.id = answer.id or new_answer_id()
        api.record(answer.to_json(), who, "api", time.perf_counter() - started)
        return answer

    @router.post("/ask/stream", summary="Answer as Server-Sent Events: tokens, then the answer object")
    def ask_stream(body: AskRequest, who: str = Depends(api.client)) -> StreamingResponse:
        api.check(body)
        api.service.retriever.snapshot()  # a store that is down is a 503 before the stream starts
        return StreamingResponse(answer_events(api, body, who), media_type="text/event-stream")


def answer_events(api: Api, body: AskRequest, who: str) -> Iterator[str]:
    """The Server-Sent Events of one streamed answer; the audit log gets the wall time."""
    started = time.perf_counter()
    try:
        for event in api.service.stream(body.question, **api.ask_kwargs(body)):
            if event["type"] == "token":
                yield f"event: token\ndata: {json.dumps(event['text'], ensure_ascii=False)}\n\n"
            else:
                event["answer"].id = event["answer"].id or new_answer_id()
                answer = event["answer"].to_json()
                api.record(answer, who, "api-stream", time.perf_counter() - started)
                for key in ANSWER_EXCLUDE:
                    answer.pop(key, None)
                yield f"event: answer\ndata: {json.dumps(answer, ensure_ascii=False)}\n\n"
    except StoreError as exc:
        yield f"event: error\ndata: {json.dumps(str(exc))}\n\n"


def library_routes(router: APIRouter, api: Api) -> None:
    library = Library(api.service.retriever)

    @router.get("/documents", summary="The documents in the library")
    def documents(who: str = Depends(api.client)) -> list[dict]:
        return library.documents()

    @router.get("/documents/{doc_id}/articles/{label}", summary="One article of a document, by its label")
    def article(doc_id: str, label: str, who: str = Depends(api.client)) -> dict:
        found = library.article_by_label(doc_id, label)
        if found is None:
            raise HTTPException(404, f"no article '{label}' in document '{doc_id}'")
        return found


def export_routes(router: APIRouter, api: Api) -> None:
    library = Library(api.service.retriever)

    @router.get("/answers/{answer_id}/export", summary="An answer for the record: Markdown or a self-contained HTML "
                "page with every cited article in full, its date and the SHA-256 of its file (asker's key only)")
    def export(answer_id: str, format: Literal["md", "html"] = "md", who: str = Depends(api.client)) -> Response:
        answer = api.archive.get(answer_id, f"key:{who}")
        if answer is None:
            raise HTTPException(404, f"no answer '{answer_id}' asked with this key")
        body, media, filename = export_response_body([answer], format, library.describe)
        return Response(body, media_type=media, headers={"Content-Disposition": content_disposition(filename)})


def feedback_routes(router: APIRouter, api: Api) -> None:
    @router.post("/feedback", summary="Rate an answer (+1 / -1) with an optional comment")
    def post_feedback(body: FeedbackIn, who: str = Depends(api.client)) -> dict:
        row = api.feedback.add(body.model_dump(), body.rating, body.comment, user=f"key:{who}")
        return {"id": row}


def health_routes(router: APIRouter, api: Api) -> None:
    @router.get("/health", summary="Store and backends reachable, counts, version (no key needed)")
    def get_health() -> JSONResponse:
        status = health(api.service, api.settings, VERSION)
        return JSONResponse(status, status_code=200 if status["ok"] else 503)


# --- limits and errors ------------------------------------------------------------------------
def body_limit_for(settings: Any):
    """The body limit of each route: API, Gradio uploads, the rest of the UI."""
    def limit(path: str) -> int:
        if path.startswith("/api/"):
            return settings.api_max_body_bytes
        if path.rstrip("/").endswith("/upload"):
            return int(settings.max_upload_request_mb * 1e6)
        return settings.max_body_bytes
    return limit


def install_error_handlers(app: FastAPI, settings: Any) -> None:
    app.add_middleware(BodyLimit, limit_for=body_limit_for(settings))
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StoreUnavailable, store_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(Exception, unexpected_error)


async def invalid_request(request: Request, exc: Exception) -> Response:
    """422 without echoing the offending input: it may not even be encodable (a lone surrogate)."""
    found = exc.errors() if isinstance(exc, RequestValidationError) else []
    errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")} for e in found]
    return Response(json.dumps({"detail": errors}, ensure_ascii=True), status_code=422,
                    media_type="application/json")


async def store_error(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": str(exc)}, status_code=503)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)
