"""App benchmark: start-up time (cold: empty store; warm) and, in headless Chromium, time to the
first streamed token and to the full answer, for the extractive and the local backend.

    python -m benchmarks.app_bench [--questions 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.servers import running_app
from netlaw.stats import percentile

QUESTIONS = [
    "How long must public account platforms keep records of what users post?",
    "When did the public account regulations take effect?",
    "Which authority supervises public account information services nationwide?",
    "What are the main objectives of the Eighth Five-Year Plan for online law popularization by 2025?",
    "公众账号实名认证遵循什么原则？",
    "Where was the 2024 national conference on the rule of law on the internet held?",
]


def browser_timings(url: str, questions: list[str]) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    first, full = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("#question textarea", timeout=60_000)
        for n, question in enumerate(questions, start=1):
            page.fill("#question textarea", question)
            started = time.perf_counter()
            page.click("#ask")
            # first token: the assistant bubble shows more than the "…" placeholder
            page.wait_for_function(
                "n => { const m = document.querySelectorAll('#chat .plain, #chat .answer, #chat .refusal');"
                " const last = m[m.length - 1]; return m.length >= 2 * n && last && last.innerText.trim().length > 1"
                " && last.innerText.trim() !== '…'; }", arg=n, timeout=180_000, polling=20)
            first.append(time.perf_counter() - started)
            page.wait_for_function("n => document.querySelectorAll('#chat .answer, #chat .refusal').length >= n",
                                   arg=n, timeout=180_000, polling=20)
            full.append(time.perf_counter() - started)
        browser.close()
    return first, full


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    args = parser.parse_args(argv)
    questions = QUESTIONS[: args.questions]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with running_app(tmp_path / "cold", None, users=False) as (url, env, proc):
            cold = proc.ready_seconds
            store = Path(env["NETLAW_STORE_DIR"])
        with running_app(tmp_path / "warm", store, users=False) as (url, env, proc):
            warm = proc.ready_seconds
            rows.append(("extractive",) + browser_timings(url, questions))
        local_env = {"NETLAW_BACKEND": "local"}
        with running_app(tmp_path / "local", store, users=False, extra_env=local_env) as (url, env, proc):
            rows.append(("local",) + browser_timings(url, questions))
    print(f"\nmachine: 2 cores, CPU, Python {sys.version.split()[0]}; headless Chromium")
    print(f"python app.py → first page served: cold (empty store, ingests the corpus) {cold:.1f} s, "
          f"warm {warm:.1f} s")
    print("| backend | first token median s | first token max s | full answer median s | full answer max s |")
    print("|---|---|---|---|---|")
    for name, first, full in rows:
        print(f"| {name} | {percentile(first, 50):.2f} | {max(first):.2f} | {percentile(full, 50):.2f} "
              f"| {max(full):.2f} |")


if __name__ == "__main__":
    main()
