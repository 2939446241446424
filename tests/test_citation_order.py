"""Citations are numbered in the order the answer first shows them ([1] first), not by retrieval rank."""

from __future__ import annotations

from qa.messages import in_order_of_appearance
from qa.records import Citation


def _citation(marker: int, article: str) -> Citation:
    return Citation(marker=marker, document="Doc", article=article, text="…", chunk_id=f"c{marker}",
                    article_id=f"a{marker}")


def test_the_first_citation_shown_is_number_one():
    text = "Logs are kept six months [3]. Operators must report [1][3].\n- Also [5]."
    renumbered, citations = in_order_of_appearance(text, [_citation(1, "Article 1"), _citation(3, "Article 3"),
                                                          _citation(5, "Article 5")])
    assert renumbered == "Logs are kept six months [1]. Operators must report [2][1].\n- Also [3]."
    assert [(c.marker, c.article) for c in citations] == [(1, "Article 3"), (2, "Article 1"), (3, "Article 5")]


def test_a_marker_of_no_citation_is_left_alone():
    renumbered, citations = in_order_of_appearance("A [2] and [7].", [_citation(2, "Article 2")])
    assert renumbered == "A [1] and [7]."
    assert [c.marker for c in citations] == [1]
