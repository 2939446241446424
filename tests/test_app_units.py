"""Serving pieces: upload names, password hashes, escaping, feedback, the login requirement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from netlaw import settings as _settings
from service.feedback import FeedbackStore
from service.render import answer_html, article_html
from service.uploads import safe_upload_name
from service.users import Users, hash_password, verify_password


def test_upload_names_cannot_escape_the_upload_directory():
    for name in ("../../etc/passwd", "..\\..\\windows\\system.ini", "/abs/path/x.txt", "..", ".hidden", "a b?.txt"):
        safe = safe_upload_name(name)
        assert "/" not in safe
        assert "\\" not in safe
        assert not safe.startswith(".")
        assert safe
    assert safe_upload_name("法规 2017.docx") == "法规_2017.docx"


def test_passwords_are_hashed_and_checked():
    hashed = hash_password("s3cret")
    assert "s3cret" not in hashed
    assert verify_password("s3cret", hashed)
    assert not verify_password("wrong", hashed)
    users = Users(f"alice:{hashed},bob:{hash_password('b')}", "alice")
    assert users.enabled
    assert users.check("alice", "s3cret")
    assert not users.check("alice", "b")
    assert not users.check("mallory", "s3cret")
    assert users.is_admin("alice")
    assert not users.is_admin("bob")
    assert not Users(None, None).is_admin(None)  # local mode: nobody is admin unless NETLAW_LOCAL_ADMIN
    assert Users(None, None, local_admin=True).is_admin(None)


def test_document_and_question_text_is_escaped():
    answer = {"question": "q", "answer": "Use <script>alert(1)</script> here [1].", "refused": False,
              "citations": [{"marker": 1, "document": "<b>Doc</b>", "article": "Article 1"}]}
    out = answer_html(answer, 0)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "&lt;b&gt;Doc" in out
    assert 'class="cite-chip"' in out
    assert 'data-marker="1"' in out
    view = article_html({"document": "D", "article": "Article 1", "text": "<img src=x onerror=alert(1)>",
                         "path": ["Article 1"], "language": "en", "doc_type": "regulation"})
    assert "<img" not in view


def test_feedback_store_rows_and_csv(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite")
    row = store.add({"question": "Q?", "answer": "A [1].", "backend": "extractive",
                     "citations": [{"marker": 1, "document": "D", "article": "Article 1"}]}, -1, user="bob")
    store.set_comment(row, "wrong article")
    rows = store.rows()
    assert rows[0]["rating"] == -1
    assert rows[0]["comment"] == "wrong article"
    assert rows[0]["user"] == "bob"
    assert "wrong article" in store.to_csv().splitlines()[1]


def test_serving_beyond_localhost_requires_a_login(tmp_path):
    out = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0", "--port", "7999"], capture_output=True,
                         text=True, cwd=_settings.PROJECT_ROOT, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "NETLAW_STORE_DIR": str(tmp_path / "s"), "HOME": str(tmp_path)})
    assert out.returncode == 2
    assert "needs a login" in out.stderr


def test_hash_password_command_reads_stdin():
    out = subprocess.run([sys.executable, "app.py", "hash-password"], input="pw123\n", capture_output=True,
                         text=True, cwd=_settings.PROJECT_ROOT, timeout=120)
    assert out.returncode == 0
    assert verify_password("pw123", out.stdout.strip())


def test_answer_span_is_bold_and_nothing_else_becomes_markup():
    answer = {"answer": "Records are kept for **no less than six months** [1]. <script>x</script> 2 ** 3",
              "refused": False, "citations": [{"marker": 1, "document": "Regs", "article": "Article 16"}]}
    out = answer_html(answer, 0)
    assert "<strong>no less than six months</strong>" in out
    assert "**" not in out.split("2 ")[0]
    assert "2 ** 3" in out
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_chinese_refusal_is_framed_in_chinese():
    answer = {"answer": "资料库中的文件无法回答这个问题。", "refused": True,
              "suggestions": [{"document": "互联网用户公众账号信息服务管理规定", "article": "第十六条"}]}
    out = answer_html(answer, 0)
    assert "您可以阅读" in out
    assert "You may want to read" not in out


# --- UI handlers, called as plain methods (no browser, no store) ------------------------------
class FakeRetriever:
    """One document with one article; ``refresh`` counts re-reads."""

    article_json = {"article_id": "a1", "document": "Kite Rules", "article": "Article 1", "doc_type": "regulation",
                    "language": "en", "path": ["Article 1"], "text": "Kites shall be registered.", "parallel_id": None,
                    "source": "kites.txt", "issued": "2020-01-01"}

    def __init__(self):
        self.refreshed = 0

    def documents(self):
        return [{"doc_id": "d1", "title": "Kite Rules", "alt_title": None, "doc_type": "regulation", "language": "en",
                 "issued": "2020-01-01", "effective": None, "source": "kites.txt", "articles": 1}]

    def article(self, article_id):
        from types import SimpleNamespace

        return SimpleNamespace(to_json=lambda: dict(self.article_json)) if article_id == "a1" else None

    def refresh(self):
        self.refreshed += 1

    def snapshot(self):
        from types import SimpleNamespace

        return SimpleNamespace(manifest={"kites.txt": {"sha256": "ab" * 32}})


class FakeService:
    """Streams two tokens, slowly, then a cited answer whose own timings are tiny."""

    def __init__(self, delay_s: float = 0.3):
        self.retriever, self.delay_s = FakeRetriever(), delay_s
        self.asked: list[tuple[str, dict]] = []

    def stream(self, question, **kwargs):
        import time

        from qa.records import Answer, Citation, Timings

        self.asked.append((question, kwargs))
        yield {"type": "token", "text": "Kites "}
        time.sleep(self.delay_s)
        yield {"type": "token", "text": "are registered [1]."}
        citation = Citation(1, "Kite Rules", "Article 1", "Kites shall be registered.", "c1", "a1",
                            sentences=["Kites are registered [1]."])
        yield {"type": "answer", "answer": Answer(question, "Kites are registered [1].", False, "extractive",
                                                  citations=[citation], timings=Timings(1.0, 1.0))}


class FakeAudit:
    def __init__(self):
        self.records: list[tuple] = []

    def record(self, answer, who, channel, latency_s):
        self.records.append((answer, who, channel, latency_s))


def helpdesk(tmp_path, service=None):
    from ui.helpdesk import Helpdesk

    s = _settings.Settings(store_dir=tmp_path / "store", data_dir=tmp_path, upload_dir=tmp_path / "uploads")
    audit = FakeAudit()
    desk = Helpdesk(service or FakeService(), s, Users(None, None), FeedbackStore(tmp_path / "f.sqlite"), audit)
    return desk, audit


def test_a_comment_and_ratings_of_one_answer_make_one_record(tmp_path):
    """Before: the comment went to whichever row was rated last; 👎 then 👍 made two rows."""
    store = FeedbackStore(tmp_path / "f.sqlite")
    answer = {"id": "ans1", "question": "Q?", "answer": "A [1].", "citations": []}
    down = store.add(answer, -1, user="bob")
    assert store.comment(answer, "wrong paragraph", user="bob") == down
    assert store.add(answer, 1, user="bob") == down
    assert [(r["rating"], r["comment"]) for r in store.rows()] == [(1, "wrong paragraph")]
    other = {"id": "ans2", "question": "Q2?", "answer": "B.", "citations": []}
    first = store.comment(other, "no rating yet", user="bob")  # a comment before any rating: rating 0
    assert store.add(other, -1, user="bob") == first
    assert [(r["answer_id"], r["rating"], r["comment"]) for r in store.rows()][1] == ("ans2", -1, "no rating yet")


def test_the_viewer_marks_only_the_sentences_the_answer_quoted():
    """Before: a sentence holding 70% of any claim's words was marked, so a short claim lit up others."""
    from service.render import highlight, quoted_sentences

    article = ("The Administration issued the Plan. The Plan was issued by the Administration in 2021. "
               "Publicity is a long-term task.")
    sentences = ["The Administration issued the Plan.", "The Plan was issued by the Administration in 2021.",
                 "Publicity is a long-term task."]
    assert quoted_sentences(sentences, ["The Administration issued the Plan"]) == {0}
    assert quoted_sentences(sentences, ["**Publicity** is a long-term task [2]."]) == {2}
    assert quoted_sentences(sentences, ["Issued the Plan in 2021, the Administration"]) == {1}  # best only
    assert quoted_sentences(sentences, ["Kites fly."]) == set()
    assert highlight(article, ["The Administration issued the Plan"]).count("<mark>") == 1


def test_a_marker_never_splits_an_abbreviation():
    """Before: "…numbers, etc." + [1] became "…numbers, etc [1]."."""
    from qa.verify import attach

    assert attach("based on identity card numbers, etc.", [1]) == "based on identity card numbers, etc. [1]"
    assert attach("as set out in Decree No.", [2]) == "as set out in Decree No. [2]"
    assert attach("Logs are kept six months.", [1]) == "Logs are kept six months [1]."
    assert attach("日志保存六个月。", [1]) == "日志保存六个月[1]。"


def test_library_table_and_outline_html():
    """Before: a Gradio dataframe (headers wrapping, only Title visible, rows not clickable)."""
    from service.library import LIBRARY_COLUMNS
    from service.outline import Outline, outline_html
    from service.render import library_table_html

    table = library_table_html([["<Kite> Rules", "regulation", "2020-01-01", "English", "3 (excerpt)", ""]],
                               LIBRARY_COLUMNS)
    assert '<tr class="library-row" data-doc="&lt;Kite&gt; Rules"' in table
    assert '<td data-label="Articles">3 (excerpt)</td>' in table
    assert "<th scope=\"col\">Language</th>" in table
    assert "empty" in library_table_html([], LIBRARY_COLUMNS)
    outline = outline_html(Outline("Kite Rules", "d1", items=[(("Chapter 1",), "Article 1", "a1"),
                                                              (("Chapter 2",), "Article 2", "a2")], source="kites.txt"))
    assert '<a class="outline-link" href="#" data-article="a2">Article 2</a>' in outline
    assert outline.index("Chapter 2") < outline.index("Article 2") < outline.index('class="details">Source file')


def test_chat_handlers_stream_cite_open_sources_and_rate(tmp_path):
    from ui.chat import AskOptions
    from ui.session import Caller

    desk, audit = helpdesk(tmp_path)
    alice = Caller("alice", admin=False)
    steps = list(desk.chat.respond("Must kites be registered?", [], [], AskOptions("extractive", 3, "English"), alice))
    chat, answers, box = steps[-1]
    assert len(steps) == 4  # the question, two tokens, the answer
    assert box == ""
    assert 'class="cite-chip"' in chat[-1]["content"]
    assert answers[0]["user"] == "alice"
    question, kwargs = desk.chat.service.asked[0]
    assert kwargs["filters"].language == "en"
    assert kwargs["k"] == 3
    assert "Kites shall be registered" in desk.chat.open_source("0:1", answers)
    assert desk.chat.open_source("0:7", answers) == {"__type__": "update"}  # no such chip: nothing changes
    assert desk.chat.open_source("junk", answers) == {"__type__": "update"}
    row, status = desk.chat.rate(1, True, answers, alice)
    assert row
    assert "saved" in status
    assert desk.chat.rate(5, True, answers, alice) == (None, "Nothing to rate.")
    assert desk.chat.comment_on(json.dumps({"answer": 0, "text": " clear "}), answers, alice) == \
        f"Comment saved with feedback #{row}."
    assert desk.chat.comment_on(json.dumps({"answer": 3, "text": "x"}), answers, alice) == "Nothing to comment on."
    assert "first" in desk.chat.comment_on(json.dumps({"answer": 0, "text": "  "}), answers, alice)
    assert desk.chat.comment_on("junk", answers, alice) == "Nothing to comment on."
    (record,) = desk.chat.feedback.rows()
    assert (record["rating"], record["comment"]) == (1, "clear")
    assert 'class="comment-text" data-answer="0"' in chat[-1]["content"]  # the box sits in the answer
    assert desk.chat.new_conversation() == ([], [], "", None, "")


def test_ui_audit_latency_is_wall_time_not_a_sum_of_timings(tmp_path):
    """Before: the UI logged retrieve_ms + answer_ms (here 2 ms) while the person waited 300 ms."""
    from ui.chat import AskOptions
    from ui.session import Caller

    desk, audit = helpdesk(tmp_path, FakeService(delay_s=0.3))
    list(desk.chat.respond("Must kites be registered?", [], [], AskOptions("extractive", 3), Caller()))
    (_, who, channel, latency_s), = audit.records
    assert channel == "ui"
    assert who is None
    assert latency_s >= 0.3


def test_library_and_admin_handlers(tmp_path):
    from ui.session import Caller

    desk, _ = helpdesk(tmp_path)
    # the Date column is the effective date: an issue date is not shown as one (issue 25)
    assert desk.library.table() == [["Kite Rules", "regulation", "", "English", "1", ""]]
    assert 'data-doc="Kite Rules"' in desk.library.table_html()
    assert desk.library.library.details("Kite Rules") == f"Source file: kites.txt, SHA-256 {'ab' * 32}"
    assert desk.library.library.details("Gone") == ""
    assert desk.library.open_target("article:a1")[1].count("Kites shall be registered") == 1
    assert desk.library.open_target("junk") == ({"__type__": "update"}, {"__type__": "update"})
    assert "Kites shall be registered" in desk.library.show_article("a1")
    assert desk.library.show_article("gone") == ""
    assert desk.library.show_article(None) == ""
    admin_box, feedback_box, who, table, *_ = desk.on_load(Caller("bob", admin=False))
    assert admin_box == {"__type__": "update", "visible": False}
    assert "bob" in who
    summary, catalogue = desk.overview()
    assert "The library holds 1 work." in summary  # works, versions and translations counted apart (issue 31)
    assert "Which documents are in the library?" in summary
    assert "**Regulations** (1)" in catalogue
    assert "**Kite Rules** — issued 2020-01-01 · English · 1 article" in catalogue
    summary_zh, _ = desk.overview("中文")  # the language switch above the chat
    assert summary_zh.startswith("资料库收录")
    status, *_ = desk.admin.upload(["x.txt"], False, Caller("bob", admin=False))
    assert status == "Only an administrator can add documents."
    status, *_ = desk.admin.upload([], False, Caller("alice", admin=True))
    assert status == "Choose one or more files first."
    assert desk.chat.service.retriever.refreshed == 0


def copied_texts(message_html: str) -> dict[str, str]:
    """What each copy button of an assistant message puts on the clipboard (its data-copy, unescaped)."""
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Buttons(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "button" and "copy-answer" in (a.get("class") or ""):
                found[a["data-format"] or ""] = a["data-copy"] or ""

    Buttons().feed(message_html)
    return found


def test_copy_buttons_carry_plain_text_and_markdown_with_dated_sources(tmp_path):
    from ui.chat import AskOptions
    from ui.session import Caller

    desk, _ = helpdesk(tmp_path)
    chat, answers, _ = list(desk.chat.respond("Must kites be registered?", [], [], AskOptions("extractive", 3),
                                              Caller()))[-1]
    copies = copied_texts(chat[-1]["content"])
    assert copies["text"] == "Kites are registered [1].\n\nSources:\n[1] Kite Rules, Article 1 (issued 2020-01-01)"
    assert "<" not in copies["text"]  # no markup (before: the message's HTML was copied)
    assert copies["markdown"].startswith("Kites are registered [1].\n\n**Sources**\n1. Kite Rules, Article 1")
    desk.build()
    assert "copy" not in (desk.chat.chat.buttons or [])  # Gradio's own button copies the HTML


def test_a_suggestion_opens_its_article_and_new_conversation_clears_everything(tmp_path):
    from service.render import answer_html

    desk, _ = helpdesk(tmp_path)
    refusal = {"answer": "The documents do not answer this.", "refused": True,
               "suggestions": [{"document": "Kite Rules", "article": "Article 1", "article_id": "a1"}]}
    html = answer_html(refusal, 0)
    assert '<a class="suggestion-link" href="#" data-article="a1"' in html
    assert "Kites shall be registered" in desk.chat.open_source("article:a1", [])
    assert desk.chat.open_source("article:gone", []) == {"__type__": "update"}
    chat, answers, viewer, row, links = desk.chat.new_conversation()
    assert (chat, answers, viewer, row, links) == ([], [], "", None, "")
    examples = desk.chat.examples_html("zh")  # made from the library (service/examples.py), asked whole
    assert 'data-question="资料库里有哪些文件？"' in examples


def test_insights_are_for_administrators_only(tmp_path):
    from service.audit import AuditLog
    from ui.insights import InsightsPage
    from ui.session import Caller

    audit, feedback = AuditLog(tmp_path / "audit", 1_000_000), FeedbackStore(tmp_path / "f.sqlite")
    for question, refused in (("How long are kite logs kept?", True), ("how long are kite logs kept", True),
                              ("Must kites be registered?", False)):
        audit.record({"id": question, "question": question, "answer": "x", "refused": refused, "support":
                      "none" if refused else "direct", "citations": [] if refused else
                      [{"marker": 1, "document": "Kite Rules", "article": "Article 1"}]}, "alice", "ui", 0.1)
    page = InsightsPage(Users(None, None), feedback, audit)
    summary, groups, top, plot = page.report(Caller("alice", admin=True))
    assert "**3** questions" in summary
    assert groups == [[groups[0][0], 2, groups[0][2], 2, 0, 0]]  # two wordings, one group
    assert ["Document: Kite Rules", 1] in top
    assert plot is not None
    assert page.report(Caller("bob", admin=False)) == ("Only an administrator can see insights.", [], [], None)


def test_answers_are_archived_privately_and_exported_with_provenance(tmp_path):
    from service.export import AnswerArchive, record_html, record_markdown
    from ui.chat import AskOptions
    from ui.session import Caller

    archive = AnswerArchive(tmp_path / "answers.sqlite", keep=2)
    desk, _ = helpdesk(tmp_path)
    desk.chat.archive = archive
    _, answers, _ = list(desk.chat.respond("Must kites be registered?", [], [], AskOptions("extractive", 3),
                                           Caller("alice")))[-1]
    answer_id = answers[0]["id"]
    assert archive.get(answer_id, "alice")["answer"] == "Kites are registered [1]."
    assert archive.get(answer_id, "bob") is None  # someone else's answer
    assert archive.get(answer_id, "bob", admin=True) is not None
    links = desk.chat.export_links(answers)
    assert f"answers/export?ids={answer_id}&amp;format=md" in links or f"ids={answer_id}&format=md" in links
    md = record_markdown([archive.get(answer_id, "alice")], desk.chat.library.describe)
    assert "Kites shall be registered." in md
    assert "SHA-256: " + "ab" * 32 in md
    assert "issued 2020-01-01" in md
    assert "<script" not in record_html([archive.get(answer_id, "alice")], desk.chat.library.describe)
    for n in range(3):
        archive.add({"id": f"x{n}", "answer": "a"}, "alice")
    assert archive.get(answer_id, "alice") is None  # only the newest ``keep`` answers stay


def test_library_rows_and_overview_say_excerpt_and_hide_file_names():
    """Before: the table had a Source column of internal file names and no word of excerpts; the
    landing page said nothing of the library."""
    from service.library import LIBRARY_COLUMNS, Library, overview_markdown

    docs = [{"doc_id": "d1", "title": "Outline (2020-2025) [Excerpts]", "alt_title": None, "doc_type": "plan",
             "language": "en", "issued": None, "effective": None, "source": "002_3de.txt", "articles": 9},
            {"doc_id": "d2", "title": "纲要（节选）", "alt_title": None, "doc_type": "plan", "language": "zh",
             "issued": "2020-12-07", "effective": None, "source": "002_3de.txt", "articles": 9},
            {"doc_id": "d3", "title": "Kite Rules", "alt_title": None, "doc_type": "regulation", "language": "en",
             "issued": None, "effective": "2020-01-01", "source": "kites.txt", "articles": 1}]
    library = Library(SimpleNamespace(documents=lambda: [dict(d) for d in docs]))
    assert "Source" not in LIBRARY_COLUMNS
    # the Date column is the effective date; an issue date is not one (unknown stays empty)
    assert library.rows() == [["Kite Rules", "regulation", "2020-01-01", "English", "1", ""],
                              ["Outline (2020-2025) [Excerpts]", "plan", "", "English", "9 (excerpt)", ""],
                              ["纲要（节选）", "plan", "", "Chinese", "9 (excerpt)", ""]]
    assert not any(".txt" in str(cell) for row in library.rows() for cell in row)
    text = library.overview_markdown()
    assert text.index("**Regulations** (1)") < text.index("**Plans and outlines** (2)")
    assert "- **Outline (2020-2025) [Excerpts]** — English · 9 articles · excerpt" in text
    assert "- **Kite Rules** — in force 2020-01-01 · English · 1 article" in text
    assert "3 documents (2 in English, 1 in Chinese)" in text
    assert ".txt" not in text
    zh = library.overview_markdown("zh")
    assert "资料库收录3份文件（英文2份，中文1份）" in zh
    assert "9条 · 节选" in zh
    assert "**规划与纲要** (2)" in zh
    assert "资料库暂无文件" in overview_markdown([], "zh")


@pytest.mark.parametrize("question", ["Which documents are in the library?", "What regulations do you have on minors?",
                                      "What's in the library?", "What does the library cover?", "有哪些文件？",
                                      "你们有哪些法规？", "资料库里有哪些关于未成年人的法规？"])
def test_questions_about_the_library_are_their_own_kind(question):
    from qa.question import analyse

    assert analyse(question).kind == "library"


@pytest.mark.parametrize("question", ["Which documents must be kept?", "What documents do you have to submit?",
                                      "网络安全法有哪些规定？", "What regulations apply to minors?",
                                      "Which regulations does the Cybersecurity Law name?"])
def test_ordinary_questions_are_not_about_the_library(question):
    from qa.question import analyse

    assert analyse(question).kind != "library"


def test_no_gold_question_is_read_as_a_question_about_the_library():
    from qa.question import analyse

    questions = [json.loads(line)["question"] for path in sorted(Path("evals/gold").glob("*.jsonl"))
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) > 100
    assert [q for q in questions if analyse(q).kind == "library"] == []


def test_topic_of_a_question_about_the_library():
    from qa.catalogue import library_topic
    from qa.question import analyse

    def topic(question: str) -> tuple[str, list[str]]:
        return library_topic(question, analyse(question).focus)

    assert topic("Which documents are in the library?") == ("", [])
    assert topic("你们有哪些法规？") == ("", [])
    assert topic("What regulations do you have on minors?") == ("minors", ["minor"])
    assert topic("What documents do you have on the rule of law?")[1] == ["rule", "law"]
    assert topic("资料库里有哪些关于未成年人的法规？")[0] == "未成年人"
