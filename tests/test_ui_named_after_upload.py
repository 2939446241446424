"""The document a question names answers it, also after uploads (issue 31 point 1), in a real headless
Chromium: on the bundled corpus, an administrator uploads a law and both texts of another through the
Library tab; then questions naming the bundled white paper by genre and year are asked, in English
(with a follow-up) and in Chinese, and a question naming the uploaded law by its title.

Before: after the upload "What does the 2023 white paper say about protecting minors online?" was
answered from 未成年人保护法 第四条 (its title holds the question's topic words), citing the superseded
2020 text (the year "2023" read as the law's version), and the follow-up "And what about game
addiction?" from the same law, saying nothing about games."""

from __future__ import annotations

import re

import pytest

from tests.test_ui_browser import DESK, PHONE, SCREENSHOTS, app, ask, browser, login  # noqa: F401  (fixtures)
from tests.test_ui_daily_library import NEW, OLD, OTHER, upload
from tests.test_ui_i18n import english_shown, project_english, to_chinese, to_english

PAPER = "The Construction of China's Internet Rule of Law in the New Era"  # the bundled 2023 white paper
LAW = "未成年人保护法"


@pytest.fixture(scope="module")
def uploaded(app, browser):  # noqa: F811
    """Alice uploads 网络安全法 and both texts of 未成年人保护法 (once per module)."""
    url, _, _ = app
    page = login(browser, url, "alice", DESK)
    page.click("button[role=tab]:has-text('Library')")
    result = upload(page, [OTHER, OLD, NEW], 3)
    assert len(result["items"]) == 3, result["status"]
    return url


def sources(page) -> list[str]:
    """The newest answer's sources as listed under it (document, version, article)."""
    answer = page.locator("#chat .answer").last
    answer.wait_for(timeout=30_000)
    row = page.locator("#chat .sources").last
    return [s.strip() for s in row.locator("li").all_inner_texts()] if row.count() else []


def latest_answer(page) -> str:
    return page.locator("#chat .answer").last.inner_text()


@pytest.mark.parametrize("viewport", [pytest.param(DESK, id="1280x800"), pytest.param(PHONE, id="390x844")])
def test_a_question_naming_the_white_paper_is_answered_from_it_after_uploads(uploaded, browser, viewport):  # noqa: F811
    page = login(browser, uploaded, "bob", viewport)
    ask(page, "What does the 2023 white paper say about protecting minors online?", 1)
    first = sources(page)
    assert first, latest_answer(page)
    assert all(PAPER in s for s in first), first  # the named document, not the uploaded law
    assert "2020-10-17" not in latest_answer(page) + " ".join(first)  # no superseded text either
    ask(page, "And what about game addiction?", 2)
    follow = sources(page)
    assert follow, latest_answer(page)
    assert all(PAPER in s for s in follow), follow  # the conversation's document still
    assert re.search(r"game", latest_answer(page), re.I), latest_answer(page)  # about games
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / ("named-after-upload.png" if viewport == DESK else
                                             "named-after-upload-phone.png")))


def test_the_same_in_chinese_and_a_named_law_cites_its_version_in_force(uploaded, browser):  # noqa: F811
    """Also: the uploaded law, when a question names it, answers from its text in force (never the
    superseded 2020 text, which the question does not ask for); and its sources name the version in the
    中文 interface in Chinese."""
    page = login(browser, uploaded, "bob", DESK)
    ask(page, "2023年白皮书对保护未成年人上网有什么说法？", 1)
    paper = sources(page)
    assert paper, latest_answer(page)
    assert all(PAPER in s for s in paper), paper
    ask(page, "未成年人保护法对防止未成年人沉迷网络游戏有什么规定？", 2)
    law = sources(page)
    assert law, latest_answer(page)
    assert all(LAW in s for s in law), law  # the law named by its title
    assert all("2024-04-26" in s and "2020-10-17" not in s for s in law), law  # the version in force
    try:
        to_chinese(page)
        shown = [s.strip() for s in page.locator("#chat .sources").last.locator("li").all_inner_texts()]
        assert all("2024-04-26 版本" in s and "现行有效" in s for s in shown), shown
        assert not english_shown(page, project_english()[0]), english_shown(page, project_english()[0])
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "named-after-upload-zh.png"))
    finally:
        to_english(page)
