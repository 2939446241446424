"""The refusal gate now lives in the reader: ``qa.reading.gate`` (this name is kept for callers)."""

from qa.reading.gate import REFUSAL, GateDecision, decide, looks_like_injection

__all__ = ["REFUSAL", "GateDecision", "decide", "looks_like_injection"]
