"""The reader's rules that are patterns: each is one row of ``RULES`` (name, pattern, what it decides,
why). None names a place, a person, a document or a phrase of any one library; they describe legal
text in general (article labels, enumerations, definitions, purpose clauses, entry into force) and
how questions ask (a person, a count). ``docs/reader.md`` lists the table; each row has a test in
``tests/test_reader_rules.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    decides: str
    why: str


def _rule(name: str, pattern: str, decides: str, why: str, flags: int = 0) -> Rule:
    return Rule(name, re.compile(pattern, flags), decides, why)


RULES: dict[str, Rule] = {r.name: r for r in (
    _rule("heading_only", r"^(Article\s+\d+[:.]?|第[一二三四五六七八九十百零\d]+条)$",
          "a sentence that is only an article label is skipped",
          "a label answers nothing; the citation carries it"),
    _rule("label", r"^\s*(?:Article\s+\d+\s*[:.：]\s*|Article\s+\d+\s+(?=[A-Z])|第[一二三四五六七八九十百零\d]+条\s*)",
          "the 'Article N:' / '第N条' label is cut from a quote",
          "the citation names the article; the quote states the text"),
    _rule("item", r"^\s*(?:\(\d{1,2}\)|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)"
          r"|[一二三四五六七八九十]+、|\d{1,2}[、.)]\s?|[①-⑳])",
          "a line is an item of an enumeration ('(1)', '（一）', '1.', '①')",
          "a list question is answered with the whole list, not its first item"),
    _rule("lead_in", r"(?:[:：]|\bthe following\b|\bas follows\b|下列|如下|以下)\s*$|(?:[:：])$",
          "a sentence opens a list of items that follow it",
          "the items after a lead-in are the answer to a list question", re.I),
    _rule("enum_after", r"\b(?:including|includes|include|such as|namely|as follows)\b|[:：]|包括|如下|主要有",
          "where an enumeration inside a sentence begins (bolded as the answer)",
          "a list question's answer is what follows 'including', 'such as', '包括'", re.I),
    _rule("defines", r"\b(refers to|refer to|means|shall mean|is defined as|are defined as)\b|是指|所称|指的是",
          "a sentence defines a term; the definition follows the cue",
          "a definition question is answered by the sentence that defines, not one that uses the term", re.I),
    _rule("purpose", r"(?:in order to|so as to|(?:these|this) (?:[a-z]+ ){0,2}(?:is|are) (?:formulated|enacted|adopted)"
          r" in order to)\s.{10,160}?(?=[,，;；]|$)|为(?:了)?[^，,。；]{4,60}",
          "a document's purpose clause ('In order to …', '为…')",
          "a comparison states what each document is for; legal texts open with their purpose", re.I),
    _rule("effect_asked", r"\b(apply|applies|effect|effective|force|valid|enter|entered)\b|施行|实施|生效|适用",
          "a date question asks when a text takes effect",
          "then the entry-into-force date answers, not the signing or publication date", re.I),
    _rule("effect", r"take effect|takes effect|took effect|come into force|effective (from|as of|on)|施行|实施|生效",
          "a sentence states when a text takes effect",
          "the date next to it is the date asked for by 'since when does it apply'", re.I),
    _rule("person_asked", r"\b(official|director|deputy|minister|head|leader|person|speaker|chairman"
          r"|spokes\w+|mayor|secretary|inspector|journalist"
          r"|who (said|spoke|gave|delivered|attended|wrote|stressed|pointed|signed))\b|哪位|谁|签发|签署",
          "a body question asks for a person",
          "a person's name answers it before a body's name", re.I),
    _rule("issuer_asked", r"\b(issue[sd]?|issuing|promulgat\w+|sign(s|ed)?|publish(es|ed)?|enact(s|ed)?"
          r"|adopt(s|ed)?|amend(s|ed|ment)?|revis(e|ed|ion)|passed|deliver(s|ed)?|gave|given|held|dated)\b"
          r"|发布|颁布|签发|签署|印发|公布|制定|通过|修改|修正|修订|发表|举行|召开",
          "a question asks who issued, signed, amended or delivered the document, or when",
          "then a header line (the issuer's, signatory's or history line) may answer; otherwise it answers "
          "only a document number or a signatory asked for", re.I),
    _rule("sentence_end", r"[.。;；!?！？]$",
          "a line without final punctuation may be a header line (a number, a date, a 'Role: Name' line)",
          "header lines are about the document they head, not about its provisions"),
    _rule("field_line", r"^\s*[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,2}\s*[:：]\s*\S",
          "a short unpunctuated 'Label: value' line is a header line, wherever it stands",
          "a signature or issuer line ('Role: Name') heads or closes a decree; it is found by its form"),
)}

HEADING_ONLY = RULES["heading_only"].pattern
LABEL = RULES["label"].pattern
ITEM = RULES["item"].pattern
LEAD_IN = RULES["lead_in"].pattern
ENUM_AFTER = RULES["enum_after"].pattern
DEFINES = RULES["defines"].pattern
PURPOSE = RULES["purpose"].pattern
EFFECT_ASKED = RULES["effect_asked"].pattern
EFFECT = RULES["effect"].pattern
PERSON_ASKED = RULES["person_asked"].pattern
ISSUER_ASKED = RULES["issuer_asked"].pattern
SENTENCE_END = RULES["sentence_end"].pattern
FIELD_LINE = RULES["field_line"].pattern

ANSWER_LINE_MAX = 240  # characters of a first line that states a short answer
ACROSS_LINE_MAX = 480  # the same across languages, where no clause can be picked by its words
SENTENCE_LINE_MAX = 320  # a first line that is not a short answer: the whole sentence up to this length
