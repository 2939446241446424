"""The Library tab of a large library in a real browser (issue 30, point 4): search, filter, page,
open an outline, open a viewer, each timed.

    python -m benchmarks.library_probe STORE [--search 条例 --english-search regulations] [--shot PNG]

Starts ``app.py`` on a copy of ``STORE`` (``benchmarks.servers.running_app``) and drives Debian's
Chromium with Playwright as a user would: opens the Library tab, types a Chinese and then an English
search, picks a type, types a date range, turns a page, clicks a row (the outline) and an article
in it (the viewer). Prints each step's time in milliseconds (from the action to the page showing its
result) as one JSON line, with the load average (the machine may be shared), and checks what each
step shows. Exits non-zero when a step does not show what it should.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.servers import PASSWORDS, free_port, hash_password, server
from netlaw import settings as _settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def count_line(page) -> str:
    return page.inner_text("#library .library-count") if page.locator("#library .library-count").count() else ""


def timed(page, action, until: str, previous: str | None = None, timeout: float = 600_000) -> float:
    """Do ``action``, wait until JS ``until`` is true (and the count line differs from ``previous``)."""
    started = time.perf_counter()
    action()
    if previous is not None:
        page.wait_for_function(
            "prev => { const c = document.querySelector('#library .library-count'); "
            "return c && c.innerText.trim() !== '' && c.innerText !== prev; }",
            arg=previous, timeout=timeout)
    page.wait_for_function(until, timeout=timeout)
    ms = round((time.perf_counter() - started) * 1000)
    print(f"{ms} ms: {count_line(page)}", file=sys.stderr, flush=True)
    return ms


def probe(url: str, args: argparse.Namespace) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"load_avg": [round(x, 1) for x in os.getloadavg()]}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/")
        page.fill("input[type=text]", "bob")
        page.fill("input[type=password]", PASSWORDS["bob"])
        page.click("button:has-text('Login')")
        page.wait_for_selector("#question textarea", timeout=600_000)
        rows = "n => document.querySelectorAll('#library .library-row').length >= n"
        out["tab_ms"] = timed(page, lambda: page.click("button[role=tab]:has-text('Library')"),
                              f"({rows})(1)")
        out["first_page"] = count_line(page)
        out["rows_shown"] = page.locator("#library .library-row").count()
        before = count_line(page)
        out["search_zh_ms"] = timed(page, lambda: page.fill("#library-search textarea, #library-search input",
                                                           args.search), "true", before)
        out["search_zh"] = count_line(page)
        titles = page.locator("#library .library-row td:first-child").all_inner_texts()
        out["search_zh_all_match"] = bool(titles) and all(args.search in t for t in titles)
        before = count_line(page)
        out["search_en_ms"] = timed(page, lambda: page.fill("#library-search textarea, #library-search input",
                                                           args.english_search), "true", before)
        out["search_en"] = count_line(page)
        before = count_line(page)
        out["clear_ms"] = timed(page, lambda: page.fill("#library-search textarea, #library-search input", ""),
                                "true", before)
        before = count_line(page)

        def pick_type() -> None:
            page.click("#library-type input")
            page.get_by_role("option", name=args.type, exact=True).click()

        out["filter_type_ms"] = timed(page, pick_type, "true", before)
        out["filter_type"] = count_line(page)
        types = page.locator("#library .library-row td:nth-child(2)").all_inner_texts()
        out["filter_type_all_match"] = bool(types) and all(t == args.type for t in types)
        before = count_line(page)

        def dates() -> None:
            page.fill("#library-from textarea, #library-from input", args.date_from)
            page.fill("#library-to textarea, #library-to input", args.date_to)
            page.press("#library-to textarea, #library-to input", "Enter")

        out["filter_date_ms"] = timed(page, dates, "true", before)
        out["filter_date"] = count_line(page)
        shown = [d for d in page.locator("#library .library-row td:nth-child(3)").all_inner_texts() if d]
        out["filter_date_all_match"] = all(args.date_from <= d[:4] <= args.date_to for d in shown)
        page.fill("#library-from textarea, #library-from input", "")
        page.fill("#library-to textarea, #library-to input", "")
        before = count_line(page)
        out["unfilter_ms"] = timed(page, lambda: page.press("#library-to textarea, #library-to input", "Enter"),
                                   "true", before)
        before = count_line(page)

        def all_types() -> None:
            page.click("#library-type input")
            page.get_by_role("option").first.click()

        out["all_types_ms"] = timed(page, all_types, "true", before)
        pages = int(page.get_attribute("#library .library-count", "data-pages") or 1)
        if pages > 1:
            before = count_line(page)
            out["next_page_ms"] = timed(page, lambda: page.click("#library-next"), "true", before)
        out["next_page"] = count_line(page)
        row = page.locator("#library .library-row").first
        title = row.locator("td").first.inner_text()
        out["outline_ms"] = timed(page, row.click,
                                  "document.querySelectorAll('#library-outline .outline-link').length > 0")
        out["outline_title"] = title
        link = page.locator("#library-outline .outline-link").nth(1)
        out["viewer_ms"] = timed(page, link.click, "!!document.querySelector('#library-viewer .viewer')")
        out["viewer_text"] = page.inner_text("#library-viewer")[:80]
        if args.shot:
            args.shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.shot), full_page=False)
        browser.close()
    out["load_avg_after"] = [round(x, 1) for x in os.getloadavg()]
    return out


@contextmanager
def app(tmp: Path, store: Path, timeout: float, cache: Path | None = None):
    """``app.py`` on a copy of ``store`` (as ``benchmarks.servers.running_app``), given ``timeout``
    seconds to load its index: a large library on a loaded machine takes minutes. ``cache``: a cache
    folder to start from (copied: the store's keyword index, so the app loads it instead of building it)."""
    shutil.copytree(store, tmp / "store")
    if cache is not None and cache.exists():
        shutil.copytree(cache, tmp / "cache")
    port = free_port()
    env = dict(os.environ, NETLAW_STORE_DIR=str(tmp / "store"), NETLAW_CACHE_DIR=str(tmp / "cache"),
               NETLAW_UPLOAD_DIR=str(tmp / "uploads"), NETLAW_FEEDBACK_DB=str(tmp / "feedback.sqlite"),
               NETLAW_AUDIT_DIR=str(tmp / "audit"), PYTHONUNBUFFERED="1", NETLAW_ADMINS="alice",
               NETLAW_USERS=",".join(f"{u}:{hash_password(p)}" for u, p in PASSWORDS.items()))
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    with server([sys.executable, "app.py", "--port", str(port)], url + "/", tmp / "app.log", env,
                cwd=_settings.PROJECT_ROOT, timeout=timeout):
        print(f"app ready in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path, help="the store to serve (copied first)")
    parser.add_argument("--search", default="条例", help="a Chinese search")
    parser.add_argument("--english-search", default="regulations", help="an English search")
    parser.add_argument("--type", default="administrative regulation", help="a type to filter by")
    parser.add_argument("--date-from", default="2000")
    parser.add_argument("--date-to", default="2009")
    parser.add_argument("--shot", type=Path, help="a screenshot of the end state")
    parser.add_argument("--start-timeout", type=float, default=1800, help="seconds the app may take to start")
    parser.add_argument("--cache", type=Path, help="the store's cache folder (copied; default: the app builds one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, app(Path(tmp), args.store, args.start_timeout, args.cache) as url:
        result = probe(url, args)
    print(json.dumps(result, ensure_ascii=False))
    checks = [result["search_zh_all_match"], result["filter_type_all_match"], result["filter_date_all_match"],
              bool(re.search(r"\d", result["next_page"])), bool(result["viewer_text"].strip())]
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
