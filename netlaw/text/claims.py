"""Sentences of an answer, their citation markers, content terms and how well a source supports a claim. Pure
(rapidfuzz for a title mention)."""

from __future__ import annotations

import re

from netlaw.text.script import chinese_chars, is_zh
from netlaw.text.sentences import split_sentences as _split_lines
from netlaw.text.tokens import tokenize

_MARKER = re.compile(r"\s*\[(\d{1,3})\]")


_ABBREVIATION = re.compile(r"(?:\b(?:No|Nos|Art|Arts|Mr|Mrs|Ms|Dr|St|Vol|pp|vs|e\.g|i\.e)\.|\b[A-Z]\.(?:[A-Z]\.)+)$")


_KEEPS_STOP = re.compile(r"\b(?:etc|e\.g|i\.e|No|Nos|Art|Arts|vs)\.$")


def ends_with_abbreviation(claim: str) -> bool:
    """The claim's last full stop belongs to an abbreviation ("… etc.", "Decree No."): a citation
    marker goes after it, not before it."""
    return bool(_KEEPS_STOP.search(claim))


def split_sentences(text: str) -> list[str]:
    """Sentences (each keeping the [n] markers that follow it), without the breaks after an
    abbreviation ("Decree No. 25", "Art. 5", "P.R.C.") that would cut a fact in two. The
    multilingual windows (vectorstore) use the plain split: ``netlaw.text.sentences``."""
    return [sentence for sentence, _ in sentences_with_pieces(text)]


def sentences_with_pieces(text: str) -> list[tuple[str, int]]:
    """``split_sentences`` with, for each sentence, the index of its first piece in the plain split
    (what the multilingual window similarities are numbered by)."""
    out: list[tuple[str, int]] = []
    for i, sentence in enumerate(_split_lines(text)):
        if out and _ABBREVIATION.search(out[-1][0]):
            out[-1] = (f"{out[-1][0]} {sentence}", out[-1][1])
        else:
            out.append((sentence, i))
    return out


def markers_in(sentence: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d{1,3})\]", sentence)]


def strip_markers(sentence: str) -> str:
    return _MARKER.sub("", sentence).strip()


def content_terms(text: str) -> set[str]:
    """Terms for lexical support: stemmed English words and numbers; Chinese character bigrams."""
    terms = set(tokenize(text))
    if is_zh(text):
        chars = chinese_chars(text)
        terms |= {a + b for a, b in zip(chars, chars[1:], strict=False)}
    return terms


def lexical_support(claim: str, source: str) -> float:
    """Share of the claim's content terms that occur in the source (0..1)."""
    claim_terms = content_terms(claim)
    if not claim_terms:
        return 0.0
    return len(claim_terms & content_terms(source)) / len(claim_terms)


def mentions_title(text: str, title: str | None) -> bool:
    """The text names a document by this title, nearly verbatim (short titles never match)."""
    from rapidfuzz import fuzz

    if not title or len(title) <= 8:
        return False
    return fuzz.partial_ratio(title.lower(), text.lower()) >= 90
