"""Versions of one work: dated at ingest, the one in force chosen by day, questions that ask for a
version or for what changed (pure functions; the store-backed behaviour is in evals and tests/test_qa_real)."""

from __future__ import annotations

import pytest

from ingest.versions import date_in_name, history, version_date, work_key
from qa.versions import AsOf, asked_as_of, asks_changes, changed_articles, resolve
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
