"""The quoted sentence is on screen when a citation opens the viewer, whatever the page's scroll position.

Issue 31, point 9: "The viewer sometimes stays at the top of a long section with the marked quote 700 px below;
with the page scrolled the quote can land above the window." The basic case (a fresh page, one question) is
tests/test_ui_browser.py::test_viewer_opens_at_the_quoted_sentence_and_marks_it_in_both_languages; here the page
has several answers, the window is scrolled to its end or its top and the chat box to its top before a chip is
clicked, and the quotes lie deep in the long parts of the bundled white paper.

Before: the third article opened (chat box at its top, window at its end) showed its quote 382 px above the window
at 1280x800 (253 px above at 390x844): Gradio updates the viewer's HTML in place, and the script that scrolls to
the quote ran only when a new .viewer element appeared, i.e. for the first article of a session; later ones kept
the panel's old scroll position (static/citation-chips.js now follows any change inside a viewer panel).
"""

from __future__ import annotations

import shutil

import pytest

from tests.test_ui_browser import DESK, LAYOUTS, SCREENSHOTS, app, ask, browser, login  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")

# Questions a user would ask about the white paper; each is answered from a long part of it.
QUESTIONS = [
    "What principle did China propose for cyberspace in global internet governance?",
    "How many mobile internet applications have been tested since 2019 according to the white paper?",
    "What yearly gathering has China hosted since 2014 to discuss internet rules with the world?",
]

# Where the page is before the chip is clicked: the window at its end or its top, the chat box at its top.
SCROLLS = {
    "window-bottom": "window.scrollTo(0, document.documentElement.scrollHeight)",
    "window-top": "window.scrollTo(0, 0)",
    "chat-top-window-bottom": "(document.querySelector('#chat .bubble-wrap') || {}).scrollTop = 0;"
                              " window.scrollTo(0, document.documentElement.scrollHeight)",
}

# How much of the first mark is inside the window and inside every scrolling box around it, and how deep it
# lies in its article (from the top of the rendered article to the mark).
MEASURE = """() => {
    const viewer = document.querySelector('#viewer .viewer:not([data-old])');
    const mark = viewer.querySelector('.cols > .col:not(.parallel) mark') || viewer.querySelector('mark');
    const r = mark.getBoundingClientRect();
    let top = Math.max(r.top, 0), bottom = Math.min(r.bottom, window.innerHeight);
    for (let box = mark.parentElement; box && box !== document.body; box = box.parentElement) {
        const overflow = getComputedStyle(box).overflowY;
        if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') {
            const b = box.getBoundingClientRect();
            top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom);
        }
    }
    const article = mark.closest('.viewer').getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, visible: bottom - top, depth: r.top - article.top,
            height: window.innerHeight, viewers: document.querySelectorAll('#viewer .viewer').length,
            scrollY: window.scrollY, text: mark.innerText.slice(0, 80)};
}"""


def _open_first_chip_of_last_answer(page):
    """Clicks the chip from script, so that Playwright does not scroll it into view first (a user's click on a
    visible chip leaves the page where it is too), and waits until the new article has rendered."""
    page.evaluate("() => document.querySelectorAll('#viewer .viewer').forEach(v => v.dataset.old = '1')")
    page.evaluate("() => [...document.querySelectorAll('#chat .answer')].pop().querySelector('.cite-chip').click()")
    page.wait_for_function("() => document.querySelector('#viewer .viewer:not([data-old]) mark')", timeout=60_000)
    page.wait_for_timeout(3000)  # layout, fonts and the scroll into view settle; nothing here is timed


@pytest.mark.parametrize("viewport", LAYOUTS)
def test_quote_deep_in_a_long_section_is_on_screen_after_the_page_was_scrolled(app, browser, viewport):  # noqa: F811
    url, _, _ = app
    page = login(browser, url, "bob", viewport)
    seen = []
    try:
        for n, (question, (where, scroll)) in enumerate(zip(QUESTIONS, SCROLLS.items(), strict=True), start=1):
            ask(page, question, n)
            page.wait_for_timeout(1000)  # the chat's own follow-the-newest scrolling ends
            page.evaluate("() => { " + scroll + " }")
            page.wait_for_timeout(300)
            _open_first_chip_of_last_answer(page)
            box = page.evaluate(MEASURE)
            seen.append((where, box))
            assert box["visible"] >= 20, (where, question, box)
            if n == 1 and viewport == DESK:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / "viewer-scrolled.png"))
        # the case of the issue: at least one quote lies far below the top of its article
        assert max(box["depth"] for _, box in seen) >= 700, seen
    finally:
        page.close()
