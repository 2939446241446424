"""Rendering (service/render.py) and the UI's handlers (ui/ pages as plain methods) over the real chain
on the fake-embedded bundled corpus: what a person sees, without a browser."""

from __future__ import annotations

import pytest

from service.feedback import FeedbackStore
from service.render import answer_html, article_html, escape_html
from service.users import Users

PA = "Internet User Public Account Information Service Management Regulations"


class RecordedAudit:
    def __init__(self) -> None:
        self.records: list[tuple] = []

    def record(self, answer, who, channel, latency_s):
        self.records.append((answer, who, channel, latency_s))


@pytest.fixture
def desk(unit_service, unit_settings, tmp_path):
    from ui.helpdesk import Helpdesk

    audit = RecordedAudit()
    return Helpdesk(unit_service, unit_settings, Users(None, None), FeedbackStore(tmp_path / "f.sqlite"), audit), audit


def test_an_answer_renders_with_citation_chips_and_sources(unit_service):
    record = unit_service.ask("When did the public account regulations take effect?").to_json()
    html = answer_html(record, 4)
    assert '<a class="cite-chip" href="#" data-answer="4" data-marker="1"' in html
    assert "<b>8 October 2017</b>" in html or "<strong>8 October 2017</strong>" in html
    assert f"{PA}, Article 18</li>" in html


def test_a_refusal_renders_escaped_with_suggestions(unit_service):
    record = unit_service.ask("What is the capital of France? <script>alert(1)</script>").to_json()
    html = answer_html(record, 0)
    assert 'class="refusal"' in html
    assert "You may want to read:" in html
    assert "<script>" not in html
    assert "cite-chip" not in html


def test_the_source_viewer_marks_the_used_sentence_beside_the_parallel_version(unit_service):
    answer = unit_service.ask("When did the public account regulations take effect?")
    cite = answer.to_json()["citations"][0]
    article = unit_service.retriever.article(cite["article_id"]).to_json()
    html = article_html(article, cite["sentences"], cite["parallel"])
    assert "<mark>" in html
    assert 'class="col parallel"' in html


def test_chat_handlers_answer_open_the_source_and_rate(desk):
    from ui.chat import AskOptions
    from ui.session import Caller

    helpdesk, audit = desk
    alice = Caller("alice", admin=False)
    steps = list(helpdesk.chat.respond("When did the public account regulations take effect?", [], [],
                                       AskOptions("extractive", 5, "English"), alice))
    chat, answers, box = steps[-1]
    assert len(steps) >= 3  # the question at once, tokens, the answer
    assert box == ""
    assert 'class="cite-chip"' in chat[-1]["content"]
    assert answers[0]["user"] == "alice"
    assert audit.records[0][1:3] == ("alice", "ui")
    viewer = helpdesk.chat.open_source("0:1", answers)
    assert "These Regulations will take effect on 8 October 2017" in viewer
    row, status = helpdesk.chat.rate(1, True, answers, alice)
    assert row
    assert "saved" in status


def test_a_follow_up_in_the_chat_is_understood_from_the_previous_answer(desk):
    from ui.chat import AskOptions

    helpdesk, _ = desk
    options = AskOptions("extractive", 5)
    *_, (chat, answers, _box) = helpdesk.chat.respond("When did the public account regulations take effect?",
                                                      [], [], options, _anonymous())
    *_, (chat, answers, _box) = helpdesk.chat.respond("And who supervises them?", chat, answers, options,
                                                      _anonymous())
    assert f"Understood as: And who supervises them? ({PA})" in chat[-1]["content"]


def _anonymous():
    from ui.session import Caller

    return Caller()


def test_library_handlers_list_documents_and_show_articles(desk):
    helpdesk, _ = desk
    table = helpdesk.library.table()
    assert [PA, "regulation"] == table[[row[0] for row in table].index(PA)][:2]
    picker = helpdesk.library.articles_of(PA)
    labels = [label for label, _ in picker["choices"]]
    assert labels[:2] == ["Article 1", "Article 2"]
    article_id = dict(picker["choices"])["Article 18"]
    html = helpdesk.library.show_article(article_id)
    assert "8 October 2017" in html
    assert "2017年10月8日" in html  # the Chinese original beside it


def test_a_library_row_opens_the_outline_and_an_outline_item_the_article(desk):
    """The Library tab's two clicks: a row gives the document's outline (its articles as links, the
    file name only in the details line), an outline item gives the article."""
    helpdesk, _ = desk
    assert f'data-doc="{PA}"' in helpdesk.library.table_html()
    assert ".txt" not in helpdesk.library.table_html()
    outline, viewer = helpdesk.library.open_target(f"doc:{PA}")
    assert viewer == ""
    assert outline.count('class="outline-link"') == 18
    assert "Source file:" in outline.split('class="details"')[1]
    article_id = outline.split('data-article="')[18].split('"')[0]  # the 18th article
    _, viewer = helpdesk.library.open_target(f"article:{article_id}")
    assert "8 October 2017" in viewer
    assert helpdesk.library.open_target("doc:No such document")[0] == ""


def test_page_load_shows_the_admin_parts_to_administrators_only(desk):
    from ui.session import Caller

    helpdesk, _ = desk
    upload_box, feedback_box, who, table, doc_pick, chat_documents, insights_tab = helpdesk.on_load(
        Caller("root", admin=True))
    assert upload_box["visible"]
    assert insights_tab["visible"]
    assert feedback_box["visible"]
    assert "root" in who
    assert PA in doc_pick["choices"]
    assert doc_pick["choices"] == chat_documents["choices"]
    assert table == helpdesk.library.table_html()  # the Library tab's table, re-read
    assert all(f'data-doc="{escape_html(title)}"' in table for title in doc_pick["choices"])
    upload_box, *_, insights_tab = helpdesk.on_load(Caller("bob", admin=False))
    assert not upload_box["visible"]
    assert not insights_tab["visible"]


def test_a_refusal_suggestion_opens_its_article_and_an_answer_copies_as_plain_text(desk):
    from ui.chat import AskOptions
    from ui.session import Caller

    helpdesk, _ = desk
    refusal = helpdesk.chat.service.ask("What is the capital of France?").to_json()
    assert refusal["suggestions"]
    html = answer_html(refusal, 0)
    suggestion = refusal["suggestions"][0]
    assert f'data-article="{suggestion["article_id"]}"' in html
    viewer = helpdesk.chat.open_source(f"article:{suggestion['article_id']}", [])
    assert f"<h3>{escape_html(suggestion['document'])}</h3>" in viewer
    chat, answers, _ = list(helpdesk.chat.respond("When did the public account regulations take effect?", [], [],
                                                  AskOptions("extractive", 5), Caller()))[-1]
    copies = helpdesk.chat.copies(answers[-1])
    assert "<" not in copies["text"]
    assert f"[1] {PA}, Article 18" in copies["text"]
    assert 'class="copy-answer" data-format="text"' in chat[-1]["content"]
