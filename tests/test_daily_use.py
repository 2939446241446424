"""Daily use with the team's own laws (issue 25), the parts a browser does not see: the bundled corpus
stays where the code is whatever NETLAW_DATA_DIR says, the empty-store hint is a command that works,
exports say when, who, which backend and which library, and the interface's fixed texts and the
viewer's marks in both languages. The browser side is in tests/test_ui_browser.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np

from benchmarks.servers import free_port
from netlaw import settings as _settings

SHARED_VECTORS = _settings.DEFAULT_DATA_DIR / "vector-cache.sqlite"  # e5 vectors by text: a cache, no data


def _env(**netlaw: str) -> dict[str, str]:
    """This process's environment without any NETLAW_* setting, plus ``netlaw``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETLAW_")}
    return env | {"HF_HUB_OFFLINE": "1"} | netlaw


def test_data_dir_does_not_move_the_bundled_corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("NETLAW_DATA_DIR", str(tmp_path))
    s = _settings.Settings()
    assert s.corpus_dir == _settings.PROJECT_ROOT / "data" / "corpus"
    assert s.corpus_dir.is_dir()
    assert (s.store_dir, s.upload_dir, s.audit_dir) == (tmp_path / "store", tmp_path / "uploads", tmp_path / "audit")
    monkeypatch.setenv("NETLAW_CORPUS_DIR", str(tmp_path / "mine"))  # set itself, it moves
    assert _settings.Settings().corpus_dir == tmp_path / "mine"


def test_ingest_with_data_dir_set_to_an_empty_folder_builds_the_bundled_store(tmp_path):
    """Before: the corpus path moved with the data folder: "skipped …/corpus: no such file or directory",
    nothing ingested. (The shared vector cache only spares recomputing e5 vectors.)"""
    data = tmp_path / "empty"
    data.mkdir()
    env = _env(NETLAW_DATA_DIR=str(data), NETLAW_VECTOR_CACHE=str(SHARED_VECTORS))
    done = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=_settings.PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing was ingested" not in done.stderr
    assert re.search(r"files: \d+ seen, 5 ingested", done.stdout), done.stdout
    from vectorstore.chroma import ChunkStore

    store = ChunkStore(_settings.Settings(data_dir=data, vector_cache=SHARED_VECTORS))
    assert store.count() > 100
    assert {c.source for c in store.chunks()} == {f"data/corpus/{p.name}" for p in
                                                 (_settings.PROJECT_ROOT / "data" / "corpus").glob("*.txt")}


def test_the_empty_store_hint_is_a_command_that_works(tmp_path):
    """Before: "Build it with: python -m ingest", which (run elsewhere, or without the app's settings)
    builds another store or none."""
    data, corpus = tmp_path / "data", tmp_path / "no-documents"
    data.mkdir()
    corpus.mkdir()
    app_env = _env(NETLAW_DATA_DIR=str(data), NETLAW_CORPUS_DIR=str(corpus), NETLAW_VECTOR_CACHE=str(SHARED_VECTORS))
    started = subprocess.run([sys.executable, "app.py", "--port", str(free_port())], cwd=_settings.PROJECT_ROOT,
                             capture_output=True, text=True, env=app_env, timeout=600)
    assert started.returncode == 1
    assert "is empty" in started.stderr
    commands = [line.strip() for line in started.stderr.splitlines() if line.strip().startswith("cd ")]
    assert len(commands) == 1, started.stderr
    command = commands[0]
    assert command.endswith("-m ingest /path/to/your/documents")
    law = tmp_path / "kite_rules.txt"
    law.write_text("Kite Rules\n\nArticle 1: Kites flown above 30 metres shall be registered.\n", encoding="utf-8")
    built = subprocess.run(["bash", "-c", command.replace("/path/to/your/documents", str(law))], cwd="/",
                           capture_output=True, text=True, env=_env(), timeout=900)  # any folder, no NETLAW_*
    assert built.returncode == 0, built.stdout + built.stderr
    from vectorstore.chroma import ChunkStore

    chunks = ChunkStore(_settings.Settings(data_dir=data)).chunks()
    assert {c.document for c in chunks} == {"Kite Rules"}


def test_an_api_export_says_when_which_key_backend_and_library_version(bundled_settings, tmp_path):
    """Before: the record held the backend and the support only (the README promised the time)."""
    from tests.test_api import AUTH, make_client

    client, _ = make_client(bundled_settings, tmp_path)
    with client:
        answer = client.post("/api/ask", json={"question": "When did the public account regulations take effect?"},
                             headers=AUTH).json()
        md = client.get(f"/api/answers/{answer['id']}/export", headers=AUTH).text
        page = client.get(f"/api/answers/{answer['id']}/export?format=html", headers=AUTH).text
    for record in (md, page):
        assert re.search(r"asked 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC by key:tester", record), record[:500]
        assert "backend extractive" in record
        found = re.search(r"library version ([0-9a-f]{12}) \((\d+) files, store netlaw", record)
        assert found, record[:500]
        assert found[2] == "5"  # the five files of the bundled corpus


def test_library_version_names_the_files_not_the_machine():
    from service.export import library_version

    class Snapshot:
        def __init__(self, manifest, generation="netlaw_chunks_1", gen=None):
            self.manifest, self.generation, self.gen = manifest, generation, gen

    class Retriever:
        def __init__(self, snap):
            self.snap = snap

        def snapshot(self):
            return self.snap

    one = {"a.txt": {"sha256": "1" * 64}, "b.txt": {"sha256": "2" * 64}}
    same = library_version(Retriever(Snapshot(dict(reversed(one.items())), "netlaw_chunks_2", 3)))
    assert library_version(Retriever(Snapshot(one)))[:12] == same[:12]  # same files, same version
    assert same.endswith("(2 files, store netlaw_chunks_2@3)")
    changed = library_version(Retriever(Snapshot({**one, "b.txt": {"sha256": "3" * 64}})))
    assert changed[:12] != same[:12]


def test_refusals_fixed_texts_follow_the_interface_language():
    from service.render import answer_html, refusal_text

    english, chinese = "The documents in the library do not answer this question.", "资料库中的文件无法回答这个问题。"
    assert refusal_text(english, "zh") == chinese
    assert refusal_text(chinese, "en") == english
    assert refusal_text("The documents in the library do not answer this question: the closest articles do not "
                        "state a sum of money.", "zh") == "资料库中的文件无法回答这个问题：最相关的条文中没有说明金额。"
    assert refusal_text("Please type a question.", "zh") == "请输入问题。"
    assert refusal_text("Your question is 2,400 characters long; the limit is 2,000. Please shorten it.",
                        "zh") == "问题长度为2400个字符，上限为2000个字符，请缩短后再问。"
    assert refusal_text("Something else entirely.", "zh") == "Something else entirely."
    refusal = {"answer": "The documents in the library do not answer this question.", "refused": True,
               "suggestions": [{"document": "Kite Rules", "article": "Article 1", "article_id": "a1"}]}
    assert "您可以阅读：" in answer_html(refusal, 0, language="zh")
    assert "You may want to read:" in answer_html(refusal, 0)  # without a language: the answer's own


def test_a_quoted_sentence_is_marked_in_the_parallel_version():
    from service.align import aligned
    from service.render import article_html, sentence_lines

    english = "Article 3: Kites shall be registered. Owners renew it yearly.\nFees are waived."
    chinese = "第三条 风筝应当登记。\n所有人每年更新一次。费用免除。"  # the same sentences, lines split otherwise
    claims = ["Owners renew it yearly."]
    vectors = {"Owners renew it yearly.": [1, 0, 0], "所有人每年更新一次。": [0.9, 0.1, 0], "费用免除。": [0, 1, 0],
               "第三条 风筝应当登记。": [0, 0, 1]}

    def embed(texts):
        rows = np.array([vectors.get(t, [0.1, 0.1, 0.1]) for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    used = {1}
    assert aligned(sentence_lines(english), used, sentence_lines(chinese), embed) == {1}
    assert aligned(sentence_lines(english), used, sentence_lines(chinese), None) == set()  # shapes differ, no model
    assert aligned([["A.", "B."]], {1}, [["甲。", "乙。"]], None) == {1}  # same shape: same place
    article = {"document": "Kite Rules", "article": "Article 3", "text": english, "language": "en"}
    parallel = {"document": "风筝规则", "article": "第三条", "text": chinese}
    view = article_html(article, claims, parallel, parallel_marked={1})
    assert "<mark>Owners renew it yearly.</mark>" in view
    assert "<mark>所有人每年更新一次。</mark>" in view
    assert view.count("<mark>") == 2


def test_a_refusal_says_why_in_the_interface_language():
    """Before (issue 31 point 5): a plain refusal gave no reason, only a near-topic one did, in its own language."""
    from service.render import refusal_parts

    plain = {"answer": "The documents in the library do not answer this question.", "refused": True,
             "refusal_reason": "no sentence of the sources states a sum of money about the question"}
    assert refusal_parts(plain, "en") == ("The documents in the library do not answer this question.",
                                          "the closest articles do not state a sum of money")
    assert refusal_parts(plain, "zh") == ("资料库中的文件无法回答这个问题。", "最相关的条文中没有说明金额")
    near = {"answer": "资料库中的文件无法回答这个问题：最相关的条文中没有说明金额。", "refused": True}
    assert refusal_parts(near, "en")[1] == "the closest articles do not state a sum of money"
    unknown = dict(plain, refusal_reason="something new")
    assert refusal_parts(unknown, "en")[1]  # a general reason rather than none
    assert refusal_parts({"answer": "Please type a question.", "refused": True}, "zh") == ("请输入问题。", "")
