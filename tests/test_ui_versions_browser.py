"""Versions in the helpdesk, in a real headless Chromium: an administrator uploads the 2024 text of a
law whose 2020 text is loaded; a question about the changed article is answered from the 2024 text,
its citation naming the version, and the viewer shows both texts side by side."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.servers import make_settings, running_app
from tests.test_ui_browser import SCREENSHOTS, ask, browser, login  # noqa: F401  (the browser fixture)

LAWS = Path(__file__).resolve().parent.parent / "evals" / "fixtures" / "laws"
pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def app_with_2020_text(tmp_path_factory):
    from ingest.pipeline import run_ingest

    s = make_settings(tmp_path_factory.mktemp("versions-store"), index_refresh_s=0.0)
    run_ingest([LAWS / "未成年人保护法(2020-10-17).md"], s, progress=False)
    with running_app(tmp_path_factory.mktemp("versions-app"), s.store_dir) as running:
        yield running


def test_uploading_a_newer_version_answers_from_it_and_shows_both(app_with_2020_text, browser):  # noqa: F811
    url, _, _ = app_with_2020_text
    page = login(browser, url, "alice")
    ask(page, "未成年人保护法第九条是怎么规定的？", 1)
    assert "协调机制" in page.locator("#chat .answer").last.inner_text()  # one version: the 2020 text

    page.click("button[role=tab]:has-text('Library')")
    page.set_input_files("#upload input[type=file]", str(LAWS / "未成年人保护法(2024-04-26).md"))
    page.click("#ingest")
    page.wait_for_function("() => document.querySelector('#library').innerText.includes('2024-04-26')",
                           timeout=180_000)
    library = page.inner_text("#library")
    assert library.count("中华人民共和国未成年人保护法") == 1  # one work, listed once, with its versions
    assert "2020-10-17, 2024-04-26 (in force)" in library

    page.click("button[role=tab]:has-text('Chat')")
    ask(page, "未成年人保护法第九条现在是怎么规定的？", 2)
    answer = page.locator("#chat .answer").last.inner_text()
    assert "妇女儿童工作的机构" in answer
    assert "协调机制" not in answer
    sources = page.locator("#chat .sources").last.inner_text()
    assert "version of 2024-04-26" in sources

    page.locator("#chat .answer").last.locator(".cite-chip").first.click()
    page.wait_for_selector("#viewer .versions", timeout=30_000)
    viewer = page.inner_text("#viewer")
    assert "version of 2020-10-17" in viewer
    assert "version of 2024-04-26" in viewer
    assert page.locator("#viewer .versions del").count() >= 1
    assert page.locator("#viewer .versions ins").count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "versions.png"), full_page=True)
