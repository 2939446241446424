"""One guard for all product code: no rule names a document, place, person or phrase of a development library.

Scanned: every ``.py`` of ``qa/``, ``vectorstore/``, ``ingest/``, ``netlaw/``, ``service/`` and ``ui/`` — its
string literals (regular expressions and f-strings included), read with ``ast``, so that docstrings and
comments (which may explain a rule with an example) are left out. A regular expression is also read with its
syntax flattened (``(?:the|national) strategy`` → "the national strategy"), so an alternation cannot hide a name.

The terms come from every development library — the bundled corpus (``data/corpus``), the laws
(``evals/fixtures/laws``) and the regulations (``evals/fixtures/regs``) — parsed by the ingest's own parser:

- **names**: each document's title, its other-language title, the names ``ingest.names`` derives (short title,
  abbreviations, English renderings, acronyms) and titles quoted inside a title; Chinese names of 3 characters
  or more, English names of 2 words or more, acronyms of 3 letters or more;
- **genre references**: how a user names an English document by its genre — a word of its title before the
  title's genre word (``ingest.names.GENRES``): "five-year plan", "national strategy";
- **title words**: the words (jieba, 2 characters or more) of a Chinese title that are not general legal
  vocabulary;
- **people and places**: signatories and speakers ("Role: Name" lines, "Name Name:" titles), places after
  "in"/"at" in titles, and the romanised Chinese words of the English documents — a capitalised word inside a
  sentence made only of pinyin syllables (Tianjin, Xinhua, a person's name), unless it is general;
- **distinctive words**: a Chinese word of a code literal (jieba, 3 characters or more, or an unknown word
  jieba cuts into characters) that a development library uses 3 times or more but that is not general legal
  vocabulary;
- **what only the gold questions write**: a word of a ``typo`` question that no document and no dictionary
  holds (a tuning question's misspelling), and a Chinese word of a question, not a question word or a
  pronoun, that no document holds and the reference does not use (a name a user writes: an agency's
  abbreviation).

**General legal vocabulary** is what the reference regulations use: the 672 State Council regulations of
``../shared/scale`` less the development library's own files; a Chinese term is general when at least
``GENERAL_MIN`` of them hold it, and the genre words are general. A romanised word is general when the
English dictionary glosses of the reference vocabulary use it ("China"). When the reference archive is
missing the guard fails: it would otherwise take every legal word for a corpus name.
"""

from __future__ import annotations

import ast
import json
import re
import tarfile
from functools import lru_cache
from pathlib import Path

import pytest

from ingest.records import Document
from netlaw.settings import PROJECT_ROOT
from netlaw.text.script import HAN

PACKAGES = ("qa", "vectorstore", "ingest", "netlaw", "service", "ui")
EVALS = PROJECT_ROOT / "evals"
LIBRARIES = {"bundled": (PROJECT_ROOT / "data" / "corpus",),
             "laws": (EVALS / "fixtures" / "laws",),
             "regs": (EVALS / "fixtures" / "regs",)}
GOLD = (EVALS / "gold", EVALS / "gold_laws", EVALS / "gold_regs")
REFERENCE = PROJECT_ROOT.parent / "shared" / "scale" / "state-council-regulations.tar.xz"
GENERAL_MIN = 3  # reference regulations that must hold a Chinese term for it to count as general vocabulary
_PINYIN = re.compile(r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan"
                     r"|ai|ei|ui|ao|ou|iu|ie|ue|er|an|en|in|un|ia|ua|uo|a|o|e|i|u))+")
_SIGNATORY = re.compile(r"^\s*[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,2}\s*[:：]\s*([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})\s*$")
_REGEX_SYNTAX = re.compile(r"\\[bBsSdDwW]|\(\?[:=!<P]*|[()|?*+\[\]{}^$]|\\")


def product_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (PROJECT_ROOT / package).rglob("*.py"))


def literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a module, docstrings left out."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def flattened(text: str) -> str:
    """A literal with regular-expression syntax turned into spaces."""
    return re.sub(r"\s+", " ", _REGEX_SYNTAX.sub(" ", text))


# --- the libraries ---------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def documents(name: str) -> tuple[tuple[Document, str], ...]:
    """(document, its text) of every document of a development library."""
    from ingest.loaders import read_file
    from ingest.parse import parse_text

    out = []
    for folder in LIBRARIES[name]:
        for path in sorted(folder.iterdir()):
            if path.suffix in (".txt", ".md") and path.name.lower() != "readme.md":
                parsed = parse_text(read_file(path, 50_000_000), str(path))
                out += [(doc, "\n".join(a.text for a in parsed.articles[doc.ordinal])) for doc in parsed.documents]
    return tuple(out)


@lru_cache(maxsize=1)
def reference() -> tuple[str, ...]:
    """The texts of the reference regulations: the archive's, less the files of a development library."""
    assert REFERENCE.exists(), f"the reference regulations are missing: {REFERENCE}"
    own = {p.name for folders in LIBRARIES.values() for folder in folders for p in folder.iterdir()}
    with tarfile.open(REFERENCE) as archive:
        files = [archive.extractfile(m) for m in archive.getmembers()
                 if m.isfile() and m.name.endswith(".md") and Path(m.name).name not in own]
        return tuple(f.read().decode("utf-8") for f in files if f is not None)


@lru_cache(maxsize=None)
def general(term: str) -> bool:
    """Chinese legal vocabulary: at least GENERAL_MIN reference regulations hold the term, or it is a genre."""
    from ingest.names import GENRES

    if any(term in zh for _, zh, _ in GENRES):
        return True
    n = 0
    for text in reference():
        if term in text:
            n += 1
            if n >= GENERAL_MIN:
                return True
    return False


@lru_cache(maxsize=1)
def _plain_jieba():
    """jieba with its own dictionary only (whatever words the product adds to it are no evidence)."""
    import jieba

    jieba.setLogLevel(60)
    return jieba.Tokenizer()


def _jieba(text: str, pairs: bool = False) -> list[str]:
    """The Chinese words of a text (jieba, 3 characters or more), and the unknown words jieba cut into
    characters (a run of 2 to 4 single characters: "约谈" → 约 / 谈); with ``pairs``, also two neighbouring
    words of 3 or 4 characters together, neither a stop word (网信 / 办 → 网信办)."""
    from netlaw.text.tokens import ZH_STOP_WORDS

    cut = _plain_jieba().lcut(text)
    words, run = [], []
    if pairs:
        words += [a + b for a, b in zip(cut, cut[1:], strict=False) if 3 <= len(a + b) <= 4
                  and re.fullmatch(rf"[{HAN}]+", a + b) and a not in ZH_STOP_WORDS and b not in ZH_STOP_WORDS]
    for w in [*cut, ""]:
        if len(w) == 1 and re.fullmatch(rf"[{HAN}]", w) and w not in ZH_STOP_WORDS:
            run.append(w)
            continue
        if 2 <= len(run) <= 4:
            words.append("".join(run))
        run = []
        if re.fullmatch(rf"[{HAN}]{{3,}}", w):
            words.append(w)
    return words


def _genre_references(title: str) -> set[str]:
    """"the five-year plan", "the national strategy": the title's genre word after the word before it or
    after the title's first word."""
    from ingest.names import GENRES

    words = [w for w in re.findall(r"[a-z][\w-]*", title.lower()) if w not in ("the", "a", "an")]
    out = set()
    for _, _, english in GENRES:
        for genre_word in english:
            if " " not in genre_word and genre_word in words[1:]:
                i = words.index(genre_word)
                out |= {f"{w} {genre_word}" for w in (words[0], words[i - 1]) if len(w) > 3 and w not in _EN_STOP}
    return out - {g for _, _, english in GENRES for g in english}  # "implementing rules" is a genre's name


_AMOUNT = re.compile("[零〇一二三四五六七八九十百千万亿两]+.?")  # a number and its unit ("一万元") names nothing
_ASKING = re.compile(r"[哪什么多几吗怎谁呢它他她这那讲]|(.)不\1|有没有")  # asking words, A-not-A, pronouns
_EN_STOP = {"of", "on", "for", "in", "to", "and", "with", "concerning", "regarding", "about", "management"}


@lru_cache(maxsize=1)
def library_text() -> str:
    return "\n".join(text + "\n" + doc.title + "\n" + (doc.alt_title or "")
                      for name in LIBRARIES for doc, text in documents(name))


@lru_cache(maxsize=1)
def _lower_words() -> frozenset[str]:
    return frozenset(re.findall(r"(?<![A-Za-z])[a-z]+", library_text()))


def _gold_questions() -> list[dict]:
    return [json.loads(line) for folder in GOLD for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=1)
def terms() -> dict[str, str]:
    """term → why it is a term (which library, which rule); Chinese terms as they are, English lower case."""
    out: dict[str, str] = {}
    for name in LIBRARIES:
        for doc, text in documents(name):
            titles = [t for t in (doc.title, doc.alt_title) if t]
            names = set(titles) | set(doc.names)
            names |= {q for t in titles for q in re.findall(r"[“《\"]([^”》\"]{4,})[”》\"]", t)}
            for n in names:
                if re.search(rf"[{HAN}]", n):
                    if len(n) >= 3 and not general(n):
                        out.setdefault(n, f"{name}: name of {doc.title[:40]}")
                elif len(n.split()) >= 2 or re.fullmatch(r"[A-Z]{3,}", n):
                    out.setdefault(n.lower(), f"{name}: name of {doc.title[:40]}")
            for t in titles:
                for ref in _genre_references(t):
                    out.setdefault(ref, f"{name}: genre reference to {t[:40]}")
                for w in _jieba(t):
                    if not general(w):
                        out.setdefault(w, f"{name}: title word of {t[:40]}")
                for m in re.finditer(r"\b(?:in|at)\s+([A-Z][a-z]+)\b|^([A-Z][a-z]+ [A-Z][a-z]+):", t):
                    out.setdefault((m.group(1) or m.group(2)).lower(), f"{name}: place or speaker in {t[:40]}")
                for m in re.finditer(r"\(([A-Z]{3,6})\)", t):  # "(ABC)": a body's acronym
                    out.setdefault(m.group(1).lower(), f"{name}: name of a body in {t[:40]}")
            for line in text.split("\n"):
                if signed := _SIGNATORY.match(line):
                    out.setdefault(signed.group(1).lower(), f"{name}: signatory in {doc.title[:40]}")
            if not re.search(rf"[{HAN}]", text):  # romanised Chinese proper nouns of an English document
                for m in re.finditer(r"(?<=[a-z,;] )([A-Z][a-z]{4,})\b", text):
                    word = m.group(1).lower()
                    if _PINYIN.fullmatch(word) and word not in _lower_words() and not _general_gloss(word):
                        out.setdefault(word, f"{name}: romanised Chinese name in {doc.title[:40]}")
    for item in _gold_questions():  # what only the gold questions write
        for w in re.findall(r"[a-z]{4,}", item["question"].lower()) if item["type"] == "typo" else []:
            if w not in _lower_words() and w not in _glossed():  # a misspelling: in no document, no dictionary
                out.setdefault(w, f"gold: a typo question's word ({item['id']})")
        for run in re.findall(rf"[{HAN}]{{3,}}", item["question"]):
            for w in _jieba(run, pairs=True):  # a name a question uses (网信办), not its question words or pronouns
                if not _ASKING.search(w) and w not in library_text() and not general(w):
                    out.setdefault(w, f"gold: a question's word in no document ({item['id']})")
    return out


@lru_cache(maxsize=1)
def _glossed() -> dict[str, set[str]]:
    """English gloss word → the Chinese words (of 4 characters or fewer) it glosses (CC-CEDICT)."""
    from vectorstore.translate import _entries_by_word

    out: dict[str, set[str]] = {}
    for head, entries in _entries_by_word().items():
        if len(head) <= 4:
            for token in {t for entry in entries for gloss in entry for t in re.findall(r"[a-z]+", gloss.lower())}:
                out.setdefault(token, set()).add(head)
    return out


def _general_gloss(word: str) -> bool:
    """A romanised word is general when it glosses a general Chinese word ("china" → 中国)."""
    return any(general(head) for head in _glossed().get(word, ()))


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern, re.Pattern]:
    zh = sorted((t for t in terms() if re.search(rf"[{HAN}]", t)), key=len, reverse=True)
    en = sorted((t for t in terms() if not re.search(rf"[{HAN}]", t)), key=len, reverse=True)
    return (re.compile("|".join(map(re.escape, zh))),
            re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, en)) + r")(?![a-z])"))


@lru_cache(maxsize=1)
def _library_counts() -> dict[str, str]:
    """Per library, its text (for counting a phrase)."""
    return {name: "\n".join(text for _, text in documents(name)) for name in LIBRARIES}


@lru_cache(maxsize=1)
def _trigrams() -> frozenset[str]:
    text = "".join(_library_counts().values())
    return frozenset(text[i:i + 3] for i in range(len(text) - 2))


@lru_cache(maxsize=None)
def _distinctive(phrase: str) -> str | None:
    """The library in which the phrase is frequent (3 times or more) while the reference rarely uses it."""
    if any(phrase[i:i + 3] not in _trigrams() for i in range(len(phrase) - 2)):
        return None
    for name, text in _library_counts().items():
        if text.count(phrase) >= 3 and not general(phrase):
            return name
    return None


def violations(text: str) -> list[str]:
    """What a code literal names of a development library."""
    plain = flattened(text)
    zh, en = _matchers()
    found = [f"{m.group(0)!r} ({terms()[m.group(0)]})" for m in zh.finditer(plain)]
    found += [f"{m.group(0)!r} ({terms()[m.group(0)]})" for m in en.finditer(plain.lower())]
    for word in dict.fromkeys(w for run in re.findall(rf"[{HAN}]{{2,}}", plain) for w in _jieba(run)):
        if word not in terms() and not _AMOUNT.fullmatch(word) and (lib := _distinctive(word)):
            found.append(f"{word!r} ({lib}: a frequent word, not general legal vocabulary)")
    return found


# --- the tests -------------------------------------------------------------------------------------------
def test_the_terms_are_read():
    found = terms()
    kinds = {why.split(": ")[1].split(" ")[0] for why in found.values()}
    assert {"name", "genre", "title", "romanised", "signatory", "a"} <= kinds, kinds
    assert len(reference()) > 600
    assert {name for name in LIBRARIES if any(w.startswith(f"{name}:") for w in found.values())} == set(LIBRARIES)


# Known and not yet removed (strict: the test fails once the file is clean, so the mark must go with it).
# (none now: the UI's example questions are made from the loaded library, service/examples.py)
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN[r], strict=True))
                                  if (r := str(p.relative_to(PROJECT_ROOT))) in KNOWN else p
                                  for p in product_files()], ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_no_product_code_names_a_development_library(path):
    found = [f"line {line}: {v}" for line, text in literals(path.read_text(encoding="utf-8"))
             for v in violations(text)]
    assert not found, f"{path.relative_to(PROJECT_ROOT)} names a development library:\n" + "\n".join(found)


# the violations removed for issue 28, as they were written: each is found again ("约谈", the other word
# removed from the tokenizer, is general legal vocabulary: 20 reference regulations use it)
@pytest.mark.parametrize("literal", ["网信办", r"\b(issued|held)\b|xinhua|新华社|印发",
                                     r"\b(?:the|this|that|five-year) plan\b|规划",
                                     r"\b(?:the|this|that|national) strategy\b|战略",
                                     r"\b(official|director|directer|deputy)\b"])
def test_a_removed_violation_is_found(literal):
    assert violations(literal), literal


@pytest.mark.parametrize("literal", [r"\b(?:the|this|that)\s+(?:[\w-]+\s+){0,2}plan\b|规划", "应当",
                                     "处一万元以上十万元以下罚款", "implementing rules", "People's Republic of China",
                                     "中华人民共和国", "约谈"])
def test_general_legal_vocabulary_is_no_violation(literal):
    assert not violations(literal), violations(literal)
