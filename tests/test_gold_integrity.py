"""The gold sets are sound: what each item claims about its library is checked against the library's own
articles, parsed by the ingest's pure parser (``ingest.parse.parse_text``: no store, no model).

For every gold file of every development library (``evals/gold`` → the bundled corpus; ``evals/gold_laws``
→ the bundled corpus plus ``evals/fixtures/laws``; ``evals/gold_regs`` → the bundled corpus plus
``evals/fixtures/regs``):

(a) every ``evidence`` passage occurs in exactly one article of the library, and that is a gold article;
(b) every key fact occurs in its gold articles: the first Chinese alternative of a ``must_include`` group
    (a group without one: its first alternative) when the gold article or its parallel is Chinese, any
    alternative when the source is English only;
(c) a question copies no run of more than 12 Chinese characters or 8 English words of its gold articles
    (``paraphrase`` items: 6); the library's document names are left out, as naming a law copies nothing;
(d) the tune and held-out parts of a library share no gold article (an article and its parallel
    translation are one article; the versions of one article, by document and label, are one article);
(e) a question written in a test, an evaluation test, the README or docs/ belongs to a tune item.

Each check is a function that lists problems, so that ``test_each_check_fails_on_a_broken_item`` can show
it failing on a deliberately broken copy of a real item. A library whose gold folder does not exist yet is
skipped; one that exists is always checked.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

from evals.metrics import contains_fact, normalise
from ingest.records import Article
from netlaw.settings import PROJECT_ROOT
from netlaw.text.script import HAN, has_chinese, is_zh

EVALS = PROJECT_ROOT / "evals"
CORPUS = PROJECT_ROOT / "data" / "corpus"
LIBRARIES = {  # name → (the library's folders, its gold folder)
    "bundled": ((CORPUS,), EVALS / "gold"),
    "laws": ((CORPUS, EVALS / "fixtures" / "laws"), EVALS / "gold_laws"),
    "regs": ((CORPUS, EVALS / "fixtures" / "regs"), EVALS / "gold_regs"),
}
ZH_RUN_MAX, EN_RUN_MAX, PARAPHRASE_RUN_MAX = 12, 8, 6
# where a question counts as used by development: tests, evaluation tests, the README, docs/, and the product's
# own docstrings and comments (a design example)
USE_PLACES = ("tests/**/*.py", "evals/*.py", "README.md", "docs/**/*.md", "app.py",
              *(f"{package}/**/*.py" for package in ("ingest", "vectorstore", "qa", "netlaw", "service", "ui")))


@dataclass
class Art:
    document: str
    label: str
    version: str | None
    text: str
    headings: str
    zh: bool
    ident: tuple  # the article across languages: the smaller of its key and its parallel's key


@dataclass
class Library:
    name: str
    articles: list[Art]
    names: dict[str, set[str]] = field(default_factory=dict)  # document title → its names (title, short, …)

    def names_in(self, item: dict) -> list[str]:
        """The document names a question may write out, longest first: every name (of 4 characters or
        more) of every document of the library, the titles quoted inside a title ("… issued the “Opinions
        on …”"), and every name of the item's gold documents."""
        gold = {g["document"] for g in item["gold_articles"]}
        out = {n for doc, names in self.names.items() for n in names if len(n) >= 4 or doc in gold}
        out |= {q for n in list(out) for q in re.findall(r"[“《\"]([^”》\"]{4,})[”》\"]", n)}
        return sorted((n for n in out if len(n) >= 2), key=len, reverse=True)

    def of(self, document: str, label: str, versions: list[str] | None = None) -> list[Art]:
        return [a for a in self.articles if a.document == document and a.label == label
                and (not versions or a.version in versions)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=None)
def library(name: str) -> Library:
    from ingest.loaders import read_file
    from ingest.parse import parse_text

    folders, _ = LIBRARIES[name]
    raw: list[tuple[str, str, str | None, Article, bool, str, str | None]] = []
    names: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".txt", ".md") or path.name.lower() == "readme.md":
                continue
            parsed = parse_text(read_file(path, 50_000_000), str(path))
            for doc in parsed.documents:
                names.setdefault(doc.title, set()).update(n for n in (doc.title, doc.alt_title, *doc.names) if n)
                for a in parsed.articles[doc.ordinal]:
                    raw.append((doc.title, a.label, doc.version, a, doc.language == "zh", a.article_id,
                                a.parallel_id))
    key_of = {r[5]: (r[0], r[1]) for r in raw}
    arts = [Art(doc, label, version, _squash(a.text), " ".join(a.path), zh or is_zh(a.text),
                min((doc, label), key_of.get(parallel or "", (doc, label))))
            for doc, label, version, a, zh, _, parallel in raw]
    return Library(name, arts, names)


def gold_items(name: str) -> list[dict]:
    _, folder = LIBRARIES[name]
    return [dict(json.loads(line), set=path.stem) for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def present() -> list[str]:
    return [name for name, (_, folder) in LIBRARIES.items() if folder.is_dir() and any(folder.glob("*.jsonl"))]


def _gold_arts(lib: Library, item: dict, *, parallels: bool = False) -> list[Art]:
    out = [a for g in item["gold_articles"] for a in lib.of(g["document"], g["article"], item.get("gold_versions"))]
    if parallels:
        idents = {a.ident for a in out}
        out += [a for a in lib.articles if a.ident in idents and a not in out]
    return out


# --- the checks: each returns a list of problems --------------------------------------------------------
def evidence_problems(lib: Library, item: dict) -> list[str]:
    """(a) The evidence occurs in exactly one article of the library (the versions of the item's gold
    documents that it is not about left aside), and that article is a gold article."""
    evidence = item.get("evidence")
    if not evidence:
        return []
    gold_docs = {g["document"] for g in item["gold_articles"]}
    versions = item.get("gold_versions")
    gold = {a.ident for a in _gold_arts(lib, item)}
    problems = []
    for passage in [evidence] if isinstance(evidence, str) else evidence:
        passage = _squash(passage)
        where = {a.ident for a in lib.articles if passage in a.text
                 and not (versions and a.document in gold_docs and a.version not in versions)}
        if len(where) != 1 or not where <= gold:
            problems.append(f"{item['id']}: evidence {passage!r} is in {sorted(where) or 'no article'}, "
                            f"gold {sorted(gold)}")
    return problems


def key_fact_problems(lib: Library, item: dict) -> list[str]:
    """(b) Each must_include group's key fact is in the gold articles (headings included: a structure
    item's fact is its chapter's heading)."""
    arts = _gold_arts(lib, item, parallels=True)
    if not item["gold_articles"]:
        return []
    if not arts:
        return [f"{item['id']}: no gold article {item['gold_articles']} in the library"]
    zh_text = normalise(" ".join(f"{a.headings} {a.text}" for a in arts if a.zh)).replace(" ", "")
    en_text = " ".join(f"{a.headings} {a.text}" for a in arts if not a.zh)
    problems = []
    for group in item["must_include"]:
        chinese = [alt for alt in group if has_chinese(alt)]
        if zh_text and (chinese or not en_text):  # the first Chinese alternative (or the first), verbatim
            fact = (chinese or group)[:1]
            ok = normalise(fact[0]).replace(" ", "") in zh_text
        else:  # an English source: any alternative
            fact, ok = group, contains_fact(en_text, group)
        if not ok:
            problems.append(f"{item['id']}: key fact {fact} is not in its gold article")
    return problems


def _zh_run(question: str, text: str) -> str:
    haystack = "|".join(re.findall(rf"[{HAN}]+", text))
    best = ""
    for run in re.findall(rf"[{HAN}]+", question):
        for i in range(len(run)):
            n = len(best) + 1
            while i + n <= len(run) and run[i:i + n] in haystack:
                best, n = run[i:i + n], n + 1
    return best


def _en_run(question: str, text: str) -> str:
    words, haystack = re.findall(r"[a-z0-9]+", question.lower()), " " + " ".join(re.findall(r"[a-z0-9]+",
                                                                                             text.lower())) + " "
    best: list[str] = []
    for i in range(len(words)):
        n = len(best) + 1
        while i + n <= len(words) and f" {' '.join(words[i:i + n])} " in haystack:
            best, n = words[i:i + n], n + 1
    return " ".join(best)


def copying_problems(lib: Library, item: dict) -> list[str]:
    """(c) The question shares no long run with a gold article (the gold documents' names left out)."""
    question = item["question"]
    for name in lib.names_in(item):
        question = re.sub(re.escape(name), " ", question, flags=re.I)
    zh_max, en_max = ((PARAPHRASE_RUN_MAX, PARAPHRASE_RUN_MAX) if item["type"] == "paraphrase"
                      else (ZH_RUN_MAX, EN_RUN_MAX))
    problems = []
    for a in _gold_arts(lib, item):
        zh, en = _zh_run(question, a.text), _en_run(question, a.text)
        if len(zh) > zh_max:
            problems.append(f"{item['id']}: {len(zh)} Chinese characters copied from {a.label}: {zh}")
        if len(en.split()) > en_max:
            problems.append(f"{item['id']}: {len(en.split())} English words copied from {a.label}: {en!r}")
    return problems


def split_problems(lib: Library, items: list[dict]) -> list[str]:
    """(d) No gold article (across languages and versions) has both a tune and a held-out item."""
    owners: dict[tuple, dict[str, list[str]]] = {}
    for item in items:
        for ident in {a.ident for a in _gold_arts(lib, item)}:
            owners.setdefault(ident, {}).setdefault(item.get("split", "heldout"), []).append(item["id"])
    return [f"{ident}: tune {sides['tune']} and held-out {sides['heldout']}"
            for ident, sides in sorted(owners.items()) if "tune" in sides and "heldout" in sides]


def _plain(text: str) -> str:
    """Words and characters only, lower case, single spaces (punctuation and quotes do not hide a copy)."""
    return f" {normalise(text)} "


@lru_cache(maxsize=1)
def _development_texts() -> tuple[tuple[str, str], ...]:
    out = []
    for pattern in USE_PLACES:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            if path.resolve() != Path(__file__).resolve():
                out.append((str(path.relative_to(PROJECT_ROOT)), _plain(path.read_text(encoding="utf-8"))))
    return tuple(out)


def use_problems(items: list[dict], texts=None) -> list[str]:
    """(e) A question that a test or a document writes out (punctuation aside) is a tune item, never held-out."""
    texts = _development_texts() if texts is None else tuple((path, _plain(text)) for path, text in texts)
    problems = []
    for item in items:
        question = _plain(item["question"])
        if item.get("split") == "tune" or len(question) < 12:
            continue
        if has_chinese(question):
            question = question.replace(" ", "")
            used = [path for path, text in texts if question in text.replace(" ", "")]
        else:
            used = [path for path, text in texts if question in text]
        if used:
            problems.append(f"{item['id']} is held-out but written in {used}: {item['question']!r}")
    return problems


# --- the tests -------------------------------------------------------------------------------------------
LIBS = present()


@pytest.mark.parametrize("name", list(LIBRARIES))
def test_the_library_and_its_gold_are_read(name):
    if name not in LIBS:
        pytest.skip(f"{LIBRARIES[name][1].relative_to(PROJECT_ROOT)} does not exist yet")
    lib, items = library(name), gold_items(name)
    assert len(lib.articles) > 100
    assert items
    missing = [f"{item['id']}: {g}" for item in items for g in item["gold_articles"]
               if not lib.of(g["document"], g["article"], item.get("gold_versions"))]
    assert not missing, "gold articles not in the library:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", LIBS)
def test_every_evidence_is_in_exactly_one_article_its_gold_one(name):
    lib = library(name)
    problems = [p for item in gold_items(name) for p in evidence_problems(lib, item)]
    assert not problems, "\n".join(problems)


def test_the_laws_items_carry_evidence():
    if "laws" not in LIBS:
        pytest.skip("no laws gold yet")
    without = [i["id"] for i in gold_items("laws") if i["set"] == "laws" and i["gold_articles"]
               and not i.get("evidence")]
    assert not without, without


@pytest.mark.parametrize("name", LIBS)
def test_every_key_fact_is_in_its_gold_article(name):
    lib = library(name)
    problems = [p for item in gold_items(name) for p in key_fact_problems(lib, item)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", LIBS)
def test_no_question_copies_its_gold_article(name):
    lib = library(name)
    problems = [p for item in gold_items(name) for p in copying_problems(lib, item)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", LIBS)
def test_tune_and_heldout_share_no_article(name):
    problems = split_problems(library(name), gold_items(name))
    assert not problems, f"{len(problems)} articles on both sides:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", LIBS)
def test_questions_used_in_tests_or_docs_are_tune(name):
    problems = use_problems(gold_items(name))
    assert not problems, "\n".join(problems)


# --- each check fails when its condition is broken -------------------------------------------------------
def _break(check: str, lib: Library, items: list[dict]) -> list[str]:
    """Break one condition on a copy of a real item and return what the check says."""
    item = copy.deepcopy(next(i for i in items if i["gold_articles"] and i["type"] != "paraphrase"
                              and i["split"] == "tune"))
    gold = _gold_arts(lib, item)[0]
    if check == "evidence_elsewhere":  # a passage of another article
        other = next(a for a in lib.articles if a.ident != gold.ident and len(a.text) > 40)
        item["evidence"] = other.text[:30]
        return evidence_problems(lib, item)
    if check == "evidence_twice":  # a passage that several articles hold
        item["evidence"] = "。" if gold.zh else "."
        return evidence_problems(lib, item)
    if check == "key_fact":
        item["must_include"] = [["这句话不在任何条文里", "a phrase that is in no article"]]
        return key_fact_problems(lib, item)
    if check == "copying":
        item["question"] = gold.text[:60] + "？"
        return copying_problems(lib, item)
    if check == "paraphrase_copying":  # seven characters or words: fine for a question, not for a paraphrase
        run = _zh_run(gold.text, gold.text)[:7] if gold.zh else " ".join(gold.text.split()[:7])
        item["question"], item["type"] = run + "？", "paraphrase"
        broken = copying_problems(lib, item)
        item["type"] = "chinese"
        return broken if not copying_problems(lib, item) else []
    if check == "split":
        twin = dict(copy.deepcopy(item), id=item["id"] + "-twin", split="heldout")
        return split_problems(lib, [item, twin])
    if check == "used_in_a_test":
        item["split"] = "heldout"
        return use_problems([item], texts=(("tests/example.py", f"ask({item['question']!r})"),))
    raise AssertionError(check)


@pytest.mark.parametrize("check", ["evidence_elsewhere", "evidence_twice", "key_fact", "copying",
                                   "paraphrase_copying", "split", "used_in_a_test"])
def test_each_check_fails_on_a_broken_item(check):
    name = "laws" if "laws" in LIBS else LIBS[0]
    problems = _break(check, library(name), gold_items(name))
    assert problems, f"the {check} check did not notice a broken item"
