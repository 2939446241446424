"""The evaluation scores what the reader saw: the articles the answer carried (``answer.retrieved``), in the
chain's order, never a search replayed afterwards (which can differ: a summary, a comparison or a version
change swaps the articles the chain reads)."""

from __future__ import annotations

from evals.runner import retrieved_keys, run_backend, seen_by_reader

ITEMS = [
    {"id": "u1", "type": "fact", "language": "en", "question": "When did the regulations take effect?",
     "gold_articles": [], "must_include": [], "reference_answer": ""},
    {"id": "u2", "type": "summary", "language": "en", "question": "Summarise the public account regulations.",
     "gold_articles": [], "must_include": [], "reference_answer": ""},
]


def test_scored_articles_are_the_answers_own(unit_service, monkeypatch):
    answers = []
    ask = unit_service.ask

    def recording(*args, **kwargs):
        answers.append(ask(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(unit_service, "ask", recording)
    rows = run_backend(unit_service, "extractive", ITEMS)
    for row, answer in zip(rows, answers, strict=True):
        carried = [[r.document, r.article] for r in answer.retrieved]
        assert row["retrieved"] == carried, (row["id"], row["retrieved"], carried)


def test_a_replayed_search_would_be_caught(unit_service):
    """If the scored list came from another search than the answer's, the check above fails: a search at
    another depth and without the plan gives another list for the summary question."""
    answer = unit_service.ask(ITEMS[1]["question"])
    carried = retrieved_keys(unit_service.retriever, seen_by_reader(unit_service, answer), ITEMS[1])
    replayed = retrieved_keys(unit_service.retriever, unit_service.retriever.search(ITEMS[1]["question"], k=10),
                              ITEMS[1])
    assert carried == [(r.document, r.article) for r in answer.retrieved]
    assert replayed != carried
