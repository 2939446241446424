"""The bundled corpus: documents, articles, parallel texts, boilerplate and coverage."""

import re

from ingest.clean import normalise_line
from tests.conftest import documents_by_title

EXPECTED_TITLES = [
    "The Eighth Five-Year Plan for Publicity and Education of the Rule of Law in the Cyberspace and Information System"
    " (2021-2025)",
    "Implementation Outline for the Construction of a Rule of Law Society (2020-2025) [Excerpts]",
    "法治社会建设实施纲要(2020-2025年)",
    "Microblog Information Service Management Regulations",
    "Internet User Public Account Information Service Management Regulations",
    "互联网用户公众账号信息服务管理规定",
    "Provisions on the Management of Internet Forum Community Services",
    "Implementing Rules for the Management of Internet News Information Service Licences",
    "Opinions concerning Stimulating the Healthy and Orderly Development of the Mobile Internet",
    "National Cyberspace Security Strategy",
    "互联网新闻信息服务单位约谈工作规定",
    "Internet User Account Name Management Regulations",
    "Information Technology Development Trends and Ideological Security",
    "Letter of Commitment on Self-Discipline Management of Posts and Comments",
    "Speech at the Forum on Literature and Art",
    "Notice concerning Empowering the Cyberspace Administration of China to Be Responsible for Internet Information"
    " Content Management Work",
    "Provisional Regulations for the Development and Management of Instant Messaging Tools and Public Information"
    " Services",
    "Lu Wei: Concentrate Positive Energy Online, Build the Chinese Dream Together",
    "Explaining the “Telephone User Real Identity Information Registration Regulations”",
    "Telephone User Real Identity Information Registration Regulations",
    "Telecommunications and Internet Personal User Data Protection Regulations",
    "The Construction of China's Internet Rule of Law in the New Era",
]

# Every line of the bundled pages that is web boilerplate, as it stands in the file.
BOILERPLATE_LINES = [
    "The Links:   AD9862BSTZ SKM151F", "Related Posts", "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    '*: "Netinfo China" WeChat***',
    "Social Media", "Posted on Updated on", "Posted on", "Read the rest of this entry »", "[…]",
    "This translation was completed by ChinaLawTranslate, and is republished here with kind permission",
    "This translation tracks the changes between the earlier opinion-seeking draft and this final version.",
    "by admin", "0 comment", "You may also like", "Leave a Comment",
    "This site uses Akismet to reduce spam. Learn how your comment data is processed.",
    "This website uses cookies to improve your experience.",
    "Privacy & Cookies Policy", "catalogue",
    "See also  The Central Supervision Group is stationed",
    "See also  Fight against fires: in Sicily",
    "See also  Inner Mongolia Jiziwan tourism season opens",
]
# Boilerplate inside lines that also carry content.
BOILERPLATE_FRAGMENTS = ["Read the rest of this entry", "Release |", "Home News", "_南网", "Clicks:0"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _haystack(parsed) -> str:
    parts = [c.text for c in parsed.chunks] + [d.title for d in parsed.documents]
    parts += [d.alt_title for d in parsed.documents if d.alt_title]
    parts += [p for c in parsed.chunks for p in c.path]
    return _squash("\n".join(parts))


def test_at_least_twenty_documents_with_their_titles(parsed_corpus):
    titles = [d.title for p in parsed_corpus.values() for d in p.documents]
    assert len(titles) >= 20
    missing = [t for t in EXPECTED_TITLES if t not in titles]
    assert not missing, missing
    assert len(titles) == len(set(titles))


def by_title(docs):
    return {d.title: d for d in docs}


def test_every_document_type_and_both_languages(parsed_corpus):
    docs = [d for p in parsed_corpus.values() for d in p.documents]
    assert {d.doc_type for d in docs} == {"regulation", "departmental rule", "plan", "opinion", "white paper",
                                          "notice", "speech", "news", "commentary"}
    # a ministry's decree (MIIT Decree No. 25) makes a departmental rule
    assert by_title(docs)["Telephone User Real Identity Information Registration Regulations"].doc_type == (
        "departmental rule")
    assert {d.language for d in docs} == {"en", "zh"}
    by = {d.title: d for d in docs}
    assert by["The Construction of China's Internet Rule of Law in the New Era"].doc_type == "white paper"
    assert by["Speech at the Forum on Literature and Art"].doc_type == "speech"
    assert by["互联网用户公众账号信息服务管理规定"].language == "zh"


def test_public_account_regulations_articles_linked_pairwise(parsed_corpus):
    docs = documents_by_title(parsed_corpus)
    parsed, en = docs["Internet User Public Account Information Service Management Regulations"]
    _, zh = docs["互联网用户公众账号信息服务管理规定"]
    en_arts, zh_arts = parsed.articles[en.ordinal], parsed.articles[zh.ordinal]
    assert [a.label for a in en_arts] == [f"Article {n}" for n in range(1, 19)]
    zh_labels = ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条", "第八条", "第九条", "第十条",
                 "第十一条", "第十二条", "第十三条", "第十四条", "第十五条", "第十六条", "第十七条", "第十八条"]
    assert [a.label for a in zh_arts] == zh_labels
    for a, b in zip(en_arts, zh_arts, strict=False):
        assert a.parallel_id == b.article_id
        assert b.parallel_id == a.article_id
    assert en.effective == zh.effective == "2017-10-08"
    assert "六个月" in zh_arts[15].text
    assert "six months" in en_arts[15].text


def test_eighth_five_year_plan_has_seven_parts_with_items(parsed_corpus):
    docs = documents_by_title(parsed_corpus)
    parsed, plan = next(v for k, v in docs.items() if k.startswith("The Eighth Five-Year Plan"))
    assert plan.doc_type == "plan"
    items = [a for a in parsed.articles[plan.ordinal] if a.kind == "item"]
    parts: dict[str, list[int]] = {}
    for a in items:
        parts.setdefault(a.path[0], []).append(a.key[2])
    assert [p.split()[0] for p in parts] == ["1.", "2.", "3.", "4.", "V.", "Six,", "Seven,"]
    assert [len(v) for v in parts.values()] == [3, 6, 4, 3, 2, 4, 4]
    assert all(v == list(range(1, len(v) + 1)) for v in parts.values())
    labels = [a.label for a in items]
    assert "Part 2 (2) Prominently publicize the Constitution" in labels


def test_white_paper_preface_six_parts_subsections_conclusion_once(parsed_corpus):
    docs = documents_by_title(parsed_corpus)
    parsed, wp = docs["The Construction of China's Internet Rule of Law in the New Era"]
    arts = parsed.articles[wp.ordinal]
    labels = [a.label for a in arts]
    assert len(labels) == len(set(labels))
    assert labels.count("Preface") == 1
    assert labels.count("Conclusion") == 1
    parts = [a.key[1] for a in arts if a.kind == "part"]
    assert parts == [1, 2, 3, 4, 5, 6]
    subs = {}
    for a in arts:
        if a.kind == "item":
            subs.setdefault(a.key[1], []).append(a.key[2])
    assert subs == {2: [1, 2, 3, 4], 3: [1, 2, 3, 4, 5], 4: [1, 2, 3], 5: [1, 2, 3, 4], 6: [1, 2, 3]}
    # the table of contents is not a second copy: the preface has text, the parts have bodies
    assert len(arts[labels.index("Preface")].text) > 1000
    assert all(len(a.text) > 200 for a in arts if a.kind in ("part", "item"))


def test_outline_english_and_chinese_items_are_linked(parsed_corpus):
    docs = documents_by_title(parsed_corpus)
    parsed, en = docs["Implementation Outline for the Construction of a Rule of Law Society (2020-2025) [Excerpts]"]
    _, zh = docs["法治社会建设实施纲要(2020-2025年)"]
    zh_by_id = {a.article_id: a for a in parsed.articles[zh.ordinal]}
    en22 = next(a for a in parsed.articles[en.ordinal] if a.key == ("item", 6, 22))
    assert zh_by_id[en22.parallel_id].label == "六、（二十二）完善网络法律制度"


def test_no_boilerplate_reaches_a_chunk(parsed_corpus, corpus_files):
    raw = "\n".join(normalise_line(text) for f in corpus_files for text in f.read_text(encoding="utf-8").splitlines())
    for line in BOILERPLATE_LINES:
        assert normalise_line(line) in raw, f"test list is stale: {line!r}"
    for parsed in parsed_corpus.values():
        for chunk in parsed.chunks:
            text = "\n".join([chunk.embed_text, chunk.document])
            for line in BOILERPLATE_LINES + BOILERPLATE_FRAGMENTS:
                if line in ("Posted on", "catalogue"):
                    assert not re.search(rf"(?m)^{line}$", text, re.I)
                else:
                    assert normalise_line(line) not in normalise_line(text), (line, chunk.article)


def test_every_substantive_paragraph_reaches_a_chunk(parsed_corpus, corpus_files):
    for path in corpus_files:
        haystack = _haystack(parsed_corpus[path.name])
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = normalise_line(raw)
            if not line or any(line.startswith(normalise_line(b)) for b in BOILERPLATE_LINES):
                continue
            for fragment in ("Release | ", "Home News ", "_南网", " Clicks:0", "Read the rest of this entry »",
                             "》全文如下。"):
                line = line.replace(fragment, "")
            assert _squash(line) in haystack, f"{path.name}: lost {line[:80]!r}"


def test_chunks_respect_the_token_cap_and_ids_are_unique(all_chunks):
    assert all(0 < c.n_tokens <= 350 for c in all_chunks)
    ids = [c.chunk_id for c in all_chunks]
    assert len(ids) == len(set(ids))
    assert all(c.embed_text.startswith(c.document) for c in all_chunks)
