"""Serving pieces: upload names, password hashes, escaping, feedback, the login requirement."""

from __future__ import annotations

import subprocess
import sys

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
