"""Answer spans of each asked kind in a sentence, English and Chinese: where the date, the duration,
the figure, the place, the body or the document number is. Regular expressions over the forms of
dates, figures and names (no list of places or bodies); ``spans(kind, sentence)`` → [(start, end)],
longest first where they overlap."""

from __future__ import annotations

import re

from netlaw.text.script import HAN, has_chinese

_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?"
           r"|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_NUMWORD = (r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
            r"|forty|fifty|sixty|ninety|a hundred|hundred|several|a few)")
_ZHNUM = r"[零〇一二两三四五六七八九十百千万\d]+"

DATE = [
    re.compile(rf"\b(?:\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
               rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\d{{1,2}}\s+{_MONTHS}\b|{_MONTHS},?\s+\d{{4}})"),
    re.compile(r"\b(?:by|before|after|since|until|in|from|during|at the end of|by the end of|end of)\s+(?:the\s+(?:end"
               r"|beginning|middle)\s+of\s+)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\b", re.I),
    re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b|\b(?:19|20)\d\d\b"),
    re.compile(rf"{_ZHNUM}年{_ZHNUM}月{_ZHNUM}日|{_ZHNUM}年{_ZHNUM}月|\d{{4}}年|{_ZHNUM}月{_ZHNUM}日"),
    # a time of day or a span of hours ("每日二十二时至次日八时", "between 10 p.m. and 8 a.m.")
    re.compile(rf"{_ZHNUM}(?:时|点)(?:{_ZHNUM}分)?(?:至|到)(?:次日|第二天)?{_ZHNUM}(?:时|点)(?:{_ZHNUM}分)?"),
    re.compile(r"\b(?:between|from)\s+\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?\s+(?:and|to|until)\s+\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?",
               re.I),
]
DURATION = [
    re.compile(rf"\b(?:(?:no|not) (?:less|more|fewer) than|at least|at most|up to|within|for|over|more than|less than"
               rf"|about)?\s*{_NUMWORD}(?:\s+(?:working|work|calendar|consecutive))?\s+(?:days?|weeks?|months?|years?"
               rf"|hours?|minutes?)(?:\s+(?:or more|or longer))?\b", re.I),
    # not the day, month or year of a date ("2015年6月1日")
    re.compile(rf"(?:不少于|不超过|不得少于|不得超过|至少|最长|在)?(?<![\d年月])(?!\d{{4}}年|[零〇一二三四五六七八九]{{4}}年){_ZHNUM}(?:个)?(?:工作日|日|天|周|星期|个月"
               rf"|月|年|小时)(?:以上|以内|内)?(?![\d〇零一二三四五六七八九十]+[月日])"),
]
NUMBER = [
    re.compile(r"\b\d+(?:[.,]\d+)*\s*(?:%|percent|per cent)", re.I),
    re.compile(rf"(?:RMB|CNY|US\$|\$|¥)\s?\d+(?:[.,]\d+)*(?:\s*(?:trillion|billion|million|thousand))?"
               rf"|\b{_NUMWORD}(?:[.,]\d+)*\s*(?:trillion|billion|million|thousand|hundred)?\s*(?:yuan|RMB|dollars"
               rf"|renminbi)\b", re.I),
    re.compile(r"\b\d+(?:[.,]\d+)*\s*(?:trillion|billion|million|thousand|hundred thousand)\b(?:\s+(?!(?:in|of|and|or"
               r"|the|to|on|at|for|with|by|from|is|are|was|were)\b)[a-z]+){0,2}", re.I),
    # not an ordinal ("第五条" is Article 5, not five articles)
    re.compile(rf"(?<![第零〇一二两三四五六七八九十百千万\d]){_ZHNUM}(?:\.\d+)?(?:万亿|亿|万|千)?(?:元|人民币|美元|%|个|家|人|项|件|部|条|种|名|户|次)"),
    re.compile(r"\b\d+(?:[.,]\d+)*\b(?!\s*(?:January|February|March|April|May|June|July|August|September|October"
               r"|November|December))"
               r"(?:\s+(?!(?:and|or|of|the|in|on|to|at|for|with|by|from|is|are|was|were)\b)[a-z][a-z-]+){1,2}"),
    re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred)"
               r"\s+(?!and\b|or\b|of\b|the\b)[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?", re.I),
]
MONEY = [NUMBER[1], re.compile(rf"{_ZHNUM}(?:\.\d+)?(?:万亿|亿|万|千)?(?:元|人民币|美元)"),
         re.compile(r"\b(?:free of charge|without charge|no fee|free)\b|免费|不收取", re.I)]
DOCNUM = [
    # "<Prefix> No. (2014) 33", "Decree No. 24", "No. 25": any capitalised prefix of a document number
    re.compile(r"(?:\b[A-Z][A-Za-z]{0,11}\s*)?(?i:No\.|Number|No)\s*[\(（〔\[]?\s*\d{4}\s*[\)）〕\]]?\s*(?i:No\.\s*)?\d+\b"
               r"|\b[A-Z][A-Za-z]{0,11}\s*No\.?\s*\d+|(?i:No\.)\s*\d+"),
    re.compile(rf"[{HAN}]{{1,6}}[〔\[\(（]\d{{4}}[〕\]\)）]\d+号|令?第\s*\d+\s*号|\d+号令"),
    # a header line that is only a bracketed year and a serial ("(2014)33", after its "<Prefix> No." split off)
    re.compile(r"^\s*[\(（〔\[]\d{4}[\)）〕\]]\s*\d{1,4}\s*$"),
]
# Not a place after "in"/"at": a month, a label, a phrase ("in Accordance with", "in Particular")
_NOT_PLACE_WORD = (rf"(?:{_MONTHS}|Article|Articles|Chapter|Part|Section|Paragraph|Item|Annex|Appendix|Accordance"
                   r"|Addition|Order|Principle|General|Particular|Practice|Line|Case|Charge|Force|Effect|Response)\b")
PLACE = [
    # a capitalised name after a preposition of place ("held in Riverton", "at Lakeside", "in Inner Mongolia"); not
    # a dateline ("Riverton, March 16 -": where a report was filed has no preposition)
    re.compile(rf"\b(?:in|at|held in|hosted in|located in|took place in)\s+((?!{_NOT_PLACE_WORD})[A-Z][a-z'’-]+"
               r"(?:\s+(?!of\b)[A-Z][a-z'’-]+){0,2})\b(?!\s*\d)"),
    # a list of three or more capitalised names ("the offices of Ashford, Brookvale, and Carrow"): places named
    # together; mid-sentence capitals in a run are proper names
    re.compile(r"\b(?:[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?, ){2,}(?:and )?[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?\b"),
    # names closed by "and other countries/regions/…" ("with Ashland, Borduria, and other countries")
    re.compile(r"\b(?:[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?, )*[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?"
               r"(?=,? (?:and|or) other (?:countries|regions|provinces|cities|places|areas|states|nations)\b)"),
    # a Chinese place name: two characters ending in 省/市/县/区/镇/州, or three after 在/于/a separator;
    # not a common word with the same ending (社区, 城市, 节省)
    re.compile(rf"((?:(?<=[在于、，,和与至])[{HAN}]{{3}}|[{HAN}]{{2}})(?<![社地园辖小城景校误禁专都股超反节乡郡])"
               r"(?:自治区|省|市|县|区|镇|州))(?![场民级长委政域分别块])"),
    # a Chinese name where something was held ("在某地召开")
    re.compile(rf"(?<=[在于])([{HAN}]{{2,4}}?)(?=(?:召开|举行|举办|开幕|闭幕|成立))"),
]
_BODY_HEAD = (r"(?:Administrations?|Ministry|Ministries|Councils?|Departments?|Offices?|Commissions?|Courts?|Bureaus?"
              r"|Committees?|"
              r"Procuratorates?|Congress|Governments?|Authority|Authorities|Agency|Agencies|Party|Associations?|Center"
              r"|Centre|Group|Academy|"
              r"General Office|Secretariat|Assembly|Leading Group)")
BODY = [
    re.compile(rf"\b(?:the\s+)?(?:[A-Z][\w’'-]*\s+(?:(?:of|and|for|on|in|the)\s+)*){{0,8}}{_BODY_HEAD}"
               rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s?(?:(?:of|and|the)\s+)?){{1,8}})?"),
    # an acronym of two to five capitals standing alone: how bodies are cited once named in full; not a
    # currency, a country code or a technical term
    re.compile(r"\b(?!(?:RMB|CNY|USD|PRC|GDP|ID|IP|IT|AI|OK|TV|PC|URL|APP|API|No)\b)[A-Z]{2,5}\b(?!\s*No\.?\s*\d)"),
    re.compile(r"\b(?:[a-z]+\s+){0,4}(?:departments|bodies|organs|authorities|administrations|offices|courts|providers"
               r"|operators)\b"),
    re.compile(rf"[{HAN}]{{2,14}}(?:办公室|委员会|部门|总局|局|法院|检察院|部|厅|机关|机构|中心|协会|政府)"),
    # a person's name ("Jane Doe"): two capitalised words that are not a body's or a law's name
    re.compile(r"\b[A-Z][a-z]+ (?!(?:Administration|Ministry|Council|Department|Office|Commission|Court|Bureau"
               r"|Committee|Congress|Government|Party|Association|Center|Centre|Group|Academy|News|Daily|Agency"
               r"|Law|Act|Code|Regulations?|Rules|Measures|Provisions|Opinions|Notice|Plan|Outline|Decree|Order"
               r"|Technology|Information|Republic|Conference|Forum|Platform|Network|Internet|Security)\b)"
               r"[A-Z][a-z]+(?:-[a-z]+)?\b(?=,|$|\s+(?:said|pointed|stressed|gave|delivered|attended|noted|emphasized))"),
]
PERSON = [BODY[4], re.compile(rf"(?<=[，,、])[{HAN}]{{2,3}}(?=(?:指出|强调|表示|出席|讲话|致辞))")]
KIND_PATTERNS = {"person": PERSON, "date": DATE, "duration": DURATION, "number": NUMBER, "place": PLACE, "body": BODY,
                 "docnum": DOCNUM}


_LAW_TITLE = re.compile(r"(?:the\s+)?(?:[A-Z][\w-]*\s+){0,4}(?:Law|Act|Measures|Regulations|Rules|Provisions|Opinions"
                        r"|Notice|Outline|Plan)\s+(?:for|on|of|concerning)\b")


def spans(kind: str, sentence: str, money: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every answer of the kind in the sentence; overlapping matches keep the longest."""
    patterns = MONEY if money else KIND_PATTERNS.get(kind, [])
    found: list[tuple[int, int]] = []
    for pattern in patterns:
        for m in pattern.finditer(sentence):
            start, end = m.span(1) if (pattern in PLACE and m.lastindex) else m.span()
            text = sentence[start:end]
            while text and text[-1] in " ,;:.，；：":
                end -= 1
                text = text[:-1]
            while text and text[0] in " ,;:.":
                start += 1
                text = text[1:]
            if len(text.strip()) < 2 and not has_chinese(text):
                continue
            if kind == "body" and _LAW_TITLE.match(text):
                continue  # "the Measures for the Administration of …" names a law, not a body
            found.append((start, end))
    found.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    out: list[tuple[int, int]] = []
    for s, e in found:
        if out and s < out[-1][1]:
            if e - s > out[-1][1] - out[-1][0]:
                out[-1] = (s, e)
            continue
        out.append((s, e))
    return out


def has_span(kind: str, sentence: str, money: bool = False) -> bool:
    return bool(spans(kind, sentence, money))
