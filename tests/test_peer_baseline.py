"""The peer baseline of benchmarks/retrieval_bench.py: its pure parts (no model is loaded here)."""

from __future__ import annotations

import pytest

from benchmarks.peer import peer_rank, rrf, source_files, tokenize
from benchmarks.retrieval_bench import gold_texts, library_table, summarise

ARTICLE = ("Network operators shall take technical measures to monitor and record the network operation status "
           "and network security incidents, and preserve the relevant web logs for no less than six months.")
ARTICLE_ZH = ("网络运营者应当采取监测、记录网络运行状态、网络安全事件的技术措施，"
              "并按照规定留存相关的网络日志不少于六个月。")


def test_rrf_orders_by_summed_reciprocal_ranks():
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]])
    assert [doc for doc, _ in fused] == ["a", "c", "b", "d"]
    scores = dict(fused)
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert scores["d"] == pytest.approx(1 / 63)


def test_rrf_ties_keep_first_seen_order_and_duplicates_count_once():
    assert [doc for doc, _ in rrf([["x", "y"], ["y", "x"]])] == ["x", "y"]
    assert [doc for doc, _ in rrf([["y", "x"], ["x", "y"]])] == ["y", "x"]
    assert dict(rrf([["a", "a", "b"]])) == pytest.approx({"a": 1 / 61, "b": 1 / 62})
    # one list only on one side: found by both beats first in one
    assert [doc for doc, _ in rrf([["solo", "both"], ["both"]])] == ["both", "solo"]
    assert rrf([[], []]) == []


def test_rrf_k_and_weights():
    assert dict(rrf([["a"]], k=1)) == pytest.approx({"a": 0.5})
    assert [doc for doc, _ in rrf([["a"], ["b"]], weights=[0.4, 0.6])] == ["b", "a"]


def test_jieba_tokens_of_mixed_chinese_and_english():
    tokens = tokenize("《网络安全法》第二十一条：Network operators shall keep Web LOGS for six months，"
                      "网络日志留存不少于六个月。")
    assert {"network", "operators", "web", "logs", "six", "months"} <= set(tokens)  # English words whole, lower-cased
    assert "网络日志" in tokens  # Chinese segmented into words, not characters
    assert "六个月" in tokens
    assert "第二十一条" in tokens
    assert all(t.strip() == t and t for t in tokens)  # no spaces
    assert not {"《", "》", "：", "，", "。", " "} & set(tokens)  # no punctuation
    assert tokenize("Cybersecurity-Law 2016-11-07") == ["cybersecurity", "law", "2016", "11", "07"]
    assert tokenize("，。！ ") == []


def test_a_peer_hit_is_a_chunk_that_overlaps_the_gold_article():
    other = "Article 3 The State Council departments shall be responsible for supervision. " * 3
    # the article inside a longer chunk, its lines broken differently: whitespace does not matter
    chunk = "…end of the previous article.\n\nArticle 21 " + ARTICLE.replace(" and ", "\nand ") + "\n\nArticle 22 …"
    assert peer_rank([other, chunk], [[ARTICLE]]) == 2
    assert peer_rank([chunk, other], [[ARTICLE]]) == 1
    # sharing a short phrase is not finding the article
    assert peer_rank([other, "preserve the relevant web logs for no less than six months"], [[ARTICLE]]) is None
    # the parallel (Chinese) text counts for the gold article; any gold article counts
    assert peer_rank([other, "第二十一条 " + ARTICLE_ZH], [[ARTICLE, ARTICLE_ZH]]) == 2
    assert peer_rank([other, chunk], [["no such text here at all, nothing shared"], [ARTICLE]]) == 2
    # only the top k chunks are looked at
    assert peer_rank([other] * 10 + [chunk], [[ARTICLE]]) is None
    assert peer_rank([other] * 4 + [chunk], [[ARTICLE]], k=4) is None
    assert peer_rank([chunk], [[]]) is None


class _Chunk:
    def __init__(self, document, article, version=None, parallel_id=None):
        self.document, self.article, self.version, self.parallel_id = document, article, version, parallel_id


class _Snapshot:
    """What gold_texts reads of a store snapshot: two versions of a law and a parallel pair."""

    def __init__(self):
        self._chunks = {"m20-9": _Chunk("未成年人保护法", "第九条", "2020-10-17"),
                        "m24-9": _Chunk("未成年人保护法", "第九条", "2024-04-26"),
                        "en-16": _Chunk("Regulations", "Article 16", parallel_id="zh-16"),
                        "zh-16": _Chunk("规定", "第十六条", parallel_id="en-16")}
        self.articles = {k: [i] for i, k in enumerate(self._chunks)}
        self._texts = {"m20-9": "old text", "m24-9": "new text", "en-16": "English", "zh-16": "中文"}

    def first_chunk(self, article_id):
        return self._chunks[article_id]

    def article_text(self, article_id):
        return self._texts[article_id]


def test_gold_texts_follow_versions_and_parallels():
    snap = _Snapshot()
    law = {"document": "未成年人保护法", "article": "第九条"}
    assert gold_texts(snap, {"gold": [law]}) == [["old text", "new text"]]
    assert gold_texts(snap, {"gold": [law], "gold_versions": ["2024-04-26"]}) == [["new text"]]
    regulation = {"document": "Regulations", "article": "Article 16"}
    assert gold_texts(snap, {"gold": [regulation, law], "gold_versions": []}) == [["English", "中文"],
                                                                                  ["old text", "new text"]]
    assert gold_texts(snap, {"gold": [{"document": "Nothing", "article": "Article 1"}]}) == [[]]


def test_summary_and_table_per_question_type():
    questions = [{"kind": "fact"}, {"kind": "fact"}, {"kind": "typo"}]
    ours = summarise(questions, [1, 7, None], [0.010, 0.020, 0.030])
    peer = summarise(questions, [3, None, 2], [0.005, 0.005, 0.005])
    assert ours["by_type"]["fact"] == pytest.approx({"n": 2, "hit@1": 0.5, "hit@5": 0.5, "mrr@10": (1 + 1 / 7) / 2,
                                                     "p50_ms": 10.0, "p95_ms": 20.0})
    assert ours["all"]["hit@5"] == pytest.approx(1 / 3)
    assert peer["all"]["hit@5"] == pytest.approx(2 / 3)
    table = library_table({"rows": {"ours (hybrid)": ours, "peer": peer}}).splitlines()
    assert table[0] == ("| retriever | fact (n=2) hit@5 | fact (n=2) MRR@10 | typo (n=1) hit@5 | typo (n=1) MRR@10 "
                        "| all (n=3) hit@5 | all (n=3) MRR@10 | p50 ms | p95 ms |")
    assert table[2] == "| ours (hybrid) | 0.500 | 0.571 | 0.000 | 0.000 | 0.333 | 0.381 | 20.0 | 30.0 |"
    assert table[3].startswith("| peer | 0.500 | 0.167 | 1.000 | 0.500 |")


def test_the_peer_reads_text_and_markdown_but_no_readme(tmp_path):
    for name in ("b.md", "a.txt", "README.md", "c.pdf"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in source_files([tmp_path])] == ["a.txt", "b.md"]


class _Hit:
    def __init__(self, document, article, version=None, parallel_id=None):
        self.document, self.article, self.version, self.parallel_id = document, article, version, parallel_id


def test_our_rank_counts_parallels_and_the_asked_version():
    from benchmarks.retrieval_bench import gold_rank

    gold = [{"document": "未成年人保护法", "article": "第九条"}]
    hits = [_Hit("Other", "Article 1"), _Hit("未成年人保护法", "第九条", "2020-10-17"),
            _Hit("未成年人保护法", "第九条", "2024-04-26")]
    assert gold_rank(hits, gold) == 2
    assert gold_rank(hits, gold, versions=["2024-04-26"]) == 3
    assert gold_rank(hits[:2], gold, versions=["2024-04-26"]) is None
    parallel = {"p": _Hit("未成年人保护法", "第九条")}
    assert gold_rank([_Hit("Minors Law", "Article 9", parallel_id="p")], gold, parallel.get) == 1
