"""Every fixed text of the interface in both languages (issue 31 point 8), Gradio's own components
included, in a real headless Chromium: the 中文 interface is walked tab by tab and fails on any visible
text, or any screen-reader name, that is one of the interface's English fixed texts. The list is
derived, not written by hand: every English text of the project's translation tables (each module's
``{"en": …, "zh": …}`` entries) and every string of Gradio's own English locale. Also the example
questions: made from the loaded library, and never cut off with "…" at 1280×800 or 390×844.

Before: "Drop File Here", "- or -", "Click to Upload" and "File" over the file picker, "Textbox" as the
question box's screen-reader name, "chatbot conversation" as the chat log's, two examples cut off at
60 characters, and the examples named the bundled corpus (tests/test_corpus_guard.py)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tests.test_ui_browser import DESK, PHONE, SCREENSHOTS, app, ask, browser, login  # noqa: F401  (fixtures)

# Modules whose tables hold the interface's fixed texts, {"en": …, "zh": …} at any depth.
TABLES = ("ui.i18n", "ui.library", "service.render", "service.library", "service.outline", "service.uploads",
          "service.works", "service.examples", "qa.catalogue", "qa.messages")
HAN = re.compile(r"[\u4e00-\u9fff]")
# Content, not interface: the asker's question, the answer's body and the article texts shown; and the
# language switch's choices, each written in its own language ("English", "中文") by design.
CONTENT = ("#ui-language label, .answer, .user-row, [data-testid=user], .viewer .text, .cite-chip, .understood, "
           ".example-question")


def _pairs(value, found: list[tuple[object, object]]) -> None:
    """Every (English, Chinese) pair in a table: a dict with both "en" and "zh" keys, at any depth."""
    if isinstance(value, dict):
        if "en" in value and "zh" in value:
            found.append((value["en"], value["zh"]))
        for item in value.values():
            _pairs(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _pairs(item, found)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def fixed_pieces(texts: list[str], shared: str = "") -> set[str]:
    """The parts of fixed texts a reader would see: without Markdown marks and {placeholders}, each
    part with a word of three letters or more, and not also written in the Chinese texts (``shared``:
    "Markdown", "English" in the bilingual switch label)."""
    out = set()
    for text in texts:
        for piece in re.split(r"\{[^}]*\}|[#*`\n]|\s[·—]\s", text):
            piece = piece.strip(" :：.,;()（）[]-–—·?!…\"'")
            if re.search(r"[A-Za-z]{3}", piece) and not HAN.search(piece) and piece not in shared:
                out.add(piece)
    return out


def project_english() -> tuple[set[str], str]:
    """The English fixed texts of the project's tables, and all their Chinese texts joined."""
    pairs: list[tuple[object, object]] = []
    for name in TABLES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, (dict, list, tuple)) and not isinstance(value, type):
                _pairs(value, pairs)
    chinese = "\n".join(s for _, zh in pairs for s in _strings(zh))
    return fixed_pieces([s for en, _ in pairs for s in _strings(en)], chinese), chinese


def gradio_english(page) -> set[str]:
    """Every string of Gradio's own English locale, read from the locale module the app serves, and the
    names of its components (a component without a label of its own is named by them: "Textbox")."""
    import gradio
    import gradio.components

    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    name = next(assets.glob("en-*.js")).name
    values = page.evaluate("""async name => { const m = await import('/assets/' + name); const out = [];
        const walk = v => { if (typeof v === 'string') out.push(v);
                            else if (v && typeof v === 'object') Object.values(v).forEach(walk); };
        Object.values(m).forEach(walk); return out; }""", name)
    names = [n for n in gradio.components.__all__ if n[0].isupper() and not n.startswith("_")]
    return fixed_pieces(values + names, project_english()[1])


# What a reader sees or hears: text nodes shown, and the names and hints of the controls shown.
SHOWN = """content => { const out = [];
    const shown = e => e && e.checkVisibility() && !e.closest(content);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) { const n = walker.currentNode, text = n.textContent.trim();
        if (text && shown(n.parentElement)) out.push({text, where: n.parentElement.outerHTML.slice(0, 120)}); }
    for (const e of document.querySelectorAll('[aria-label], [placeholder], [title], textarea, input, [role=log]')) {
        if (!shown(e)) continue;
        for (const a of ['aria-label', 'placeholder', 'title']) { const v = e.getAttribute(a);
            if (v) out.push({text: v.trim(), where: a + ' of ' + e.outerHTML.slice(0, 100)}); }
        if (e.labels && e.labels.length) out.push({text: e.labels[0].innerText.trim() || e.labels[0].textContent.trim(),
                                                   where: 'label of ' + e.outerHTML.slice(0, 100)}); }
    return out; }"""


def english_shown(page, english: set[str]) -> list[str]:
    """The shown texts (without Chinese) that are, or hold, one of the ``english`` fixed texts: a text
    equal to one, or holding one of two words or more."""
    phrases = [e for e in english if " " in e]
    bad = []
    for item in page.evaluate(SHOWN, CONTENT):
        text = item["text"]
        if HAN.search(text) or not re.search(r"[A-Za-z]{2}", text):
            continue
        bare = text.strip(" :：.,;()（）[]-–—·?!…\"'")
        if bare in english or bare.lower() in {e.lower() for e in english} or any(
                re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text) for p in phrases):
            bad.append(f"{text!r} ({item['where']})")
    return sorted(set(bad))


def to_chinese(page) -> None:
    page.locator("#ui-language").get_by_text("中文").click()
    page.wait_for_function("() => document.querySelector('#ask').innerText.trim() == '提问'", timeout=30_000)
    try:  # Gradio's own components follow (not on the code before this change: its texts are then found)
        page.wait_for_function("() => document.documentElement.lang == 'zh-CN'", timeout=5_000)
    except Exception:
        pass
    page.wait_for_timeout(1000)


def to_english(page) -> None:
    page.locator("#ui-language").get_by_text("English").click()
    page.wait_for_function("() => document.querySelector('#ask').innerText.trim() == 'Ask'", timeout=30_000)


def examples_cut(page) -> list[str]:
    """Example questions shown cut off: ending in "..." or "…", wider than their box, or not the
    whole question they ask."""
    found = page.evaluate("""() => [...document.querySelectorAll('#examples button')].map(b => ({
        text: b.innerText.trim(), asks: b.dataset.question || b.innerText.trim(),
        over: b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1,
        right: b.getBoundingClientRect().right, width: window.innerWidth}))""")
    assert found, "no example questions shown"
    return [f"{e}" for e in found if re.search(r"(\.\.\.|…)$", e["text"]) or e["over"] or e["text"] != e["asks"]
            or e["right"] > e["width"]]


@pytest.mark.parametrize("viewport", [pytest.param(DESK, id="1280x800"), pytest.param(PHONE, id="390x844")])
def test_the_chinese_interface_shows_no_english_fixed_text_and_no_example_is_cut_off(app, browser, viewport):  # noqa: F811
    url, _, _ = app
    page = login(browser, url, "alice", viewport)
    try:
        english = project_english()[0] | gradio_english(page)
        assert {"Drop File Here", "Click to Upload", "Textbox"} <= english  # Gradio's own texts are in the list
        assert not examples_cut(page), examples_cut(page)
        to_chinese(page)
        assert not examples_cut(page), examples_cut(page)
        name = page.evaluate("() => { const box = document.querySelector('#question textarea');"
                             " return box.getAttribute('aria-label') || box.labels[0]?.textContent.trim(); }")
        assert name, name
        assert HAN.search(name), name  # the question box's screen-reader name, in Chinese
        log = page.get_attribute("#chat [role=log]", "aria-label")
        assert log, log
        assert HAN.search(log), log
        seen = {"问答": english_shown(page, english)}
        page.locator("#examples .example-question").first.click()  # an example is asked as written
        page.wait_for_function("() => document.querySelectorAll('#chat .answer, #chat .refusal').length >= 1",
                               timeout=120_000)
        seen["问答 (answered)"] = english_shown(page, english)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        if viewport == DESK:
            page.screenshot(path=str(SCREENSHOTS / "i18n-zh-chat.png"))
        page.locator("button[role=tab]", has_text="资料库").click()
        page.wait_for_selector("#library .library-row", timeout=30_000)
        page.wait_for_selector("#upload", timeout=30_000)
        page.wait_for_timeout(600)
        upload = page.inner_text("#upload")
        assert "Drop File Here" not in upload, upload
        assert "Click to Upload" not in upload, upload
        seen["资料库"] = english_shown(page, english)
        page.locator("#upload").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / ("i18n-zh-upload.png" if viewport == DESK else
                                                 "i18n-zh-upload-phone.png")))
        page.locator("#library .library-row").first.click()
        page.wait_for_selector("#library-outline h3", timeout=30_000)
        page.wait_for_timeout(500)
        seen["资料库 (outline)"] = english_shown(page, english)
        page.locator("button[role=tab]", has_text="使用分析").click()
        page.wait_for_function("() => /审计日志/.test(document.querySelector('#insights-summary')?.innerText)",
                               timeout=30_000)
        page.wait_for_timeout(500)
        seen["使用分析"] = english_shown(page, english)
        assert not any(seen.values()), {k: v for k, v in seen.items() if v}
    finally:
        to_english(page)  # the other tests sign in as alice too


def test_the_fixed_text_list_holds_every_table_and_gradio_and_the_check_finds_one(app, browser):  # noqa: F811
    """The check can fail: the English list holds the project's tables' texts, and an English fixed text
    put into the 中文 page is found."""
    url, _, _ = app
    english, chinese = project_english()
    assert {"Ask", "New conversation", "Examples", "Your question", "version of"} <= english
    assert "Markdown" not in english  # written in both languages ("复制 Markdown")
    page = login(browser, url, "bob", DESK)
    try:
        to_chinese(page)
        page.evaluate("() => { const p = document.createElement('p'); p.textContent = 'New conversation';"
                      " document.querySelector('#chat-tab').prepend(p); }")
        assert any("New conversation" in s for s in english_shown(page, english | gradio_english(page)))
    finally:
        to_english(page)
