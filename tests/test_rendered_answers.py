"""An English question answered from a Chinese article: the fact in English first, then the quote with the
fact in bold; the citation check accepts the English only when it is the rendering of a fact the quote
states, and checks the quote against the article as always."""

from __future__ import annotations

from netlaw import settings as _settings
from netlaw.text.render import split_rendering, with_rendering
from qa.reading.compose import Composing
from qa.records import Source
from qa.verify import CitationChecker, span_problems

ARTICLE = ("关键信息基础设施的运营者应当自行或者委托网络安全服务机构对其网络的安全性和可能存在的风险"
           "每年至少进行一次检测评估。")


def _source() -> Source:
    return Source(marker=1, article_id="a1", document="某法", article="第三十八条", text=ARTICLE, chunk_id="c1",
                  language="zh", doc_type="law", path=[])


def test_the_line_leads_with_the_fact_in_english_and_bolds_only_the_fact():
    line = Composing._rendered(f"**{ARTICLE}**")
    assert line is not None
    english, quote = split_rendering(line)
    assert english == "at least once a year"
    assert "**每年至少进行一次**" in quote
    assert quote.replace("**", "") == ARTICLE


def test_a_line_without_a_renderable_fact_is_left_alone():
    assert Composing._rendered("**网络运营者应当制定网络安全事件应急预案**") is None


def test_the_checker_keeps_a_true_rendering_and_drops_a_false_one():
    checker = CitationChecker(_settings.get_settings(), None)
    true = with_rendering("at least once a year", ARTICLE) + " [1]"
    kept = checker.check(true, [_source()])
    assert kept.kept
    assert kept.text.startswith("**at least once a year** — ")
    assert ARTICLE.rstrip("。") in kept.citations[0].sentences[0]  # the viewer marks the quote, not the English
    assert split_rendering(with_rendering("at least twice a year", ARTICLE)) is None
    false = with_rendering("at least twice a year", ARTICLE) + " [1]"
    assert span_problems(false, {1: ([ARTICLE], ["某法", "第三十八条"])}), "a wrong rendering must not pass"
    assert not span_problems(true, {1: ([ARTICLE], ["某法", "第三十八条"])})
