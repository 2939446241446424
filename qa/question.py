"""Question analysis now lives in the reader: ``qa.reading.question`` (this name is kept for callers)."""

from qa.reading.question import KIND_WORDS, KINDS, Question, analyse, focus_terms, laws_named

__all__ = ["KINDS", "KIND_WORDS", "Question", "analyse", "focus_terms", "laws_named"]
