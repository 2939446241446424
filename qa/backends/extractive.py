"""The extractive backend: a reader that answers the asked kind of question from the sources' own
sentences, answer first.

1. The question is analysed (``qa.question``): the asked kind (date, duration, figure, place,
   body, document number, list, definition, yes/no, article, summary, comparison) and its focus.
2. Every sentence of the top sources is scored by the focus terms it holds (idf-weighted), its
   source's rank and — for the best few — embedding similarity to the question (the multilingual
   window similarity across languages, where no word is shared).
3. For a kind whose answer is a span (a date, a figure, a name…) the reader looks for the best
   sentence holding such a span about the focus. None → nothing to answer with (``support``
   ``none``): the chain refuses, so a near-topic question ("What is the fine …?" when no fine is
   stated) is not answered with whatever sentence is closest.
4. The answer opens with one line stating the answer — the clause that holds it, the answer in
   bold, cited — then the supporting quotes, without "Article N:" labels (the citation carries
   it). A list or enumeration is kept whole. Nothing is written that is not in the documents:
   fixed framing ("not stated: …") is added by the chain, after the citation check.

Deterministic; it cannot say anything the documents do not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from netlaw.text.script import HAN, has_chinese, is_zh
from netlaw.text.tokens import tokenize
from qa.documents import title_terms
from qa.question import Question, analyse
from qa.records import Source
from qa.spans import spans
from qa.text import ends_with_abbreviation, sentences_with_pieces, split_sentences
from vectorstore.embeddings import get_embedder
from vectorstore.translate import en_to_zh, zh_to_en

_HEADING_ONLY = re.compile(r"^(Article\s+\d+[:.]?|第[一二三四五六七八九十百零\d]+条)$")
_LABEL = re.compile(r"^\s*(?:Article\s+\d+\s*[:.：]\s*|Article\s+\d+\s+(?=[A-Z])|第[一二三四五六七八九十百零\d]+条\s*)")
_ITEM = re.compile(r"^\s*(?:\(\d{1,2}\)|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)"
                   r"|[一二三四五六七八九十]+、|\d{1,2}[、.)]\s?|[①-⑳])")
_LEAD_IN = re.compile(r"(?:[:：]|\bthe following\b|\bas follows\b|下列|如下|以下)\s*$|(?:[:：])$", re.I)
_ENUM_AFTER = re.compile(r"\b(?:including|includes|include|such as|namely|as follows)\b|[:：]|包括|如下|主要有", re.I)
_CLAUSE_END = re.compile(r"[;；。.!?！？]")
_DEFINES = re.compile(r"\b(refers to|refer to|means|shall mean|is defined as|are defined as)\b|是指|所称|指的是", re.I)
_PURPOSE = re.compile(r"(?:in order to|so as to|these (?:regulations|provisions|rules|measures) are formulated in"
                      r" order to)\s.{10,160}?(?=[,，;；]|$)|为(?:了)?[^，,。；]{4,60}", re.I)
_ANSWER_LINE_MAX = 240
_ACROSS_LINE_MAX = 480  # the same across languages, where no clause can be picked by its words
_SENTENCE_LINE_MAX = 320  # a first line that is not a short answer: the whole sentence up to this length
_EFFECT_ASKED = re.compile(r"\b(apply|applies|effect|effective|force|valid|enter|entered)\b|施行|实施|生效|适用", re.I)
_EFFECT = re.compile(r"take effect|takes effect|took effect|come into force|effective (from|as of|on)|施行|实施"
                     r"|生效", re.I)
_SIGNATURE = re.compile(r"^\s*(?:Minister|Director|Chairman|Premier|President|部长|主任|局长|主席|总理)\s*[:：]")
_PERSON_ASKED = re.compile(r"\b(official|director|directer|deputy|minister|head|leader|person|speaker|chairman"
                           r"|spokes\w+|mayor|secretary|inspector|journalist"
                           r"|who (said|spoke|gave|delivered|attended|wrote|stressed|pointed|signed))\b"
                           r"|哪位|谁|签发|签署", re.I)

# How close to the question a sentence must be to carry an answer of the asked kind (tuned on the
# tuning items): idf-weighted share of the focus terms it holds, or the embedding similarity.
MIN_LEXICAL = 0.25
MIN_COSINE = 0.45
MIN_ACROSS = 0.35  # across languages: (window e5 − 0.75) / 0.15, see ``candidates``
ACROSS_SENTENCES = 6  # sentences in the other language compared with the question one by one (e5)
ACROSS_DICTIONARY = 1.0  # a sentence's dictionary-translated focus share counts this much across languages
TOP_MIN_LEXICAL, TOP_MIN_COSINE = 0.15, 0.35  # the same for the best-ranked article
CARRIED_WEIGHT = 0.1  # a follow-up's focus term carried from the conversation's subject counts this much
TITLE_WEIGHT = 0.3  # a focus term that is also in the source's document title counts this much
PHRASE_BONUS = 0.1  # per pair of focus terms found next to each other, as in the question
LIST_WITHIN = 0.8  # a sentence of an enumeration is preferred for a list question down to this share
SPAN_WITHIN = 0.45  # a sentence holding the asked kind of answer is read down to this share of the best score
NEAR_BEST = 0.9  # a sentence this close to the best score may state the answer instead, if it holds more of the focus
ENTITY_MIN_IDF = 3.0  # a capitalised word this rare in the library names one thing ("Thailand"; "China" is 0.7)
SPAN_EXTRA = 4  # sentences holding the asked kind of answer added to the shortlist


@dataclass
class Candidate:
    source: Source
    index: int  # position of the sentence in its source
    text: str
    lexical: float = 0.0
    cosine: float = 0.0
    score: float = 0.0
    across: bool = False  # the sentence is in the other language than the question


@dataclass
class Bridge:
    """The question's focus terms in the other language (CC-CEDICT, ``vectorstore.translate``), so a
    sentence can be scored by the terms it shares with the question across languages: "文号" →
    "document identifier code", "names" → "名称". Each focus term counts once (its idf weight) when
    the sentence holds any of its translations."""

    translations: dict[str, set[str]]  # focus term → its translations (English stems or Chinese words)
    to_zh: bool

    @classmethod
    def of(cls, question: str, focus: set[str]) -> Bridge:
        out: dict[str, set[str]] = {}
        if is_zh(question):
            for term in focus:
                if has_chinese(term):
                    out[term] = set(tokenize(zh_to_en(term))) - {term}
        else:
            for word in re.findall(r"[A-Za-z]+", question):
                for term in set(tokenize(word)) & focus:
                    out.setdefault(term, set()).update(w for w in en_to_zh(word).split() if len(w) >= 2)
        return cls({t: v for t, v in out.items() if v}, not is_zh(question))

    def share(self, sentence: str, weights: dict[str, float]) -> float:
        total = sum(weights.get(t, 0.0) for t in self.translations) or 1.0
        if self.to_zh:
            held = [t for t, zh in self.translations.items() if any(w in sentence for w in zh)]
        else:
            words = set(tokenize(sentence))
            held = [t for t, en in self.translations.items() if en & words]
        return sum(weights.get(t, 0.0) for t in held) / total


@dataclass
class Reading:
    """What the reader found: the answer lines (first line = the answer) and how well supported."""

    question: Question
    support: str = "none"  # direct | partial | none
    lines: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # parts of the question no source answers
    reason: str | None = None  # why nothing was found (support "none")
    sources: list[Source] = field(default_factory=list)
    strength: float = 0.0  # focus-term share (lexical) of the sentence that holds the answer
    closeness: float = 0.0  # its embedding similarity to the question (0 across languages)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def clean(sentence: str) -> str:
    """A quote without its "Article N:" label (the citation names the article)."""
    return _LABEL.sub("", sentence).strip()


def is_heading(sentence: str, source: Source) -> bool:
    """A section heading read as a sentence ("(3) Strive to build a dialogue platform", "六、依法治理网络空间"):
    it names what the section is about, it answers nothing."""
    body = clean(sentence).rstrip(" .。:：")
    if not body:
        return True
    return any(body == p.strip().rstrip(" .。:：") or (len(body) >= 4 and body in p)
               for p in (source.article, *source.path))


def _same_title(name: str, title: str) -> bool:
    """A law's name as the question writes it is this title (case, punctuation and a leading 'the' aside)."""
    def norm(text: str) -> str:
        return re.sub(r"^the\s+|[\W_]+", "", text.lower())
    return norm(name) == norm(title)


def _after(text: str, end: int) -> int:
    """Where the words after a match begin (past one space)."""
    return end + (1 if text[end:end + 1] == " " else 0)


def bold(text: str, start: int, end: int) -> str:
    if end <= start or not text[start:end].strip():
        return text
    return f"{text[:start]}**{text[start:end]}**{text[end:]}"


def cite(text: str, marker: int) -> str:
    text = text.rstrip()
    if text and text[-1] in ".。;；:：,，" and not text.endswith("**") and not ends_with_abbreviation(text):
        return f"{text[:-1]} [{marker}]{text[-1]}" if text[-1] in ".;:," else f"{text[:-1]}[{marker}]{text[-1]}"
    return f"{text} [{marker}]"


def clause_around(sentence: str, start: int, end: int) -> tuple[str, int, int]:
    """The clause of a long sentence that holds [start, end): (clause, start, end) within it."""
    if len(sentence) <= _ANSWER_LINE_MAX:
        return sentence, start, end
    left = max(sentence.rfind(c, 0, start) for c in ";；:：")
    right = [i for i in (sentence.find(c, end) for c in ";；。") if i >= 0]
    lo, hi = left + 1, (min(right) + 1 if right else len(sentence))
    if hi - lo > _ANSWER_LINE_MAX:
        left = max(sentence.rfind(c, 0, start) for c in ",，")
        right = [i for i in (sentence.find(c, end) for c in ",，") if i >= 0]
        lo, hi = max(lo, left + 1), min(hi, min(right) if right else hi)
    clause = sentence[lo:hi]
    stripped = clause.lstrip()
    lo += len(clause) - len(stripped)
    clause = stripped.rstrip(" ,，")
    joined = re.match(r"(?:and|or|but)\s+", clause)  # "and Zhu Peng, …": the clause without its conjunction
    if joined and start - lo >= joined.end():
        lo, stripped, clause = lo + joined.end(), stripped[joined.end():], clause[joined.end():]
    while len(clause) < 50 and lo + len(stripped) < len(sentence):  # too short to read: take the next clause too
        nxt = [i for i in (sentence.find(c, lo + len(stripped) + 1) for c in ",，;；。") if i >= 0]
        hi = min(nxt) if nxt else len(sentence)
        stripped = sentence[lo:hi].strip()
        clause = stripped.rstrip(" ,，")
        if not nxt:
            break
    if clause.count(")") > clause.count("(") or clause.count("）") > clause.count("（"):
        # cut inside a parenthesis ("… Decree No. 24)"): from its opening bracket
        opening = max(sentence.rfind("(", 0, lo), sentence.rfind("（", 0, lo))
        if opening >= 0 and lo - opening < _ANSWER_LINE_MAX:
            clause, lo = sentence[opening:lo] + clause, opening
    s = max(0, start - lo)
    return clause, s, max(s, min(len(clause), end - lo))


def across_scale(similarity: float) -> float:
    """An e5 similarity as a 0–1 closeness (0.75 is unrelated text, 0.9 a close match)."""
    return min(1.0, max(0.0, (similarity - 0.75) / 0.15))


class ExtractiveBackend:
    name = "extractive"
    chat_model = None  # no model (qa.backends.Backend)

    def __init__(self, settings, retriever=None):
        self.settings = settings
        self.retriever = retriever
        self.embedder = retriever.embedder if retriever is not None else get_embedder()  # the retriever's own

    def _idf(self, token: str) -> float:
        if self.retriever is None:
            return 1.0
        return self.retriever.snapshot().keyword.idf(token)

    # --- sentences --------------------------------------------------------------------
    def candidates(self, question: str, sources: list[Source], per_source: int = 3,
                   focus: list[str] | None = None, carried: set[str] | None = None) -> list[Candidate]:
        order = [t for t in tokenize(question) if not focus or t in focus]
        all_terms = set(focus or []) or set(order)
        # a follow-up's subject words count as a title's do: its own words pick the sentence
        weight = {t: max(self._idf(t), 0.1) * (CARRIED_WEIGHT if carried and t in carried else 1.0) for t in all_terms}
        pairs = {(a, b) for a, b in zip(order, order[1:], strict=False) if a != b}
        out = []
        bridge: Bridge | None = None
        for source in sources[:per_source]:
            # Words of the document's title say which document more than which sentence: they count
            # for less (the title "… conference … in Tianjin" still helps find "held … in Tianjin").
            title = set(tokenize(source.document))
            w = {t: weight[t] * (TITLE_WEIGHT if t in title else 1.0) for t in all_terms}
            total = sum(w.values()) or 1.0
            # a news item's title is its first sentence: there, the title's words count in full
            opening = source.article in ("Paragraph 1", "Preamble") and split_sentences(source.text)[:1]
            # Across languages no word is shared: the multilingual similarity of the sentence's
            # window stands in for the keyword overlap (0.75 is unrelated text, 0.9 a close match).
            across = self.retriever is not None and (source.language == "zh") != is_zh(question)
            similarity = self.retriever.sentence_similarity(question, source.article_id) if across else []
            # across languages each sentence takes the window similarity of its first piece
            for i, (sentence, piece) in enumerate(sentences_with_pieces(source.text)):
                header = ((i < 4 or bool(_SIGNATURE.match(sentence))) and len(sentence) < 40
                          and not re.search(r"[.。;；!?！？]$", sentence))
                if (len(sentence) < 12 and not (header and len(sentence) >= 4)) or _HEADING_ONLY.match(sentence):
                    continue
                if across:
                    bridge = bridge or Bridge.of(question, all_terms)
                    xl = similarity[piece] if piece < len(similarity) else 0.0
                    lexical = max(across_scale(xl), ACROSS_DICTIONARY * bridge.share(sentence, w))
                    if header and source.marker <= 2:  # a header line ("GF No. (2014)33") of the best articles
                        lexical = max(lexical, MIN_ACROSS)
                    out.append(Candidate(source, i, sentence, lexical, across=True))
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
                out.append(Candidate(source, i, sentence, min(1.0, lexical + PHRASE_BONUS * phrase)))
        return out

    def ranked(self, question: str, sources: list[Source], focus: list[str] | None = None,
               size: int = 12, per_source: int = 3, q: Question | None = None) -> list[Candidate]:
        """The best sentences of the top sources, best first (lexical, source rank, embedding). For
        a question asking for a date, a figure, a name…, a few sentences that hold one join the
        shortlist even with few shared words (a paraphrase: "keep logs" → "preserve … six months")."""
        cands = self.candidates(question, sources, per_source=per_source, focus=focus,
                                carried=q.carried if q is not None else None)
        if not cands:
            return []
        for c in cands:
            c.score = c.lexical + 0.15 / c.source.marker
        ordered = sorted(cands, key=lambda c: -c.score)
        shortlist = ordered[:size]
        if q is not None and q.wants_span:
            shortlist += [c for c in ordered[size:] if spans(q.kind, c.text, q.money)][:SPAN_EXTRA]
        # a follow-up's sentence is the one close to what was asked, not to the subject carried into it
        asked = q.asked if q is not None and q.carried and question == q.text else question
        q_vec = np.asarray(self.embedder.embed_query(asked), dtype=np.float32)
        # a long sentence is embedded by its first 300 characters: the cost grows with the longest
        vectors = self.embedder.embed_cached([clean(c.text)[:300] for c in shortlist])
        for c, v in zip(shortlist, vectors, strict=True):
            c.cosine = c.lexical if c.across else float(v @ q_vec)  # MiniLM is English-only
        self._across_cosine(asked, [c for c in shortlist if c.across][:ACROSS_SENTENCES])
        for c in shortlist:
            c.score = 0.5 * c.cosine + 0.35 * c.lexical + 0.15 / c.source.marker
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
            c.cosine = max(c.lexical, across_scale(float(v @ q_vec)))

    def select(self, question: str, sources: list[Source]) -> list[Candidate]:
        """The sentences that best answer the question (in source order), as before the reader."""
        if not sources:
            return []
        shortlist = self.ranked(question, sources)
        if not shortlist:
            return []
        best = shortlist[0].score
        chosen = [c for c in shortlist if c.score >= 0.85 * best][: self.settings.extractive_max_sentences]
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

    @staticmethod
    def relevant(c: Candidate, q: Question | None = None) -> bool:
        if q is not None and q.kind == "date" and _EFFECT_ASKED.search(q.text) and _EFFECT.search(c.text):
            return True  # "since when do these regulations apply?" — "will take effect on …", "起施行"
        if c.across:
            return c.lexical >= MIN_ACROSS
        if q is not None and c.source.marker == 1:
            # the article retrieval ranked first: a sentence of it is about the question on less evidence
            return c.lexical >= TOP_MIN_LEXICAL or c.cosine >= TOP_MIN_COSINE
        return c.lexical >= MIN_LEXICAL or c.cosine >= MIN_COSINE

    # --- the reader ---------------------------------------------------------------------
    def read(self, question: str, sources: list[Source], analysis: Question | None = None) -> Reading:
        q = analysis or analyse(question)
        reading = Reading(q, sources=sources)
        if not sources:
            reading.reason = "no sources"
            return reading
        if q.kind == "article" and len(sources[0].text) <= self.settings.extractive_max_chars * 2:
            return self._article(reading, sources[0])
        if q.kind == "summary":
            return self._summary(reading, sources)
        if q.kind == "comparison" and len({s.document for s in sources}) >= 2:
            return self._comparison(reading, sources)
        if q.kind == "changes":
            return self._changes(reading, sources)
        # a date, a figure, a name may be in any retrieved article, as may a follow-up's new topic
        # (its subject's words weighed on retrieval): all are read (the rank still counts)
        every = q.wants_span or bool(q.carried)
        # a question naming a library document is read in that document's articles when any was retrieved
        readable = [s for s in sources if {s.document, s.parallel.document if s.parallel else ""} & q.named] or sources
        shortlist = self.ranked(question, readable, q.focus, q=q, per_source=len(readable) if every else 3)
        if not shortlist:
            reading.reason = "no sentence of the sources"
            return reading
        shortlist = self._about_named_law(q, shortlist, reading)
        if not shortlist:
            return reading
        parts = q.parts or [q]
        answered: list[tuple[Candidate, tuple[int, int] | None]] = []
        for part in parts:
            # each part of a two-part question is read in all the sources: the retrieval served both parts
            found = self._evidence(part, shortlist if part is q
                                   else self.ranked(part.text, readable, part.focus, per_source=len(readable), q=part)
                                   or shortlist)
            if found is None and (part.wants_span or part is q):
                reading.missing.append(part.text)
            elif found is None:
                continue  # a part asking for no particular kind of fact is served by the quotes
            else:
                answered.append(found)
        if not answered:
            reading.reason = f"no sentence of the sources states {q.describe('en')} about the question"
            return reading
        reading.support = "partial" if reading.missing else "direct"
        reading.strength = max(c.lexical for c, _ in answered)
        reading.closeness = max(0.0 if c.across else c.cosine for c, _ in answered)
        reading.lines = self._compose(q, answered, shortlist)
        return reading

    def _about_named_law(self, q: Question, shortlist: list[Candidate], reading: Reading) -> list[Candidate]:
        """A question about a law the library only mentions ("the fine under the Personal Information
        Protection Law"): only sentences that name that law can answer it. A question about a law
        the library holds: that law's sentences, where the shortlist has any."""
        library = self.retriever.documents() if self.retriever is not None else []
        alt = {d["title"]: d["alt_title"] for d in library if d.get("alt_title")}
        titles = [t for s in reading.sources for t in (s.document, s.parallel.document if s.parallel else None)
                  if t] + [d["title"] for d in library] + list(alt.values())

        def names(source: Source) -> list[str]:  # a source's document titles, both languages
            found = [source.document, source.parallel.document if source.parallel else ""]
            return found + [alt.get(t, "") for t in found]

        if q.named:  # the question names a library document (by any of its names): its sentences answer
            return [c for c in shortlist if set(names(c.source)) & q.named] or shortlist
        generic = {"law", "act", "regul", "code", "peopl", "republ", "china", "chines", "prc"}
        for law in q.laws:
            words = {t for t in tokenize(law) if t not in generic} or set(tokenize(law))
            if not words:
                continue
            if is_zh(law):
                in_library = any(law in t for t in titles)
                mention = lambda text, law=law: law in text  # noqa: E731
            else:
                in_library = any(words <= set(tokenize(t)) for t in titles)
                mention = lambda text, words=words: words <= set(tokenize(text))  # noqa: E731
            if in_library:  # the question names a document of the library: its own sentences answer first
                own = [c for c in shortlist if any(mention(t) for t in names(c.source) if t)]
                # the document itself before one that names it in its title ("Explaining the “… Regulations”")
                exact = [c for c in own if any(_same_title(law, t) for t in names(c.source) if t)]
                shortlist = exact or own or shortlist
                continue
            shortlist = [c for c in shortlist if mention(c.text) or (c.across and c.lexical >= 0.6)]
            if not shortlist:
                reading.reason = f"the library does not contain {law}"
                return []
        return shortlist

    def _evidence(self, q: Question, shortlist: list[Candidate]) -> tuple[Candidate, tuple[int, int] | None] | None:
        """The best sentence holding an answer of the asked kind about the focus."""
        best = shortlist[0].score
        if q.kind == "list":  # a sentence that opens or belongs to an enumeration, near the best
            for c in shortlist:
                if (c.score >= LIST_WITHIN * best and self.relevant(c)
                        and (self._enumeration(c) or self._items_after(c))):
                    return c, None
        if not q.wants_span:
            for c in shortlist:
                if q.kind == "definition" and _DEFINES.search(c.text) and self.relevant(c) and c.score >= 0.7 * best:
                    return c, None
            # of the sentences near the best, the one holding most of the focus (a heading names the
            # topic, the sentence under it answers)
            near = [c for c in shortlist if c.score >= NEAR_BEST * best and not is_heading(c.text, c.source)]
            top = max(near, key=lambda c: c.lexical + 0.5 * c.cosine) if near else next(
                (c for c in shortlist if not is_heading(c.text, c.source)), shortlist[0])
            return (top, None) if self.relevant(top) or top.score >= 0.3 else None
        # a span the asker already named is not the answer ("Where was it held?" is not answered by the
        # "Tianjin" its standalone form carries from the conversation's subject)
        asked = self._without_titles(q.text).lower()
        own = [t for t in q.focus if t not in q.carried] or q.focus
        qualifiers = self._qualifiers(q, shortlist)
        texts: dict[str, str] = {}  # document title → its whole text, read once for this question
        kinds = ["person", q.kind] if q.kind == "body" and _PERSON_ASKED.search(q.text) else [q.kind]
        # of the sentences near the best, the one holding most of the focus (then closest in meaning)
        by_focus = sorted(shortlist, key=lambda c: -(c.lexical + 0.5 * c.cosine))
        effect = q.kind == "date" and bool(_EFFECT_ASKED.search(q.text))
        if effect:  # the date a text takes effect, not its signing date
            by_focus.sort(key=lambda c: not _EFFECT.search(c.text))
        for kind in kinds:  # a person's name when one is asked for, else any body
            for c in by_focus:
                if c.score < SPAN_WITHIN * best and not (self.relevant(c, q) and not self.relevant(c)):
                    continue
                if not self.relevant(c, q) or not self._qualified(c, qualifiers, texts):
                    continue
                found = [(s, e) for s, e in spans(kind, c.text, q.money) if c.text[s:e].lower() not in asked]
                if kind == "number" and not q.money:
                    found = [(s, e) for s, e in found if self._counts_what_was_asked(q, c.text, s, e)]
                if kind == "date":  # not the year in a document number ("GF No. (2014)33")
                    numbers = spans("docnum", c.text, False)
                    found = [(s, e) for s, e in found if not any(s < e2 and s2 < e for s2, e2 in numbers)]
                    if effect:  # "… will take effect on 1 September 2013", "自…起施行"
                        cues = list(_EFFECT.finditer(c.text))
                        found = [(s, e) for s, e in found if any(0 <= s - m.end() <= 12 or 0 <= m.start() - e <= 3
                                                                  for m in cues)] or found
                if kind == "body":  # a named body ("the Cyberspace Administration of China") before a generic one
                    found = [(s, e) for s, e in found if re.match(rf"(the\s+)?[A-Z{HAN}]", c.text[s:e])] or found
                if found:
                    return c, self._nearest(found, c.text, own)
        return None

    def _without_titles(self, text: str) -> str:
        """The question without the "(Title)" a follow-up's standalone form appends."""
        for d in self.retriever.documents() if self.retriever is not None else []:
            text = text.replace(f"({d['title']})", "")
        return text

    def _qualifiers(self, q: Question, shortlist: list[Candidate]) -> tuple[set[str], set[str]]:
        """What narrows the asked fact to one occasion: the years the question names ("the 2025
        conference") and its rare proper names that the sources know ("… with Thailand"). A span
        in a sentence without them is a neighbouring fact ("the 2024 conference", "… with Germany")."""
        years = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", q.text))
        capitalised = re.findall(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*", q.text)
        if q.language != "en" or not capitalised:
            return years, set()
        in_titles = title_terms(self.retriever.documents() if self.retriever is not None else [])
        names = {t for phrase in capitalised for t in tokenize(phrase)
                 if t not in in_titles and self._idf(t) >= ENTITY_MIN_IDF}
        known = set().union(*(set(tokenize(c.text)) for c in shortlist if not c.across)) if names else set()
        return years, names & known

    def _qualified(self, c: Candidate, qualifiers: tuple[set[str], set[str]], texts: dict[str, str]) -> bool:
        """The sentence may be about the occasion asked: its document states the year asked for
        ("the 2024 conference" is the news item that names 2024 in its fourth paragraph) and the
        sentence names the proper names asked about (not checked across languages)."""
        years, names = qualifiers
        context = f"{c.source.document} {' '.join(c.source.path)} {c.text}"
        missing = [year for year in years if year not in context]
        if missing:
            if c.source.document not in texts:
                texts[c.source.document] = self._document_text(c.source.document)
            if any(year not in texts[c.source.document] for year in missing):
                return False
        return c.across or not names or names <= set(tokenize(c.text))

    def _document_text(self, title: str) -> str:
        if self.retriever is None:
            return ""
        snap = self.retriever.snapshot()
        return " ".join(snap.article_text(a) for a, _ in snap.articles_of_document(title))

    @staticmethod
    def _counts_what_was_asked(q: Question, text: str, s: int, e: int) -> bool:
        """'How many people …?' is answered by a number of people, not by '30 years'; 'what
        percentage …?' by a percentage."""
        if re.search(r"percentage|per cent|percent|proportion|share|比例|百分", q.text, re.I):
            return bool(re.search(r"%|percent|per cent|成", text[s:e + 12], re.I))
        m = re.search(r"how many ([a-z]+)", q.text, re.I)
        if not m:
            return True
        noun = set(tokenize(m.group(1)))
        return bool(noun & set(tokenize(text[s:e + 30])))

    @staticmethod
    def _nearest(found: list[tuple[int, int]], text: str, focus: list[str]) -> tuple[int, int]:
        """Of several spans in the sentence, the one with most of the question's focus terms around it
        (an apposition follows a name: "Wang Song, Deputy Director …, delivered a speech"), then the
        closest to one."""
        if len(found) == 1:
            return found[0]
        words = [(m.start(), set(tokenize(m.group(0))) & set(focus))
                 for m in re.finditer(rf"[A-Za-z]+|[{HAN}]{{2,}}|\d+", text)]
        words = [(p, t) for p, t in words if t]
        if not words:
            return found[0]

        ordered = sorted(found)

        def score(se):
            # the span's own context: from the previous answer to the next one (an apposition
            # belongs to the name it follows), at most 80 characters before and 150 after
            i = ordered.index(se)
            lo = max(se[0] - 80, ordered[i - 1][1] if i > 0 else 0)
            hi = min(se[1] + 150, ordered[i + 1][0] if i + 1 < len(ordered) else len(text))
            near = set().union(*[t for p, t in words if lo <= p < hi and not se[0] <= p < se[1]] or [set()])
            distance = min(min(abs(p - se[0]), abs(p - se[1])) for p, _ in words)
            return (-len(near), distance, -(se[1] - se[0]))

        return min(found, key=score)

    def _answer_line(self, q: Question, c: Candidate, span: tuple[int, int] | None) -> tuple[str, bool]:
        """(first line, whether it is the whole sentence)."""
        text = clean(c.text)
        shift = len(c.text) - len(c.text.lstrip()) + (len(c.text.strip()) - len(text))
        if span is not None:
            s, e = span[0] - shift, span[1] - shift
            if s < 0:  # the span was inside the label
                s, e = 0, 0
            merged = self._merge_runs(q, text, s, e)
            clause, s2, e2 = clause_around(text, *merged)
            return bold(clause, s2, e2) if e2 > s2 else clause, clause == text
        if q.kind == "list":
            enumeration = self._enumeration(c)
            if enumeration:
                return self._bold_items(clean(enumeration)), True
            # the last enumeration cue ("such as …"), else a definition's ("refers to … right to a name, …")
            m = ([None, *_ENUM_AFTER.finditer(text)])[-1] or _DEFINES.search(text)
            if m is not None and len(text) - m.end() > 10:
                return bold(text, _after(text, m.end()), len(text.rstrip(".。;；"))), True
        if q.kind == "definition":
            m = _DEFINES.search(text)
            if m and len(text) - m.end() > 5:
                return bold(text, _after(text, m.end()), len(text.rstrip(".。;；"))), True
        if c.across:  # no shared words: the sentence, whole or cut at the clause its translation matches
            clause = text if len(text) <= _ACROSS_LINE_MAX else self._across_clause(q, c, text)
            return bold(clause, 0, len(clause.rstrip(" .。;；"))), clause == text
        weights = self._clause_weights(q, set(tokenize(c.source.document)) | q.carried)
        clause, s2, e2 = self._best_clause(q, text, weights)
        if clause != text and len(text) <= _SENTENCE_LINE_MAX:
            offset = text.find(clause)
            if offset >= 0:
                return bold(text, offset + s2, offset + e2), True
        return bold(clause, s2, e2), clause == text

    def _across_clause(self, q: Question, c: Candidate, text: str) -> str:
        """The stretch of a long sentence in the other language (clauses in a row, at most
        ``_ANSWER_LINE_MAX`` characters) whose dictionary translation holds most of the question's
        focus ("依据哪部法律" → "on the basis of the “Cybersecurity Law …” and …"); the title's
        words count less. The first clause when no stretch holds any."""
        body = text.rstrip(" .。;；")
        pieces = [(m.start(), m.end()) for m in re.finditer(r"[^,，;；:：\s][^,，;；:：]*", body)]
        library = self.retriever.documents() if self.retriever is not None else []
        titles = [c.source.document] + [d.get("alt_title") or "" for d in library if d["title"] == c.source.document]
        weights = self._clause_weights(q, {t for title in titles for t in tokenize(title)})
        bridge = Bridge.of(q.text, set(q.focus))
        best, best_key = (0, 1), (0.0, 0)
        for i, (a, _) in enumerate(pieces):
            ends = [b for _, b in pieces[i:] if b - a <= _ANSWER_LINE_MAX] or [pieces[i][1]]
            key = (bridge.share(body[a:ends[-1]], weights), -a)
            if key > best_key:
                best, best_key = (a, ends[-1]), key
        return body[best[0]:best[1]] if best_key[0] > 0 else clause_around(text, 0, 1)[0]

    def _merge_runs(self, q: Question, text: str, s: int, e: int) -> tuple[int, int]:
        """Neighbouring answers joined ("Hangzhou, Beijing, and Guangzhou")."""
        others = spans(q.kind, text, q.money)
        for s2, e2 in others:
            if s2 >= e and re.fullmatch(r"[\s,，、]*(?:and|or|和|及|与)?[\s,，、]*", text[e:s2]):
                e = e2
        for s2, e2 in reversed(others):
            if e2 <= s and re.fullmatch(r"[\s,，、]*(?:and|or|和|及|与)?[\s,，、]*", text[e2:s]):
                s = s2
        return s, e

    def _clause_weights(self, q: Question, title: set[str]) -> dict[str, float]:
        """The focus terms' idf weights for picking a clause; the title's words (``title``) count less."""
        return {t: max(self._idf(t), 0.1) * (TITLE_WEIGHT if t in title else 1.0) for t in q.focus}

    @staticmethod
    def _best_clause(q: Question, text: str, weights: dict[str, float] | None = None) -> tuple[str, int, int]:
        """The clause of the sentence holding most of the focus (idf-weighted, title words count
        less); the whole sentence when it is short."""
        body = text.rstrip(" .。;；")
        if len(text) <= 160:
            return text, 0, len(body)
        pieces = [(m.start(), m.end()) for m in re.finditer(r"[^,，;；:：\s][^,，;；:：]*", body)]
        weights = weights or {t: 1.0 for t in q.focus}
        best = max(pieces, key=lambda se: (sum(weights.get(t, 0.0) for t in set(tokenize(body[se[0]:se[1]]))),
                                           se[1] - se[0]))
        clause, s, e = clause_around(text, *best)
        return clause, s, min(e, len(clause.rstrip(" .。;；")))

    def _compose(self, q: Question, answered: list[tuple[Candidate, tuple[int, int] | None]],
                 shortlist: list[Candidate]) -> list[str]:
        lines: list[str] = []
        used: set[tuple[str, int]] = set()
        stated = []
        for c, span in answered:  # one answer per part of the question, on one line
            line, whole = self._answer_line(q, c, span)
            stated.append(cite(line, c.source.marker))
            if whole:
                used.add((c.source.article_id, c.index))
        if len(stated) > 1:  # "A [1]; B [2]."
            stated = [t.rstrip(".。") for t in dict.fromkeys(stated)]
            lines.append(("；" if q.language == "zh" else "; ").join(stated) + ("。" if q.language == "zh" else "."))
        else:
            lines.append(stated[0])
        first = answered[0][0]
        # the list the answer sentence opens, whole
        items = self._items_after(first) if q.kind in ("list", "other", "yesno", "definition") else []
        quotes: list[tuple[Candidate | None, str, int]] = []
        enumeration = self._enumeration(first) if q.kind == "list" and not items else None
        if enumeration:  # the first line is the ";"-separated list, whole
            items = [enumeration]
        elif (first.source.article_id, first.index) not in used:
            quotes.append((first, clean(first.text), first.source.marker))
            used.add((first.source.article_id, first.index))
        for text in items:
            quotes.append((None, f"- {clean(text)}", first.source.marker))
        if not items:
            best = shortlist[0].score
            extra = [c for c in shortlist if c.score >= 0.85 * best and (c.source.article_id, c.index) not in used
                     and self.relevant(c) and not is_heading(c.text, c.source)]
            if q.wants_span:  # supporting quotes for a date, a figure, a name: in the same article, stating one too
                extra = [c for c in extra if spans(q.kind, c.text, q.money) and c.source is first.source]
            extra = extra[: max(0, self.settings.extractive_max_sentences - 1)]
            size = sum(len(t) for _, t, _ in quotes)
            for c in sorted(extra, key=lambda c: (c.source.marker, c.index)):
                if size + len(c.text) > self.settings.extractive_max_chars:
                    break
                quotes.append((c, clean(c.text), c.source.marker))
                used.add((c.source.article_id, c.index))
                size += len(c.text)
        for _, text, marker in quotes:
            if text.strip("- "):
                lines.append(cite(text, marker))
        return lines

    @staticmethod
    def _bold_items(line: str) -> str:
        """'(2) Main principles. Uphold A; uphold B; …' → each item in bold, the heading plain."""
        pieces = re.split(r"(?<=[;；])\s*", line.strip())
        out = []
        for i, piece in enumerate(pieces):
            head = ""
            if i == 0 and re.search(r"[.。]\s", piece):
                cut = max(piece.rfind(". "), piece.rfind("。"))
                head, piece = piece[: cut + 1] + " ", piece[cut + 1:].strip()
            body = piece.rstrip(" ;；.。")
            out.append(head + (f"**{body}**" if body else "") + piece[len(body):])
        return ("" if is_zh(line) else " ").join(out)

    @staticmethod
    def _enumeration(c: Candidate) -> str | None:
        """The source line holding the sentence when that line is an enumeration (3+ pieces separated
        by semicolons), not too long."""
        for line in c.source.text.split("\n"):
            if c.text.strip() in line and len(re.findall(r"[;；]", line)) >= 2 and len(line) <= 1400:
                return line.strip()
        return None

    def _items_after(self, c: Candidate) -> list[str]:
        """The enumerated items that follow a sentence ending in a lead-in ("… the following:")
        or the paragraph's items when the sentence is one of them: the list, whole."""
        sentences = split_sentences(c.source.text)
        lines = [line.strip() for line in c.source.text.split("\n") if line.strip()]
        text = c.text.strip()
        if not (_LEAD_IN.search(text) or _ITEM.match(text)):
            # a lead-in sentence followed by item lines
            after = sentences[c.index + 1: c.index + 2]
            if not (after and _ITEM.match(after[0])):
                return []
        start = next((i for i, line in enumerate(lines) if text in line), None)
        if start is None:
            return []
        if _ITEM.match(text):  # back up to the first item of the run
            while start > 0 and _ITEM.match(lines[start - 1]):
                start -= 1
            run_from = start
        else:
            run_from = start + 1
        items = []
        size = 0
        for line in lines[run_from:]:
            if not _ITEM.match(line):
                break
            size += len(line)
            if size > self.settings.extractive_max_chars * 2:
                break
            items.append(line)
        return items

    # --- articles, summaries, comparisons -----------------------------------------------
    def _article(self, reading: Reading, source: Source) -> Reading:
        """'What does Article 12 say?': the article itself, its first sentence stated first."""
        sentences = [clean(t) for t in split_sentences(source.text) if not _HEADING_ONLY.match(t.strip())]
        sentences = [t for t in sentences if t]
        if not sentences:
            reading.reason = "the article is empty"
            return reading
        lines: list[str] = []
        size = 0
        for i, t in enumerate(sentences):
            if lines and size + len(t) > self.settings.extractive_max_chars * 2:
                break
            lines.append(cite(bold(t, 0, len(t.rstrip(".。;；"))) if i == 0 else t, source.marker))
            size += len(t)
        reading.lines, reading.support = lines, "direct"
        return reading

    def _summary(self, reading: Reading, sources: list[Source]) -> Reading:
        """A document's purpose and scope (its first provisions), then its outline: the first
        clause of each article, in order. ``sources`` are the document's articles, in order."""
        doc = sources[0].document
        articles = [s for s in sources if s.document == doc]
        outline: list[str] = []
        first = None
        for s in articles:
            sentences = [clean(t) for t in split_sentences(s.text) if not _HEADING_ONLY.match(t.strip())]
            sentences = [t for t in sentences if len(t) >= 12 and (re.search(r"[.。;；!?！？]$", t) or len(t) > 60)
                         and not is_heading(t, s)]
            if not sentences:
                continue
            if first is None:
                first = (s, sentences[0])
                continue
            lead = sentences[0]
            if len(lead) > 160:
                cut = max(lead.rfind(c, 0, 160) for c in ",，;；")
                lead = lead[:cut] if cut > 40 else lead
            outline.append(cite(f"- {lead}", s.marker))
        if first is None:
            reading.reason = "the document has no text"
            return reading
        s, sentence = first
        head = sentence if len(sentence) <= 400 else sentence[: max(sentence.rfind(c, 0, 400) for c in ",，;；")]
        first_line = cite(f"**{doc}**: {head}", s.marker)
        effective = self._effective_clause(articles)
        if effective is not None:  # the purpose and, where the document states it, since when it applies
            zh = reading.question.language == "zh"
            first_line = first_line.rstrip(".。") + ("；" if zh else "; ") + effective
        reading.lines = [first_line]
        reading.lines += outline[:10] + (outline[-1:] if len(outline) > 10 else [])
        reading.support = "direct"
        return reading

    @staticmethod
    def _changes(reading: Reading, sources: list[Source]) -> Reading:
        """What changed between two versions: each changed article's later and earlier text, each cited
        to its own version. ``sources`` come in pairs (later, earlier) from ``qa.documents.change_hits``."""
        zh = reading.question.language == "zh"
        lines: list[str] = []
        for s in sources:
            when = (f"{s.version}版" if zh else f"version of {s.version}") if s.version else ""
            text = " ".join(clean(t) for t in split_sentences(s.text)) or s.text
            lines.append(cite(f"**{s.article}** ({when}): {text}" if when else f"**{s.article}**: {text}", s.marker))
        if not lines:
            reading.reason = "no article differs between the versions"
            return reading
        reading.lines, reading.support = lines, "direct"
        return reading

    @staticmethod
    def _effective_clause(articles: list[Source]) -> str | None:
        """The clause of a document saying when it takes effect, its date in bold, cited."""
        for s in reversed(articles):
            for sentence in split_sentences(s.text):
                text = clean(sentence)
                if not _EFFECT.search(text):
                    continue
                found = spans("date", text)
                if found:
                    clause, start, end = clause_around(text, *found[0])
                    return cite(bold(clause, start, end), s.marker)
        return None

    def _comparison(self, reading: Reading, sources: list[Source]) -> Reading:
        """One line stating what each document is for (its purpose clause, cited), then one cited
        section per document: its opening provision and the sentence closest to the question."""
        q = reading.question
        by_doc: dict[str, list[Source]] = {}
        for s in sources:
            by_doc.setdefault(s.document, []).append(s)
        sections = []
        for doc in list(by_doc)[:2]:
            sentences = [(s, clean(t)) for s in by_doc[doc] for t in split_sentences(s.text)
                         if len(clean(t)) >= 20 and not _HEADING_ONLY.match(t.strip())]
            if not sentences:
                continue
            # the purpose ("In order to …", "为…") or, failing it, the first provision
            lead_src, lead = next(((s, t) for s, t in sentences if _PURPOSE.search(t)), sentences[0])
            m = _PURPOSE.search(lead)
            clause = m.group(0).strip(" ,，") if m else clause_around(lead, 0, min(len(lead), 60))[0]
            sections.append((doc, lead_src, lead, clause, sentences))
        if len(sections) < 2:
            return self._plain(reading, sources)
        joiner = "；" if q.language == "zh" else "; "
        first = joiner.join(f"**{doc}**: {clause} [{src.marker}]" for doc, src, _, clause, _ in sections)
        lines = [first + ("。" if q.language == "zh" else ".")]
        for doc, src, lead, _clause, sentences in sections:
            lines.append(cite(f"**{doc}**: {lead}", src.marker))
            focus = set(q.focus) - set(tokenize(doc))
            others = [(s, t) for s, t in sentences if t != lead and focus & set(tokenize(t))]
            others.sort(key=lambda st: -len(set(tokenize(st[1])) & focus))
            for s, t in others[:1]:
                lines.append(cite(t, s.marker))
        reading.lines, reading.support = lines, "direct"
        return reading

    def _plain(self, reading: Reading, sources: list[Source]) -> Reading:
        chosen = self.select(reading.question.text, sources)
        if chosen:
            reading.lines = [cite(clean(c.text), c.source.marker) for c in chosen]
            reading.support = "direct"
        return reading

    # --- backend protocol ------------------------------------------------------------------
    def compose(self, chosen: list[Candidate]) -> str:
        pieces = [f"{clean(c.text).rstrip()} [{c.source.marker}]" for c in chosen]
        return " ".join(pieces) if not any(has_chinese(c.text) for c in chosen) else "".join(pieces)

    def stream(self, question: str, sources: list[Source], language: str, analysis: Question | None = None,
               reading: Reading | None = None) -> Iterator[str]:
        reading = reading or self.read(question, sources, analysis)
        text = reading.text
        for i, line in enumerate(text.split("\n")):
            yield line if i == 0 else "\n" + line
