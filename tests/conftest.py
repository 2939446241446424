"""Shared fixtures: the bundled corpus parsed without a store, and small real stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.servers import CORPUS, make_settings
from ingest.parse import ParsedFile, parse_text
from ingest.titles import titles_beside
from netlaw import settings as _settings


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def parsed_corpus(corpus_files) -> dict[str, ParsedFile]:
    return {f.name: parse_text(f.read_text(encoding="utf-8"), f.name, titles=titles_beside(f)) for f in corpus_files}


@pytest.fixture(scope="session")
def all_chunks(parsed_corpus):
    return [c for p in parsed_corpus.values() for c in p.chunks]


def documents_by_title(parsed_corpus):
    return {d.title: (p, d) for p in parsed_corpus.values() for d in p.documents}


@pytest.fixture
def tmp_settings(tmp_path) -> _settings.Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory) -> _settings.Settings:
    """An embedded store holding the whole bundled corpus (ingested once per test session)."""
    from ingest.pipeline import run_ingest

    s = make_settings(tmp_path_factory.mktemp("bundled"), index_refresh_s=0.0)
    run_ingest([CORPUS], s, progress=False)
    return s


@pytest.fixture(scope="session")
def retriever(bundled_settings):
    from vectorstore.hybrid import HybridRetriever

    return HybridRetriever(bundled_settings)


def pytest_terminal_summary(terminalreporter):
    from tests.case_counter import GENERATED_CASES

    if GENERATED_CASES:
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(GENERATED_CASES.items()))
        terminalreporter.write_line(f"generated test cases run — {counts}")
