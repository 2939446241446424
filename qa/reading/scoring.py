"""Sentence scoring: every sentence of the top sources scored by the question's focus terms it holds
(idf-weighted; title words and a follow-up's carried words count less; words in the question's
order count extra), its source's rank and, for a shortlist, its embedding similarity to the
question (MiniLM in the same language, e5 across languages, where no word is shared). The weights
are ``reader_*`` settings."""

from __future__ import annotations

import numpy as np

from netlaw.text.claims import sentences_with_pieces, split_sentences
from netlaw.text.script import is_zh
from netlaw.text.tokens import tokenize
from qa.ranking.model import load_weights
from qa.reading.base import Bridge, Candidate, ReaderBase, across_scale, clean
from qa.reading.patterns import EFFECT, EFFECT_ASKED, FIELD_LINE, HEADING_ONLY, SENTENCE_END
from qa.reading.question import Question
from qa.reading.spans import spans
from qa.records import Source


def is_header_line(sentence: str, index: int) -> bool:
    """A header line, by its form: short, without final punctuation, and among the source's first
    lines or a "Label: value" line ("No. 25", "15 October 2014", a signatory's line)."""
    return (index < 4 or bool(FIELD_LINE.match(sentence))) and len(sentence) < 40 \
        and not SENTENCE_END.search(sentence)


class Scoring(ReaderBase):
    # --- sentences --------------------------------------------------------------------
    def candidates(self, question: str, sources: list[Source], per_source: int = 3,
                   focus: list[str] | None = None, carried: set[str] | None = None) -> list[Candidate]:
        st = self.settings
        order = [t for t in tokenize(question) if not focus or t in focus]
        all_terms = set(focus or []) or set(order)
        # a follow-up's subject words count as a title's do: its own words pick the sentence
        weight = {t: max(self._idf(t), 0.1) * (st.reader_carried_weight if carried and t in carried else 1.0)
                  for t in all_terms}
        pairs = {(a, b) for a, b in zip(order, order[1:], strict=False) if a != b}
        out = []
        bridge: Bridge | None = None
        for source in sources[:per_source]:
            # Words of the document's title say which document more than which sentence: they count
            # for less (a news title "… conference … in <city>" still helps find "held … in <city>").
            title = set(tokenize(source.document))
            w = {t: weight[t] * (st.reader_title_weight if t in title else 1.0) for t in all_terms}
            total = sum(w.values()) or 1.0
            # a news item's title is its first sentence: there, the title's words count in full
            opening = source.article in ("Paragraph 1", "Preamble") and split_sentences(source.text)[:1]
            # Across languages no word is shared: the multilingual similarity of the sentence's
            # window stands in for the keyword overlap (0.75 is unrelated text, 0.9 a close match).
            across = self.retriever is not None and (source.language == "zh") != is_zh(question)
            similarity = self.retriever.sentence_similarity(question, source.article_id) if across else []
            # across languages each sentence takes the window similarity of its first piece
            for i, (sentence, piece) in enumerate(sentences_with_pieces(source.text)):
                header = is_header_line(sentence, i)
                if (len(sentence) < 12 and not (header and len(sentence) >= 4)) or HEADING_ONLY.match(sentence):
                    continue
                if across:
                    bridge = bridge or Bridge.of(question, all_terms)
                    xl = similarity[piece] if piece < len(similarity) else 0.0
                    lexical = max(across_scale(xl, st), st.reader_across_dictionary * bridge.share(sentence, w))
                    if header and source.marker <= 2:  # a header line ("GF No. (2014)33") of the best articles
                        lexical = max(lexical, st.reader_min_across)
                    out.append(Candidate(source, i, sentence, lexical, across=True, header=header))
                    continue
                # a header line ("No. 25", "15 October 2014") is about the document it heads
                tokens = tokenize(f"{source.document if header else ''} {' '.join(source.path)} {sentence}")
                terms = set(tokens)
                if opening and i == 0 and source.document.lower()[:40] in sentence.lower():
                    lexical = sum(weight[t] for t in all_terms & terms) / (sum(weight.values()) or 1.0)
                else:
                    lexical = sum(w[t] for t in all_terms & terms) / total
                # the question's words in the question's order ("new technology applications")
                phrase = len(pairs & set(zip(tokens, tokens[1:], strict=False)))
                out.append(Candidate(source, i, sentence, min(1.0, lexical + st.reader_phrase_bonus * phrase),
                                     header=header))
        return out

    def ranked(self, question: str, sources: list[Source], focus: list[str] | None = None,
               size: int | None = None, per_source: int = 3, q: Question | None = None) -> list[Candidate]:
        """The best sentences of the top sources, best first (lexical, source rank, embedding). For
        a question asking for a date, a figure, a name…, a few sentences that hold one join the
        shortlist even with few shared words (a paraphrase: "keep logs" → "preserve … six months")."""
        cands = self.candidates(question, sources, per_source=per_source, focus=focus,
                                carried=q.carried if q is not None else None)
        if not cands:
            return []
        st = self.settings
        size = size or st.reader_shortlist
        for c in cands:
            c.score = c.lexical + st.reader_weight_rank / c.source.marker
        ordered = sorted(cands, key=lambda c: -c.score)
        shortlist = ordered[:size]
        if q is not None and q.wants_span:
            shortlist += [c for c in ordered[size:] if spans(q.kind, c.text, q.money)][:st.reader_span_extra]
        # a follow-up's sentence is the one close to what was asked, not to the subject carried into it
        asked = q.asked if q is not None and q.carried and question == q.text else question
        q_vec = np.asarray(self.embedder.embed_query(asked), dtype=np.float32)
        # a long sentence is embedded by its first 300 characters: the cost grows with the longest
        vectors = self.embedder.embed_cached([clean(c.text)[:300] for c in shortlist])
        for c, v in zip(shortlist, vectors, strict=True):
            c.cosine = c.lexical if c.across else float(v @ q_vec)  # MiniLM is English-only
        self._across_cosine(asked, [c for c in shortlist if c.across][:st.reader_across_sentences])
        if st.reader_scorer != "hand":
            self._e5(asked, shortlist)
        for c in shortlist:
            c.score = self.score(c, q)
        shortlist.sort(key=lambda c: -c.score)
        return shortlist

    def _across_cosine(self, question: str, shortlist: list[Candidate]) -> None:
        """The best sentences in the other language, each compared with the question by itself
        (multilingual e5; cached): the window similarity they were found by is shared by two
        sentences, so it cannot tell which of them answers."""
        xl = getattr(self.retriever, "xl_embedder", None)
        if xl is None or not shortlist:
            return
        q_vec = np.asarray(xl.embed_query(question), dtype=np.float32)
        vectors = xl.embed_passages([clean(c.text)[:300] for c in shortlist])
        for c, v in zip(shortlist, vectors, strict=True):
            c.cosine = max(c.lexical, across_scale(float(v @ q_vec), self.settings))

    def select(self, question: str, sources: list[Source]) -> list[Candidate]:
        """The sentences that best answer the question (in source order), as before the reader."""
        if not sources:
            return []
        shortlist = self.ranked(question, sources)
        if not shortlist:
            return []
        best = shortlist[0].score
        chosen = [c for c in shortlist if c.score >= self.settings.reader_quote_within * best]
        chosen = chosen[: self.settings.extractive_max_sentences]
        return self._trim(sorted(chosen, key=lambda c: (c.source.marker, c.index)))

    def _trim(self, chosen: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        size = 0
        for c in chosen:
            if out and size + len(c.text) > self.settings.extractive_max_chars:
                break
            out.append(c)
            size += len(c.text)
        return out

    def _e5(self, question: str, shortlist: list[Candidate]) -> None:
        """Each shortlisted sentence's e5 similarity to the question, in either language."""
        xl = getattr(self.retriever, "xl_embedder", None)
        if xl is None or not shortlist:
            return
        q_vec = np.asarray(xl.embed_query(question), dtype=np.float32)
        vectors = xl.embed_passages([clean(c.text)[:300] for c in shortlist])
        for c, v in zip(shortlist, vectors, strict=True):
            c.e5 = float(np.asarray(v, dtype=np.float32) @ q_vec)

    def score(self, c: Candidate, q: Question | None = None) -> float:
        """A shortlisted sentence's score (``reader_scorer``): "hand" weighs the embedding similarity, the
        focus-term share and the source's rank (``reader_weight_*``); "e5" and "learned" add whether the
        sentence holds an answer of the asked kind and use e5 in both languages (docs/reader.md)."""
        st = self.settings
        if st.reader_scorer == "hand" or c.e5 is None:
            return st.reader_weight_cosine * c.cosine + st.reader_weight_lexical * c.lexical \
                + st.reader_weight_rank / c.source.marker
        e5 = across_scale(c.e5, st)
        kind = 1.0 if q is not None and q.wants_span and spans(q.kind, c.text, q.money) else 0.0
        if st.reader_scorer == "e5":
            return st.reader_e5_weight_e5 * e5 + st.reader_e5_weight_lexical * c.lexical \
                + st.reader_e5_weight_kind * kind + st.reader_e5_weight_rank / c.source.marker
        model = load_weights(st.ranking_weights).sentence
        if model is None:  # weights fitted before the sentence rows were collected
            return st.reader_e5_weight_e5 * e5 + st.reader_e5_weight_lexical * c.lexical \
                + st.reader_e5_weight_kind * kind + st.reader_e5_weight_rank / c.source.marker
        z = float(model.score(np.asarray([sentence_row(c, e5, kind)]))[0])
        return float(1.0 / (1.0 + np.exp(-z)))

    def sentence_rows(self, shortlist: list[Candidate], q: Question | None) -> list[list[float]]:
        """``SENTENCE_FEATURES`` of each shortlisted sentence (for the fit: evals/fit.py)."""
        st = self.settings
        return [sentence_row(c, across_scale(c.e5 or 0.0, st),
                             float(bool(q is not None and q.wants_span and spans(q.kind, c.text, q.money))))
                for c in shortlist]

    def relevant(self, c: Candidate, q: Question | None = None) -> bool:
        """The sentence is about the question (``reader_min_*``); with ``q``, the article ranked first
        needs less evidence, and a date question about entry into force takes the sentence saying so."""
        st = self.settings
        if q is not None and q.kind == "date" and EFFECT_ASKED.search(q.text) and EFFECT.search(c.text):
            return True  # "since when do these regulations apply?" — "will take effect on …", "起施行"
        if c.across:
            return c.lexical >= st.reader_min_across
        if q is not None and c.source.marker == 1:
            # the article retrieval ranked first: a sentence of it is about the question on less evidence
            return c.lexical >= st.reader_top_min_lexical or c.cosine >= st.reader_top_min_cosine
        return c.lexical >= st.reader_min_lexical or c.cosine >= st.reader_min_cosine


def sentence_row(c: Candidate, e5: float, kind: float) -> list[float]:
    """One shortlisted sentence as ``qa.ranking.model.SENTENCE_FEATURES`` (e5 already scaled)."""
    return [e5, c.lexical, kind, 1.0 / c.source.marker, c.cosine, float(c.header), float(c.across)]
