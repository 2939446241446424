"""Article parsing on small texts written here: each heading scheme and each trap."""

from ingest.clean import clean_text
from ingest.documents import split_documents
from ingest.headings import classify
from ingest.parse import parse_text
from netlaw.text.numerals import int_to_zh, roman_to_int, to_int, zh_to_int


def labels(text: str, source: str = "t.txt") -> list[str]:
    parsed = parse_text(text, source)
    return [a.label for arts in parsed.articles.values() for a in arts]


def test_numerals():
    for n in range(1, 200):
        assert zh_to_int(int_to_zh(n)) == n
    assert zh_to_int("十四") == 14
    assert zh_to_int("二十二") == 22
    assert zh_to_int("一百零五") == 105
    assert roman_to_int("VI") == 6
    assert roman_to_int("XIV") == 14
    assert to_int("Six") == 6
    assert to_int("seven") == 7
    assert to_int("12") == 12


def test_english_articles_with_and_without_colon():
    text = ("Some Regulations\n\nArticle 1: These Regulations apply.\n\nArticle 2 Providers shall register.\n\n"
            "Article 3. Users shall comply.\nA second paragraph of Article 3.")
    parsed = parse_text(text, "t.txt")
    arts = parsed.articles[0]
    assert [a.label for a in arts] == ["Article 1", "Article 2", "Article 3"]
    assert "A second paragraph of Article 3." in arts[2].text
    assert parsed.documents[0].title == "Some Regulations"


def test_chinese_articles_with_chinese_numerals():
    text = "某某管理规定\n第一条 为了规范服务，制定本规定。\n第二条　本规定适用于境内。\n第十四条 鼓励行业自律。\n"
    assert labels(text) == ["第一条", "第二条", "第十四条"]


def test_cross_references_are_not_headings():
    text = ("Some Regulations\n\nArticle 1: Scope.\n\n"
            "Article 21 of the Cybersecurity Law applies to these providers.\n\n"
            "Article 2: Duties.\n\n"
            "Article 1 of the Civil Code is also relevant here.\n")
    arts = parse_text(text, "t.txt").articles[0]
    assert [a.label for a in arts] == ["Article 1", "Article 2"]
    assert "Article 21 of the Cybersecurity Law" in arts[0].text
    assert "Article 1 of the Civil Code" in arts[1].text  # numbering must go up


def test_chinese_cross_reference_is_not_a_heading():
    text = "某某规定\n第一条 总则。\n第二十一条规定的义务由平台承担。\n第二条 附则。\n"
    parsed = parse_text(text, "t.txt")
    arts = parsed.articles[0]
    assert [a.label for a in arts] == ["第一条", "第二条"]
    assert "第二十一条规定的" in arts[0].text
    assert classify("第二十一条规定的义务") is None


def test_parts_and_items_of_every_shape():
    text = ("A Plan for Something\n\nThis plan is made for reasons.\n\n"
            "1. First part heading\n\n(1) Guiding ideology\n\nBody of item one.\n\n"
            "(2) Main objectives. Body of item two follows here.\n\n"
            "2、 Second part heading\n\nIntro of part two.\n\n(1) Only item. Body.\n\n"
            "III, Third part\n\n(1) Item. Body.\n\n"
            "V. Fifth part\n\n(1) Item. Body.\n\n"
            "Six, sixth part\n\n(1) Item. Body.\n\n"
            "Seven, seventh part\n\n(1) Item. Body.\n")
    assert labels(text) == [
        "Preamble", "Part 1 (1) Guiding ideology", "Part 1 (2) Main objectives",
        "Part 2 Second part heading", "Part 2 (1) Only item", "Part 3 (1) Item",
        "Part 5 (1) Item", "Part 6 (1) Item", "Part 7 (1) Item",
    ]


def test_chinese_parts_and_items():
    text = ("某某纲要\n一、总体要求\n（一）指导思想。坚持正确方向。\n（二）主要原则。坚持依法治网。\n"
            "二、依法治理网络空间\n网络空间不是法外之地。\n（三）完善网络法律制度。内容。\n")
    assert labels(text) == ["一、（一）指导思想", "一、（二）主要原则", "二、依法治理网络空间",
                            "二、（三）完善网络法律制度"]


def test_paths_record_part_and_item():
    text = "A Plan\n\n1. Leading the work\n\n(2) Prominently publicize the Constitution. Carry out education.\n"
    arts = parse_text(text, "t.txt").articles[0]
    assert arts[0].label == "Part 1 (2) Prominently publicize the Constitution"
    assert arts[0].path == ["1. Leading the work", "Prominently publicize the Constitution"]


def test_numbered_list_inside_an_item_is_body_text():
    text = ("A Plan\n\n1. First part\n\n(1) Item one. Body.\n\n(2) Item two. It covers:\n\n"
            "1. a list entry that restarts numbering;\n\n2. another entry.\n")
    arts = parse_text(text, "t.txt").articles[0]
    assert [a.label for a in arts] == ["Part 1 (1) Item one", "Part 1 (2) Item two"]
    assert "another entry" in arts[1].text


def test_preface_conclusion_and_table_of_contents_once():
    table_of_contents = ["A White Paper", "catalogue", "preface", "1、 First part", "(1) Sub one", "2、 Second part",
                         "Conclusion"]
    body = ["preface", "The preface text.", "1、 First part", "Part one intro.", "(1) Sub one", "Sub one body.",
            "2、 Second part", "Part two body.", "Conclusion", "The end."]
    text = "\n\n".join(table_of_contents + body) + "\n"
    arts = parse_text(text, "t.txt").articles[0]
    assert [a.label for a in arts] == ["Preface", "Part 1 First part", "Part 1 (1) Sub one", "Part 2 Second part",
                                       "Conclusion"]
    assert arts[0].text.endswith("The preface text.")


def test_unstructured_text_falls_back_to_paragraphs():
    text = "A News Story\n\nThe first paragraph says something.\n\nThe second paragraph says more.\n"
    assert labels(text) == ["Paragraph 1", "Paragraph 2"]


def test_posted_on_splits_documents_and_chinese_original_is_linked():
    text = ("Blog\n\nFirst Regulations\n\nPosted on Updated on\n\nArticle 1: Scope of the rules.\n\n"
            "Article 2: These Regulations take effect on 8 October 2017.\n\n"
            "第一规定\n\n第一条 适用范围。\n\n第二条 本规定自2017年10月8日起施行。\n\n"
            "Second Notice\n\nPosted on\n\nAll departments shall comply.\n")
    parsed = parse_text(text, "t.txt")
    titles = [(d.title, d.language, d.doc_type) for d in parsed.documents]
    assert titles == [("First Regulations", "en", "regulation"), ("第一规定", "zh", "regulation"),
                      ("Second Notice", "en", "notice")]
    en, zh = parsed.articles[0], parsed.articles[1]
    assert en[1].parallel_id == zh[1].article_id
    assert zh[1].parallel_id == en[1].article_id
    assert parsed.documents[0].effective == "2017-10-08" == parsed.documents[1].effective


def test_long_article_is_split_into_labelled_parts_with_prefix():
    sentence = "Providers shall keep records of every account and report them to the authorities. "
    text = "Some Regulations\n\nArticle 1: " + sentence * 60 + "\n\nArticle 2: Short."
    chunks = parse_text(text, "t.txt", cap=120).chunks
    first = [c for c in chunks if c.article == "Article 1"]
    assert len(first) > 1
    assert all(c.n_tokens <= 120 for c in first)
    assert first[1].part_label == f"Article 1, part 2 of {len(first)}"
    assert first[1].embed_text.startswith("Some Regulations\nArticle 1\n")
    assert [c.article for c in chunks].count("Article 2") == 1  # never merged with a neighbour


def test_ids_are_stable():
    text = "Some Regulations\n\nArticle 1: A.\n\nArticle 2: B.\n"
    first, second = parse_text(text, "a.txt"), parse_text(text, "a.txt")
    assert [c.chunk_id for c in first.chunks] == [c.chunk_id for c in second.chunks]
    assert parse_text(text, "a.txt").chunks[0].chunk_id != parse_text(text, "b.txt").chunks[0].chunk_id


def test_dates_and_types():
    docs = split_documents(clean_text(
        "Speech at the Forum\n\nPosted on\n\n15 October 2014\n\nToday we meet.\n").paragraphs, "t.txt")
    assert docs[0].doc_type == "speech"
    assert docs[0].issued == "2014-10-15"
