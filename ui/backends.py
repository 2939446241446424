"""The answer backends as the Advanced settings offer them: which ones (``local`` only when an
administrator configured it), what each one is, and the limits of the one chosen.

``qa.backends.available_backends`` says what *can* run here; the helpdesk offers the local model
only when it was asked for (``NETLAW_BACKEND=local`` or ``NETLAW_LOCAL_MODEL_PATH``): installing the
``local`` extra alone (as ``make test`` does) brings SmolLM2-135M, which the evaluation shows is far
too small to answer on its own, so it is not offered to every user by default."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qa.backends import available_backends, local_model_file

_PARAMETERS = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*([MB])(?![a-z])", re.I)


def local_configured(settings: Any) -> bool:
    """The local model was asked for: it is the default backend, or its GGUF file is named."""
    return settings.backend == "local" or bool(settings.local_model_path)


def offered_backends(settings: Any) -> list[str]:
    """The backends the chat offers: those that can run here, ``local`` only when configured."""
    return [name for name in available_backends(settings) if name != "local" or local_configured(settings)]


def local_model(settings: Any) -> tuple[str, str]:
    """(model name, parameter count) of the local GGUF file: ("SmolLM2-135M-Instruct", "135M");
    the count is "" when the file name does not say it."""
    try:
        path = Path(local_model_file(settings))
    except (FileNotFoundError, ImportError):
        return "a local GGUF model", ""
    name = path.name.split(".")[0] if path.name.lower().endswith(".gguf") else path.name
    found = _PARAMETERS.search(name)
    return name, (found[1] + found[2].upper()) if found else ""


def backend_label(name: str, settings: Any, language: str = "en") -> str:
    """What the backend is, in a few words, as the dropdown lists it."""
    zh = language == "zh"
    if name == "extractive":
        return "extractive — 摘录文件原句，不用语言模型（推荐）" if zh else \
            "extractive — quotes the documents, no language model (recommended)"
    if name == "local":
        model, size = local_model(settings)
        if zh:
            return f"local — 本机小型语言模型 {model}" + (f"（{size} 参数）" if size else "")
        return f"local — {model}, a small language model on this server" + (f" ({size} parameters)" if size else "")
    if name == "openai":
        return (f"openai — 语言模型 {settings.openai_model}（OpenAI 兼容服务器）" if zh else
                f"openai — the language model {settings.openai_model} on an OpenAI-compatible server")
    return name


def backend_choices(settings: Any, language: str = "en") -> list[tuple[str, str]]:
    return [(backend_label(name, settings, language), name) for name in offered_backends(settings)]


def _millions(size: str) -> float:
    if not size:
        return 0.0
    number, unit = float(size[:-1]), size[-1]
    return number * (1000 if unit == "B" else 1)


def backend_note(name: str | None, settings: Any, language: str = "en") -> str:
    """The limits of the chosen backend (Markdown), shown under the choice; "" for extractive."""
    zh = language == "zh"
    if name == "local":
        model, size = local_model(settings)
        small = 0 < _millions(size) < 3000
        if zh:
            head = (f"**{model} 是一个很小的语言模型（{size} 参数），回答常常不可靠。**" if small else
                    f"**{model} 是在本机运行的语言模型。**")
            return (f"⚠ {head}它可能误读条文、引用错误的条文。它写的每一句都会与所引条文核对，"
                    "不被支持的句子会被删除，因此多数回答会改为摘录式回答（并附提示）。"
                    "需要可靠的回答时请选择 extractive。")
        head = (f"**{model} is a very small language model ({size} parameters): far too small to answer "
                "reliably.**" if small else f"**{model} is a language model running on this server.**")
        return (f"⚠ {head} It can misread the articles and cite the wrong one. Every sentence it writes is "
                "checked against the article it cites and dropped when that article does not support it, so most "
                "of its answers fall back to the extractive answer, with a notice. Choose *extractive* for "
                "answers you rely on.")
    if name == "openai":
        return ("⚠ 回答由语言模型写成；每一句都会与所引条文核对，不被支持的句子会被删除。" if zh else
                "⚠ Answers are written by a language model; every sentence is checked against the article it "
                "cites and dropped when unsupported.")
    return ""
