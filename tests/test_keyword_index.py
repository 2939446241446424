"""The keyword index (bm25s), its token cache, and the distractor generator of the scale benchmark.
Pure: no store, no embedding model."""

from __future__ import annotations

import pickle

import numpy as np

from netlaw.text.tokens import tokenize
from vectorstore.keyword import AppendedKeywordIndex, KeywordIndex, TokenCache

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


def test_appended_chunks_score_as_the_built_matrix_would():
    """A chunk appended after the build scores exactly as its copy inside the matrix (same idf,
    same mean length, bm25s's formula); a term only appended chunks hold finds them; the built
    chunks' scores are untouched; ``extended`` appends again."""
    base = KeywordIndex([tokenize(t) for t in TEXTS])
    copy = tokenize(TEXTS[0])
    appended = AppendedKeywordIndex(base, [copy, tokenize("Zebra crossings shall be repainted yearly.")])
    assert appended.size == len(TEXTS) + 2
    assert appended.share == 2 / len(TEXTS)
    for question in ("How long must records be kept? six months", "information service", "公众账号"):
        scores = appended.scores(tokenize(question))
        assert np.allclose(scores[: len(TEXTS)], base.scores(tokenize(question)))
        assert np.isclose(scores[len(TEXTS)], scores[0])
    zebra = appended.scores(tokenize("zebra crossing"))
    assert int(np.argmax(zebra)) == len(TEXTS) + 1
    assert zebra[: len(TEXTS) + 1].max() == 0.0
    assert appended.idf(_stem("zebra")) > appended.idf(_stem("information"))
    again = appended.extended([tokenize(TEXTS[1])])
    assert again.size == len(TEXTS) + 3
    assert np.isclose(again.scores(tokenize("admonishment meetings"))[-1],
                      base.scores(tokenize("admonishment meetings"))[1])


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


def _index_calls(monkeypatch) -> list[int]:
    """Counts bm25s matrix builds."""
    import bm25s

    calls: list[int] = []
    real = bm25s.BM25.index

    def counted(self, corpus, **kwargs):
        calls.append(len(corpus))
        return real(self, corpus, **kwargs)

    monkeypatch.setattr(bm25s.BM25, "index", counted)
    return calls


def test_saved_index_is_loaded_for_the_same_generation_and_chunks(tmp_path, monkeypatch):
    from vectorstore.keyword import load_or_build

    calls = _index_calls(monkeypatch)
    tokenised = [tokenize(t) for t in TEXTS]
    query = tokenize("records six months 公众账号")
    built = load_or_build(tmp_path, "netlaw_chunks_1", TEXTS, tokenised)
    assert calls == [len(TEXTS)]
    loaded = load_or_build(tmp_path, "netlaw_chunks_1", TEXTS, tokenised)
    assert calls == [len(TEXTS)]  # not built again
    assert np.allclose(loaded.scores(query), built.scores(query))
    assert loaded.idf(_stem("admonishment")) == built.idf(_stem("admonishment"))
    assert [p.name.startswith(".") for p in tmp_path.iterdir()] == [False]  # no temporary folder left


def test_index_is_rebuilt_for_another_generation_other_chunks_or_damage(tmp_path, monkeypatch):
    from vectorstore.keyword import load_or_build

    calls = _index_calls(monkeypatch)
    tokenised = [tokenize(t) for t in TEXTS]
    load_or_build(tmp_path, "gen1", TEXTS, tokenised)
    load_or_build(tmp_path, "gen2", TEXTS, tokenised)  # a new ingest
    reordered = load_or_build(tmp_path, "gen2", TEXTS[::-1], tokenised[::-1])  # same name, other rows: stale
    assert len(calls) == 3
    assert int(np.argmax(reordered.scores(tokenize("公众账号 安全管理")))) == 1
    for folder in tmp_path.iterdir():
        (folder / "netlaw.json").write_text("{broken")
    rebuilt = load_or_build(tmp_path, "gen1", TEXTS, tokenised)
    assert len(calls) == 4
    assert int(np.argmax(rebuilt.scores(tokenize("公众账号 安全管理")))) == 2


def test_only_the_newest_generations_are_kept(tmp_path):
    import os

    from vectorstore.keyword import load_or_build

    tokenised = [tokenize(t) for t in TEXTS]
    for i in range(5):
        load_or_build(tmp_path, f"gen{i}", TEXTS, tokenised, keep=2)
        for folder in tmp_path.iterdir():  # mtimes one second apart, oldest first
            if folder.name.startswith(f"gen{i}-"):
                os.utime(folder, (1000 + i, 1000 + i))
    assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["gen3", "gen4"]


def test_empty_corpus_index_is_saved_and_loaded(tmp_path):
    from vectorstore.keyword import load_or_build

    load_or_build(tmp_path, "empty", ["", ""], [[], []])
    loaded = load_or_build(tmp_path, "empty", ["", ""], [[], []])
    assert loaded.size == 2
    assert not loaded.scores(["anything"]).any()


def test_two_retrievers_on_one_store_build_the_index_once_per_generation(tmp_path, monkeypatch, all_chunks):
    """Two app instances (one cache folder, one store): the first builds and saves the matrix, the
    second loads it; a new generation (an ingest) is built once more, and both see its chunk."""
    from benchmarks.servers import make_settings
    from netlaw.records import Filters
    from tests.unit.fakes import HashingEmbedder, MemoryStore
    from vectorstore.hybrid import HybridRetriever

    settings = make_settings(tmp_path, index_refresh_s=0.0, vector_cache=None, translation_weight=0.0,
                             translation_weight_zh=0.0, spelling_correction=False)
    fake = HashingEmbedder()
    store = MemoryStore(all_chunks[:40], fake, fake)
    first, second = (HybridRetriever(settings, store=store, embedder=fake, xl_embedder=fake) for _ in range(2))
    calls = _index_calls(monkeypatch)
    question = all_chunks[5].text
    rankings = [r.keyword_ranking(r.snapshot(), question, Filters(), 5) for r in (first, second)]
    assert calls == [40]
    assert rankings[0] == rankings[1]
    assert rankings[0][0][0] == all_chunks[5].chunk_id
    store._chunks.append(all_chunks[60])
    store._xl[all_chunks[60].chunk_id] = fake.embed_passages(all_chunks[60].xl_windows)
    store.generation = "memory-2"
    for retriever in (first, second):
        ranking = retriever.keyword_ranking(retriever.snapshot(), all_chunks[60].text, Filters(), 5)
        assert ranking[0][0] == all_chunks[60].chunk_id
    assert calls == [40, 41]


def test_an_extended_snapshot_equals_one_built_whole(all_chunks):
    """A retriever extends its snapshot with appended chunks (time proportional to them): the
    result indexes as a snapshot built from all the chunks at once, and the snapshot it was
    extended from is unchanged (a query may still be reading it)."""
    from vectorstore.hybrid import Snapshot

    chunks = all_chunks[:50]
    tokenised = [tokenize(c.text) for c in chunks]
    windows = np.arange(2 * len(chunks) * 3, dtype=np.float32).reshape(2 * len(chunks), 3)
    owner = np.repeat(np.arange(len(chunks)), 2)

    def part(start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        return windows[2 * start : 2 * end], owner[2 * start : 2 * end] - start

    whole = Snapshot("g", chunks, tokenised, (windows, owner), gen=3)
    first = Snapshot("g", chunks[:40], tokenised[:40], part(0, 40), gen=1)
    second = first.extended(2, {}, chunks[40:45], tokenised[40:45], part(40, 45))
    third = second.extended(3, {"k": {}}, chunks[45:], tokenised[45:], part(45, 50))
    for attr in ("index_of", "articles", "documents"):
        assert getattr(third, attr) == getattr(whole, attr), attr
    for attr in ("canonical", "language", "doc_ids", "xl", "xl_owner"):
        assert np.array_equal(getattr(third, attr), getattr(whole, attr)), attr
    assert (third.gen, third.manifest, third.keyword.size) == (3, {"k": {}}, 50)
    question = tokenize(chunks[47].text)
    assert int(np.argmax(third.keyword.scores(question))) == int(np.argmax(whole.keyword.scores(question)))
    assert len(first.chunks) == len(first.xl) // 2 == len(first.index_of) == 40  # unchanged
    assert np.array_equal(first.xl, windows[:80])
    assert np.array_equal(second.xl, windows[:90])  # third wrote past second's rows only


def test_words_jieba_lacks_are_not_cut_into_characters():
    from netlaw.text.tokens import unknown_words

    assert "约谈" in tokenize("约谈情况记入互联网新闻信息服务单位日常考核和年检档案。")  # jieba: 约 / 谈
    assert unknown_words(["约", "的", "谈"]) == []  # a stop word ends a run
    assert unknown_words(["网信", "办"]) == []  # a known word is no part of one
