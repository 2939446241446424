"""Answer spans now live in the reader: ``qa.reading.spans`` (this name is kept for callers)."""

from qa.reading.spans import has_span, spans

__all__ = ["has_span", "spans"]
