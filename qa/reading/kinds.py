"""The kinds answered from a whole article or document, not one sentence: what an article says, a
document's summary (purpose, since when it applies, its outline), a comparison of two documents
(what each is for), and what changed between two versions of a law."""

from __future__ import annotations

import re

from netlaw.text.claims import split_sentences
from netlaw.text.tokens import tokenize
from qa.reading.base import Reading, bold, cite, clause_around, clean, is_heading
from qa.reading.compose import Composing
from qa.reading.patterns import EFFECT, HEADING_ONLY, PURPOSE
from qa.reading.spans import spans
from qa.records import Source


class DocumentKinds(Composing):
    def _article(self, reading: Reading, source: Source) -> Reading:
        """'What does Article 12 say?': the article itself, its first sentence stated first."""
        sentences = [clean(t) for t in split_sentences(source.text) if not HEADING_ONLY.match(t.strip())]
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
            sentences = [clean(t) for t in split_sentences(s.text) if not HEADING_ONLY.match(t.strip())]
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
                if not EFFECT.search(text):
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
                         if len(clean(t)) >= 20 and not HEADING_ONLY.match(t.strip())]
            if not sentences:
                continue
            # the purpose ("In order to …", "为…") or, failing it, the first provision
            lead_src, lead = next(((s, t) for s, t in sentences if PURPOSE.search(t)), sentences[0])
            m = PURPOSE.search(lead)
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
