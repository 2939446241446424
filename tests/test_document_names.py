"""Documents known by their names: the names ingest derives from a title, the question's name
phrases, and how a question is matched to a document by a name written out (pure; no store)."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.articles import parse_articles
from ingest.documents import classify_type, split_documents
from ingest.names import abbreviations, acronym, document_names, english_renderings, genre, short_title
from netlaw.text.references import heading_ref, structure_refs_in
from qa.names import name_phrases, phrase_named, written_names


def test_short_title_drops_the_state_name_only():
    assert short_title("中华人民共和国网络安全法") == "网络安全法"
    assert short_title("国务院关于授权国家互联网信息办公室负责互联网信息内容管理工作的通知") is None
    assert short_title("互联网信息服务管理办法") is None


def test_abbreviations_take_each_words_first_character():
    assert "网安法" in abbreviations("网络安全法")
    assert "电商法" in abbreviations("电子商务法")
    assert "未保法" in abbreviations("未成年人保护法")
    assert abbreviations("网络法") == []  # too short to abbreviate


def test_english_renderings_come_from_the_dictionary_with_the_genre_last():
    assert "E-commerce Law" in english_renderings("中华人民共和国电子商务法")
    assert any(r.startswith("Data S") and r.endswith(" Law") for r in english_renderings("中华人民共和国数据安全法"))
    assert all(r.endswith(" Measures") for r in english_renderings("互联网信息服务管理办法"))


def test_acronyms_and_genres():
    assert acronym("Data Security Law") == "DSL"
    assert acronym("Law") is None
    assert genre("中华人民共和国网络安全法") == "law"
    assert genre("互联网信息服务管理办法") == "measures"
    assert genre("the Cybersecurity Law") == "law"
    assert genre("Measures on the Administration of Internet Information Services") == "measures"
    assert genre("National Cyberspace Security Strategy") == "strategy"


def test_document_names_of_a_chinese_only_law():
    names = document_names("中华人民共和国数据安全法")
    assert {"数据安全法", "数安法", "DSL"} <= set(names)
    assert "中华人民共和国数据安全法" not in names
    # an English title of its own: no dictionary rendering is invented beside it
    assert document_names("Microblog Information Service Management Regulations", "微博客信息服务管理规定") == [
        n for n in document_names("Microblog Information Service Management Regulations", "微博客信息服务管理规定")
        if n != "Microblog Information Service Management Regulations"]


def test_a_statute_is_typed_law_and_a_measure_is_not():
    assert classify_type("中华人民共和国网络安全法", ["第一条 为了保障网络安全，制定本法。"]) == "law"
    assert classify_type("互联网信息服务管理办法", ["第一条 为了规范互联网信息服务活动，制定本办法。"]) == "regulation"


LIBRARY = [
    {"doc_id": "csl", "title": "中华人民共和国网络安全法", "alt_title": None,
     "names": document_names("中华人民共和国网络安全法")},
    {"doc_id": "dsl", "title": "中华人民共和国数据安全法", "alt_title": None,
     "names": document_names("中华人民共和国数据安全法")},
    {"doc_id": "ncss", "title": "National Cyberspace Security Strategy", "alt_title": "国家网络空间安全战略",
     "names": document_names("National Cyberspace Security Strategy", "国家网络空间安全战略")},
]


@pytest.mark.parametrize(("question", "expected"), [
    ("网安法对日志留存有什么要求？", ["csl"]),
    ("根据《数据安全法》，重要数据目录由谁制定？", ["dsl"]),
    ("What does the DSL say about data classification?", ["dsl"]),
    ("What must network operators do?", []),
])
def test_a_name_written_out_names_its_document(question, expected):
    assert written_names(question, LIBRARY) == expected


def test_name_phrases_stop_at_function_words():
    assert name_phrases("When did the Cybersecurity Law take effect?") == ["Cybersecurity Law"]
    assert "Minors Protection Law" in name_phrases("Under the Minors Protection Law, who must report abuse?")
    question = "What do the Measures on the Administration of Internet Information Services say?"
    assert any(p.startswith("Measures on the Administration") for p in name_phrases(question))
    assert name_phrases("What does the law require?") == []


def _toy_vectors(texts: list[str]) -> np.ndarray:
    """A stand-in for e5 with known geometry: 'cyber' and 'network'/'internet' share a direction."""
    axes = {"cyber": 0, "network": 0, "internet": 0, "data": 1, "strategy": 2, "law": 3, "security": 4, "safe": 4}
    out = np.zeros((len(texts), 5), dtype=np.float32)
    for i, text in enumerate(texts):
        for word, axis in axes.items():
            out[i, axis] += text.lower().count(word)
        out[i] /= np.linalg.norm(out[i]) or 1.0
    return out


def test_an_english_phrase_names_a_document_of_its_genre_only():
    def same(a, b):
        return a == b

    found = phrase_named("When did the Cybersecurity Law take effect?", LIBRARY, _toy_vectors, 0.9, 0.01, same)
    assert found == ["csl"]  # the strategy shares 'cyber … security' but is not a law
    assert phrase_named("What does the Personal Information Protection Law say?", LIBRARY, _toy_vectors, 0.9, 0.01,
                        same) == []


def test_chapter_and_section_paths_and_references():
    docs = split_documents(["中华人民共和国某某法", "第一章 总则", "第一条 为了规范，制定本法。", "第二章 管理",
                            "第一节 一般规定", "第二条 甲应当乙。", "第二节 特别规定", "第三条 丙应当丁。",
                            "第三章 附则", "第四条 本法自2020年1月1日起施行。"], "x.md")
    articles = {a.label: a for a in parse_articles(docs[0])}
    assert articles["第二条"].path == ["第二章 管理", "第一节 一般规定", "第二条"]
    assert articles["第三条"].path == ["第二章 管理", "第二节 特别规定", "第三条"]
    assert articles["第四条"].path == ["第三章 附则", "第四条"]  # a new chapter closes the sections
    assert structure_refs_in("网络安全法第四章规定了什么？") == [(1, 4)]
    assert structure_refs_in("What does chapter 4, section 2 say?") == [(1, 4), (2, 2)]
    assert heading_ref("第二节 特别规定") == (2, 2)
    assert heading_ref("第二条") is None
