"""``GET /api/health``: the store answers a real query, the backends are reachable. Details of a
failure go to the log; the open route says only what failed."""

from __future__ import annotations

import logging
import urllib.request
from typing import Any

from qa.backends import available_backends
from vectorstore.chroma import EmptyStore, StoreUnavailable

log = logging.getLogger(__name__)


def health(service: Any, settings: Any, version: str) -> dict:
    """The health report; ``ok`` when the store and the default backend answer."""
    status: dict[str, Any] = {"version": version, "store": store_health(service), "backends": {}}
    for name in available_backends(settings):
        status["backends"][name] = backend_health(name, settings)
    status["ok"] = status["store"]["ok"] and status["backends"].get(settings.backend, {"ok": True})["ok"]
    return status


def store_health(service: Any) -> dict:
    """A real query against the active collection (not only a count)."""
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
    except Exception as exc:  # health reports, it does not fail
        log.error("health: the store does not answer queries: %s: %s", exc.__class__.__name__, exc)
        return {"ok": False, "error": "the store does not answer queries; see the server log"}


def backend_health(name: str, settings: Any) -> dict:
    """A model server behind the backend answers (only the OpenAI-compatible one has a server)."""
    if name != "openai":
        return {"ok": True}
    try:
        urllib.request.urlopen(settings.openai_base_url.rstrip("/") + "/models", timeout=2)
        return {"ok": True}
    except Exception as exc:  # any failure means unreachable
        return {"ok": False, "error": f"{settings.openai_base_url} unreachable ({exc.__class__.__name__})"}
