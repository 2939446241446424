"""The extractive backend: writes what the reader (``qa.reading``) chose, answer first.

The reader analyses the question, scores the sources' sentences, picks the one stating the asked
kind of answer and composes the lines (the first states the answer, in bold, cited; then the
supporting quotes). This backend only streams those lines. Deterministic; it cannot say anything the
documents do not say.
"""

from __future__ import annotations

from typing import Iterator

from qa.reading.base import Reading
from qa.reading.question import Question
from qa.reading.reader import GeneralReader
from qa.records import Source


class ExtractiveBackend:
    """Writes the reading's lines: the chain's reading when it passes one, else its own reader's."""

    name = "extractive"
    chat_model = None  # no model (qa.backends.Backend)

    def __init__(self, settings, retriever=None, reader: GeneralReader | None = None):
        self.settings = settings
        self.reader = reader or GeneralReader(settings, retriever)

    def stream(self, question: str, sources: list[Source], language: str, analysis: Question | None = None,
               reading: Reading | None = None) -> Iterator[str]:
        reading = reading or self.reader.read(question, sources, analysis)
        for i, line in enumerate(reading.text.split("\n")):
            yield line if i == 0 else "\n" + line
