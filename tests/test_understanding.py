"""Asking in one's own words and language: typo correction, dictionary translation, bilingual
titles, conversation focus — pure pieces, no store — and the real retriever on the bundled corpus."""

from __future__ import annotations

from benchmarks.servers import CORPUS
from ingest.titles import parse_sidecar, titles_beside
from qa.rewrite import conversation_focus, rule_rewrite
from vectorstore.spelling import SpellingCorrector
from vectorstore.translate import en_to_zh, zh_to_en

LIBRARY = ["Internet user public account information service providers shall preserve records for no less "
           "than six months according to regulations.", "The Cyberspace Administration of China supervises."]


def test_typos_are_corrected_and_real_words_left_alone():
    fix = SpellingCorrector(LIBRARY)
    assert fix.correct("How long must the regulatoins keep acount records?") == \
        "How long must the regulations keep account records?"
    # correctly spelled words the library does not use stay as they are
    assert fix.correct("rules for bloggers") == "rules for bloggers"
    assert fix.correct("Cyberspace Adminstration") == "Cyberspace Administration"


def test_dictionary_translation_both_ways():
    english = zh_to_en("中国在哪些城市设立了互联网法院？")
    assert "court" in english
    assert "city" in english
    assert "Internet" in english
    assert "2022" in zh_to_en("截至2022年6月")
    assert "新闻" in en_to_zh("internet news service")


def test_bilingual_titles_come_from_the_librarys_titles_file():
    titles = titles_beside(CORPUS / "000_3e63832fe931117c.txt")
    assert titles.other("Microblog Information Service Management Regulations") == "微博客信息服务管理规定"
    assert titles.other("Explaining the “Telephone User Real Identity Information Registration "
                        "Regulations”") == "解读《电话用户真实身份信息登记规定》"
    assert titles.other("互联网用户账号名称管理规定") == "Internet User Account Name Management Regulations"
    assert titles.other("Some unknown page") is None
    assert not titles_beside(CORPUS.parent / "elsewhere" / "x.txt")  # no titles.tsv there: no titles
    parsed = parse_sidecar("# comment\nA Rules\t甲规定\nno tab here\n")
    assert parsed.pairs == {"A Rules": "甲规定"}


DOCS = [{"doc_id": "pa-en", "title": "Internet User Public Account Information Service Management Regulations",
         "alt_title": "互联网用户公众账号信息服务管理规定"},
        {"doc_id": "pa-zh", "title": "互联网用户公众账号信息服务管理规定",
         "alt_title": "Internet User Public Account Information Service Management Regulations"},
        {"doc_id": "tel", "title": "Telephone User Real Identity Information Registration Regulations",
         "alt_title": None}]


def test_conversation_focus_prefers_the_named_document_and_adds_its_other_language():
    history = [{"role": "user", "content": "What is the purpose of the Telephone User Real Identity Information "
                                           "Registration Regulations?"},
               {"role": "assistant", "content": "…", "citations": [{"document": DOCS[0]["title"]}]}]
    assert [d.doc_id for d in conversation_focus(history, DOCS)] == ["tel"]
    history[0]["content"] = "What must platforms keep?"
    assert sorted(d.doc_id for d in conversation_focus(history, DOCS)) == ["pa-en", "pa-zh"]


def test_elliptic_follow_up_carries_the_previous_question():
    history = [{"role": "user", "content": "Where has China set up internet courts?"},
               {"role": "assistant", "content": "…", "citations": [{"document": "White paper"}]}]
    assert "internet courts" in rule_rewrite("In which cities?", history)
    assert rule_rewrite("When did they take effect?", history).endswith("(White paper)")


def test_cross_lingual_retrieval_on_the_bundled_corpus(retriever):
    hits = retriever.search("中国在哪些城市设立了互联网法院？")
    assert any("Hangzhou" in h.text for h in hits[:3])
    # an English question reaches the Chinese-only admonishment provisions
    hits = retriever.search("Which departments carry out admonishment meetings with internet news services?")
    assert any(h.document == "互联网新闻信息服务单位约谈工作规定" for h in hits[:5])
    # an article and its parallel version are one result, in the question's language
    hits = retriever.search("公众账号信息服务提供者应当保存日志多长时间？")
    labels = [h.article for h in hits]
    assert "第十六条" in labels[:3]
    assert "Article 16" not in labels


def test_paraphrase_and_follow_up_focus(retriever):
    hits = retriever.search("How long must public account platforms keep logs?")
    assert "Article 16" in [h.article for h in hits[:5]]
    pa = next(d["doc_id"] for d in retriever.documents()
              if d["title"] == "Internet User Public Account Information Service Management Regulations")
    hits = retriever.search("When did they take effect?", focus=[pa])
    assert "Article 18" in [h.article for h in hits[:3]]
    assert all(h.doc_id == pa for h in hits[:3])
