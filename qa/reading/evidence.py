"""Span choice: of the scored sentences, the one that states an answer of the asked kind about the
question's focus (a date, a duration, a figure, a place, a body or person, a document number), and
where in it the answer is; for other kinds, the sentence that answers (a list's lead-in, a
definition, the one holding most of the focus). A question about a law the library only mentions is
answered only by sentences naming it; a question naming a library document by its own sentences."""

from __future__ import annotations

import re

from netlaw.text.script import HAN, is_zh
from netlaw.text.tokens import tokenize
from qa.documents import title_terms
from qa.reading.base import Candidate, Reading, is_heading, same_title
from qa.reading.patterns import DEFINES, EFFECT, EFFECT_ASKED, ISSUER_ASKED, PERSON_ASKED
from qa.reading.question import Question
from qa.reading.scoring import Scoring
from qa.reading.spans import spans
from qa.records import Source

# what a header line ("No. 25", "15 October 2014", "Role: Name", a law's history line) can answer: the
# document's own number and signatory; its dates and issuer when the question asks when or by whom it was
# issued, amended or takes effect; never a question about what the document provides
HEADER_KINDS = ("docnum", "person")


class Evidence(Scoring):
    def _about_named_law(self, q: Question, shortlist: list[Candidate], reading: Reading) -> list[Candidate]:
        """A question about a law the library only mentions ("the fine under the Personal Information
        Protection Law"): only sentences that name that law can answer it. A question about a law
        the library holds: that law's sentences, where the shortlist has any."""
        st = self.settings
        library = self._library()
        alt = {d["title"]: d["alt_title"] for d in library if d.get("alt_title")}
        titles = [t for s in reading.sources for t in (s.document, s.parallel.document if s.parallel else None)
                  if t] + [d["title"] for d in library] + list(alt.values())

        def names(source: Source) -> list[str]:  # a source's document titles, both languages
            found = [source.document, source.parallel.document if source.parallel else ""]
            return found + [alt.get(t, "") for t in found]

        if q.named:  # the question names a library document (by any of its names): its sentences answer
            return [c for c in shortlist if set(names(c.source)) & q.named] or shortlist
        for law in q.laws:
            # the words that tell this law from others: not those most titles share ("law", the country)
            words = {t for t in tokenize(law) if self._idf(t) >= st.reader_law_word_min_idf} or set(tokenize(law))
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
                exact = [c for c in own if any(same_title(law, t) for t in names(c.source) if t)]
                shortlist = exact or own or shortlist
                continue
            shortlist = [c for c in shortlist
                         if mention(c.text) or (c.across and c.lexical >= st.reader_named_law_across)]
            if not shortlist:
                reading.reason = f"the library does not contain {law}"
                return []
        return shortlist

    def _evidence(self, q: Question, shortlist: list[Candidate]) -> tuple[Candidate, tuple[int, int] | None] | None:
        """The best sentence holding an answer of the asked kind about the focus."""
        st = self.settings
        best = shortlist[0].score
        if q.kind == "list":  # a sentence that opens or belongs to an enumeration, near the best
            for c in shortlist:
                if (c.score >= st.reader_list_within * best and self.relevant(c)
                        and (self._enumeration(c) or self._items_after(c))):
                    return c, None
        if not q.wants_span:
            for c in shortlist:
                if (q.kind == "definition" and DEFINES.search(c.text) and self.relevant(c)
                        and c.score >= st.reader_definition_within * best):
                    return c, None
            # of the sentences near the best, the one holding most of the focus (a heading names the
            # topic, the sentence under it answers)
            near = [c for c in shortlist if c.score >= st.reader_near_best * best and not is_heading(c.text, c.source)
                    and not c.header]
            top = max(near, key=lambda c: c.lexical + 0.5 * c.cosine) if near else next(
                (c for c in shortlist if not is_heading(c.text, c.source)), shortlist[0])
            return (top, None) if self.relevant(top) or top.score >= st.reader_min_score else None
        # a span the asker already named is not the answer ("Where was it held?" is not answered by the
        # place name its standalone form carries from the conversation's subject)
        asked = self._without_titles(q.text).lower()
        own = [t for t in q.focus if t not in q.carried] or q.focus
        qualifiers = self._qualifiers(q, shortlist)
        texts: dict[str, str] = {}  # document title → its whole text, read once for this question
        kinds = ["person", q.kind] if q.kind == "body" and PERSON_ASKED.search(q.text) else [q.kind]
        # of the sentences near the best, the one holding most of the focus (then closest in meaning)
        by_focus = sorted(shortlist, key=lambda c: -(c.lexical + 0.5 * c.cosine))
        effect = q.kind == "date" and bool(EFFECT_ASKED.search(q.text))
        if effect:  # the date a text takes effect, not its signing date
            by_focus.sort(key=lambda c: not EFFECT.search(c.text))
        for kind in kinds:  # a person's name when one is asked for, else any body
            for c in by_focus:
                if c.score < st.reader_span_within * best and not (self.relevant(c, q) and not self.relevant(c)):
                    continue
                if not self.relevant(c, q) or not self._qualified(c, qualifiers, texts):
                    continue
                if c.header and kind not in HEADER_KINDS and not (kind in ("body", "date") and (
                        ISSUER_ASKED.search(q.text) or EFFECT_ASKED.search(q.text))):
                    continue  # a header line states the document's number, date and signatory, nothing it provides
                found = [(s, e) for s, e in spans(kind, c.text, q.money) if c.text[s:e].lower() not in asked]
                if kind == "number" and not q.money:
                    found = [(s, e) for s, e in found if self._counts_what_was_asked(q, c.text, s, e)]
                if kind == "date":  # not the year in a document number ("GF No. (2014)33")
                    numbers = spans("docnum", c.text, False)
                    found = [(s, e) for s, e in found if not any(s < e2 and s2 < e for s2, e2 in numbers)]
                    if effect:  # "… will take effect on 1 September 2013", "自…起施行"
                        cues = list(EFFECT.finditer(c.text))
                        found = [(s, e) for s, e in found if any(0 <= s - m.end() <= 12 or 0 <= m.start() - e <= 3
                                                                  for m in cues)] or found
                if kind == "body":  # a named body ("the Cyberspace Administration of China") before a generic one
                    found = [(s, e) for s, e in found if re.match(rf"(the\s+)?[A-Z{HAN}]", c.text[s:e])] or found
                if found:
                    return c, self._nearest(found, c.text, own)
        return None

    def _qualifiers(self, q: Question, shortlist: list[Candidate]) -> tuple[set[str], set[str]]:
        """What narrows the asked fact to one occasion: the years the question names ("the 2025
        conference") and its rare proper names that the sources know ("… with Freedonia"). A span
        in a sentence without them is a neighbouring fact ("the 2024 conference", "… with Ruritania")."""
        years = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", q.text))
        capitalised = re.findall(r"(?<=[a-z,;:] )[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*", q.text)
        if q.language != "en" or not capitalised:
            return years, set()
        in_titles = title_terms(self._library())
        names = {t for phrase in capitalised for t in tokenize(phrase)
                 if t not in in_titles and self._idf(t) >= self.settings.reader_entity_min_idf}
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
        (an apposition follows a name: "Jane Doe, Deputy Director …, delivered a speech"), then the
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
