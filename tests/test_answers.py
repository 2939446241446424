"""Answers a person can use: question analysis, answer spans, the answer-first reader, the line-aware
citation check, near-topic refusals, summaries, comparisons and the asker's language."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from netlaw import settings as _settings
from qa.question import analyse
from qa.records import Source
from qa.spans import spans
from qa.verify import CitationChecker

S = _settings.Settings()


@pytest.mark.parametrize(("question", "kind"), [
    ("How long must public account platforms keep logs?", "duration"),
    ("For how many days is the data kept?", "duration"),
    ("When did the public account regulations take effect?", "date"),
    ("In what year was the white paper released?", "date"),
    ("What was the scale of China's digital economy in 2021?", "number"),
    ("How many internet courts are there?", "number"),
    ("Where was the 2024 conference held?", "place"),
    ("In which cities did China set up internet courts?", "place"),
    ("Who is responsible for supervising public account information services?", "body"),
    ("Which authority supervises instant messaging tools?", "body"),
    ("Which document number did the State Council notice have?", "docnum"),
    ("What are the main objectives of the plan?", "list"),
    ("What new technology applications does the Outline mention?", "list"),
    ("What does 'public account information service provider' mean?", "definition"),
    ("Can users register anonymously?", "yesno"),
    ("What does Article 12 of the public account regulations say?", "article"),
    ("Summarize the public account regulations.", "summary"),
    ("How do the telephone real-name rules differ from the public account rules?", "comparison"),
    ("本规定自何时起施行？", "date"),
    ("公众账号信息服务平台应当保存日志多久？", "duration"),
    ("互联网用户公众账号的注册需要缴纳多少费用？", "number"),
    ("中国在哪些城市设立了互联网法院？", "place"),
    ("哪个部门负责全国的公众账号监督管理？", "body"),
    ("第十四条规定了什么", "article"),
    ("概括一下《互联网用户公众账号信息服务管理规定》的主要内容。", "summary"),
    ("《互联网用户公众账号信息服务管理规定》和《互联网新闻信息服务单位约谈工作规定》有什么区别？", "comparison"),
    ("平台是否可以泄露用户个人信息？", "yesno"),
    ("约谈的情形有哪些？", "list"),
    ("约谈情况会记录到哪里？", "other"),  # a record's file, not a place
    ("Where must the content records be kept?", "other"),
    ("Which personal rights do they list?", "list"),  # not "which person"
    ("Which offices set up the admonishment system?", "body"),
])
def test_the_asked_kind_is_recognised(question, kind):
    assert analyse(question).kind == kind


def test_focus_money_sides_parts_and_laws():
    q = analyse("What is the maximum fine under the Personal Information Protection Law?")
    assert q.kind == "number"
    assert q.money
    assert q.laws == ["Personal Information Protection Law"]
    assert "fine" in q.focus
    assert "what" not in q.focus
    q = analyse("How do the telephone real-name rules differ from the public account rules?")
    assert q.sides == ["the telephone real-name rules", "the public account rules"]
    q = analyse("How long must logs be kept and what is the fine for not keeping them?")
    assert [p.kind for p in q.parts] == ["duration", "number"]
    assert q.parts[1].money
    assert analyse("《网络安全法》规定的最高罚款金额是多少？").laws == ["网络安全法"]
    assert analyse("八五普法规划为网络普法安排了多少经费？").money  # funds are a sum, not "one network"
    focus = analyse("When did the public account regulations take effect?").focus
    assert focus == ["public", "account", "take", "effect"]


@pytest.mark.parametrize(("kind", "sentence", "expected"), [
    ("duration", "Providers shall preserve this for no less than six months according to regulations.",
     "no less than six months"),
    ("date", "These Regulations will take effect on 8 October 2017.", "8 October 2017"),
    ("date", "本规定自2017年10月8日起施行。", "2017年10月8日"),
    ("number", "The digital economy is strong, with a scale of 45.5 trillion yuan in 2021.", "45.5 trillion yuan"),
    ("place", "The CAC held a national conference on the rule of law on the Internet in Tianjin.", "Tianjin"),
    ("body", "the Cyberspace Administration of China is responsible for supervision nationwide.",
     "the Cyberspace Administration of China"),
    ("docnum", "Ministry of Industry and Information Technology Decree No. 25.", "Decree No. 25"),
])
def test_answer_spans(kind, sentence, expected):
    found = [sentence[s:e] for s, e in spans(kind, sentence)]
    assert expected in found, found


def test_an_article_ordinal_is_not_a_count():
    sentence = "第五条 互联网用户公众账号信息服务提供者应当设立总编辑等信息内容安全负责人岗位。"
    assert not spans("number", sentence)
    count = "共有五条规定。"
    assert [count[s:e] for s, e in spans("number", count)] == ["五条"]


def test_no_money_in_a_sentence_without_one():
    assert not spans("number", "Violations will be punished by the relevant department according to law.", money=True)
    assert not spans("place", "the general secretary of the Communist Party of China")


SOURCES = [
    Source(1, "a16", "Internet User Public Account Information Service Management Regulations", "Article 16",
           "Article 16: Providers shall record users' disseminated content and daily records, and preserve this "
           "for no less than six months according to regulations.", "c16", "en", "regulation", ["Article 16"]),
    Source(2, "a1", "On February 28, the CAC held a national conference in Tianjin", "Paragraph 1",
           "On February 28, the CAC held a national conference on the rule of law on the Internet in Tianjin.",
           "c1", "en", "news", []),
]


def test_a_long_sentence_in_the_other_language_is_cut_where_its_translation_answers():
    from qa.reading.base import Candidate
    from qa.reading.reader import GeneralReader

    text = ("In order to stimulate the healthy and orderly development of microblog information services, protect "
            "the lawful rights and interests of citizens, legal persons and other organizations, and safeguard "
            "national security and the public interest, on the basis of the “Cybersecurity Law of the People’s "
            "Republic of China” and the “State Council Notice concerning Authorizing the Cyberspace Administration "
            "of China to take Responsibility for Internet Information Content Work”, these Regulations are "
            "formulated, and this sentence is long enough to be cut.")
    source = Source(1, "m1", "Microblog Information Service Management Regulations", "Article 1", text, "c",
                    "en", "regulation", ["Article 1"])
    q = analyse("微博客信息服务管理规定是依据哪部法律制定的？")
    library = SimpleNamespace(  # the title's words (in either language) say which document, not which clause
        documents=lambda: [{"title": source.document, "alt_title": "微博客信息服务管理规定"}],
        snapshot=lambda: SimpleNamespace(keyword=SimpleNamespace(idf=lambda term: 1.0)), embedder=None)
    reader = GeneralReader(S, library)
    line, whole = reader._answer_line(q, Candidate(source, 0, text, 0.5, across=True), None)
    assert not whole
    assert "Cybersecurity Law" in line
    assert not line.startswith("**In order to")


def test_citation_check_keeps_lines_bold_bullets_short_spans_and_headings():
    text = ("**no less than six months** [1]\n"
            f"**{SOURCES[0].document}**\n"
            "- Providers shall record users' disseminated content and daily records [1].\n"
            "**Tianjin** [2]\n"
            "**Shanghai** [2]\n"
            "Bananas are blue [1].")
    v = CitationChecker(S).check(text, SOURCES)
    lines = v.text.split("\n")
    assert lines[0] == "**no less than six months** [1]"
    assert lines[1] == f"**{SOURCES[0].document}**"
    assert lines[2].startswith("- Providers shall record")
    assert lines[2].endswith("[1].")
    assert lines[3] == "**Tianjin** [2]"
    assert "Shanghai" not in v.text
    assert "Bananas" not in v.text
    assert v.dropped == 1


@pytest.fixture(scope="module")
def service(bundled_settings):
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    return AnswerService(bundled_settings, HybridRetriever(bundled_settings))


def test_the_answer_comes_first_in_bold_with_its_citation_and_no_article_label(service):
    a = service.ask("How long must public account platforms keep logs?")
    first = a.answer.split("\n")[0]
    assert "**no less than six months**" in first
    assert "[" in first
    assert a.support == "direct"
    assert a.kind == "duration"
    assert not a.refused
    assert "Article 16:" not in a.answer
    a = service.ask("When did the public account regulations take effect?")
    assert "**8 October 2017**" in a.answer.split("\n")[0]


def test_near_topic_questions_are_refused_in_the_askers_language(service):
    a = service.ask("What is the maximum fine under the Personal Information Protection Law?")
    assert a.refused
    assert a.support == "none"
    assert not a.citations
    a = service.ask("互联网用户公众账号的注册需要缴纳多少费用？")
    assert a.refused
    assert a.support == "none"
    assert a.answer.startswith("资料库中的文件")
    assert "the" not in a.answer


def test_a_fact_of_a_neighbouring_year_or_country_is_not_the_answer(service):
    """The library states the 2021 size of the digital economy and a 2019 dialogue with Germany:
    neither answers for 2025 or for Thailand."""
    a = service.ask("What size does the white paper expect China's digital economy to reach by 2025?")
    assert a.refused, a.answer
    assert a.support == "none"
    a = service.ask("When did China sign its cybersecurity cooperation memorandum with Thailand?")
    assert a.refused, a.answer
    assert a.support == "none"
    a = service.ask("2024年全国网络法治工作会议上，哪些地方的网信办作了交流发言？")  # 2024: in the item's 4th paragraph
    assert not a.refused
    assert "Shanxi" in a.answer.split("\n")[0]


def test_a_document_named_in_the_other_language_answers(service):
    a = service.ask("When did the rules on admonishment meetings with internet news services start to apply?")
    assert not a.refused, a.refusal_reason
    assert "2015年6月1日" in a.answer.split("\n")[0]
    assert a.citations[0].document == "互联网新闻信息服务单位约谈工作规定"


def test_a_signature_and_an_entry_into_force_are_read_from_the_decree_header(service):
    a = service.ask("Who signed the Telephone User Real Identity Information Registration Regulations?")
    assert "**Miao Wei**" in a.answer.split("\n")[0]
    # the decree was signed on 16 July 2013 and takes effect on 1 September 2013
    a = service.ask("When did the telephone user real identity registration regulations come into force?")
    assert "**1 September 2013**" in a.answer.split("\n")[0]


def test_a_follow_up_is_answered_by_its_own_words_not_by_the_subject_it_carries(service):
    first = service.ask("What did the 2024 national conference on the rule of law on the Internet review?")
    history = [{"role": "user", "content": first.question, "standalone": first.standalone_question},
               {"role": "assistant", "content": first.answer,
                "citations": [{"document": c.document, "article": c.article} for c in first.citations]}]
    # "Tianjin" is in the subject's title that the standalone question carries: it is still the answer
    a = service.ask("Where was it held?", history=history)
    assert "**Tianjin**" in a.answer.split("\n")[0], a.answer
    # of the three officials named in one sentence, the one the follow-up's own words point to
    a = service.ask("Who attended it from the Tianjin city government?", history=history)
    assert "**Zhu Peng**" in a.answer.split("\n")[0], a.answer


def test_answerable_figure_is_not_refused(service):
    a = service.ask("What was the scale of China's digital economy in 2021 according to the white paper?")
    assert not a.refused
    assert "45.5 trillion yuan" in a.answer.split("\n")[0]


def test_chinese_question_quotes_the_chinese_original(service):
    a = service.ask("互联网用户公众账号信息服务管理规定自何时起施行？")
    assert not a.refused
    assert "2017年10月8日" in a.answer.split("\n")[0]
    assert a.citations[0].parallel
    assert a.citations[0].parallel.language == "en"


def test_summary_and_comparison(service):
    a = service.ask("Summarize the public account regulations.")
    assert not a.refused
    assert a.kind == "summary"
    assert "standardize Internet user public account information services" in a.answer.split("\n")[0]
    assert "8 October 2017" in a.answer
    assert len(a.citations) >= 5
    retrieved = {r.article_id for r in a.retrieved}
    assert all(c.article_id in retrieved for c in a.citations)
    a = service.ask("How do the telephone real-name rules differ from the public account rules?")
    assert not a.refused
    assert a.kind == "comparison"
    cited = {c.document for c in a.citations}
    assert cited == {"Telephone User Real Identity Information Registration Regulations",
                     "Internet User Public Account Information Service Management Regulations"}
    first = a.answer.split("\n")[0]
    assert "telephone users" in first
    assert "public account information services" in first


def test_generative_backends_get_the_asked_kind(service):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from qa.backends.generative import GenerativeBackend

    seen = {}

    class Recording(FakeListChatModel):
        def _call(self, messages, *args, **kwargs):
            seen["prompt"] = "\n".join(str(m.content) for m in messages)
            return super()._call(messages, *args, **kwargs)

        def _stream(self, messages, *args, **kwargs):
            seen["prompt"] = "\n".join(str(m.content) for m in messages)
            yield from super()._stream(messages, *args, **kwargs)

    model = Recording(responses=["Providers shall preserve disseminated content and daily records for no less "
                                 "than six months [1]."])
    service._backends["openai"] = GenerativeBackend("openai", model, service.settings)
    a = service.ask("How long must public account platforms keep logs?", backend="openai")
    assert "a duration (how long)" in seen["prompt"]
    assert "answer first" in seen["prompt"]
    assert a.backend == "openai"
    assert "six months" in a.answer
    assert a.support == "direct"
    # a near-topic question is refused before the model is asked
    seen.clear()
    a = service.ask("What is the maximum fine under the Personal Information Protection Law?", backend="openai")
    assert a.refused
    assert "prompt" not in seen
