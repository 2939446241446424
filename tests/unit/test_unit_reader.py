"""The gate and the extractive reader on real retrieval results (fake-embedded bundled corpus)."""

from __future__ import annotations

from qa.backends.extractive import ExtractiveBackend
from qa.gate import decide
from qa.question import analyse
from qa.reading.reader import GeneralReader
from qa.sources import build_sources


def test_the_gate_answers_on_topic_and_refuses_off_topic(unit_settings, unit_retriever):
    question = "When did the public account regulations take effect?"
    assert not decide(question, unit_retriever.search(question), unit_settings).refused
    off = "What is the capital of France?"
    decision = decide(off, unit_retriever.search(off), unit_settings)
    assert decision.refused
    assert decision.reason == "the closest articles are not about this question"
    assert decide("How long?", [], unit_settings).reason == "nothing in the library matches the question"


def test_the_reader_finds_the_asked_date_in_the_sources(unit_settings, unit_retriever):
    question = "When did the public account regulations take effect?"
    sources = build_sources(unit_retriever.search(question), "en", unit_retriever.article)
    assert [s.marker for s in sources] == list(range(1, len(sources) + 1))
    reader = GeneralReader(unit_settings, unit_retriever)
    reading = reader.read(question, sources, analyse(question))
    assert reading.support == "direct"
    assert reading.lines[0] == "These Regulations will take effect on **8 October 2017** [1]."
    backend = ExtractiveBackend(unit_settings, unit_retriever)
    assert "".join(backend.stream(question, sources, "en", reading=reading)) == reading.text
    assert "".join(backend.stream(question, sources, "en")) == reading.text  # it reads itself when not given one


def test_the_reader_says_what_no_source_states(unit_settings, unit_retriever):
    question = "What is the fine for violating the public account regulations?"
    sources = build_sources(unit_retriever.search(question), "en", unit_retriever.article)
    reading = GeneralReader(unit_settings, unit_retriever).read(question, sources)
    assert reading.support == "none"
    assert reading.reason == "no sentence of the sources states a sum of money about the question"


def test_a_chinese_question_gets_the_chinese_original_with_the_english_beside_it(unit_retriever):
    hits = unit_retriever.search("公众账号信息服务管理规定什么时候施行？")
    sources = build_sources(hits, "zh", unit_retriever.article)
    first = sources[0]
    assert first.language == "zh"
    assert first.parallel is not None
    assert first.parallel.language == "en"


def test_a_signature_line_answers_who_signed_but_nothing_the_document_provides(unit_settings, unit_retriever):
    """A "Role: Name" header line is found by its form (no list of titles): it names the signatory, and is
    never the answer to a question about what the document requires."""
    reader = GeneralReader(unit_settings, unit_retriever)
    signed = "Who signed the Telephone User Real Identity Information Registration Regulations?"
    sources = build_sources(unit_retriever.search(signed), "en", unit_retriever.article)
    assert "Miao Wei" in reader.read(signed, sources).lines[0]
    asked = "Whose consent do telephone user real identity registration regulations require?"
    sources = build_sources(unit_retriever.search(asked), "en", unit_retriever.article)
    reading = reader.read(asked, sources)
    assert not reading.lines or "Miao Wei" not in reading.lines[0]
