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


# --- CI=true: a missing browser or local model fails instead of skipping (tests/needs.py) --------------
_LLAMA_MODULES = ("llama_cpp", "llama_cpp.server")


def _needs_of(item) -> set[str]:
    """What a collected test needs from the machine: the needs its skipif reasons name (when the
    condition holds), and llama.cpp with its model when its body imports llama_cpp (importorskip)."""
    from tests import needs

    found: set[str] = set()
    for mark in item.iter_markers("skipif"):
        condition = mark.args[0] if mark.args else mark.kwargs.get("condition", False)
        if condition is True:
            found.update(needs.named_in(mark.kwargs.get("reason", "")))
    code = getattr(getattr(item, "obj", None), "__code__", None)
    if code is not None and any(c in _LLAMA_MODULES for c in code.co_consts):
        found.update(("llama_cpp", "SmolLM2 model"))
    if "browser" in getattr(item, "fixturenames", ()):
        found.update(("chromium", "playwright"))
    return found


def pytest_collection_modifyitems(config, items):
    """Under CI=true, stop before the first test when a selected test needs what the machine lacks."""
    from tests import needs

    if not needs.in_ci():
        return
    wanted = set().union(*(_needs_of(item) for item in items)) if items else set()
    absent = needs.missing(*wanted)
    if absent:
        pytest.exit("\n".join(needs.message(n) for n in absent), returncode=1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true, a skip whose reason names a missing need (chromium, playwright, llama_cpp, the
    SmolLM2 file) is reported as a failure with the line that says how to install it."""
    from tests import needs

    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not needs.in_ci():
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    absent = [n for n in needs.named_in(reason) if needs.is_missing(n)]
    if absent:
        report.outcome = "failed"
        report.longrepr = "\n".join(needs.message(n) for n in absent) + f"\n(the test skipped: {reason})"
