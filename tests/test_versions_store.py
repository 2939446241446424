"""Two versions of one law in a real store (the Minors Protection Law of 2020 and as amended in 2024,
evals/fixtures/laws): the text in force answers and says which version it is; a day or an amendment
named in the question, or ``as_of`` given to the API, picks the other; "what changed" quotes both."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.servers import make_settings
from service.api import Api, AskRequest

LAWS = Path(__file__).resolve().parent.parent / "evals" / "fixtures" / "laws"
OLD, NEW = "2020-10-17", "2024-04-26"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from ingest.pipeline import run_ingest
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    s = make_settings(tmp_path_factory.mktemp("versions"), index_refresh_s=0.0)
    run_ingest(sorted(LAWS.glob("未成年人保护法*.md")), s, progress=False)
    return AnswerService(s, HybridRetriever(s))


def _versions(answer) -> set[str | None]:
    return {c.version for c in answer.citations}


def test_the_version_in_force_answers_and_is_named(service):
    answer = service.ask("未成年人保护法第九条是怎么规定的？")
    assert "妇女儿童工作的机构" in answer.answer
    assert _versions(answer) == {NEW}
    assert f"version of {NEW}" in answer.citations[0].label
    assert answer.to_json()["citations"][0]["label"] == answer.citations[0].label


@pytest.mark.parametrize("question", ["2020年版未成年人保护法第九条是怎么规定的？",
                                      "What did Article 9 of the Minors Protection Law say before the 2024 amendment?"])
def test_a_named_version_answers_from_that_text(service, question):
    answer = service.ask(question)
    assert "协调机制" in answer.answer
    assert _versions(answer) == {OLD}
    assert answer.as_of == OLD


def test_as_of_given_to_the_api_picks_the_version_in_force_that_day(service):
    kwargs = Api.ask_kwargs(AskRequest(question="未成年人保护法第九条是怎么规定的？", as_of="2022-03"))
    answer = service.ask("未成年人保护法第九条是怎么规定的？", **kwargs)
    assert _versions(answer) == {OLD}
    with pytest.raises(ValueError, match="as_of"):
        AskRequest(question="q", as_of="March 2022")


def test_what_changed_quotes_both_texts(service):
    answer = service.ask("What changed in Article 9 of the Minors Protection Law?")
    assert not answer.refused
    assert _versions(answer) == {OLD, NEW}
    assert "协调机制" in answer.answer
    assert "妇女儿童工作的机构" in answer.answer
    assert answer.answer.index(NEW) < answer.answer.index(OLD)  # the text in force first


def test_the_library_lists_the_versions_of_one_work(service):
    documents = service.retriever.documents()
    assert sorted(d["version"] for d in documents) == [OLD, NEW]
    assert len({d["work"] for d in documents}) == 1
    assert all(d["doc_type"] == "law" and d["adopted"] == "1991-09-04" for d in documents)


def test_the_library_table_shows_a_work_once_and_the_viewer_its_versions_side_by_side(service):
    from service.library import Library
    from service.render import versions_html

    library = Library(service.retriever)
    rows = library.rows()
    assert len(rows) == 1
    assert rows[0][-1] == f"{OLD}, {NEW} (in force)"
    assert rows[0][2] == "2021-06-01"  # the effective date the law states
    outline = library.articles_of(rows[0][0])
    ninth = library.article(dict(outline)["第九条"])
    assert ninth["version"] == NEW  # the outline opens the text in force
    others = library.versions_of(ninth)
    assert [a["version"] for a in others] == [OLD]
    html = versions_html(ninth, others)
    assert html.index(f"version of {OLD}") < html.index(f"version of {NEW}")
    assert "<del>" in html
    assert "<ins>" in html
    assert "协调机制" in html
