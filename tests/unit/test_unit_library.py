"""Questions about the library itself, answered from its metadata (issue 14, point 1), and the
library's table and landing-page overview, on the fake-embedded bundled corpus."""

from __future__ import annotations

import pytest

PA = "Internet User Public Account Information Service Management Regulations"
PA_ZH = "互联网用户公众账号信息服务管理规定"
OUTLINE = "Implementation Outline for the Construction of a Rule of Law Society (2020-2025) [Excerpts]"


def library_answer(service, question: str):
    """Ask; the answer must be a library answer, not a refusal."""
    answer = service.ask(question)
    assert not answer.refused
    assert answer.kind == "library"
    return answer


def test_which_documents_are_in_the_library_is_answered_not_refused(unit_service):
    """Before: "Which documents are in the library?" was refused (no article states it)."""
    answer = library_answer(unit_service, "Which documents are in the library?")
    titles = [d["title"] for d in unit_service.retriever.documents()]
    assert answer.support == "direct"
    assert answer.answer.startswith(f"The library holds {len(titles)} documents:")
    assert all(f"**{title}**" in answer.answer for title in titles)
    assert "**Regulations**" in answer.answer
    assert f"**{OUTLINE}** — English · 9 articles · excerpt" in answer.answer
    assert ".txt" not in answer.answer


@pytest.mark.parametrize(("question", "opening", "present", "absent"), [
    ("What regulations do you have on public accounts?", "The library holds ",
     ["on “public accounts”:", f"**{PA}**"], ["Speech at the Forum on Literature and Art"]),
    ("你们有哪些法规？", "资料库收录", ["**法规与规章**", f"**{PA_ZH}** — 施行 2017-10-08 · 中文 · 18条"], []),
])
def test_a_question_about_the_library_lists_its_documents_in_the_askers_language(
        unit_service, question, opening, present, absent):
    """On a topic, only the documents on it; a Chinese question gets a Chinese list."""
    text = library_answer(unit_service, question).answer
    assert text.startswith(opening)
    assert [p for p in present if p not in text] == []
    assert [a for a in absent if a in text] == []


def test_a_topic_the_library_does_not_hold_says_so_and_lists_what_it_holds(unit_service):
    answer = library_answer(unit_service, "What regulations do you have on kite flying?")
    assert answer.answer.startswith("No document in the library is about “kite flying”.")
    assert f"**{PA}**" in answer.answer


def test_the_landing_page_and_the_table_show_what_the_library_holds(unit_retriever):
    """Before: the landing page listed no documents; the table showed internal file names and no
    word of excerpts."""
    from service.library import LIBRARY_COLUMNS, Library

    library = Library(unit_retriever)
    summary, catalogue = library.overview()
    assert summary.startswith(f"The library holds {len(library.documents())} documents (")
    assert "Which documents are in the library?" in summary
    assert f"- **{OUTLINE}** — English · 9 articles · excerpt" in catalogue
    assert f"- **{PA}** — in force 2017-10-08 · English · 18 articles" in catalogue
    rows = {row[0]: row for row in library.rows()}
    assert len(LIBRARY_COLUMNS) == len(rows[PA])
    assert rows[OUTLINE][1:] == ["plan", "", "English", "9 (excerpt)", ""]
    assert rows[PA_ZH][1:] == ["regulation", "2017-10-08", "Chinese", "18", ""]
    assert not any(".txt" in str(cell) for row in rows.values() for cell in row)


def test_a_topic_made_of_library_words_is_still_a_topic(unit_service):
    """"the rule of law": "rule" and "law" are also words that ask about the library."""
    answer = unit_service.ask("What documents do you have on the rule of law?")
    assert "on “the rule of law”:" in answer.answer
    assert f"**{OUTLINE}**" in answer.answer
    assert "The Construction of China's Internet Rule of Law in the New Era" in answer.answer
    assert f"**{PA}**" not in answer.answer
