"""A document named by its genre outweighs another title's words in the question (issue 31 point 1).

The library is made up: a white paper, a law whose title shares the question's topic words, two
plans of different years. Before: once the law was in the library, "the 2023 white paper" question
named the law (its title held the topic words), and the year named nothing."""

from qa.documents import named_documents
from qa.genres import genre_named

PAPER = {"doc_id": "paper", "title": "Governing the Digital Commons in the New Era",
         "alt_title": "新时代的数字公地治理", "doc_type": "white paper", "issued": "2023-03"}
LAW = {"doc_id": "law", "title": "中华人民共和国未成年人保护法", "alt_title": None, "doc_type": "law",
       "names": ["未成年人保护法", "Minor Protection Law"]}
LAW_OLD = {**LAW, "doc_id": "law-old"}
PLAN_A = {"doc_id": "plan-a", "title": "Digital Commons Plan (2016-2020)", "alt_title": None, "doc_type": "plan"}
PLAN_B = {"doc_id": "plan-b", "title": "Digital Commons Plan (2021-2025)", "alt_title": None, "doc_type": "plan"}
CITY = {"doc_id": "city", "title": "中华人民共和国城乡规划法", "alt_title": None, "doc_type": "law",
        "names": ["城乡规划法"]}


def test_the_white_paper_named_by_genre_and_year_wins_over_a_law_whose_title_holds_the_topic():
    library = [PAPER, LAW, LAW_OLD]
    for question in ("What does the 2023 white paper say about protecting minors online?",
                     "What does the white paper say about the protection of minors?",
                     "2023年白皮书对保护未成年人上网有什么说法？",
                     "白皮书关于未成年人保护是怎么说的？"):
        assert named_documents(question, library, 0.5) == ["paper"], question
    # without the genre the law's title still names it (the change is the genre's, nothing else)
    assert named_documents("未成年人保护是怎么规定的？", library, 0.5) == ["law", "law-old"]


def test_a_year_picks_one_document_among_several_of_a_genre():
    library = [PLAN_A, PLAN_B, LAW]
    assert genre_named("What does the 2021-2025 plan say about minors?", library).doc_id == "plan-b"
    assert named_documents("What did the 2016 plan set as its goals?", library, 0.5) == ["plan-a"]
    assert genre_named("What does the plan say about minors?", library) is None  # two plans, no year: neither


def test_a_genre_word_inside_a_written_name_or_bound_to_another_title_names_no_genre_document():
    library = [PLAN_B, CITY, LAW]
    assert named_documents("城乡规划法第十条是怎么规定的？", library, 0.5) == ["city"]
    assert genre_named("城乡规划法第十条是怎么规定的？", library) is None
    # "the Minor Protection Law's plan": the modifiers are the law's title words, so the law stays named
    question = "What does the Minor Protection plan require?"
    assert genre_named(question, library).modifiers  # the plan is written, bound to the law's words
    assert named_documents(question, library, 0.5) == ["law"]


def test_a_question_writing_the_other_documents_genre_too_keeps_it_named():
    """A comparison ("How does the … Outline … differ from the 2021-2025 plan?") names both: the genre
    does not outweigh the document whose own genre word the question writes as well."""
    outline = {"doc_id": "outline", "title": "Implementation Outline for Commons Governance",
               "alt_title": "公地治理实施纲要", "doc_type": "plan"}
    question = "How does the Implementation Outline for Commons Governance differ from the 2021-2025 plan?"
    assert genre_named(question, [outline, PLAN_B]) is not None
    assert named_documents(question, [outline, PLAN_B], 0.5) != ["plan-b"]
