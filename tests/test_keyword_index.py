"""The keyword index (bm25s), its token cache, and the distractor generator of the scale benchmark.
Pure: no store, no embedding model."""

from __future__ import annotations

import pickle

import numpy as np

from netlaw.text.tokens import tokenize
from vectorstore.keyword import KeywordIndex, TokenCache

TEXTS = [
    "Public account platforms shall keep records of published information for no less than six months.",
    "Internet news information service units shall be summoned to admonishment meetings.",
    "互联网用户公众账号信息服务提供者应当落实信息内容安全管理主体责任。",
    "Telephone users shall register their real identity information when signing up.",
]


def test_scores_rank_the_matching_chunk_first_in_both_languages():
    index = KeywordIndex([tokenize(t) for t in TEXTS])
    assert index.size == len(TEXTS)
    scores = index.scores(tokenize("How long must records be kept? six months"))
    assert scores.shape == (len(TEXTS),)
    assert int(np.argmax(scores)) == 0
    assert int(np.argmax(index.scores(tokenize("公众账号 安全管理")))) == 2
    assert not index.scores(tokenize("zebra")).any()  # an unknown word scores nothing


def test_idf_is_higher_for_rarer_terms_and_unknown_terms_count_as_rare():
    index = KeywordIndex([tokenize(t) for t in TEXTS])
    common, rare = _stem("information"), _stem("admonishment")
    assert index.idf(rare) > index.idf(common)
    assert index.idf("never-seen-token") >= index.idf(rare)


def _stem(word: str) -> str:
    return tokenize(word)[0] if tokenize(word) else word


def test_empty_corpus_gives_empty_scores():
    index = KeywordIndex([])
    assert index.size == 0
    assert index.scores(["anything"]).shape == (0,)


def test_token_cache_tokenises_only_new_texts(tmp_path, monkeypatch):
    import vectorstore.keyword as keyword

    cache = TokenCache(tmp_path / "tokens.pkl")
    first = cache.tokenise(TEXTS[:3])
    assert first == [tokenize(t) for t in TEXTS[:3]]
    calls: list[str] = []
    real = keyword.tokenize
    monkeypatch.setattr(keyword, "tokenize", lambda text, cache_dir=None: calls.append(text) or real(text, cache_dir))
    second = cache.tokenise(TEXTS)  # one new text
    assert calls == [TEXTS[3]]
    assert second == [tokenize(t) for t in TEXTS]
    # texts no longer in the store are dropped from the cache
    cache.tokenise(TEXTS[1:])
    assert len(pickle.loads((tmp_path / "tokens.pkl").read_bytes())) == 3


def test_damaged_token_cache_is_rebuilt(tmp_path):
    path = tmp_path / "tokens.pkl"
    path.write_bytes(b"not a pickle")
    assert TokenCache(path).tokenise(TEXTS[:1]) == [tokenize(TEXTS[0])]
    assert pickle.loads(path.read_bytes())  # rewritten whole


def test_distractors_are_deterministic_parse_into_articles_and_copy_no_sentence(tmp_path):
    from benchmarks.distractors import generate, sentence_pools
    from ingest.parse import parse_text
    from netlaw.text.sentences import split_sentences

    pools = sentence_pools()
    n_a = generate(tmp_path / "a", 120, seed=3, pools=pools)
    n_b = generate(tmp_path / "b", 120, seed=3, pools=pools)
    files_a = sorted((tmp_path / "a").glob("*.txt"))
    assert n_a == n_b == len(files_a)
    assert n_a >= 120 // 16
    assert [f.read_text() for f in files_a] == [f.read_text() for f in sorted((tmp_path / "b").glob("*.txt"))]
    real = set(pools.en) | set(pools.zh)
    titles, articles = set(), 0
    for path in files_a:
        parsed = parse_text(path.read_text(encoding="utf-8"), path.name)
        assert len(parsed.documents) == 1
        titles.add(parsed.documents[0].title)
        for article in parsed.articles[parsed.documents[0].ordinal]:
            articles += 1
            copied = [s for s in split_sentences(article.text) if s in real and len(s) > 40]
            assert not copied, f"{path.name} copies a real sentence: {copied[0][:80]}"
    assert len(titles) == n_a  # distinct titles
    assert articles >= 120
