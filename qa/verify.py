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
from netlaw.text.render import split_rendering
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
                # "**at least once a year** — 每年至少…": the English of a fact the quote states; the quote is checked
                rendering = split_rendering(claim)
                plain = _BOLD.sub("", rendering[1] if rendering else claim)
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
                rendering = split_rendering(claim)
                cite.sentences.append(_BOLD.sub("", rendering[1] if rendering else claim))
        return Verified(answer, [citations[m] for m in sorted(citations)], dropped, invented, kept)


# --- the cited span against the article text (every backend; used by the evaluation) -------------------
_SEGMENT = re.compile(r"((?:\s*\[\d{1,3}\])+)")  # a run of markers closes the claim before it
_LABEL_PREFIX = re.compile(r"^[\s;；,，.。]*(?:[-*•]\s+)?\*\*([^*]{1,400})\*\*\s*(?:\([^)]{0,40}\))?\s*[:：]\s*")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』\n]{6,})[”\"」』]")
_ELLIPSIS = re.compile(r"…+|\.{3,}")


def normalise_span(text: str) -> str:
    """Compared form of a quote: NFKC, no emphasis, lower case, no whitespace, punctuation or symbols."""
    import unicodedata

    text = unicodedata.normalize("NFKC", _BOLD.sub("", text)).lower()
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS")


def cited_claims(answer: str) -> list[tuple[str, list[int]]]:
    """(claim, markers) for every cited piece of an answer: the text before each run of [n] markers, back to
    the previous run or the start of its sentence ("A [1]; B [2]." → ("A", [1]), ("B", [2]))."""
    out = []
    for line in answer.split("\n"):
        for sentence in split_sentences(line):
            pieces = _SEGMENT.split(sentence)
            out += [(text, markers_in(markers)) for text, markers in zip(pieces[::2], pieces[1::2], strict=False)]
    return [(c, ms) for c, ms in out if normalise_span(c)]


def span_problems(answer: str, cited: dict[int, tuple[list[str], list[str]]], verbatim: bool = True,
                  min_support: float = 0.5) -> list[str]:
    """What in an answer its cited articles do not say; [] when every cited piece holds.

    ``cited``: marker → (texts of the cited article as the store holds it, its parallel text too; the names
    a line may open with: document title, article label, version). A marker absent from ``cited`` is a
    problem. ``verbatim`` (the extractive backend, which only quotes): each cited piece, after a leading
    "**name** (version):" label and with "…" as a gap, occurs in one of its articles' texts (compared by
    ``normalise_span``). Otherwise (a model's paraphrase): every quoted passage ("…", “…”, 「…」) occurs, every
    number occurs in the text or the names, and ``lexical_support`` of the piece by its best article (with
    its names) reaches ``min_support``."""
    problems = []
    for claim, markers in cited_claims(answer):
        tag = f"[{','.join(map(str, markers))}]"
        if any(m not in cited for m in markers):
            problems.append(f"{tag} cites no article: {claim.strip()[:80]}")
            continue
        texts = [t for m in markers for t in cited[m][0]]
        raw_names = [n for m in markers for n in cited[m][1] if n]
        names = {normalise_span(n) for n in raw_names}
        whole = [normalise_span(t) for t in texts]
        rendering = split_rendering(claim.strip())
        body = rendering[1] if rendering else claim
        label = _LABEL_PREFIX.match(body)
        if label and normalise_span(label.group(1)) in names:
            body = body[label.end():]
        if verbatim:
            absent = [p for p in map(normalise_span, _ELLIPSIS.split(body)) if p and not any(p in w for w in whole)]
            if absent:
                problems.append(f"{tag} not in the cited text: {body.strip()[:100]}")
            continue
        for quote in _QUOTED.findall(body):
            if not any(normalise_span(quote) in w for w in whole):
                problems.append(f"{tag} quotes what the article does not say: {quote[:80]}")
        numbers = set(_NUMBER.findall(body)) - set(_NUMBER.findall(" ".join(texts + raw_names)))
        if numbers:
            problems.append(f"{tag} numbers not in the cited text {sorted(numbers)}: {body.strip()[:80]}")
        best = max((lexical_support(body, " ".join(raw_names) + " " + t) for t in texts), default=0.0)
        if len(content_terms(body)) >= 2 and best < min_support:
            problems.append(f"{tag} support {best:.2f} < {min_support}: {body.strip()[:80]}")
    return problems
