"""Daily use, second pass (issue 31), the chat's side in a real headless Chromium: the newest question
and answer in view (with a way back to it), refusals that say why in the asker's language, and
exports fit to file. Each test's docstring says what it saw before the change."""

from __future__ import annotations

import re

import pytest

from tests.test_ui_browser import DESK, PHONE, SCREENSHOTS, app, ask, browser, login  # noqa: F401  (fixtures)

# The part of an element the reader sees: its box cut by every scrolling ancestor and by the window.
VISIBLE = """e => { let r = e.getBoundingClientRect(), top = r.top, bottom = r.bottom;
    for (let p = e.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowY;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') {
            const b = p.getBoundingClientRect(); top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom); }
    }
    top = Math.max(top, 0); bottom = Math.min(bottom, window.innerHeight);
    return {top: r.top, bottom: r.bottom, height: r.height, visible: Math.max(0, bottom - top)}; }"""


def newest_in_view(page) -> tuple[dict, dict]:
    """How much of the newest question and of the newest answer's first lines the reader sees."""
    question = page.locator("#chat .message-row.user-row, #chat [data-testid=user]").last.evaluate(VISIBLE)
    answer = page.locator("#chat .answer, #chat .refusal").last.evaluate(VISIBLE)
    return question, answer


QUESTIONS = ["How long must public account platforms keep records of what users post?",
             "What must real identity authentication of public account users be based on?",
             "When did the public account regulations take effect?"]


@pytest.mark.parametrize(("viewport", "asked"), [pytest.param(DESK, 3, id="1280x800"),
                                                 pytest.param(PHONE, 2, id="390x844")])
def test_the_newest_question_and_answer_are_in_view_with_a_way_back(app, browser, viewport, asked):  # noqa: F811
    """Before: from the third question on a desktop (the second on a phone) the new question and
    answer stayed below the visible part of the chat: the outer chat box overflowed while Gradio
    scrolled an inner box that never did."""
    url, _, _ = app
    page = login(browser, url, "bob", viewport)
    for n, question in enumerate(QUESTIONS[:asked], 1):
        ask(page, question, n)
        page.wait_for_timeout(700)
        shown_question, shown_answer = newest_in_view(page)
        assert shown_question["visible"] >= min(shown_question["height"], 20) - 1, (n, shown_question)
        assert shown_answer["visible"] >= min(shown_answer["height"], 60), (n, shown_answer)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "daily-newest-answer.png" if viewport == DESK else "daily-newest-answer-phone.png"
    page.screenshot(path=str(SCREENSHOTS / name))
    # reading back: the first question is reached by scrolling the chat, and a button brings the newest back
    page.locator("#chat .bubble-wrap").hover()
    page.mouse.wheel(0, -3000)
    page.wait_for_timeout(800)
    first = page.locator("#chat .message-row.user-row, #chat [data-testid=user]").first.evaluate(VISIBLE)
    assert first["visible"] >= min(first["height"], 20) - 1, first
    jump = page.locator("#chat-newest")
    jump.wait_for(state="visible", timeout=5_000)
    jump.click()
    page.wait_for_timeout(800)
    shown_question, shown_answer = newest_in_view(page)
    assert shown_question["visible"] >= min(shown_question["height"], 20) - 1, shown_question
    assert shown_answer["visible"] >= min(shown_answer["height"], 60), shown_answer
    assert not jump.is_visible()  # at the newest answer the button goes


HAN = re.compile(r"[\u4e00-\u9fff]")


def refusal_parts(page) -> tuple[str, str]:
    """The newest refusal's own sentence and the reason given with it (empty when none)."""
    refusal = page.locator("#chat .refusal").last
    reason = refusal.locator(".refusal-reason")
    return refusal.locator("b").first.inner_text(), (reason.inner_text() if reason.count() else "")


def test_refusals_say_why_in_the_askers_language(app, browser):  # noqa: F811
    """Before: an English refusal said only "The documents in the library do not answer this question."
    while the same question in Chinese said why ("最相关的条文中没有说明金额")."""
    url, _, _ = app
    page = login(browser, url, "bob", DESK)
    try:
        ask(page, "What is the capital of France?", 1)
        sentence, reason = refusal_parts(page)
        assert sentence.startswith("The documents in the library do not answer this question")
        assert len(reason) > 12, (sentence, reason)  # a reason of its own, in English
        assert not HAN.search(reason), reason
        assert reason not in sentence
        page.locator("#ui-language").get_by_text("中文").click()
        page.wait_for_function("() => document.querySelector('#ask').innerText.trim() == '提问'", timeout=30_000)
        ask(page, "法国的首都是哪里？", 2)
        sentence, reason = refusal_parts(page)
        assert sentence.startswith("资料库中的文件无法回答这个问题")
        assert HAN.search(reason), reason  # said in Chinese
        assert not re.search(r"[A-Za-z]{3,}", reason), reason
        first = page.locator("#chat .refusal").first.locator(".refusal-reason").inner_text()
        assert HAN.search(first), first  # the English refusal's reason redrawn in Chinese too
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "daily-refusal-reason.png"))
    finally:
        page.locator("#ui-language").get_by_text("English").click()  # the other tests sign in as bob
        page.wait_for_function("() => document.querySelector('#ask').innerText.trim() == 'Ask'", timeout=30_000)
