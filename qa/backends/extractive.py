"""The extractive backend: an answer made only of sentences from the sources, each cited.

Every sentence of the top sources is scored by keyword overlap with the question
(idf-weighted), its source's rank and — for the few best by keywords — embedding
similarity to the question. The best sentences (at most ``extractive_max_sentences``,
close in score to the best one) are returned in source order, each followed by its
marker. Deterministic; it cannot say anything the documents do not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from qa.records import Source
from qa.text import split_sentences
from vectorstore.embeddings import get_embedder
from vectorstore.keyword import tokenize
from vectorstore.numerals import is_zh
from vectorstore.references import article_labels_in

_HEADING_ONLY = re.compile(r"^(Article\s+\d+[:.]?|第[一二三四五六七八九十百零\d]+条)$")


@dataclass
class Candidate:
    source: Source
    index: int  # position of the sentence in its source
    text: str
    lexical: float = 0.0
    cosine: float = 0.0
    score: float = 0.0
    across: bool = False  # the sentence is in the other language than the question


class ExtractiveBackend:
    name = "extractive"

    def __init__(self, settings, retriever=None):
        self.settings = settings
        self.retriever = retriever
        self.embedder = get_embedder()

    def _idf(self, token: str) -> float:
        if self.retriever is None:
            return 1.0
        return self.retriever.snapshot().keyword.idf(token)

    def candidates(self, question: str, sources: list[Source], per_source: int = 3) -> list[Candidate]:
        all_terms = set(tokenize(question))
        weight = {t: max(self._idf(t), 0.1) for t in all_terms}
        out = []
        for source in sources[:per_source]:
            # Words of the document's title say which document, not which sentence: leave them out.
            q_terms = (all_terms - set(tokenize(source.document))) or all_terms
            total = sum(weight[t] for t in q_terms) or 1.0
            # Across languages no word is shared: the multilingual similarity of the sentence's
            # window stands in for the keyword overlap (0.75 is unrelated text, 0.9 a close match).
            across = self.retriever is not None and (source.language == "zh") != is_zh(question)
            similarity = self.retriever.sentence_similarity(question, source.article_id) if across else []
            for i, sentence in enumerate(split_sentences(source.text)):
                if len(sentence) < 12 or _HEADING_ONLY.match(sentence):
                    continue
                if across:
                    xl = similarity[i] if i < len(similarity) else 0.0
                    out.append(Candidate(source, i, sentence, min(1.0, max(0.0, (xl - 0.75) / 0.15)), across=True))
                    continue
                terms = set(tokenize(f"{' '.join(source.path)} {sentence}"))
                out.append(Candidate(source, i, sentence, sum(weight[t] for t in q_terms & terms) / total))
        return out

    def select(self, question: str, sources: list[Source]) -> list[Candidate]:
        if not sources:
            return []
        s = self.settings
        if article_labels_in(question) and len(sources[0].text) <= s.extractive_max_chars * 2:
            # "What does Article 12 say?": the article itself is the answer.
            first = [Candidate(sources[0], i, t) for i, t in enumerate(split_sentences(sources[0].text))]
            return self._trim(first)
        cands = self.candidates(question, sources)
        if not cands:
            return []
        for c in cands:
            c.score = c.lexical + 0.15 / c.source.marker
        shortlist = sorted(cands, key=lambda c: -c.score)[:12]
        q_vec = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        vectors = self.embedder.embed_cached([c.text for c in shortlist])
        for c, v in zip(shortlist, vectors):
            c.cosine = c.lexical if c.across else float(v @ q_vec)  # MiniLM is English-only
            c.score = 0.5 * c.cosine + 0.35 * c.lexical + 0.15 / c.source.marker
        shortlist.sort(key=lambda c: -c.score)
        best = shortlist[0].score
        chosen = [c for c in shortlist if c.score >= 0.85 * best][: s.extractive_max_sentences]
        return self._trim(sorted(chosen, key=lambda c: (c.source.marker, c.index)))

    def _trim(self, chosen: list[Candidate]) -> list[Candidate]:
        out, size = [], 0
        for c in chosen:
            if out and size + len(c.text) > self.settings.extractive_max_chars:
                break
            out.append(c)
            size += len(c.text)
        return out

    def compose(self, chosen: list[Candidate]) -> str:
        pieces = []
        for c in chosen:
            text = c.text.rstrip()
            pieces.append(f"{text} [{c.source.marker}]")
        return " ".join(pieces) if not any(re.search(r"[\u4e00-\u9fff]", c.text) for c in chosen) else "".join(pieces)

    def stream(self, question: str, sources: list[Source], language: str) -> Iterator[str]:
        chosen = self.select(question, sources)
        text = self.compose(chosen)
        for i, piece in enumerate(re.split(r"(?<=\]) ", text)):
            yield piece if i == 0 else " " + piece
