"""Index terms of a text, English and Chinese alike: what the keyword index (BM25), the
question analysis and the citation check compare.

English words are lower-cased and stemmed (Snowball/Porter2), stop words dropped; Chinese runs
are cut by jieba in search mode (its dictionary cache is kept in our cache dir, nothing is
downloaded); digits are kept as tokens, so "Article 16", "six months" and "2017" match.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

from netlaw.text.script import HAN, is_chinese_char

_TOKEN = re.compile(rf"[{HAN}]+|[A-Za-z]+(?:'[a-z]+)?|\d+")
EN_STOP_WORDS = frozenset("""
a an and are as at be been but by can could do does for from had has have how i if in into is it its
may might must of on or our shall should so such than that the their them then there these they this
those to was we were what when where which who whom whose why will with would you your about any
all also article articles says say said tell me please regulation regulations
""".split())
ZH_STOP_WORDS = frozenset("的 了 和 与 及 或 在 是 为 对 等 由 其 之 中 本 并 应当 什么 哪些 规定 条".split())


_local = threading.local()


# British spellings written the American way before stemming, so "rumours" meets "Rumor" and
# "organisation" meets "organization" (the translations in the library use both).
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(?=(?:s|ed|ing|able|ite|ites)?$)")
# -ise only after the endings of -ize verbs (organise, realise, recognise, criticise, standardise…),
# not in supervise, advertise, exercise, comprise, promise, whose derived forms keep the "s"
_BRITISH_ISE = re.compile(r"(?<=[a-z]{2}(?:al|ar|an|on|ic|it|im|gn|or|er|rd|rn))is(?=(?:e|es|ed|ing|ation|ations)$)")
_BRITISH_WORDS = {"licence": "license", "licences": "licenses", "defence": "defense", "offence": "offense",
                  "offences": "offenses", "programme": "program", "programmes": "programs", "centre": "center",
                  "centres": "centers", "practise": "practice"}


def american(word: str) -> str:
    """A lower-case English word in American spelling ("rumours" → "rumors", "organise" → "organize")."""
    if word in _BRITISH_WORDS:
        return _BRITISH_WORDS[word]
    if len(word) < 6:
        return word
    return _BRITISH_ISE.sub("iz", _BRITISH_OUR.sub("or", word))


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """Snowball (Porter2) stem of the American spelling; a stemmer object keeps state, so each
    thread has its own."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(american(word))


_jieba_ready = False
_jieba_lock = threading.Lock()


def jieba_tokenizer(cache_dir: Path | None = None):
    """jieba, initialised once per process (its dictionary cache in ``cache_dir`` when given)."""
    global _jieba_ready
    import jieba

    if _jieba_ready:
        return jieba
    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(logging.WARNING)
            if cache_dir is not None:
                cache_dir.mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache_dir)
            jieba.initialize()
            _jieba_ready = True
    return jieba


def unknown_words(words: list[str]) -> list[str]:
    """Words jieba's dictionary lacks, which it cuts into characters ("约谈" → 约 / 谈): a run of 2 to 4
    single characters (no stop word among them) is also kept whole, so a question and a text that both
    use the word share it as one term. In search mode a single character is a word of its own, so the
    characters of a run stand next to each other in the text."""
    out, run = [], []
    for word in [*words, ""]:
        if len(word) == 1 and is_chinese_char(word) and word not in ZH_STOP_WORDS:
            run.append(word)
            continue
        if 2 <= len(run) <= 4:
            out.append("".join(run))
        run = []
    return out


def tokenize(text: str, cache_dir: Path | None = None) -> list[str]:
    """Index terms of a text, English and Chinese alike."""
    tokens: list[str] = []
    for piece in _TOKEN.findall(text):
        first = piece[0]
        if is_chinese_char(first):
            words = jieba_tokenizer(cache_dir).lcut_for_search(piece)
            tokens += [word for word in words if word not in ZH_STOP_WORDS]
            tokens += unknown_words(words)
        elif first.isdigit():
            tokens.append(piece)
        else:
            word = piece.lower()
            if word not in EN_STOP_WORDS and len(word) > 1:
                tokens.append(_stem(word))
    return tokens
