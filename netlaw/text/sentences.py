"""Sentence splitting, shared by the multilingual windows (vectorstore) and the answer (qa/)."""

from __future__ import annotations

import re

# the [n] markers after a sentence's full stop stay with it, also at the end of the text ("… etc. [1]")
_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；])(?:\s*(?:\[\d{1,3}\])+)?(?:\s+|$)"
                           r"|(?<=[。！？；])(?:\s*(?:\[\d{1,3}\])+)?")


def split_sentences(text: str) -> list[str]:
    """Sentences, each keeping the [n] markers that follow it."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _SENTENCE_END.finditer(line):
            piece = line[start : m.end()].strip()
            if piece:
                out.append(piece)
            start = m.end()
        rest = line[start:].strip()
        if rest:
            out.append(rest)
    return out


def windows(text: str, size: int = 2) -> list[str]:
    """Consecutive groups of ``size`` sentences (the whole text when it has none)."""
    sentences = split_sentences(text) or [text]
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]
