"""The names a document is known by, read from its title at ingest.

A compliance team rarely types a law's full title: it says 网络安全法 or 网安法 for
中华人民共和国网络安全法, "the E-commerce Law" or "the DSL" for a law it holds only in Chinese.
Nothing here lists documents; every name comes from the title by general rules of the language:
- **short title**: a Chinese title without the state's name in front ("中华人民共和国…法" → "…法");
- **abbreviation**: the first character of each word of a short title before its genre
  (网络|安全|法 → 网安法, 电子|商务|法 → 电商法, 未成年人|保护|法 → 未保法);
- **English renderings** of a Chinese title without an English one: each word's dictionary gloss
  (CC-CEDICT), and the genre's usual English name (法 → Law, 办法 → Measures, 条例 → Regulations);
  a few alternatives per word, since the dictionary cannot know which one the team will use;
- **acronyms** of English titles and renderings ("Data Security Law" → DSL).

``genre`` says what kind of instrument a title names, in either language; a question that names
"the … Law" names a document of genre ``law`` (``qa.documents`` uses it to rule out a strategy or a
white paper with similar words).
"""

from __future__ import annotations

import itertools
import re

from netlaw.text.script import HAN, is_zh

# A title's last word says what the instrument is. Chinese suffix and English words per genre,
# longest Chinese suffix first (办法 before 法).
GENRES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("measures", ("办法",), ("measures",)),
    ("rules", ("实施细则", "细则", "规则"), ("rules", "implementing rules")),
    ("regulations", ("条例",), ("regulations", "regulation", "ordinance")),
    ("provisions", ("规定",), ("provisions", "regulations")),
    ("interpretation", ("解释",), ("interpretation",)),
    ("decision", ("决定",), ("decision",)),
    ("strategy", ("战略",), ("strategy",)),
    ("plan", ("规划", "计划"), ("plan",)),
    ("outline", ("纲要",), ("outline",)),
    ("opinions", ("意见",), ("opinions", "opinion")),
    ("notice", ("通知",), ("notice", "circular")),
    ("white paper", ("白皮书",), ("white paper",)),
    ("law", ("法典", "法"), ("law", "code")),
)
# "中华人民共和国网络安全法": a state's name (ends in 国) in front of a law's title.
_STATE = re.compile(rf"^[{HAN}]{{1,8}}?(?:共和国|王国|联邦)(?=[{HAN}]{{2,}})")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]|[《》〈〉“”\"]")
_EN_STOP = {"of", "on", "the", "and", "for", "in", "to", "a", "an", "concerning", "regarding", "about", "with"}
MAX_RENDERINGS = 8


def genre(title: str) -> str | None:
    """The kind of instrument a title (or a question's name for one) names, or None."""
    text = _BRACKETS.sub("", title or "").strip()
    if not text:
        return None
    if is_zh(text):
        for name, suffixes, _ in GENRES:
            if text.endswith(suffixes):
                return name
        return None
    words = re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower())
    joined = " ".join(words)
    for name, _, english in GENRES:
        if any(joined.endswith(e) or joined.startswith(e + " ") for e in english):
            return name
    return None


def short_title(title: str) -> str | None:
    """A Chinese title without the state's name in front, or None when it has none."""
    text = _BRACKETS.sub("", title).strip()
    m = _STATE.match(text)
    return text[m.end():] if m and genre(text) else None


def _genre_suffix(title: str) -> str:
    for _, suffixes, _ in GENRES:
        for suffix in suffixes:
            if title.endswith(suffix):
                return suffix
    return ""


def _words(text: str) -> list[str]:
    from netlaw.text.tokens import jieba_tokenizer

    return [w for w in jieba_tokenizer().lcut(text) if w.strip()]


def abbreviations(short: str) -> list[str]:
    """Abbreviations of a short Chinese title of two or three words before its genre: the first
    character of each word, then the genre's last character."""
    suffix = _genre_suffix(short)
    stem = short[: len(short) - len(suffix)] if suffix else short
    if not suffix or len(stem) < 4:
        return []
    words = _words(stem)
    out = []
    if 2 <= len(words) <= 3:
        out.append("".join(w[0] for w in words) + suffix[-1])
    # A four-character word abbreviates to its first and third character (电子商务 → 电商).
    if len(words) <= 3 and any(len(w) == 4 for w in words):
        out.append("".join(w[0] + w[2] if len(w) == 4 else w[0] for w in words) + suffix[-1])
    return [a for a in dict.fromkeys(out) if a != short and len(a) >= 3]


def _glosses(word: str) -> list[str]:
    """A few English glosses of one Chinese word, nouns before verbs: in a title, the words
    before the genre name things ("保护" → protection, not "to protect")."""
    from vectorstore.translate import word_glosses

    found = word_glosses(word, verbs_marked=True)
    nouns = [g for g in found if not g.startswith("to ")]
    verbs = [g[3:] for g in found if g.startswith("to ")]
    return (nouns + verbs)[:4]


def _title_words(stem: str) -> list[str]:
    """The stem's words, an unknown compound replaced by its known parts (网络安全 → 网络 安全)."""
    from netlaw.text.tokens import jieba_tokenizer

    out: list[str] = []
    for word in _words(stem):
        if not re.search(rf"[{HAN}]", word) or _glosses(word):
            out.append(word)
            continue
        parts = [p for p in jieba_tokenizer().lcut_for_search(word) if p != word and len(p) >= 2 and _glosses(p)]
        out += parts or [word]
    return out


def english_renderings(title: str) -> list[str]:
    """Dictionary renderings of a Chinese title: its words' glosses in order, the genre last
    ("电子商务法" → "E-commerce Law"). Empty when a word has no gloss."""
    short = short_title(title) or _BRACKETS.sub("", title).strip()
    suffix = _genre_suffix(short)
    stem = short[: len(short) - len(suffix)] if suffix else short
    genre_words = next((english for _, suffixes, english in GENRES if suffix in suffixes), ()) if suffix else ()
    options: list[list[str]] = []
    for word in _title_words(stem):
        if not re.search(rf"[{HAN}]", word):
            continue
        glosses = _glosses(word)
        if not glosses:
            return []
        options.append(glosses)
    if not options:
        return []
    tail = genre_words[0] if genre_words else ""
    out = []
    for combo in itertools.islice(itertools.product(*options), MAX_RENDERINGS):
        words = f"{' '.join(combo)} {tail}".split()
        out.append(" ".join(w[:1].upper() + w[1:] for w in words))
    return list(dict.fromkeys(out))


def acronym(english: str) -> str | None:
    """"Data Security Law" → "DSL" (content words only; a hyphenated word counts once)."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", english) if w.lower() not in _EN_STOP]
    return "".join(w[0].upper() for w in words) if 3 <= len(words) <= 7 else None


def document_names(title: str, alt_title: str | None = None) -> list[str]:
    """Every name of a document beyond its title and alternative title, derived from them."""
    names: list[str] = []
    for t in (title, alt_title):
        if not t:
            continue
        if is_zh(t):
            short = short_title(t)
            if short:
                names.append(short)
            names += abbreviations(short or _BRACKETS.sub("", t).strip())
        else:
            names.append(t)
    chinese = next((t for t in (title, alt_title) if t and is_zh(t)), None)
    english = next((t for t in (title, alt_title) if t and not is_zh(t)), None)
    if chinese and not english:
        names += english_renderings(chinese)
    names += [a for n in names if not is_zh(n) and (a := acronym(n))]
    return [n for n in dict.fromkeys(names) if n and n not in (title, alt_title)]
