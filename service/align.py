"""Which sentences of an article's parallel version (English ↔ Chinese) translate the sentences an
answer quoted, so the source viewer marks the quote on both language sides.

Parallel versions are translations, not copies: 16 of the bundled corpus's 27 pairs have the same
sentences per line, the others merge or split sentences. When the shapes agree a sentence maps to the
one at the same place; otherwise each quoted sentence maps to the parallel sentence closest to it by
the multilingual (e5) embedding, with a small preference for the same relative position (over the
bundled pairs of equal shape, e5 alone picks the right sentence 61 times in 67). Pure over an
``embed`` function (texts → unit vectors), so it is tested without a model."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Embed = Callable[[list[str]], np.ndarray]
POSITION_WEIGHT = 0.05  # e5 cosines of a sentence and its translation sit around 0.85, of others ~0.75
MIN_SIMILARITY = 0.7  # below this the best parallel sentence is not taken for a translation


def aligned(lines: Sequence[Sequence[str]], used: set[int], other_lines: Sequence[Sequence[str]],
            embed: Embed | None) -> set[int]:
    """The indices of ``other_lines``' sentences (counted across lines) that translate the sentences
    ``used`` of ``lines``; without ``embed``, only the same-shape mapping (else nothing)."""
    flat = [s for line in lines for s in line]
    other = [s for line in other_lines for s in line]
    used = {i for i in used if 0 <= i < len(flat)}
    if not used or not other:
        return set()
    if [len(line) for line in lines if line] == [len(line) for line in other_lines if line]:
        return used  # the same sentences per line: the same places
    if embed is None:
        return set()
    wanted = sorted(used)
    vectors = embed([flat[i] for i in wanted] + other)
    quoted, candidates = vectors[: len(wanted)], vectors[len(wanted):]
    similarity = quoted @ candidates.T
    out = set()
    for row, i in enumerate(wanted):
        place = i / max(len(flat) - 1, 1)
        places = np.arange(len(other)) / max(len(other) - 1, 1)
        score = similarity[row] - POSITION_WEIGHT * np.abs(places - place)
        best = int(np.argmax(score))
        if similarity[row, best] >= MIN_SIMILARITY:
            out.add(best)
    return out
