"""Citation check: every sentence of an answer must be supported by a source it cites.

For each sentence of the backend's text:
1. ``[n]`` markers that point to no source are removed (invented citations);
2. the sentence (markers stripped) is compared with each cited source: it is supported when
   the share of its content terms found in the source reaches ``support_min_lexical``, or its
   embedding is close (cosine ≥ ``support_min_cosine``) to some sentence of the source;
3. a sentence none of its cited sources supports — or one with no marker — is given the
   source that supports it best, if one does; otherwise it is dropped and counted.
So every marker in the output resolves to a retrieved article, by construction.

The answer's lines are kept: each line is checked sentence by sentence and keeps its bullet
("- ") and its emphasis ("**…**"); a line left with no supported sentence is dropped. A short
claim (an answer span such as "**Tianjin** [1]") is kept when it is verbatim in the source it
cites; a line that is only a source's document title in bold (a heading) is kept as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from netlaw.text.claims import (
    content_terms,
    ends_with_abbreviation,
    lexical_support,
    markers_in,
    split_sentences,
    strip_markers,
)
from netlaw.text.script import is_zh
from qa.records import Citation, Source

_NO_ANSWER = ("i don't know", "i do not know", "我不知道")
_NUMBER = re.compile(r"\d+")
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d{1,2}[.)]\s+)")
_BOLD = re.compile(r"\*\*")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", _BOLD.sub("", text)).strip().lower()


@dataclass
class Verified:
    text: str
    citations: list[Citation]
    dropped: int = 0
    invented_removed: int = 0
    kept: list[tuple[str, list[int]]] = field(default_factory=list)  # (sentence, markers)


def attach(claim: str, markers: list[int]) -> str:
    """'Logs are kept six months.' + [1] → 'Logs are kept six months [1].'"""
    tags = "".join(f"[{m}]" for m in markers)
    claim = claim.rstrip()
    if claim and claim[-1] in ".。!?！？;；" and not ends_with_abbreviation(claim):
        space = "" if claim[-1] in "。！？；" else " "
        return f"{claim[:-1]}{space}{tags}{claim[-1]}"
    return f"{claim} {tags}"


class CitationChecker:
    def __init__(self, settings, embedder=None):
        self.settings = settings
        self.embedder = embedder

    def _cosine_support(self, claim: str, sources: list[Source]) -> list[float]:
        """Best cosine between the claim and any sentence of each source."""
        if self.embedder is None:
            return [0.0] * len(sources)
        sentence_lists = [split_sentences(s.text) or [s.text] for s in sources]
        flat = [claim] + [t for ts in sentence_lists for t in ts]
        vectors = self.embedder.embed_cached(flat)
        claim_vec, rest = vectors[0], vectors[1:]
        out, start = [], 0
        for ts in sentence_lists:
            block = rest[start : start + len(ts)]
            out.append(float(np.max(block @ claim_vec)) if len(ts) else 0.0)
            start += len(ts)
        return out

    def support(self, claim: str, sources: list[Source]) -> list[float]:
        """Support of the claim by each source, on the lexical scale (cosine mapped onto it).

        A number or date in the claim that the source does not contain means no support:
        a model that writes "1 September 2013" must have read it in the cited article."""
        s = self.settings
        # the version's date is the source's own ("第九条 (version of 2024-04-26): …")
        texts = [f"{src.document} {src.version or ''} {' '.join(src.path)} {src.text}" for src in sources]
        numbers = set(_NUMBER.findall(claim))
        has_numbers = [numbers <= set(_NUMBER.findall(t)) for t in texts]
        lexical = [lexical_support(claim, t) if ok else 0.0 for t, ok in zip(texts, has_numbers, strict=True)]
        if max(lexical, default=0.0) >= s.support_min_lexical:
            return lexical
        cosine = self._cosine_support(claim, sources)
        # a cosine at the threshold counts as much as lexical support at its threshold
        return [max(lx, cs * s.support_min_lexical / s.support_min_cosine) if ok else 0.0
                for lx, cs, ok in zip(lexical, cosine, has_numbers, strict=True)]

    def check(self, text: str, sources: list[Source]) -> Verified:
        by_marker = {s.marker: s for s in sources}
        titles = {_plain(s.document) for s in sources}
        kept: list[tuple[str, list[int]]] = []
        out_lines: list[str] = []
        dropped = invented = 0
        for line in text.split("\n"):
            if not line.strip():
                continue
            bullet_match = _BULLET.match(line)
            bullet = "- " if bullet_match else ""
            body = line[bullet_match.end():] if bullet_match else line
            if not markers_in(body) and _plain(body).strip(" :：") in titles and body.strip().startswith("**"):
                out_lines.append(body.strip())  # a heading: the document's title
                continue
            pieces: list[tuple[str, list[int]]] = []
            for sentence in split_sentences(body):
                markers = markers_in(sentence)
                valid = [m for m in dict.fromkeys(markers) if m in by_marker]
                invented += len(markers) - len([m for m in markers if m in by_marker])
                claim = strip_markers(sentence)
                plain = _BOLD.sub("", claim)
                if plain.lower().strip(" .。") in _NO_ANSWER:
                    continue
                if len(content_terms(plain)) < 2:
                    # a short answer span: kept only when it is verbatim in a source it cites
                    verbatim = [m for m in valid if _plain(plain).strip(" .。") and
                                _plain(plain).strip(" .。") in _plain(by_marker[m].text)]
                    if verbatim and _plain(plain).strip(" .。"):
                        pieces.append((claim, verbatim[:1]))
                    continue  # otherwise no claim to check ("[1]", "Answer:")
                if any(plain == _BOLD.sub("", c) for c, _ in kept + pieces):
                    continue  # a repeated sentence (small models loop)
                threshold = self.settings.support_min_lexical
                scores = self.support(plain, sources)
                supported = [m for m in valid if scores[m - 1] >= threshold]
                if not supported:
                    best = int(np.argmax(scores)) if scores else -1
                    if best >= 0 and scores[best] >= threshold:
                        supported = [sources[best].marker]
                if not supported:
                    dropped += 1
                    continue
                pieces.append((claim, supported))
            if not pieces:
                continue
            kept += pieces
            joiner = "" if is_zh(" ".join(c for c, _ in pieces)) else " "
            out_lines.append(bullet + joiner.join(attach(claim, ms) for claim, ms in pieces))
        answer = "\n".join(out_lines)
        citations: dict[int, Citation] = {}
        for claim, ms in kept:
            for m in ms:
                src = by_marker[m]
                cite = citations.setdefault(m, Citation(marker=m, document=src.document, article=src.article,
                                                        text=src.text, chunk_id=src.chunk_id,
                                                        article_id=src.article_id, parallel=src.parallel,
                                                        path=list(src.path), version=src.version))
                cite.sentences.append(_BOLD.sub("", claim))
        return Verified(answer, [citations[m] for m in sorted(citations)], dropped, invented, kept)
