"""Daily use, second pass (issue 31), with the team's own laws in a real headless Chromium: an
administrator uploads both texts of a law and another law through the Library tab (once per module:
``uploaded``), then exports, the outline, versions and the upload screen are checked as a reader sees
them. Each test's docstring says what it saw before the change."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest

from tests.test_ui_browser import DESK, SCREENSHOTS, app, ask, browser, login  # noqa: F401  (fixtures)

LAWS = Path(__file__).resolve().parent.parent / "evals" / "fixtures" / "laws"
OLD, NEW = LAWS / "未成年人保护法(2020-10-17).md", LAWS / "未成年人保护法(2024-04-26).md"
OTHER = LAWS / "网络安全法(2016-11-07).md"

# Every progress indicator shown anywhere on the page while the upload runs, sampled every 50 ms.
WATCH = """() => { window.netlawSeen = [];
    window.netlawWatch = setInterval(() => {
        const shown = [...document.querySelectorAll('.progress-text, .meta-text, .progress-level-inner, '
            + '.progress-bar, [role=progressbar], .eta-bar')]
            .filter(e => e.checkVisibility() && e.getBoundingClientRect().width > 0);
        const told = shown.filter(e => !/^(\\d+(\\.\\d+)?s|processing|queue.*|[\\d.\\/s]*)$/.test(e.innerText.trim()));
        const trackers = new Set(told.map(e => e.closest('[data-testid=status-tracker]') || e));  // displays told
        window.netlawSeen.push({t: Date.now(), texts: shown.map(e => e.innerText.trim()).filter(Boolean),
                                bars: trackers.size,
                                fonts: shown.map(e => getComputedStyle(e).fontFamily)});
    }, 50); }"""


def upload(page, files, wait_for_count):
    page.set_input_files("#upload input[type=file]", [str(f) for f in files])
    page.wait_for_function("n => document.querySelectorAll('#upload .file-preview-holder tr, #upload .file').length"
                           " >= n || document.querySelector('#upload').innerText.includes('.md')", arg=1,
                           timeout=30_000)
    page.evaluate(WATCH)
    before = page.inner_text("#upload-status")
    page.click("#ingest")
    page.wait_for_function("""([n, before]) => { const s = document.querySelector('#upload-status');
        return s.innerText !== before && /Ingested|已导入/.test(s.innerText)
            && s.querySelectorAll('.upload-document').length >= n
            && ![...document.querySelectorAll('.progress-text, .eta-bar')].some(e => e.checkVisibility()); }""",
                           arg=[wait_for_count, before], timeout=400_000)
    page.wait_for_timeout(300)
    seen = page.evaluate("() => { clearInterval(window.netlawWatch); return window.netlawSeen; }")
    return {"seen": seen, "status": page.inner_text("#upload-status"),
            "items": page.locator("#upload-status .upload-document").all_inner_texts()}


@pytest.fixture(scope="module")
def uploaded(app, browser):  # noqa: F811
    """Alice uploads both texts of one law and another law, then the other law again (unchanged)."""
    url, _, _ = app
    page = login(browser, url, "alice", DESK)
    page.click("button[role=tab]:has-text('Library')")
    first = upload(page, [OLD, NEW, OTHER], 3)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "daily-upload-result.png"))
    again = upload(page, [OTHER], 1)
    return {"url": url, "page": page, "first": first, "again": again}


def _markdown_facts(md: str) -> dict:
    """What the Markdown record says: bold spans, source headings, provenance rows."""
    return {"bold": re.findall(r"\*\*(.+?)\*\*", md),
            "headings": re.findall(r"^### (\[\d+\] .+)$", md, re.M),
            "rows": re.findall(r"^- ([^:\n]+): (.+)$", md, re.M)}


def test_exports_are_named_by_date_document_and_id_hold_no_server_path_and_html_equals_markdown(
        uploaded, browser):  # noqa: F811
    """Before: every download was named netlaw-answer.md / .html (the second overwrote the first);
    "File:" was the server's absolute path of the staged upload; the HTML lost the version and the
    chapter of each source."""
    page = login(browser, uploaded["url"], "alice", DESK)
    ask(page, "未成年人保护法第九条现在是怎么规定的？", 1)
    page.wait_for_selector("#export-links a[data-export='last answer-md']", timeout=30_000)
    got = {}
    for kind in ("last answer-md", "last answer-html", "conversation-md"):
        with page.expect_download() as download:
            page.click(f"#export-links a[data-export='{kind}']")
        got[kind] = (download.value.suggested_filename, open(download.value.path(), encoding="utf-8").read())
    names = [name for name, _ in got.values()]
    assert len(set(names)) == 3, names  # one file per export, none overwriting another
    md_name, md = got["last answer-md"]
    html_name, page_html = got["last answer-html"]
    answer_id = re.search(r"answer id ([0-9a-f]+)", md)[1]
    for name in (md_name, html_name):
        assert re.match(r"netlaw-20\d\d-\d\d-\d\d-", name), name  # the date
        assert "未成年人保护法" in name, name  # the document
        assert answer_id[:8] in name, name  # the answer
    assert md_name.endswith(".md")
    assert html_name.endswith(".html")
    for text in (md, page_html, got["conversation-md"][1]):
        assert not re.search(r"(?<![\w.])/(tmp|root|home|work|var|srv|opt)/", text), text[:1500]  # no server path
    facts = _markdown_facts(md)
    assert ("File", "未成年人保护法(2024-04-26).md") in facts["rows"], facts["rows"]  # the uploaded name
    assert facts["headings"], md[:1500]
    assert any("2024-04-26" in h for h in facts["headings"]), facts["headings"]  # the version
    assert any("第一章" in h for h in facts["headings"]), facts["headings"]  # the chapter
    text = html_lib.unescape(page_html)
    for heading in facts["headings"]:
        assert heading in text, (heading, text[:2000])
    for key, value in facts["rows"]:
        assert re.search(rf"<dt>{re.escape(key)}</dt>\s*<dd>{re.escape(value)}</dd>", text), (key, value)
    for bold in facts["bold"]:
        assert f"<strong>{bold}</strong>" in text, bold
    shown = browser.new_page(viewport=DESK)
    shown.set_content(page_html)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shown.screenshot(path=str(SCREENSHOTS / "daily-export-html.png"))


def open_outline(page, title):
    page.locator("#library .library-row", has_text=title).first.click()
    page.wait_for_function("t => (document.querySelector('#library-outline h3') || {}).innerText?.includes(t)",
                           arg=title, timeout=30_000)
    page.wait_for_timeout(600)


def test_the_outline_is_a_tree_of_chapters_numbered_by_the_articles_in_view_of_the_version_in_force(
        uploaded, browser):  # noqa: F811
    """Before: a flat list of 133 links, list numbers one off from the articles ("10. 第九条"), a "序言"
    entry holding the revision history, opened 1,587 px below the clicked row, its footer naming the 2020
    file while the row said the 2024 text is in force."""
    page = login(browser, uploaded["url"], "bob", DESK)
    page.click("button[role=tab]:has-text('Library')")
    page.wait_for_selector("#library .library-row", timeout=30_000)
    page.evaluate("() => window.scrollTo(0, 0)")
    open_outline(page, "中华人民共和国未成年人保护法")
    top = page.evaluate("() => document.querySelector('#library-outline h3').getBoundingClientRect().top")
    assert 0 <= top < DESK["height"] - 200, top  # opened in view
    outline = page.inner_text("#library-outline")
    assert not re.search(r"^\s*\d+[.)]\s*第", outline, re.M), outline[:800]  # no list numbers of its own
    headings = page.locator("#library-outline .outline-heading").all_inner_texts()
    assert any(h.startswith("第一章") for h in headings), headings
    assert any(h.startswith("第五章") for h in headings), headings
    chapter_one = page.locator("#library-outline .outline-section", has_text="第一章").first
    assert chapter_one.locator(".outline-link").first.inner_text().strip() == "第一条"
    links = page.locator("#library-outline .outline-link").all_inner_texts()
    assert len(links) == 132, len(links)  # the articles, numbered as the law numbers them
    assert "序言" not in links
    history = page.inner_text("#library-outline .outline-history")
    assert "1991年9月4日" in history
    assert "2024年4月26日" in history  # the law's history, not an article
    version = page.inner_text("#library-outline .outline-version")
    assert "2024-04-26" in version
    assert re.search(r"in force", version), version
    details = page.inner_text("#library-outline .details")
    assert "未成年人保护法(2024-04-26).md" in details, details  # the file of the version shown
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "daily-outline.png"))
    page.locator("#library-outline .outline-link", has_text="第九条").first.click()
    page.wait_for_selector("#library-viewer .viewer", timeout=30_000)
    assert "第九条" in page.inner_text("#library-viewer")

    page.locator("#library-outline .other-version", has_text="2020-10-17").click()  # the other text, one click
    page.wait_for_function("() => document.querySelector('#library-outline .details')?.innerText"
                           ".includes('2020-10-17')", timeout=30_000)
    assert "2020-10-17" in page.inner_text("#library-outline .outline-version")
    assert "2024-04-26" in page.inner_text("#library-outline .other-version")

    open_outline(page, "中华人民共和国网络安全法")  # the same for a law held in one version
    headings = page.locator("#library-outline .outline-heading").all_inner_texts()
    assert any(h.startswith("第七章") for h in headings), headings
    assert len(page.locator("#library-outline .outline-link").all_inner_texts()) == 79
    assert "2016年11月7日" in page.inner_text("#library-outline .outline-history")


def test_versions_are_named_and_the_one_in_force_said_everywhere(uploaded, browser):  # noqa: F811
    """Before: the upload reported two identical lines "中华人民共和国未成年人保护法 — law · in force 2021-06-01 ·
    132 articles"; the library summary counted each version and translation as a document; the HTML export
    dropped the version; "(version of …)" stayed English in the Chinese interface."""
    items = [i for i in uploaded["first"]["items"] if "未成年人保护法" in i]
    assert len(items) == 2, uploaded["first"]["items"]
    assert len(set(items)) == 2, items
    new = next(i for i in items if "2024-04-26" in i)
    old = next(i for i in items if "2020-10-17" in i)
    assert re.search(r"2024-04-26[^·]*in force", new), new
    assert not re.search(r"2020-10-17[^·]*in force", old), old
    assert "2020-10-17" not in new

    page = login(browser, uploaded["url"], "bob", DESK)
    page.wait_for_function("() => /\\d+ works?/.test(document.querySelector('#library-summary').innerText)",
                           timeout=30_000)
    summary = page.inner_text("#library-summary")
    works = int(re.search(r"(\d+) works?", summary)[1])
    assert re.search(r"\b1 (work )?(is )?held in 2 versions", summary), summary
    translated = re.search(r"(\d+) (of them )?(also )?in (an English|a Chinese|English and Chinese|both)", summary)
    assert translated, summary
    page.click("button[role=tab]:has-text('Library')")
    page.wait_for_selector("#library .library-row", timeout=30_000)
    rows = int(re.search(r"of (\d+) documents", page.inner_text("#library .library-count"))[1])
    assert works + int(translated[1]) == rows, (summary, rows)  # each row a work, or a work's translation

    page.click("button[role=tab]:has-text('Chat')")
    ask(page, "未成年人保护法第九条现在是怎么规定的？", 1)
    page.wait_for_selector("#export-links a[data-export='last answer-html']", timeout=30_000)
    for kind in ("last answer-md", "last answer-html"):
        with page.expect_download() as download:
            page.click(f"#export-links a[data-export='{kind}']")
        text = html_lib.unescape(open(download.value.path(), encoding="utf-8").read())
        assert re.search(r"\[\d\] 中华人民共和国未成年人保护法 \(version of 2024-04-26, in force\)", text), text[:1500]
    page.locator("#ui-language").get_by_text("中文").click()
    try:
        page.wait_for_function("() => document.querySelector('#ask').innerText.trim() == '提问'", timeout=30_000)
        page.wait_for_timeout(1000)
        sources = page.locator("#chat .sources").last.inner_text()
        assert "version of" not in sources, sources
        assert re.search(r"2024-04-26 版本，现行有效", sources), sources
        page.locator("#chat .answer").last.locator(".cite-chip").first.click()
        page.wait_for_selector("#viewer .viewer", timeout=30_000)
        assert "version of" not in page.inner_text("#viewer")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "daily-versions-zh.png"))
    finally:
        page.locator("#ui-language").get_by_text("English").click()
        page.wait_for_function("() => document.querySelector('#ask').innerText.trim() == 'Ask'", timeout=30_000)


def test_the_upload_screen_shows_one_moving_bar_and_says_unchanged(uploaded):
    """Before: progress shown three times at once (over the file box, under Ingest, greying the library
    table), in monospace; "Embedding the new articles: 0 of N" for 8–16 s; "Added to the library:" above
    files that were unchanged; "80 articles" for a law of 79."""
    seen = uploaded["first"]["seen"]
    assert seen, "no progress seen"
    assert max(s["bars"] for s in seen) <= 1, [s for s in seen if s["bars"] > 1][:3]  # one progress display
    fonts = {f for s in seen for f in s["fonts"]}
    assert not any("mono" in f.lower() for f in fonts), fonts
    timer = re.compile(r"^(\d+(\.\d+)?s|processing|[\d.]+/[\d.]+s)$")  # Gradio's own clock, not what is done
    texts = [(s["t"], " | ".join(x for x in s["texts"] if not timer.match(x))) for s in seen]
    steps = [(t, x) for t, x in texts if x]
    assert any(re.search(r"Embedding|Reading|Saving", x) for _, x in steps), steps[:20]
    stuck, start, last = 0.0, steps[0][0], steps[0][1]
    for t, x in steps:  # what it says changes at least every 4 s, also while the model loads
        if x != last:
            start, last = t, x
        stuck = max(stuck, (t - start) / 1000)
    assert stuck < 4, (stuck, [x for _, x in steps][:30])
    other = next(i for i in uploaded["first"]["items"] if "网络安全法" in i)
    assert "79 articles" in other, other  # as the law numbers them (its history is not an article)
    again = uploaded["again"]
    assert "Added to the library" not in again["status"], again["status"]
    assert re.search(r"unchanged", again["items"][0]), again["items"]
