"""Which library document a question names (pure: titles in, ids out)."""

from qa.documents import named_documents

LIBRARY = [
    {"doc_id": "pa-en", "title": "Internet User Public Account Information Service Management Regulations",
     "alt_title": "互联网用户公众账号信息服务管理规定"},
    {"doc_id": "pa-zh", "title": "互联网用户公众账号信息服务管理规定",
     "alt_title": "Internet User Public Account Information Service Management Regulations"},
    {"doc_id": "names", "title": "Internet User Account Name Management Regulations",
     "alt_title": "互联网用户账号名称管理规定"},
    {"doc_id": "talks", "title": "互联网新闻信息服务单位约谈工作规定",
     "alt_title": "Provisions on Admonishment Meetings with Internet News Information Services"},
    {"doc_id": "phone", "title": "Telephone User Real Identity Information Registration Regulations",
     "alt_title": "电话用户真实身份信息登记规定"},
    {"doc_id": "strategy", "title": "National Cyberspace Security Strategy", "alt_title": None},
]


def test_a_title_in_either_language_names_the_document_and_its_other_language_version():
    assert named_documents("互联网用户公众账号信息服务管理规定自什么时候起施行？", LIBRARY, 0.5) == ["pa-en", "pa-zh"]
    assert named_documents("How long do the Internet User Public Account Regulations keep logs?", LIBRARY, 0.5) == [
        "pa-en", "pa-zh"]
    assert named_documents("电话用户真实身份信息登记规定是哪位部长签发的？", LIBRARY, 0.5) == ["phone"]


def test_a_partial_english_name_of_a_chinese_only_document_names_it():
    question = "When did the rules on admonishment meetings with internet news services start to apply?"
    assert named_documents(question, LIBRARY, 0.5) == ["talks"]


def test_words_every_title_shares_name_no_document():
    assert named_documents("What must internet information services do?", LIBRARY, 0.5) == []
    assert named_documents("What is the capital of France?", LIBRARY, 0.5) == []
    assert named_documents("How do the public account regulations keep logs?", LIBRARY, 2.0) == []


def test_two_documents_named_alike_name_neither():
    library = [*LIBRARY, {"doc_id": "pa-draft", "title": "Internet User Public Account Information Service Provisions"}]
    question = "What do the public account information service rules say?"
    assert named_documents(question, library, 0.3) == []
    assert named_documents(question, LIBRARY, 0.3) == ["pa-en", "pa-zh"]


def test_a_genre_names_the_only_document_of_that_genre():
    library = [*LIBRARY,
               {"doc_id": "fyp", "title": "The Eighth Five-Year Plan for Publicity and Education of the Rule of Law",
                "alt_title": "网信系统法治宣传教育第八个五年规划（2021－2025年）", "doc_type": "plan"},
               {"doc_id": "wp", "title": "The Construction of China's Internet Rule of Law in the New Era",
                "alt_title": "新时代的中国网络法治建设", "doc_type": "white paper"}]
    assert named_documents("规划提到用哪些新技术推动智慧普法？", library, 0.5) == ["fyp"]
    assert named_documents("According to the white paper, which courts were set up?", library, 0.5) == ["wp"]
    assert named_documents("What does China plan to do about rumours?", library, 0.5) == []  # a verb
    two_plans = [*library, {"doc_id": "plan2", "title": "Another Plan", "alt_title": None}]
    assert named_documents("规划提到用哪些新技术推动智慧普法？", two_plans, 0.5) == []
