"""English renderings of Chinese key facts (netlaw.text.render): a table of spans met in the laws of
``../shared/laws`` with their exact English, sentences where the fact must be found at its place,
and properties: any integer 0..10^8 written in Chinese numerals comes back as the same integer."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from netlaw.text.numerals import WORDS, int_to_zh
from netlaw.text.render import english_fact, english_facts_in, zh_number

# (Chinese span, exact English): short spans as they stand in the laws' articles
CASES = [
    # durations, with and without their bound
    ("六个月", "six months"),
    ("不少于六个月", "no less than six months"),
    ("不少于三年", "no less than three years"),
    ("五年", "five years"),
    ("五年内", "within five years"),
    ("三日内", "within three days"),
    ("五日内", "within five days"),
    ("七日内", "within seven days"),
    ("十日内", "within ten days"),
    ("十五日内", "within 15 days"),
    ("三十日内", "within 30 days"),
    ("六十日内", "within 60 days"),
    ("60日内", "within 60 days"),
    ("一个月内", "within one month"),
    ("十五个工作日内", "within 15 working days"),
    ("二十四小时内", "within 24 hours"),
    ("超过六十日", "more than 60 days"),
    ("少于六十日", "less than 60 days"),
    ("超过二十年", "more than 20 years"),
    ("最长不得超过一年", "no more than one year"),
    ("最多不超过三十日", "no more than 30 days"),
    ("五日以下", "up to five days"),
    ("五日以上十五日以下", "between five and 15 days"),
    ("五日前", "five days before"),
    ("半年", "six months"),
    ("终身", "for life"),
    ("次日", "on the following day"),
    # amounts (以上/以下 count the bound)
    ("五万元以下", "up to RMB 50,000"),
    ("五百元以下", "up to RMB 500"),
    ("十万元以上一百万元以下", "between RMB 100,000 and RMB 1,000,000"),
    ("五千元以上五万元以下", "between RMB 5,000 and RMB 50,000"),
    ("5000元以上5万元以下", "between RMB 5,000 and RMB 50,000"),
    ("10万元以上100万元以下", "between RMB 100,000 and RMB 1,000,000"),
    ("五十万元以上二百万元以下", "between RMB 500,000 and RMB 2,000,000"),
    ("二百万元以上一千万元以下", "between RMB 2,000,000 and RMB 10,000,000"),
    ("一百万元以上", "RMB 1,000,000 or more"),
    ("不足一百万元", "less than RMB 1,000,000"),
    ("不足5万元", "less than RMB 50,000"),
    ("一千万元以下", "up to RMB 10,000,000"),
    ("处五万元以下罚款", "a fine of up to RMB 50,000"),
    # multiples of illegal gains
    ("一倍以上十倍以下", "between one and ten times"),
    ("3倍以上5倍以下", "between three and five times"),
    # dates
    ("二〇二一年九月一日", "1 September 2021"),
    ("2021年9月1日起", "from 1 September 2021"),
    ("自2017年6月1日起", "from 1 June 2017"),
    ("1999年10月1日", "1 October 1999"),
    ("2021年6月", "June 2021"),
    # ages
    ("十六周岁", "aged 16"),
    ("已满十六周岁", "aged 16 or over"),
    ("年满十六周岁", "aged 16 or over"),
    ("未满十八周岁", "under the age of 18"),
    ("不满十四周岁", "under the age of 14"),
    ("八周岁以下", "aged 8 or under"),
    # frequencies and counts
    ("每年至少一次", "at least once a year"),
    ("每年至少进行一次", "at least once a year"),
    ("至少每周联系和交流一次", "at least once a week"),
    ("每年", "every year"),
    ("每日", "every day"),
    ("每三年至少一次", "at least once every three years"),
    ("一次", "once"),
    ("不得少于两人", "no fewer than two persons"),
    ("三分之二以上", "two thirds or more"),
    ("百分之五十", "50%"),
    # bodies, word by word through the dictionary
    ("国务院", "State Council"),
    ("县级以上人民政府", "people's government at or above the county level"),
    ("公安机关", "public security bureau"),
    ("监护人", "guardian"),
    ("电信主管部门", "competent telecommunications department"),
]

# spans met in the State Council regulations library (``../shared/scale``)
REGULATION_CASES = [
    ("20%以上50%以下", "between 20% and 50%"),
    ("不超过六十五周岁", "aged 65 or under"),
    ("每年3月31日前", "before 31 March each year"),
    ("自1985年度起", "from 1985"),
    ("一九四九年十月一日以后", "after 1 October 1949"),
    ("每10年进行一次", "once every ten years"),
    ("至少每半年进行一次", "at least once every six months"),
    ("24小时以上48小时以下", "between 24 and 48 hours"),
    ("六个月至一年", "between six months and one year"),
    ("不少于30万元", "no less than RMB 300,000"),
    ("1.5元至30元", "between RMB 1.5 and RMB 30"),
    ("四十八小时以前", "48 hours before"),
]

# spans that must not be rendered: a word the dictionary lacks, a colloquial numeral, a fact with words around it
UNRENDERED = ["国家网信部门", "网络运营者", "行政复议机关", "二百五", "一万五", "延长期限最多不超过三十日",
              "第三十八条", "截至2020年底"]


def test_case_table_is_large_and_distinct():
    assert len(CASES) >= 40
    assert len({zh for zh, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("chinese", "english"), CASES, ids=[zh for zh, _ in CASES])
def test_fact_renders_exactly(chinese, english):
    assert english_fact(chinese) == english


@pytest.mark.parametrize(("chinese", "english"), REGULATION_CASES, ids=[zh for zh, _ in REGULATION_CASES])
def test_regulation_fact_renders_exactly(chinese, english):
    assert english_fact(chinese) == english


@pytest.mark.parametrize("chinese", UNRENDERED)
def test_not_rendered_when_not_sure(chinese):
    assert english_fact(chinese) is None


def test_bodies_use_the_dictionary_they_are_given():
    """国家网信部门 is left unrendered only for want of 网信: a dictionary that has it renders the body."""
    entries = {"国家": [["country", "nation", "state"]], "网信": [["cyberspace"]], "部门": [["department", "branch"]]}
    assert english_fact("国家网信部门", glosses=entries.get) == "state cyberspace department"
    assert english_fact("国家网信部门", glosses={**entries, "网信": None}.get) is None


def test_bold_markers_and_punctuation_around_a_span_are_ignored():
    assert english_fact("**不少于六个月**；") == "no less than six months"


@pytest.mark.parametrize(("sentence", "span", "english"), [
    ("运营者应当对其网络的风险每年至少进行一次检测评估", "每年至少进行一次", "at least once a year"),
    ("处一万元以上十万元以下罚款，对直接负责的主管人员处五千元以上五万元以下罚款。",
     "一万元以上十万元以下", "between RMB 10,000 and RMB 100,000"),
    ("本法自2021年9月1日起施行。", "自2021年9月1日起", "from 1 September 2021"),
    ("应当自收到申请之日起60日内审查完毕", "60日内", "within 60 days"),
    ("受到刑事处罚的人员，终身不得从事该项工作。", "终身", "for life"),
    ("留存相关的网络日志不少于六个月；", "不少于六个月", "no less than six months"),
])
def test_facts_found_in_sentence(sentence, span, english):
    facts = english_facts_in(sentence)
    assert any(sentence[start:end] == span and text == english for start, end, text in facts), facts


def test_longest_fact_wins_and_all_are_listed_in_order():
    sentence = "处一万元以上十万元以下罚款，对直接负责的主管人员处五千元以上五万元以下罚款。"
    facts = english_facts_in(sentence)
    assert [text for _, _, text in facts] == ["between RMB 10,000 and RMB 100,000", "between RMB 5,000 and RMB 50,000"]
    assert all(a[1] <= b[0] for a, b in zip(facts, facts[1:], strict=False))


@pytest.mark.parametrize("sentence", ["第十三届全国人民代表大会常务委员会第二十九次会议通过", "一次性支付",
                                      "在一定期限内不能完全履行", "统一社会信用代码", "十分重要",
                                      "不得低于上一年总收入", "在同一天申请", "作为规划的一项内容", "工作一年半",
                                      "下一年度的计划"])
def test_no_fact_in_ordinals_and_words_that_hold_numerals(sentence):
    assert english_facts_in(sentence) == []


# ---- properties ------------------------------------------------------------------------------------------------
_D = "零一二三四五六七八九"


def write_zh(n: int, short_ten: bool = True, liang: bool = False) -> str:
    """An independent writer of Chinese numerals: sections of 亿/万/units, 零 for each gap, "十五" or "一十五"."""
    if n == 0:
        return "零"
    out, higher, gap = "", False, False
    for k, big in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if k == 0:
            gap = gap or higher
            continue
        section, zero = "", higher and (k < 1000 or gap)
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // unit % 10
            if d == 0:
                zero = zero or bool(section)
                continue
            if zero:
                section += "零"
                zero = False
            section += ("两" if liang and d == 2 and name in ("千", "百") else _D[d]) + name
        out += section + big
        higher, gap = True, False
    return out[1:] if short_ten and out.startswith("一十") else out


def english_int(text: str) -> int:
    """ "six" → 6, "1,234" → 1234, "zero" → 0."""
    return 0 if text == "zero" else WORDS.index(text) + 1 if text in WORDS else int(text.replace(",", ""))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**8), st.booleans(), st.booleans())
def test_any_chinese_numeral_renders_back_to_its_integer(n, short_ten, liang):
    zh = write_zh(n, short_ten, liang)
    assert zh_number(zh) == n, zh
    assert english_fact(zh + "元") == f"RMB {n:,}", zh
    m = re.fullmatch(r"(\S+) months?", english_fact(zh + "个月"))
    assert m is not None, zh
    assert english_int(m[1]) == n, zh


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 9999), st.integers(1, 9999))
def test_amount_ranges_and_mixed_numerals(a, b):
    assume(a != b)
    a, b = sorted((a, b))
    assert english_fact(f"{write_zh(a)}万元以上{write_zh(b)}万元以下") == \
        f"between RMB {a * 10**4:,} and RMB {b * 10**4:,}"
    assert english_fact(f"{a}万元以下") == f"up to RMB {a * 10**4:,}"


def test_agrees_with_the_heading_numerals():
    assert all(zh_number(int_to_zh(n)) == n for n in range(10000))


@settings(max_examples=100, deadline=None)
@given(st.integers(1000, 2999), st.integers(1, 12), st.integers(1, 28), st.booleans())
def test_dates_in_figures_and_in_chinese(year, month, day, chinese):
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    text = f"{''.join(_D[int(c)] for c in str(year)).replace('零', '〇')}年{write_zh(month)}月{write_zh(day)}日" \
        if chinese else f"{year}年{month}月{day}日"
    assert english_fact(text) == f"{day} {months[month - 1]} {year}"


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10**6), st.sampled_from(["，并处", "；可以处", "的，处"]))
def test_fact_found_at_its_place_in_a_sentence(n, lead):
    fact = f"{write_zh(n)}元以下"
    sentence = f"违反本法规定{lead}{fact}罚款。"
    facts = english_facts_in(sentence)
    start = sentence.index(fact)
    assert (start, start + len(fact), f"up to RMB {n:,}") in facts
