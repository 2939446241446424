"""The answer lines: the first line states the answer (the clause that holds it, the answer in bold,
cited), then the supporting quotes without their "Article N:" labels; a list or an enumeration kept
whole; a two-part question's answers on one line. Nothing is written that the sources do not say."""

from __future__ import annotations

import re

from netlaw.text.render import english_fact, english_facts_in, with_rendering
from netlaw.text.script import is_zh
from netlaw.text.tokens import tokenize
from qa.reading.base import Bridge, Candidate, after, bold, cite, clause_around, clean, is_heading
from qa.reading.evidence import Evidence
from qa.reading.patterns import ACROSS_LINE_MAX, ANSWER_LINE_MAX, DEFINES, ENUM_AFTER, SENTENCE_LINE_MAX
from qa.reading.question import Question
from qa.reading.spans import spans


class Composing(Evidence):
    def _answer_line(self, q: Question, c: Candidate, span: tuple[int, int] | None) -> tuple[str, bool]:
        """(first line, whether it is the whole sentence). An English question answered from a Chinese
        sentence gets the fact in English first, when it is one that renders exactly (a duration, a date,
        an amount, a frequency…), beside the quote with that fact in bold."""
        line, whole = self._quoted_line(q, c, span)
        if q.language == "en" and is_zh(c.text):
            rendered = self._rendered(line)
            if rendered is not None:
                return rendered, whole
        return line, whole

    @staticmethod
    def _rendered(line: str) -> str | None:
        """The line with the English of its fact first: the bolded span's, else the first fact stated."""
        plain = line.replace("**", "")
        bolded = re.search(r"\*\*(.+?)\*\*", line)
        if bolded and len(bolded.group(1)) < len(plain) * 0.6:
            english = english_fact(bolded.group(1))
            if english:
                return with_rendering(english, line)
        facts = english_facts_in(plain)
        if not facts:
            return None
        start, end, english = facts[0]
        return with_rendering(english, bold(plain, start, end))

    def _quoted_line(self, q: Question, c: Candidate, span: tuple[int, int] | None) -> tuple[str, bool]:
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
            m = ([None, *ENUM_AFTER.finditer(text)])[-1] or DEFINES.search(text)
            if m is not None and len(text) - m.end() > 10:
                return bold(text, after(text, m.end()), len(text.rstrip(".。;；"))), True
        if q.kind == "definition":
            m = DEFINES.search(text)
            if m and len(text) - m.end() > 5:
                return bold(text, after(text, m.end()), len(text.rstrip(".。;；"))), True
        if c.across:  # no shared words: the sentence, whole or cut at the clause its translation matches
            clause = text if len(text) <= ACROSS_LINE_MAX else self._across_clause(q, c, text)
            return bold(clause, 0, len(clause.rstrip(" .。;；"))), clause == text
        weights = self._clause_weights(q, set(tokenize(c.source.document)) | q.carried)
        clause, s2, e2 = self._best_clause(q, text, weights)
        if clause != text and len(text) <= SENTENCE_LINE_MAX:
            offset = text.find(clause)
            if offset >= 0:
                return bold(text, offset + s2, offset + e2), True
        return bold(clause, s2, e2), clause == text

    def _across_clause(self, q: Question, c: Candidate, text: str) -> str:
        """The stretch of a long sentence in the other language (clauses in a row, at most
        ``ANSWER_LINE_MAX`` characters) whose dictionary translation holds most of the question's
        focus ("依据哪部法律" → "on the basis of the “Cybersecurity Law …” and …"); the title's
        words count less. The first clause when no stretch holds any."""
        body = text.rstrip(" .。;；")
        pieces = [(m.start(), m.end()) for m in re.finditer(r"[^,，;；:：\s][^,，;；:：]*", body)]
        library = self._library()
        titles = [c.source.document] + [d.get("alt_title") or "" for d in library if d["title"] == c.source.document]
        weights = self._clause_weights(q, {t for title in titles for t in tokenize(title)})
        bridge = Bridge.of(q.text, set(q.focus))
        best, best_key = (0, 1), (0.0, 0)
        for i, (a, _) in enumerate(pieces):
            ends = [b for _, b in pieces[i:] if b - a <= ANSWER_LINE_MAX] or [pieces[i][1]]
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
        return {t: max(self._idf(t), 0.1) * (self.settings.reader_title_weight if t in title else 1.0) for t in q.focus}

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
            extra = [c for c in shortlist if c.score >= self.settings.reader_quote_within * best
                     and (c.source.article_id, c.index) not in used and self.relevant(c)
                     and not is_heading(c.text, c.source)]
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
