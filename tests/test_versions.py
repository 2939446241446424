"""Versions of one work: dated at ingest, the one in force chosen by day, questions that ask for a
version or for what changed (pure functions; the store-backed behaviour is in evals and tests/test_qa_real)."""

from __future__ import annotations

import pytest

from ingest.versions import date_in_name, history, version_date, work_key
from qa.versions import (
    AsOf,
    align,
    asked_as_of,
    asks_changes,
    asks_renumbered,
    change_topic,
    changed_articles,
    changed_pairs,
    counterpart,
    first_article_ref,
    label_version,
    resolve,
    without_days,
)
from vectorstore.versions import in_force, superseded, versions_by_work

HEAD_2024 = [
    "1991年9月4日 第七届全国人民代表大会常务委员会第二十一次会议通过",
    "2020年10月17日 第十三届全国人民代表大会常务委员会第二十二次会议第二次修订",
    "2024年4月26日 第十四届全国人民代表大会常务委员会第九次会议"
    "《关于修改〈中华人民共和国未成年人保护法〉的决定》第二次修正）",
    "第一章 总则",
    "第一条 为了保护未成年人身心健康，制定本法。",
    "第二条 本法自2021年6月1日起施行。",
]


def test_the_history_lines_date_the_version():
    assert [d for d, _ in history(HEAD_2024)] == ["1991-09-04", "2020-10-17", "2024-04-26"]
    assert version_date("law.md", HEAD_2024) == "2024-04-26"
    # the body's dates (entry into force) are not history lines
    assert version_date("law.md", HEAD_2024[3:]) is None


def test_a_date_in_the_file_name_dates_a_version_without_history():
    assert date_in_name("互联网信息服务管理办法(2011-01-08).md") == "2011-01-08"
    assert date_in_name("000_3e63832fe931117c.txt") is None
    head = ["2000年9月25日 中华人民共和国国务院令第292号公布", "第一条 …"]
    assert version_date("x/办法(2011-01-08).md", head) == "2011-01-08"


def test_versions_of_one_work_share_a_key_in_one_language():
    title = "中华人民共和国未成年人保护法"
    assert work_key(title, "zh") == work_key(f"{title}（2024年修正）", "zh")
    assert work_key("Data Security Law", "en") != work_key("Data Security Law", "zh")


DOCS = [("old", "zh:minors", "2020-10-17"), ("new", "zh:minors", "2024-04-26"), ("single", "zh:csl", "2016-11-07"),
        ("undated", "zh:minors", None)]


def test_the_version_in_force_is_the_latest_not_after_the_day():
    found = versions_by_work(DOCS)["zh:minors"]
    assert found == [("2020-10-17", "old"), ("2024-04-26", "new")]
    assert "zh:csl" not in versions_by_work(DOCS)  # one version: nothing to choose
    assert in_force(found, "2021-06")[1] == "old"
    assert in_force(found, "2024-04-26")[1] == "new"
    assert in_force(found, "2019")[1] == "old"  # before the first version held: the first one stands
    assert superseded(DOCS) == {"old"}  # today: the 2024 text
    assert superseded(DOCS, "2022") == {"new"}
    assert superseded(DOCS + [("future", "zh:minors", "2999-01-01")]) == {"old", "future"}  # not yet in force


@pytest.mark.parametrize(("question", "asked"), [
    ("2020年版未成年人保护法第九条是怎么规定的？", AsOf(day="2020")),
    ("What did Article 9 say before the 2024 amendment?", AsOf(before="2024")),
    ("As of June 2021, who coordinated minors protection work?", AsOf(day="2021-06")),
    ("Under the 2018 Company Law, how many directors…?", AsOf(day="2018")),
    ("截至2022年3月，未成年人保护法第九条怎么规定？", AsOf(day="2022-03")),
    ("未成年人保护法第九条怎么规定？", None),
    # a year anywhere in the question, in either language
    ("按2018年的公司法，董事会由几人组成？", AsOf(day="2018")),
    ("2018年公司法规定的出资期限是多久？", AsOf(day="2018")),
    ("公司法（2018年文本）规定的出资期限是多久？", AsOf(day="2018")),
    ("截至2019年，出资期限是多久？", AsOf(day="2019")),
    ("出资期限在2018版里是多久？", AsOf(day="2018")),
    ("What was the deadline under the 2017 text?", AsOf(day="2017")),
    ("As it stood in 2019, what was the deadline?", AsOf(day="2019")),
    ("What was the deadline, as it stood in 2019?", AsOf(day="2019")),
    ("In the 2017 Administrative Law, what was the deadline?", AsOf(day="2017")),
    ("2017 Administrative Law: what was the deadline?", AsOf(day="2017")),
    ("What was the deadline on 1 June 2021?", AsOf(day="2021-06-01")),
    ("What was the deadline on June 1, 2021?", AsOf(day="2021-06-01")),
    ("2021年6月1日时申请期限是多久？", AsOf(day="2021-06-01")),
    ("What applied on 2022-03-01?", AsOf(day="2022-03-01")),
    ("第九条在2024年修正前怎么规定？", AsOf(before="2024")),
    ("What did it say prior to the 2023 revision?", AsOf(before="2023")),
    # amounts are not years
    ("罚款2000元以上的处罚能申请复议吗？", None),
    ("Can a fine of RMB 2000 be challenged?", None),
    ("Can a fine of 2000 yuan be challenged?", None),
])
def test_a_question_names_a_day_or_a_version(question, asked):
    assert asked_as_of(question) == asked


def test_a_named_day_resolves_against_the_versions_held():
    versions = ["2020-10-17", "2024-04-26"]
    assert resolve(AsOf(day="2020"), versions) == "2020-10-17"  # "the 2020 text": that version
    assert resolve(AsOf(before="2024"), versions) == "2020-10-17"
    assert resolve(AsOf(before="2020"), versions) is None  # nothing older is held
    assert resolve(AsOf(day="2022-03"), versions) == "2022-03"


def test_questions_about_changes_and_the_articles_that_changed():
    assert asks_changes("What changed in Article 9?")
    assert asks_changes("2024年修正改了哪些条款？")
    assert not asks_changes("未成年人保护法第九条怎么规定？")
    old = {"第八条": "甲。", "第九条": "县级以上人民政府应当建立协调机制。", "第十条": "乙。"}
    new = {"第八条": "甲。", "第九条": "各级人民政府应当重视和加强未成年人保护工作。", "第十条": "乙 。"}
    assert changed_articles(old, new) == ["第九条"]  # spacing alone is no change
    assert changed_articles(old, {**new, "第十一条": "丙。"}) == ["第九条", "第十一条"]


def test_the_head_of_a_law_gives_its_kind_and_dates():
    from ingest.versions import history_dates, issuer_type

    assert history_dates(HEAD_2024) == ("1991-09-04", None)
    decree = ["2000年9月25日 中华人民共和国国务院令第292号公布", "第一条 为了规范互联网信息服务活动，制定本办法。"]
    assert history_dates(decree) == (None, "2000-09-25")
    assert issuer_type(decree) == "administrative regulation"
    assert issuer_type(["(Ministry of Industry and Information Technology Decree No. 25)", "Article 1 …"]) == (
        "departmental rule")
    assert issuer_type(HEAD_2024) is None  # a law: adopted by the congress, no decree


@pytest.mark.parametrize("question", [
    "What changed about the deadline for applying?", "How was the deadline changed by the revision?",
    "这次修订对出资期限做了哪些调整？", "会议制度修订前后有什么变化？", "适用范围在修订时增加了哪些情形？",
    "未成年人保护法2024年修正改了哪些条款？"])
def test_questions_about_changes_on_a_topic(question):
    assert asks_changes(question)


@pytest.mark.parametrize("question", [
    "In 2019, how long could the board take, and could it extend that?",
    "按2018年的公司法，董事会由几人组成？", "In the 2023 text, which article took over Article 21 of the 2017 text?"])
def test_questions_that_do_not_ask_for_changes(question):
    assert not asks_changes(question)


V = ["2017-09-01", "2023-09-01"]


@pytest.mark.parametrize(("question", "label", "versions"), [
    ("旧版第九条讲的出资期限，在2023年修订版里是哪一条？", "第九条", ("2017-09-01", "2023-09-01")),
    ("2017年文本第三十五条，现在对应哪一条？", "第三十五条", ("2017-09-01", "2023-09-01")),
    ("Article 39 of the 2017 law sets the fee rule; in the 2023 text, which article is it?", "Article 39",
     ("2017-09-01", "2023-09-01")),
    ("In the 2023 text, which article took over Article 21 of the 2017 text?", "Article 21",
     ("2017-09-01", "2023-09-01")),
    ("第九条现在是第几条？", "第九条", ("2017-09-01", "2023-09-01")),  # no version named: an earlier text's
    ("新法第二十条在旧法里是第几条？", "第二十条", ("2023-09-01", "2017-09-01")),
    ("2023年版第二十条在2017年版里是第几条？", "第二十条", ("2023-09-01", "2017-09-01")),
])
def test_an_article_asked_about_in_another_version(question, label, versions):
    ref = first_article_ref(question)
    assert ref is not None
    assert label in ref[0]
    assert asks_renumbered(question, ref[0])
    assert label_version(question, ref[1], V) == versions


def test_a_number_asked_without_an_article_named_is_no_renumbering():
    assert not asks_renumbered("网络安全法第几条规定了日志留存？", [])
    ref = first_article_ref("第九条怎么规定？")
    assert ref is not None
    assert not asks_renumbered("第九条怎么规定？", ref[0])


OLD = {"第一条": "为了规范复议，制定本法。", "第二条": "申请人可以自知道该行为之日起六十日内提出申请。",
       "第三条": "复议机关受理申请，不得向申请人收取任何费用。复议活动所需经费列入本机关行政经费。"}
NEW = {"第一条": "为了规范复议，制定本法。", "第二条": "国家建立专业化的复议人员队伍。",
       "第三条": "申请人可以自知道或者应当知道该行为之日起六十日内提出申请，最长不得超过一年。",
       "第四条": "复议机关受理申请，不得向申请人收取任何费用。"}


def test_a_revision_is_aligned_by_text_not_by_number():
    assert align(OLD, NEW) == [("第一条", "第一条"), (None, "第二条"), ("第二条", "第三条"), ("第三条", "第四条")]
    # unchanged articles are no change, even renumbered; an added article is one
    assert changed_pairs(OLD, NEW) == [(None, "第二条"), ("第二条", "第三条"), ("第三条", "第四条")]
    assert changed_pairs(NEW, NEW) == []
    assert counterpart(OLD["第二条"], NEW) == "第三条"
    assert counterpart("完全不同的内容讲别的事情", NEW) is None


def test_the_paragraph_a_question_is_about_picks_the_counterpart():
    old = "对学校作出的处分不服的，可以向教育部门提出申诉。\n对医院作出的处理不服的，向卫生部门投诉。"
    new = {"第五条": "学生对学校作出的处分不服的，可以向本级教育部门提出申诉，教育部门应当受理。",
           "第八条": "患者对医院作出的处理不服的，可以向卫生健康部门投诉。"}
    assert counterpart(old, new, focus="旧法里对医院处理不服的规定在新法第几条？") == "第八条"
    assert counterpart(old, new, focus="对学校处分不服的申诉在新法第几条？") == "第五条"


def test_the_days_a_question_names_are_not_part_of_its_topic():
    assert "2020" not in without_days("截至2020年，施行日期是哪一天？")
    assert "施行日期" in without_days("截至2020年，施行日期是哪一天？")
    assert "2024" not in without_days("What did it say before the 2024 amendment?")
    topic = change_topic("公司法的适用范围2023年修订时新增了什么？")
    assert "适用范围" in topic
    assert "2023" not in topic
    assert "修订" not in topic
    assert "deadline" in change_topic("What changed about the deadline in the 2023 revision?")
    assert "2023" not in change_topic("What changed about the deadline in the 2023 revision?")
