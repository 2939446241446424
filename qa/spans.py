"""Answer spans of each asked kind in a sentence, English and Chinese: where the date, the duration,
the figure, the place, the body or the document number is. Regular expressions and a small list
of places; ``spans(kind, sentence)`` → [(start, end)], longest first where they overlap."""

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
    re.compile(r"(?:\b(?:GF|Guofa|Guobanfa|GBF|Decree|Order|Notice|Circular|Document)\s*)?(?:No\.|Number|No)"
               r"\s*[\(（〔\[]?\s*\d{4}\s*[\)）〕\]]?\s*(?:No\.\s*)?\d+\b|\b(?:GF|Guofa|Guobanfa|Decree|Order)"
               r"\s*No\.?\s*\d+|No\.\s*\d+", re.I),
    re.compile(rf"[{HAN}]{{1,6}}[〔\[\(（]\d{{4}}[〕\]\)）]\d+号|令?第\s*\d+\s*号|\d+号令"),
    # a header line that is only a bracketed year and a serial ("(2014)33", after "GF No." split off)
    re.compile(r"^\s*[\(（〔\[]\d{4}[\)）〕\]]\s*\d{1,4}\s*$"),
]
_PLACES_EN = ("Beijing|Shanghai|Tianjin|Chongqing|Guangzhou|Shenzhen|Hangzhou|Zhengzhou|Wuzhen|Nanjing|Wuhan|Chengdu|"
              "Xi'an|Xiamen|Hainan|Zhejiang|Guangdong|Jiangsu|Henan|Hong Kong|Macao|Macau|Taiwan|Xinjiang|Tibet|"
              "Shandong|Fujian|Hubei|Hunan|Sichuan|Yunnan|Guizhou|Anhui|Hebei|Shanxi|Shaanxi|Liaoning|Jilin|"
              "Heilongjiang|Inner Mongolia|Ningxia|Qinghai|Gansu|Jiangxi|Guangxi|China|United States|America|"
              "Europe|Russia|Japan|Korea|Germany|France|Britain|United Kingdom|India|Brazil|Africa|Asia|Singapore"
              "|Dalian|Suzhou|Qingdao")
PLACE = [
    # not the dateline of a news report ("Beijing, March 16 (Xinhua) -"): where it was filed, not what it says
    re.compile(rf"(?<!\bof )(?<!\bof the )\b(?:{_PLACES_EN})\b(?!['’]s\b)(?!,?\s+{_MONTHS}\s+\d)"),
    re.compile(r"(?:北京|上海|天津|重庆|广州|深圳|杭州|郑州|乌镇|南京|武汉|成都|西安|厦门|海南|浙江|广东|江苏|河南"
               r"|香港|澳门|台湾|新疆|西藏|中国|美国|欧洲|俄罗斯|日本|德国|法国|英国|印度)(?:市|省)?"),
    re.compile(r"\bin\s+((?:[A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?)\b"),
]
_BODY_HEAD = (r"(?:Administrations?|Ministry|Ministries|Councils?|Departments?|Offices?|Commissions?|Courts?|Bureaus?"
              r"|Committees?|"
              r"Procuratorates?|Congress|Governments?|Authority|Authorities|Agency|Agencies|Party|Associations?|Center"
              r"|Centre|Group|Academy|"
              r"General Office|Secretariat|Assembly|Leading Group)")
BODY = [
    re.compile(rf"\b(?:the\s+)?(?:[A-Z][\w’'-]*\s+(?:(?:of|and|for|on|in|the)\s+)*){{0,8}}{_BODY_HEAD}"
               rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s?(?:(?:of|and|the)\s+)?){{1,8}})?"),
    re.compile(r"\b(?:CAC|MIIT|NPC|CPC|SPC|SPP|State Council)\b"),
    re.compile(r"\b(?:[a-z]+\s+){0,4}(?:departments|bodies|organs|authorities|administrations|offices|courts|providers"
               r"|operators)\b"),
    re.compile(rf"[{HAN}]{{2,14}}(?:办公室|委员会|部门|总局|局|法院|检察院|部|厅|机关|机构|中心|协会|政府)"),
    # a person's name ("Zhuang Rongwen"): two capitalised words that are not a body's or a law's name
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
            start, end = m.span(1) if (pattern is PLACE[2] and m.lastindex) else m.span()
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
