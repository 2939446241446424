"""The reader's rules are general: each rule row has an example it decides and one it does not, and no
reader module is long (that no source names a development library is tests/test_corpus_guard.py's)."""

from __future__ import annotations

import pytest

from netlaw.settings import PROJECT_ROOT, ReaderSettings
from qa.reading.patterns import RULES
from qa.reading.scoring import is_header_line
from qa.reading.spans import spans

READER_FILES = sorted((PROJECT_ROOT / "qa" / "reading").glob("*.py")) + [PROJECT_ROOT / "qa/backends/extractive.py"]

# rule → (a text it decides, a text it does not)
EXAMPLES = {
    "heading_only": ("Article 12", "Article 12: Providers shall keep logs."),
    "label": ("第九条 网络运营者应当……", "Providers shall keep logs under Article 9."),
    "item": ("（一）建立健全用户信息保护制度；", "一般规定"),
    "lead_in": ("Providers shall do the following:", "Providers shall keep logs."),
    "enum_after": ("Personal information includes names, addresses and numbers.", "Names are recorded."),
    "defines": ("“Personal information” refers to information that identifies a person.", "Information is kept."),
    "purpose": ("In order to protect citizens' rights, this Law is formulated.", "This Law applies to operators."),
    "effect_asked": ("Since when does the regulation apply?", "Who enforces the regulation?"),
    "effect": ("These Measures take effect on 1 June 2017.", "These Measures were signed on 1 June 2017."),
    "person_asked": ("Which official signed the decree?", "Which body enforces the decree?"),
    "issuer_asked": ("Which ministry issued the decree?", "Which body must platforms set up?"),
    "sentence_end": ("Providers shall keep logs.", "No. 25"),
    "field_line": ("Chairperson: Jane Doe", "Providers shall keep logs: six months."),
}


def test_every_rule_has_an_example():
    assert set(EXAMPLES) == set(RULES)
    for rule in RULES.values():
        assert rule.decides
        assert rule.why


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_rule_decides_its_example_and_not_the_other(name):
    yes, no = EXAMPLES[name]
    pattern = RULES[name].pattern
    assert pattern.search(yes), (name, yes)
    if name == "field_line":  # the form and the length together: a long or punctuated line is a sentence
        assert not is_header_line(no, 10)
    else:
        assert not pattern.search(no), (name, no)


def test_a_header_line_is_found_by_its_form_not_by_a_title():
    assert is_header_line("Chairperson: Jane Doe", 30)  # a signatory's line, wherever it stands
    assert is_header_line("No. 25", 1)  # a short line among the first
    assert not is_header_line("No. 25", 10)
    assert not is_header_line("Providers shall keep the logs.", 0)


@pytest.mark.parametrize(("kind", "sentence", "answer"), [
    ("place", "The conference was held in Riverton on 3 May.", "Riverton"),
    ("place", "会议在某某市召开。", "某某市"),
    ("place", "会议在滨海召开。", "滨海"),
    ("place", "the offices of Ashford, Brookvale, and Carrow spoke", "Ashford, Brookvale, and Carrow"),
    ("place", "Signed memoranda with Ashland, Borduria, and other countries.", "Ashland, Borduria"),
    ("date", "不得在每日二十二时至次日八时提供服务", "二十二时至次日八时"),
    ("date", "No service between 10 p.m. and 8 a.m. is allowed.", "between 10 p.m. and 8 a.m"),
    ("body", "The XYZA shall supervise the work.", "XYZA"),
    ("docnum", "Issued as Abc No. (2031) 7.", "Abc No. (2031) 7"),
])
def test_spans_are_found_by_their_form(kind, sentence, answer):
    assert answer in [sentence[s:e] for s, e in spans(kind, sentence)]


@pytest.mark.parametrize(("kind", "sentence"), [
    ("place", "in accordance with Article 5 in March 2020"),
    ("place", "互联网论坛社区服务和市场"),
    ("body", "a fine of RMB 5,000"),
])
def test_what_only_looks_like_a_span_is_not_one(kind, sentence):
    assert spans(kind, sentence) == []


@pytest.mark.parametrize("path", READER_FILES, ids=lambda p: p.name)
def test_no_reader_module_is_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_every_reader_setting_is_described():
    for name, info in ReaderSettings.model_fields.items():
        assert name.startswith("reader_")
        assert info.description, name


@pytest.mark.parametrize(("question", "kind"), [
    ("哪部法律要求处理个人信息达到一定数量的处理者指定个人信息保护负责人？", "other"),  # 数量 is a condition here
    ("Which law requires processors to appoint an officer?", "other"),
    ("处理者应当指定多少名负责人？", "number"),
])
def test_a_question_asking_which_document_is_not_a_count(question, kind):
    from qa.reading.question import analyse

    assert analyse(question).kind == kind


class _FlatEmbedder:
    """Every text the same vector: the reader ranks by its terms and the source's rank alone."""

    def embed_query(self, text):
        return [1.0, 0.0]

    def embed_cached(self, texts):
        import numpy as np

        return np.array([[1.0, 0.0] for _ in texts], dtype=np.float32)


def _reader():
    from types import SimpleNamespace

    from netlaw.settings import Settings
    from qa.reading.reader import GeneralReader

    library = SimpleNamespace(documents=lambda: [], embedder=_FlatEmbedder(),
                              snapshot=lambda: SimpleNamespace(keyword=SimpleNamespace(idf=lambda term: 1.0)))
    return GeneralReader(Settings(), library)


def _sources():
    from qa.records import Source

    head = "Widget Operator Rules\nNo. 7\nChairperson: Jane Doe\nThese Rules were adopted on 1 May 2030."
    return [Source(1, "w0", "Widget Operator Rules", "Preamble", head, "c0", "en", "regulation", []),
            Source(2, "w5", "Widget Operator Rules", "Article 5",
                   "Article 5: The Supervision Bureau oversees compliance and receives complaints.", "c5", "en",
                   "regulation", ["Article 5"])]


def test_a_header_line_answers_who_signed_the_document():
    reading = _reader().read("Who signed the Widget Operator Rules?", _sources())
    assert "**Jane Doe**" in reading.lines[0]


def test_a_header_line_never_answers_what_the_document_provides():
    """Without the header rule the signatory's line (which holds the title's words) answers 'which body
    oversees …' with 'Chairperson: Jane Doe'."""
    reading = _reader().read("Which body oversees the Widget Operator Rules?", _sources())
    assert "Jane Doe" not in reading.lines[0]
    assert "Supervision Bureau" in reading.lines[0]


def test_a_history_line_answers_when_the_law_was_amended_not_when_a_duty_applies():
    from qa.records import Source

    text = "2030年5月1日第三次修正\n第一条 服务提供者不得在每日二十二时至次日八时提供服务。"
    sources = [Source(1, "m0", "某某保护法", "序言", text, "c0", "zh", "law", [])]
    assert "二十二时至次日八时" in _reader().read("服务提供者不得在每日什么时间段提供服务？", sources).lines[0]
    assert "2030年5月1日" in _reader().read("某某保护法什么时候修正的？", sources).lines[0]
