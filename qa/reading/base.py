"""What the reader works with: a candidate sentence, the question's terms across languages, the
reading it returns, and the text helpers that cut, bold and cite a quote. ``ReaderBase`` holds the
settings, the retriever (the library's idf, titles and texts) and the embedder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netlaw.settings import Settings
from netlaw.text.claims import ends_with_abbreviation, split_sentences
from netlaw.text.script import has_chinese, is_zh
from netlaw.text.tokens import tokenize
from qa.reading.patterns import ANSWER_LINE_MAX, ITEM, LABEL, LEAD_IN
from qa.reading.question import Question
from qa.records import Source
from vectorstore.embeddings import get_embedder
from vectorstore.translate import en_to_zh, zh_to_en


@dataclass
class Candidate:
    source: Source
    index: int  # position of the sentence in its source
    text: str
    lexical: float = 0.0
    cosine: float = 0.0
    score: float = 0.0
    across: bool = False  # the sentence is in the other language than the question
    e5: float | None = None  # e5 question–sentence similarity (scorers "e5" and "learned")
    header: bool = False  # a header line (a number, a date, a "Role: Name" line): about the document it heads


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
    confidence: float = 0.0  # the learned scorer's probability that the sentence states the answer (0 otherwise)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def clean(sentence: str) -> str:
    """A quote without its "Article N:" label (the citation names the article)."""
    return LABEL.sub("", sentence).strip()


def is_heading(sentence: str, source: Source) -> bool:
    """A section heading read as a sentence ("(3) Strive to build a dialogue platform", "六、依法治理网络空间"):
    it names what the section is about, it answers nothing."""
    body = clean(sentence).rstrip(" .。:：")
    if not body:
        return True
    return any(body == p.strip().rstrip(" .。:：") or (len(body) >= 4 and body in p)
               for p in (source.article, *source.path))


def same_title(name: str, title: str) -> bool:
    """A law's name as the question writes it is this title (case, punctuation and a leading 'the' aside)."""
    def norm(text: str) -> str:
        return re.sub(r"^the\s+|[\W_]+", "", text.lower())
    return norm(name) == norm(title)


def after(text: str, end: int) -> int:
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
    if len(sentence) <= ANSWER_LINE_MAX:
        return sentence, start, end
    left = max(sentence.rfind(c, 0, start) for c in ";；:：")
    right = [i for i in (sentence.find(c, end) for c in ";；。") if i >= 0]
    lo, hi = left + 1, (min(right) + 1 if right else len(sentence))
    if hi - lo > ANSWER_LINE_MAX:
        left = max(sentence.rfind(c, 0, start) for c in ",，")
        right = [i for i in (sentence.find(c, end) for c in ",，") if i >= 0]
        lo, hi = max(lo, left + 1), min(hi, min(right) if right else hi)
    clause = sentence[lo:hi]
    stripped = clause.lstrip()
    lo += len(clause) - len(stripped)
    clause = stripped.rstrip(" ,，")
    joined = re.match(r"(?:and|or|but)\s+", clause)  # "and Jane Doe, …": the clause without its conjunction
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
        if opening >= 0 and lo - opening < ANSWER_LINE_MAX:
            clause, lo = sentence[opening:lo] + clause, opening
    s = max(0, start - lo)
    return clause, s, max(s, min(len(clause), end - lo))


def across_scale(similarity: float, s: Settings) -> float:
    """An e5 similarity as a 0–1 closeness (``reader_e5_unrelated`` is unrelated text, 0; that plus
    ``reader_e5_span`` is a close match, 1)."""
    return min(1.0, max(0.0, (similarity - s.reader_e5_unrelated) / s.reader_e5_span))


class ReaderBase:
    """The settings, the library (through the retriever) and the embedder every step of the reader uses."""

    def __init__(self, settings: Settings, retriever=None):
        self.settings = settings
        self.retriever = retriever
        self.embedder = retriever.embedder if retriever is not None else get_embedder()  # the retriever's own

    def _idf(self, token: str) -> float:
        if self.retriever is None:
            return 1.0
        return self.retriever.snapshot().keyword.idf(token)

    def _library(self) -> list[dict]:
        return self.retriever.documents() if self.retriever is not None else []

    def _document_text(self, title: str) -> str:
        if self.retriever is None:
            return ""
        snap = self.retriever.snapshot()
        return " ".join(snap.article_text(a) for a, _ in snap.articles_of_document(title))

    def _without_titles(self, text: str) -> str:
        """The question without the "(Title)" a follow-up's standalone form appends."""
        for d in self._library():
            text = text.replace(f"({d['title']})", "")
        return text

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
        if not (LEAD_IN.search(text) or ITEM.match(text)):
            # a lead-in sentence followed by item lines
            after = sentences[c.index + 1: c.index + 2]
            if not (after and ITEM.match(after[0])):
                return []
        start = next((i for i, line in enumerate(lines) if text in line), None)
        if start is None:
            return []
        if ITEM.match(text):  # back up to the first item of the run
            while start > 0 and ITEM.match(lines[start - 1]):
                start -= 1
            run_from = start
        else:
            run_from = start + 1
        items = []
        size = 0
        for line in lines[run_from:]:
            if not ITEM.match(line):
                break
            size += len(line)
            if size > self.settings.extractive_max_chars * 2:
                break
            items.append(line)
        return items
