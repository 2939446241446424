"""Stable identifiers: the same input always gives the same ids."""

import hashlib


def stable_id(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]
