"""Question analysis, English and Chinese: what kind of answer is asked for, and about what.

``analyse(question)`` → :class:`Question` with

- ``kind``: ``date`` (a date or period), ``duration``, ``number`` (a count, amount or share),
  ``place``, ``body`` (an authority, body or person), ``docnum`` (a document number), ``list``,
  ``definition``, ``yesno``, ``article`` ("what does Article N say"), ``summary`` (of a document),
  ``comparison`` (of documents) or ``other``;
- ``money``: the number asked for is a sum of money (a fine, a fee, a cost);
- ``focus``: the question's own content terms (index terms without question words);
- ``parts``: for a question that asks two things ("How long … and what is the fine?"), each part;
- ``sides``: for a comparison, the two things compared, as written;
- ``laws``: names of laws the question mentions ("the Cybersecurity Law", 《网络安全法》).

Pure functions and regular expressions: deterministic and fast (well under a millisecond).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netlaw.text.references import article_labels_in
from netlaw.text.script import is_zh
from netlaw.text.tokens import tokenize

KINDS = ("date", "duration", "number", "place", "body", "docnum", "list", "definition", "yesno", "article",
         "summary", "comparison", "changes", "library", "other")

# Words that say what kind of answer is wanted, not what it is about: left out of the focus.
_QUESTION_WORDS = frozenset(tokenize(
    "when date year day month time how long many much number amount where place city cities located location "
    "who whom body authority department organ agency which what kind kinds type types list name names "
    "mean meaning define definition summarize summarise summary overview outline main points key "
    "compare comparison differ difference different versus contrast similar common doc document number "
    "did does do done has have having"))
_QUESTION_WORDS_ZH = frozenset("什么 哪些 哪个 哪里 多少 多久 几 何时 是否 吗 怎么 如何 为什么 时候 哪 谁"
                               " 区别 不同 比较 概括 总结 主要内容 规定".split())

_EN = [
    ("comparison", re.compile(
        r"\b(compare[ds]?|comparison|compared (with|to)|differ(s|ence|ences|ent)?\b|distinguish|versus|vs\.?"
        r"|contrast|in common|similarit(y|ies)|how is .+ different)", re.I)),
    ("summary", re.compile(
        r"\b(summari[sz]e|summary|overview|gist|main (points|contents?|provisions|ideas)|key (points|provisions)"
        r"|what (is|are) (the )?.{0,80}\b(about)\??$|what does the .{0,120} (cover|deal with)\??$"
        r"|in (brief|short|a nutshell)|outline (of|the))", re.I)),
    ("docnum", re.compile(
        r"\b(document|file|decree|order|circular|serial|reference) (number|no\.?)|which (decree|order) (number|no)"
        r"|what (number|no\.?) (was|is|did) (the )?(decree|notice|document|order)|\bnumbered\b|decree no\b"
        r"|which (document )?number", re.I)),
    ("duration", re.compile(
        r"\bhow long\b|for how many (days|weeks|months|years|hours)|how many (days|weeks|months|years|hours)"
        r"|\b(time limit|deadline|retention period|within what (time|period))|how soon|how quickly"
        r"|what (prison|jail) (term|sentence)|how many years (in prison|of imprisonment)", re.I)),
    ("date", re.compile(
        r"^\s*(and |so |then )?when\b|\bwhen (did|do|does|was|were|will|is|are|must|should)\b|what (date|day|year"
        r"|month|time)\b"
        r"|which (date|day|year|month)\b|in what year|since when|by when|on what (date|day)|date of|until when", re.I)),
    ("place", re.compile(
        r"^\s*(and |so )?where\b|\bwhere (was|were|is|are|did|do|does|will)\b|in (which|what) (city|cities|province"
        r"|provinces|country|countries|place|places|location|venue)"
        r"|which (city|cities|province|provinces|country|countries|venue)|what (city|cities|venue|location|place)",
        re.I)),
    ("body", re.compile(
        r"^\s*(and |so )?who\b|\bwho (is|are|was|were|will|shall|must|should|did|does|do|has|have|gave|spoke|delivered"
        r"|issued|held)\b|by whom|\bwhom\b"
        r"|which (authority|authorities|department|departments|body|bodies|organ|organs|ministry|ministries|agency"
        r"|agencies"
        r"|office|offices|institution|institutions|organi[sz]ation|organi[sz]ations|court|courts|official|officials"
        r"|person|people"
        r"|leader|leaders|party"
        r"|deputy|deputies|director|directors|minister|ministers|head|heads|speaker|mayor|secretary|inspector)\b"
        r"|what (authority|department|body|organ|ministry|agency|office|institution|organi[sz]ation|court)"
        r"|(is|are) (responsible|in charge)", re.I)),
    ("number", re.compile(
        r"\bhow (many|much)\b|what (number|percentage|proportion|share|amount|size|scale|value|sum|rate|level)"
        r"|\b(fines?|fees?|costs?|charges?|price|penalt(y|ies) of|amount|how large|how big|scale of|percentage)\b",
        re.I)),
    ("definition", re.compile(
        r"\bwhat (is|are) (meant by|the (meaning|definition) of)|what does .{1,60} mean\b|\bdefin(e|es|ed|ition)\b"
        r"|\bmeaning of\b|\bwhat counts as\b|\bwhat is (an? )?[\"“‘']", re.I)),
    ("list", re.compile(
        r"\b(list|name (the|all)|enumerate)\b|what (are|were) the\b|which .{1,60} (are|were|does .{1,60} (list|name"
        r"|include))\b"
        r"|(what|which)(?: \w+){0,2} (kinds|types|categories|sorts|forms|measures|principles|tasks|requirements"
        r"|obligations|duties|conditions"
        r"|information|items|things|areas|fields|steps|goals|objectives|technologies|applications|rights|behaviou?rs"
        r"|acts|content)\b|what .{1,80} (include|includes|cover|covers)\b|what must\b", re.I)),
    ("yesno", re.compile(r"^\s*(is|are|can|could|may|must|does|do|did|shall|should|will|has|have|was|were|need)\b",
                         re.I)),
]

_ZH = [
    ("comparison", re.compile(r"(区别|不同|异同|差异|相比|比较|对比|有何不同|有什么不同|相同之处)")),
    ("summary", re.compile(r"(概括|概述|总结|主要内容|讲了什么|讲的是什么|主要讲|简介|介绍一下|主要规定了什么|要点)")),
    ("docnum", re.compile(r"(文号|发文字号|令第|第几号|几号令|编号|号令)")),
    ("duration", re.compile(r"(多长时间|多久|期限|几天|几个月|多少天|多少个月|多少年|几年内|保存.{0,6}多长|时限)")),
    ("date", re.compile(r"(何时|什么时候|哪一天|哪天|哪一年|哪年|几月|日期|什么时间|何日|起施行|何年)")),
    ("place", re.compile(r"(哪里|哪儿|在哪|哪个城市|哪些城市|哪座城市|什么地方|何地|地点|哪个省|哪些地方)")),
    ("body", re.compile(r"(谁|哪个部门|哪些部门|什么部门|哪个机构|哪些机构|什么机构|由哪|负责.{0,10}(哪|什么)|哪位"
                        r"|哪个机关|主管部门是)")),
    ("number", re.compile(r"(多少|几个|几家|几项|几种|数量|金额|比例|规模|罚款|费用|收费|价格|多大)")),
    ("definition", re.compile(r"(是指|是什么意思|什么意思|定义|指什么|何谓|什么是|含义)")),
    ("list", re.compile(r"(哪些|有哪几|包括什么|包括哪些|列举|哪几)")),
    ("yesno", re.compile(r"(是否|吗[？?]?\s*$|能不能|可不可以|有没有|是不是|可否|能否)")),
]

# A question about the library itself, not about what its documents say: narrow on purpose (it must
# name the library or ask the helpdesk what it has), so that "Which documents must be kept?" is not one.
_LIBRARY_EN = re.compile(
    r"\b(which|what) (kinds? of |types? of )?(documents?|regulations?|laws?|rules|texts?|files?|sources|materials?"
    r"|policies)\b[^?]{0,60}?\b(do you (have|hold|cover|know)\b(?! to)|can (i|you) ask about"
    r"|(are|is) (there )?(available )?in (the|your|this) (library|database|collection|corpus|knowledge base)"
    r"|does (the|your|this) (library|database|collection|corpus|knowledge base) (hold|have|contain|cover|include))"
    r"|\bwhat(?:'s| is) in (the|your|this) (library|database|collection|corpus|knowledge base)\b"
    r"|\bwhat does (the|your|this) (library|database|collection|corpus|knowledge base) (hold|contain|cover|include)"
    r"|\b(list|show)( me)? (all )?(the )?(documents|regulations|files) (in|of) (the|your|this) (library|database"
    r"|collection|corpus)", re.I)
_LIBRARY_ZH = re.compile(
    r"(你们|资料库|知识库|数据库|库里|库中|系统)(里|中)?.{0,12}?(有|收录了?|包含|包括)(哪些|什么|多少)"
    r"(?:(?:关于|有关)[^？?]{1,20}?的?)?(文件|法规|文档|资料|法律|规定|政策)|^(请)?(列出|列举)?(都)?(有|收录了?)(哪些|什么)(文件|法规|文档|资料)")

_ARTICLE_ASK = re.compile(r"\b(say|says|state|states|provide|provides|stipulate|stipulates|contain|contains|text"
                          r"|content|cover|covers|about|require|requires)\b|规定了什么|内容|说了什么|讲了什么"
                          r"|是什么", re.I)
_MONEY = re.compile(r"\b(fine|fines|fined|fee|fees|cost|costs|charge|charges|price|pay|paid|penalty|penalties|money"
                    r"|yuan|rmb|dollars?|tax|deposit|compensation|budget|funding|funds)\b|罚款|罚金|费用|收费|价格|缴纳"
                    r"|付费|元|赔偿|税|经费|资金|预算|拨款", re.I)
_PART_SPLIT = re.compile(r",? and (?=(?:(?:since|for|in|on|by|until|from) )?(?:what|how|who|when|where|which|is|are"
                         r"|does|do|can|must)\b)|; "
                         r"|，(?=.{0,6}(?:多少|多久|何时|什么|哪|谁|是否))|以及(?=.{0,8}(?:多少|多久|何时|什么"
                         r"|哪|谁))", re.I)
_SIDES_EN = re.compile(
    r"(?:differ(?:ence|ences)? between|compare|comparison (?:of|between)|contrast)\s+(.+?)\s+(?:and|with|to|vs\.?"
    r"|versus)\s+(.+?)[?.]?$"
    r"|^(?:how|in what ways?) (?:do|does|did|is|are) (.+?) (?:differ|different|compare) (?:from|with|to)\s+(.+?)[?.]?$"
    r"|^(.+?)\s+(?:vs\.?|versus)\s+(.+?)[?.]?$", re.I)
_SIDES_ZH = re.compile(r"^(.+?)(?:与|和|同|跟)(.+?)(?:相比|之间|有(?:什么|何)|的(?:区别|不同|异同|差异)"
                       r"|在.{0,10}(?:区别|不同|差异)|区别|不同|对比|比较)")
_LAW_EN = re.compile(r"\b((?:[A-Z][\w’'-]*\s+){0,8}(?:Law|Act|Code|Constitution|Convention|Directive"
                     r"|Regulations?|Rules|Measures|Provisions))\b")
_LAW_ZH = re.compile(r"《([^》]{2,40})》")


@dataclass
class Question:
    text: str
    language: str
    kind: str
    focus: list[str] = field(default_factory=list)
    money: bool = False
    parts: list["Question"] = field(default_factory=list)
    sides: list[str] = field(default_factory=list)
    laws: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # article labels the question names
    # a follow-up's focus terms carried from the conversation's subject, not its own words ("And about
    # online rumours?" → the Opinions' title words): they say which document, the own words which sentence
    carried: set[str] = field(default_factory=set)
    asked: str = ""  # a follow-up as the user wrote it (``text`` is its standalone form)
    named: set[str] = field(default_factory=set)  # titles of the library document the question names

    @property
    def wants_span(self) -> bool:
        """The kind's answer is a short span of text (a date, a figure, a name, a number)."""
        return self.kind in ("date", "duration", "number", "place", "body", "docnum")

    def describe(self, language: str | None = None) -> str:
        """The asked kind in words, for the generative prompt and the 'not stated' notes."""
        return KIND_WORDS[language or self.language].get(
            "money" if self.money and self.kind == "number" else self.kind, "")


KIND_WORDS = {
    "en": {"date": "a date or period", "duration": "a duration (how long)", "number": "a number or figure",
           "money": "a sum of money", "place": "a place", "body": "an authority, body or person",
           "docnum": "a document number", "list": "a list (keep every item)", "definition": "a definition",
           "yesno": "yes or no, with the provision that says so", "article": "what the article says",
           "summary": "a summary of the document", "comparison": "a comparison of the documents",
           "changes": "what changed between two versions", "library": "the documents the library holds",
           "other": "the answer"},
    "zh": {"date": "日期或时间", "duration": "期限（多长时间）", "number": "数字", "money": "金额",
           "place": "地点", "body": "机构、部门或人员", "docnum": "文号", "list": "清单（列出全部各项）",
           "definition": "定义", "yesno": "是或否，以及相应规定", "article": "该条的内容",
           "summary": "文件概要", "comparison": "文件之间的比较", "changes": "两个版本之间的修改",
           "library": "资料库收录的文件", "other": "答案"},
}


# "where" asked of a record or a publication: the answer is a file or a journal, not a place
_NOT_A_PLACE = re.compile(r"(记录|记入|记载|登记|存档|归档|发表|刊登|刊载|公布|保存|留存)(在|到|于|进)?"
                          r"(哪里|哪儿|什么地方)"
                          r"|\bwhere (is|are|was|were|will|must|should) .{0,60}\b(recorded|entered|filed|archived"
                          r"|published|printed|stored|kept|logged|noted|posted)\b", re.I)


# "哪部法律要求…达到一定数量…？", "Which law requires …?": the answer is a document and its provision, whatever
# else the question mentions (数量 there is a condition, not the asked count)
_WHICH_DOCUMENT = re.compile(r"(哪部|哪一部|哪个|哪项)(法律|法规|规定|条例|办法|文件)"
                             r"|^\s*(which|what) (law|act|regulation|rules|document|instrument)s? (requires?|says?"
                             r"|states?|provides?|obliges?|stipulates?|sets?|governs?)\b", re.I)


def _kind(text: str, zh: bool) -> str:
    if (_LIBRARY_ZH if zh else _LIBRARY_EN).search(text):
        return "library"
    if _WHICH_DOCUMENT.search(text):
        return "other"
    if article_labels_in(text) and _ARTICLE_ASK.search(text) and not re.search(
            r"\b(how long|when|who|where|how many|how much)\b|多久|何时|谁|哪里|多少", text, re.I):
        return "article"
    for kind, pattern in (_ZH if zh else _EN):
        if kind == "yesno" and article_labels_in(text):
            break  # "Does Article 9 …?": what the article says
        if pattern.search(text):
            if kind == "place" and _NOT_A_PLACE.search(text):
                continue  # "约谈情况记入哪里？": a record, a publication, not a city
            if kind == "number" and not zh and re.search(r"\bhow many\b", text, re.I) and re.search(
                    r"\bhow many (days|weeks|months|years|hours)\b", text, re.I):
                return "duration"
            return kind
    # a question that names an article and asks nothing else ("Article 1 of the SPC regulations")
    return "article" if article_labels_in(text) else "other"


def focus_terms(text: str) -> list[str]:
    """The question's content terms, question words left out (order kept, no repeats)."""
    terms = [t for t in tokenize(text) if t not in _QUESTION_WORDS and t not in _QUESTION_WORDS_ZH]
    return list(dict.fromkeys(terms))


def _sides(text: str, zh: bool) -> list[str]:
    m = (_SIDES_ZH if zh else _SIDES_EN).search(text.strip())
    if not m:
        return []
    groups = [g for g in m.groups() if g]
    return [g.strip(" ,，?？") for g in groups[:2]] if len(groups) >= 2 else []


def laws_named(text: str) -> list[str]:
    found = []
    for m in _LAW_EN.finditer(text):
        name = re.sub(r"^(?:Under|In|According to|By|What|Which|How|Does|Do|Did|Is|Are|The|These|This|Of|Per)\s+", "",
                      m.group(1).strip())
        if len(name.split()) >= 2 or name.isupper():
            found.append(name)
    for m in _LAW_ZH.finditer(text):
        found.append(m.group(1).strip())
    return list(dict.fromkeys(found))


def analyse(question: str) -> Question:
    text = (question or "").strip()
    zh = is_zh(text)
    kind = _kind(text, zh)
    q = Question(text=text, language="zh" if zh else "en", kind=kind, focus=focus_terms(text),
                 money=bool(kind == "number" and _MONEY.search(text)), laws=laws_named(text),
                 labels=article_labels_in(text))
    if kind == "comparison":
        q.sides = _sides(text, zh)
    if kind not in ("comparison", "summary", "article", "library"):
        pieces = [p for p in _PART_SPLIT.split(text) if p and len(p) > 3 and not _is_connector(p)]
        if len(pieces) >= 2:
            parts = [Question(text=p.strip(), language=q.language, kind=_kind(p, zh), focus=focus_terms(p),
                              money=False, laws=laws_named(p)) for p in pieces]
            for p in parts:
                p.money = bool(p.kind == "number" and _MONEY.search(p.text))
                # "… and on what date?": a part is about what the whole question is about
                p.focus = p.focus + [t for t in q.focus if t not in p.focus]
            if sum(1 for p in parts if p.kind != "other") >= 2 and len({p.kind for p in parts}) >= 2:
                q.parts = parts
    return q


def _is_connector(piece: str) -> bool:
    return piece.strip().lower() in {"what", "how", "who", "when", "where", "which", "is", "are", "does", "do",
                                     "can", "must", "多少", "多久", "何时", "什么", "哪", "谁", "是否"}
