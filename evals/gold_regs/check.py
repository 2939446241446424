"""Integrity checks for the regulations gold set (standard library only).

Checks every item of ``regs.jsonl`` against the library fixture ``evals/fixtures/regs``:

- the schema (fields, types, ids, languages, splits) and that every gold article exists in its document;
- ``evidence`` is 10-40 characters, lies in a gold article and occurs in exactly one article of the library;
- the first alternative of every ``must_include`` group is a substring of a gold article;
- questions (and earlier turns) share no run of more than 12 characters (Chinese) or 8 words (English)
  with their gold articles; ``paraphrase`` items no run over 6 characters;
- ``near_topic`` items carry no gold, no key facts, no evidence and the fixed reference answer;
- tune and held-out items share no gold article.

Then it prints the counts per type, split, language and regulation. Exit status 1 if any check fails.

Usage: python3 evals/gold_regs/check.py [--gold PATH] [--library DIR]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = re.compile(r"^(第[零〇一二三四五六七八九十百千]+条)")
NOT_STATED = "The documents in the library do not state this."
SPLITS = {"tune", "heldout"}
TYPES = {"chinese", "crosslingual", "paraphrase", "followup", "near_topic"}
FIELDS = ["id", "question", "language", "type", "split", "reference_answer", "must_include", "gold_articles",
          "named_document", "turns", "evidence"]


def library_articles(folder: Path) -> dict[tuple[str, str], str]:
    """(title, article label) -> the article's text: its paragraphs up to the next article or heading."""
    articles: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        title = lines[0].removeprefix("# ").strip()
        body = lines[lines.index("<!-- INFO END -->") + 1:] if "<!-- INFO END -->" in lines else lines[1:]
        key = None
        for line in body:
            line = line.strip()
            if line.startswith("#"):
                key = None
                continue
            match = ARTICLE.match(line)
            if match:
                key = (title, match.group(1))
                articles[key] = line
            elif key and line:
                articles[key] += "\n" + line
    return articles


def longest_common_run(a: str, b: str) -> int:
    """Length in characters of the longest common substring of a and b (whitespace ignored)."""
    a, b = re.sub(r"\s", "", a), re.sub(r"\s", "", b)
    best, prev = 0, [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if ch == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def longest_word_run(a: str, b: str) -> int:
    """Longest run of consecutive English words (or numbers) shared by a and b."""
    wa, wb = re.findall(r"[a-z0-9]+", a.lower()), re.findall(r"[a-z0-9]+", b.lower())
    best = 0
    for n in range(1, len(wa) + 1):
        grams = {tuple(wb[i:i + n]) for i in range(len(wb) - n + 1)}
        if not any(tuple(wa[i:i + n]) in grams for i in range(len(wa) - n + 1)):
            break
        best = n
    return best


def check(items: list[dict], articles: dict[tuple[str, str], str]) -> list[str]:
    errors: list[str] = []
    titles = {title for title, _ in articles}
    seen: set[str] = set()
    split_articles: dict[str, set] = defaultdict(set)
    for item in items:
        iid = item.get("id", "?")
        if list(item) != FIELDS:
            errors.append(f"{iid}: fields {list(item)}")
            continue
        if iid in seen or not iid.startswith(f"regs-{item['language']}-"):
            errors.append(f"{iid}: duplicate id or id without regs-<lang>-")
        seen.add(iid)
        if item["type"] not in TYPES or item["split"] not in SPLITS or item["language"] not in {"zh", "en"}:
            errors.append(f"{iid}: bad type/split/language")
        if item["named_document"] is not None and item["named_document"] not in titles:
            errors.append(f"{iid}: named_document not a library title")
        if item["type"] == "followup" and (len(item["turns"]) != 1 or item["named_document"] is None):
            errors.append(f"{iid}: a follow-up needs one earlier turn that names its regulation")
        if item["type"] == "near_topic":
            if item["gold_articles"] or item["must_include"] or item["evidence"] is not None \
                    or item["reference_answer"] != NOT_STATED:
                errors.append(f"{iid}: near_topic must have no gold, key facts or evidence")
            continue
        gold = []
        for ref in item["gold_articles"]:
            key = (ref["document"], ref["article"])
            if key not in articles:
                errors.append(f"{iid}: gold article {key} not in the library")
                continue
            gold.append(articles[key])
            split_articles[item["split"]].add(key)
        if not gold:
            errors.append(f"{iid}: no gold article")
            continue
        evidence = item["evidence"] or ""
        holders = [key for key, text in articles.items() if evidence and evidence in text]
        if not 10 <= len(evidence) <= 40:
            errors.append(f"{iid}: evidence has {len(evidence)} characters")
        if len(holders) != 1 or not any(evidence in text for text in gold):
            errors.append(f"{iid}: evidence occurs in {len(holders)} articles {holders[:3]} (must be 1, a gold one)")
        if not item["must_include"] or len(item["must_include"]) > 2:
            errors.append(f"{iid}: must_include needs one or two groups")
        for group in item["must_include"]:
            if not any(group[0] in text for text in gold):
                errors.append(f"{iid}: key fact {group[0]!r} not in a gold article")
            if len(group) < 2:
                errors.append(f"{iid}: key fact {group[0]!r} has no English rendering")
        limit = 6 if item["type"] == "paraphrase" else 12
        for asked in [item["question"]] + [turn["content"] for turn in item["turns"]]:
            run = max(longest_common_run(asked, text) for text in gold)
            words = max(longest_word_run(asked, text) for text in gold)
            if run > limit or words > 8:
                errors.append(f"{iid}: question shares a run of {run} characters / {words} words with its article")
    shared = split_articles["tune"] & split_articles["heldout"]
    if shared:
        errors.append(f"tune and heldout share gold articles: {sorted(shared)}")
    return errors


def summary(items: list[dict], articles: dict[tuple[str, str], str]) -> None:
    """What the checks covered, with the largest copy runs found (limits: 12 characters, 6 for paraphrase)."""
    answered = [i for i in items if i["gold_articles"]]
    gold = {i["id"]: [articles.get((g["document"], g["article"]), "") for g in i["gold_articles"]] for i in answered}
    runs = {kind: max(longest_common_run(asked, text) for i in answered if (i["type"] == "paraphrase") == kind
                      for asked in [i["question"]] + [t["content"] for t in i["turns"]] for text in gold[i["id"]])
            for kind in (False, True)}
    words = max(longest_word_run(i["question"], text) for i in answered for text in gold[i["id"]])
    split = {name: {(g["document"], g["article"]) for i in answered if i["split"] == name for g in i["gold_articles"]}
             for name in SPLITS}
    print(f"evidence texts: {len(answered)}, each checked against all {len(articles)} library articles")
    print(f"key facts: {sum(len(i['must_include']) for i in answered)} groups; first alternatives checked in gold")
    print(f"longest copy run: {runs[False]} characters (non-paraphrase), {runs[True]} (paraphrase), {words} words")
    print(f"gold articles: {len(split['tune'])} tune, {len(split['heldout'])} heldout, "
          f"{len(split['tune'] & split['heldout'])} shared")


def counts(items: list[dict]) -> None:
    def table(name: str, key) -> None:
        rows = Counter((key(i), i["split"]) for i in items)
        print(f"\n{name:<44} tune heldout  all")
        for value in sorted({k for k, _ in rows}, key=str):
            tune, held = rows[(value, "tune")], rows[(value, "heldout")]
            print(f"{str(value):<44} {tune:>4} {held:>7} {tune + held:>4}")
    title = {i["id"].split("-")[2]: i["gold_articles"][0]["document"] for i in items if i["gold_articles"]}
    table("type", lambda i: i["type"])
    table("language", lambda i: i["language"])
    table("names its regulation", lambda i: i["named_document"] is not None)
    table("regulation", lambda i: i["id"].split("-")[2] + " " + title.get(i["id"].split("-")[2], ""))
    tune = sum(i["split"] == "tune" for i in items)
    print(f"\nall: {len(items)} items, {tune} tune ({tune / len(items):.0%}), {len(items) - tune} heldout")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=ROOT / "evals/gold_regs/regs.jsonl")
    parser.add_argument("--library", type=Path, default=ROOT / "evals/fixtures/regs")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = library_articles(args.library)
    print(f"library: {len({t for t, _ in articles})} documents, {len(articles)} articles; gold: {len(items)} items")
    errors = check(items, articles)
    summary(items, articles)
    counts(items)
    for error in errors:
        print("FAIL", error)
    print("\nall checks passed" if not errors else f"\n{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
