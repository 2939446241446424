"""Issue 12's probe, defect by defect: hostile bodies, full disks, password guessing, concurrent
uploads, zip bombs, formula injection, a damaged store, bad files in a batch, and the small items.
Real servers (app.py started by benchmarks/servers.py), real files, a real small tmpfs where the kernel
allows a private mount (else an injected disk-full error). Figures are printed (run with -s)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from benchmarks.servers import API_KEY as KEY
from benchmarks.servers import (
    AUTH,
    CORPUS,
    MB,
    PASSWORDS,
    free_port,
    make_settings,
    password_guessers,
    rss_mb,
    running_app,
    send_chunked,
    server,
)
from ingest.loaders import Limits, LoadError, read_file
from netlaw import settings as _settings
from service.api import hash_key
from service.users import Users, hash_password

NEWS = "001_dc8b80564701d042.txt"


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    """An embedded store holding one small corpus file."""
    from ingest.pipeline import run_ingest

    s = make_settings(tmp_path_factory.mktemp("small"))
    run_ingest([CORPUS / NEWS], s, progress=False)
    return s.store_dir


@pytest.fixture(scope="module")
def app(small_store, tmp_path_factory):
    users = ",".join(f"{u}:{hash_password(p)}" for u, p in {**PASSWORDS, "dora": "dora-pass"}.items())
    users += ",carol:pbkdf2_sha256$x$%%$broken"
    extra = {"NETLAW_API_KEYS": f"probe:{hash_key(KEY)}", "NETLAW_API_RATE_PER_MINUTE": "100000",
             "NETLAW_USERS": users, "NETLAW_LOGIN_MAX_FAILURES": "5"}
    with running_app(tmp_path_factory.mktemp("app"), small_store, extra) as running:
        yield running


def sign_in(url: str, user: str, password: str | None = None) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    r = client.post("/login", data={"username": user, "password": password or PASSWORDS[user]})
    assert r.status_code == 200, r.text
    return client


# --- 1. chunked bodies ------------------------------------------------------------------
def test_1_a_chunked_body_over_the_limit_is_refused_before_it_is_read(app):
    url, _, proc = app
    before = rss_mb(proc.pid)
    started = time.perf_counter()
    status, sent = send_chunked(url, "/api/ask", 200 * MB)  # no key: refused by size before auth
    seconds = time.perf_counter() - started
    growth = rss_mb(proc.pid) - before
    print(f"\n200 MB chunked body, no key: {status} after {sent / MB:.0f} MB sent, {seconds:.2f} s, "
          f"server RSS growth {growth:.1f} MB")
    assert status == 413
    assert sent < 200 * MB
    assert growth < 50
    assert send_chunked(url, "/api/ask", 30 * MB, AUTH)[0] == 413  # with a key, too
    assert send_chunked(url, "/gradio_api/queue/join", 30 * MB)[0] == 413  # and every Gradio route
    r = httpx.post(url + "/api/ask", content=b"x" * 300_000, headers=AUTH)
    assert r.status_code == 413  # a declared Content-Length over the limit
    r = httpx.post(url + "/api/ask", json={"question": "When did the news take effect?"}, headers=AUTH, timeout=120)
    assert r.status_code == 200  # normal bodies pass


# --- 3. sign-in ---------------------------------------------------------------------------
def test_3_sign_in_does_not_block_other_requests_and_is_throttled(app):
    url, _, _ = app
    other = httpx.Client(base_url=url, timeout=30)

    def latencies(n: int) -> list[float]:
        out = []
        for _ in range(n):
            started = time.perf_counter()
            assert other.get("/api/documents", headers=AUTH).status_code == 200
            out.append((time.perf_counter() - started) * 1000)
            time.sleep(0.01)
        return out

    baseline = statistics.median(latencies(30))
    with password_guessers(url, "dora") as statuses:
        time.sleep(0.5)
        under_attack = latencies(100)
    p50 = statistics.median(under_attack)
    print(f"\nother requests' p50: {baseline:.1f} ms alone, {p50:.1f} ms under 4 guessing clients; "
          f"{len(statuses)} guesses: {statuses.count(400)} checked (400), {statuses.count(429)} throttled (429)")
    # latency under guessing is a figure (python -m benchmarks.security_bench), not an assert here
    assert statuses.count(400) <= 5 + 4
    assert statuses.count(429) > 0
    assert set(statuses) <= {400, 429}
    r = httpx.post(url + "/login", data={"username": "dora", "password": "dora-pass"})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0
    r = httpx.post(url + "/login", data={"username": "carol", "password": "x"})  # malformed stored hash
    assert r.status_code == 400
    assert sign_in(url, "bob").get("/gradio_api/user").status_code == 200  # another user still signs in


def test_3_unknown_users_cost_the_same_and_malformed_hashes_refuse(monkeypatch):
    """Known, unknown and malformed-hash users each cost one PBKDF2 of the same rounds, so the answer
    time does not tell which names exist. Asserted on the work done, not on wall time (the CPU is
    shared); the times are printed for the record."""
    import hashlib

    users = Users(f"alice:{hash_password('pw')},carol:pbkdf2_sha256$x$%%$broken,dave:pbkdf2_sha256$1$QQ==$QQ==",
                  "alice")
    real = hashlib.pbkdf2_hmac
    rounds: list[int] = []
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", lambda *a, **k: rounds.append(a[3]) or real(*a, **k))
    work, times = {}, {}
    for name in ("alice", "nobody", "carol", "dave"):
        rounds.clear()
        started = time.perf_counter()
        assert not users.check(name, "wrong")
        times[name] = (time.perf_counter() - started) * 1000
        work[name] = list(rounds)
    print("\nwrong password, ms: " + ", ".join(f"{n} {t:.0f}" for n, t in times.items()))
    assert len(work["alice"]) == 1
    assert work["alice"][0] >= 100_000
    assert work["nobody"] == work["carol"] == work["dave"] == work["alice"]
    assert users.check("alice", "pw")
    assert not users.check("dave", "x")


# --- 4. concurrent ingests ---------------------------------------------------------------
def test_4_two_concurrent_ingests_both_stay_in_the_index(tmp_path):
    docs = []
    for name, title in (("kites.txt", "Kite Flying Rules"), ("lamps.txt", "Street Lamp Rules")):
        path = tmp_path / name
        path.write_text(f"{title}\n\nArticle 1: Every {name[:-4]} permit is valid for one year.\n"
                        f"\nArticle 2: These Rules take effect on 1 May 2031.\n", encoding="utf-8")
        docs.append(path)
    store = tmp_path / "store"
    env = dict(os.environ, NETLAW_CACHE_DIR=str(tmp_path / "cache"))
    procs = [subprocess.Popen([sys.executable, "-m", "ingest", "--quiet", "--store", str(store), str(d)],
                              cwd=_settings.PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for d in docs]
    outs = [p.communicate(timeout=600)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    from vectorstore.chroma import ChunkStore

    s = make_settings(tmp_path)
    manifest = ChunkStore(s).pointer().manifest
    titles = {c.document for c in ChunkStore(s).chunks()}
    assert {"Kite Flying Rules", "Street Lamp Rules"} <= titles, (titles, outs)
    assert len(manifest) == 2


def test_4_two_concurrent_uploads_through_the_ui_both_stay_in_the_index(app, tmp_path):
    from gradio_client import Client, handle_file

    url, _, _ = app
    jobs, clients = [], []
    for name, title in (("ferries.txt", "Ferry Timetable Rules"), ("bells.txt", "Church Bell Rules")):
        path = tmp_path / name
        path.write_text(f"{title}\n\nArticle 1: Every {name[:-4]} schedule is filed yearly.\n", encoding="utf-8")
        client = Client(url, auth=("alice", PASSWORDS["alice"]), verbose=False)
        jobs.append(client.submit([handle_file(str(path))], False, api_name="/upload"))
        clients.append(client)
        time.sleep(2)
    statuses = [job.result(timeout=600)[0] for job in jobs]
    for client in clients:
        client.close()
    assert all("Ingested 1 file(s)" in s for s in statuses), statuses
    titles = {d["title"] for d in httpx.get(url + "/api/documents", headers=AUTH, timeout=60).json()}
    assert {"Ferry Timetable Rules", "Church Bell Rules"} <= titles


# --- 5. zip bombs --------------------------------------------------------------------------
def make_docx(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(str(path))
    return path


def make_docx_bomb(path: Path, xml_mb: int) -> Path:
    """A .docx whose word/document.xml inflates to ``xml_mb`` MB of valid XML."""
    small = make_docx(path.with_name("seed.docx"), ["Seed"])
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        xml = src.read("word/document.xml").decode()
        head, tail = xml.split("<w:body>")[0] + "<w:body>", "</w:body></w:document>"
        row = "<w:p><w:r><w:t>" + "Article 1: bomb. " * 50 + "</w:t></w:r></w:p>"
        with dst.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(head.encode())
            block = (row * (MB // len(row) + 1)).encode()[:MB]
            block = (row * (len(block) // len(row))).encode()
            for _ in range(xml_mb):
                out.write(block)
            out.write(tail.encode())
    return path


def dry_run(path: Path) -> tuple[float, float, str]:
    """``python -m ingest --dry-run`` of one file: (seconds, peak RSS MB, output)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "--dry-run", "--quiet", str(path)],
                            cwd=_settings.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(120, proc.kill)  # before the fix a bomb ran for many minutes
    timer.start()
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, _, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


def test_5_a_zip_bomb_is_refused_fast_and_small(tmp_path):
    bomb = make_docx_bomb(tmp_path / "bomb.docx", 220)
    normal = make_docx(tmp_path / "normal.docx", ["Rules", "Article 1: Kites shall be registered."])
    base_s, base_rss, _ = dry_run(normal)
    seconds, rss, out = dry_run(bomb)
    print(f"\nzip bomb ({bomb.stat().st_size / 1e3:.0f} kB → 220 MB XML): refused in {seconds:.2f} s, peak RSS "
          f"{rss:.0f} MB vs {base_rss:.0f} MB for a normal .docx ({base_s:.2f} s)")
    assert "unpacks to" in out or "of XML" in out
    assert rss - base_rss < 100
    with pytest.raises(LoadError, match="parsing took over"):  # and parse time is bounded for every format
        read_file(normal, 20 * MB, Limits(timeout_s=0.001))
    many = tmp_path / "many.docx"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(3000):
            z.writestr(f"x/{i}.bin", b"")
    with pytest.raises(LoadError, match="entries"):
        read_file(many, 20 * MB)


# --- 6. CSV formula injection --------------------------------------------------------------
def test_6_exported_feedback_csv_cells_cannot_run_as_formulas(tmp_path):
    import csv
    import io

    from service.feedback import FeedbackStore

    store = FeedbackStore(tmp_path / "f.sqlite")
    hostile = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
    for comment in hostile:
        store.add({"question": "=1+1", "answer": "a", "citations": []}, -1, comment, user="@bob")
    rows = list(csv.DictReader(io.StringIO(store.to_csv())))
    for row, comment in zip(rows, hostile, strict=False):
        assert row["comment"] == "'" + comment
        assert row["question"] == "'=1+1"
        assert row["user"] == "'@bob"
        assert row["rating"] == "-1"  # numbers are numbers


# --- 7. damaged vector segment -------------------------------------------------------------
BUILD_STORE = """
import sys, numpy as np
from netlaw import settings
from ingest.parse import parse_text
from vectorstore.chroma import ChunkStore
text = "Register Rules\\n\\n" + "\\n\\n".join(f"Article {i}: Operators keep register {i}." for i in range(1, 1500))
chunks = parse_text(text, "register.txt").chunks
vectors = np.random.default_rng(0).normal(size=(len(chunks), 384)).astype(np.float32)
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
ChunkStore(settings.Settings(store_dir=sys.argv[1])).replace(chunks, vectors, [], {"register.txt": {"sha256": "x"}},
                                                             xl_vectors=[v[None] for v in vectors])
"""


def test_7_health_runs_a_real_query_and_reports_a_damaged_store(tmp_path, caplog):
    """A store big enough that Chroma has moved its vectors from the log into the vector segment
    (built in another process, as a running app would find it), then the segment is lost."""
    from fastapi.testclient import TestClient

    from app import create_app
    from vectorstore.chroma import ChunkStore

    store = tmp_path / "store"
    subprocess.run([sys.executable, "-c", BUILD_STORE, str(store)], cwd=_settings.PROJECT_ROOT, check=True,
                   capture_output=True)
    s = make_settings(tmp_path, feedback_db=tmp_path / "f.sqlite", audit_dir=tmp_path / "audit")
    active = ChunkStore(s).pointer().active
    with sqlite3.connect(store / "chroma.sqlite3") as db:
        (segment,) = db.execute("SELECT s.id FROM segments s JOIN collections c ON s.collection = c.id "
                                "WHERE s.scope = 'VECTOR' AND c.name = ?", (active,)).fetchone()
    shutil.rmtree(store / segment)
    with TestClient(create_app(s)) as client, caplog.at_level("ERROR"):
        health = client.get("/api/health")
    print(f"\nhealth with the vector segment removed: {health.status_code} {health.json()['store']}")
    assert health.status_code == 503
    assert not health.json()["store"]["ok"]
    assert str(store) not in health.text
    assert "/" not in health.json()["store"]["error"]
    assert any("health: the store does not answer queries" in r.getMessage() for r in caplog.records)


# --- 8. article numbers above 999 ----------------------------------------------------------------
def test_8_article_numbers_above_999_are_articles_of_their_own():
    from ingest.parse import parse_text
    from netlaw.text.numerals import int_to_zh
    from netlaw.text.references import article_labels_in

    text = "Big Code\n\n" + "\n\n".join(f"Article {i}: Rule {i} applies." for i in range(1, 10001))
    chunks = parse_text(text, "big.txt").chunks
    labels = {c.article for c in chunks}
    assert len(labels) == 10000
    assert "Article 5000" in labels
    assert max(len(c.text) for c in chunks) < 200
    zh = "民法典\n\n" + "\n\n".join(f"第{int_to_zh(n)}条 规则{n}。" for n in range(1, 1261))
    assert parse_text(zh, "zh.txt").chunks[-1].article == "第一千二百六十条"
    assert article_labels_in("What does Article 1260 say?") == article_labels_in("第一千二百六十条规定了什么")


# --- 9. one bad file does not fail the batch -------------------------------------------------
def test_9_a_bad_file_is_skipped_and_the_good_ones_are_ingested(tmp_path):
    import matplotlib

    from ingest.pipeline import run_ingest

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    good = tmp_path / "kites.pdf"
    with PdfPages(good) as pdf:
        fig = plt.figure()
        fig.text(0.1, 0.8, "Kite Rules")
        fig.text(0.1, 0.7, "Article 1: Kites shall be registered.")
        pdf.savefig(fig)
        plt.close(fig)
    broken_xml = tmp_path / "broken.docx"
    seed = make_docx(tmp_path / "seed.docx", ["x"])
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(broken_xml, "w") as z:
        for info in src.infolist():
            z.writestr(info, b"<w:document><unclosed>" if info.filename == "word/document.xml" else src.read(info))
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(good.read_bytes()[:400] + b"\n" + b"1 0 obj << /Length 99999999999 >> stream\n")
    report = run_ingest([good, broken_xml, broken_pdf], make_settings(tmp_path), progress=False)
    reasons = dict(report.skipped)
    print(f"\nbatch: ingested {report.ingested}, skipped {reasons}")
    assert any(k.endswith("kites.pdf") for k in report.ingested)
    assert set(map(lambda p: Path(p).name, reasons)) == {"broken.docx", "broken.pdf"}
    assert all("\n" not in r and "Traceback" not in r for r in reasons.values())


# --- 10. the small items ---------------------------------------------------------------------
def test_10_random_high_bytes_are_refused_not_ingested_as_mojibake(tmp_path):
    for seed in range(20):
        rng = random.Random(seed)
        path = tmp_path / f"r{seed}.txt"
        path.write_bytes(bytes(rng.randint(0x80, 0xFF) for _ in range(rng.choice([50, 200, 1000]))))
        with pytest.raises(LoadError, match="undecodable"):
            read_file(path, MB)
    path = tmp_path / "ru.txt"
    path.write_bytes("Статья 1. Настоящий закон регулирует отношения.\n".encode("cp1251"))
    assert "Статья 1" in read_file(path, MB)


def test_10_lone_surrogates_are_422_and_the_audit_log_keeps_one_line_per_record(app):
    url, env, _ = app
    log = next(Path(env["NETLAW_AUDIT_DIR"]).parent.glob("app-*.log"))
    tracebacks = log.read_text(encoding="utf-8").count("Traceback")
    bad = '"\\ud800 question"'
    for route, body in (("/api/ask", '{"question": %s}' % bad), ("/api/ask/stream", '{"question": %s}' % bad),
                        ("/api/feedback", '{"question": "q", "answer": "a", "rating": 1, "comment": %s}' % bad)):
        r = httpx.post(url + route, content=body, headers={**AUTH, "Content-Type": "application/json"})
        assert r.status_code == 422, (route, r.text)
    assert log.read_text(encoding="utf-8").count("Traceback") == tracebacks
    r = httpx.post(url + "/api/ask", json={"question": "When\u2028did\u2029the news\x85 take effect?"},
                   headers=AUTH, timeout=120)
    assert r.status_code == 200
    lines = (Path(env["NETLAW_AUDIT_DIR"]) / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["question"] == "When\u2028did\u2029the news\x85 take effect?"


def test_10_and_11_feedback_csv_only_for_admins_never_a_temp_file(app):
    url, _, _ = app
    alice, bob = sign_in(url, "alice"), sign_in(url, "bob")
    r = alice.get("/admin/feedback.csv")
    assert r.status_code == 200
    assert r.text.startswith("id,time,user")
    assert r.headers["cache-control"] == "no-store"
    assert bob.get("/admin/feedback.csv").status_code == 403
    assert httpx.get(url + "/admin/feedback.csv").status_code == 403


def test_11_local_mode_needs_an_explicit_admin_and_never_through_a_proxy(small_store, tmp_path):
    assert not Users(None, None).is_admin(None)
    assert Users(None, None, local_admin=True).is_admin(None)
    assert not Users(None, None, local_admin=True).is_admin(None, proxied=True)
    with running_app(tmp_path / "a", small_store, users=False) as (url, _, _):
        assert httpx.get(url + "/admin/feedback.csv").status_code == 403  # default: nobody is admin
    with running_app(tmp_path / "b", small_store, {"NETLAW_LOCAL_ADMIN": "true"}, users=False) as (url, _, _):
        assert httpx.get(url + "/admin/feedback.csv").status_code == 200
        assert httpx.get(url + "/admin/feedback.csv", headers={"X-Forwarded-For": "10.0.0.8"}).status_code == 403


def test_10_uploads_same_name_refused_bad_files_removed_and_a_rebuild_includes_them(tmp_path):
    from app import ensure_store
    from service.uploads import stage_uploads, upload_report

    s = make_settings(tmp_path, upload_dir=tmp_path / "uploads", corpus_dir=tmp_path / "corpus")
    (tmp_path / "corpus").mkdir()
    shutil.copy(CORPUS / NEWS, tmp_path / "corpus" / NEWS)
    first = tmp_path / "in" / "rules.txt"
    first.parent.mkdir()
    first.write_text("Kite Rules\n\nArticle 1: Kites shall be registered.\n", encoding="utf-8")
    lines, targets = stage_uploads([first], s, replace=False)
    assert targets
    assert not lines
    second = tmp_path / "in2" / "rules.txt"
    second.parent.mkdir()
    second.write_text("Other Rules\n\nArticle 1: Something else.\n", encoding="utf-8")
    lines, again = stage_uploads([second], s, replace=False)
    assert not again
    assert "already uploaded" in lines[0]
    assert (s.upload_dir / "rules.txt").read_text(encoding="utf-8").startswith("Kite Rules")
    bad = tmp_path / "in" / "bad.txt"
    bad.write_bytes(b"")
    _, staged = stage_uploads([bad], s, replace=False)
    upload_report({"ingested": [], "unchanged": [], "documents": 0, "articles": 0,
                   "skipped": [(str(staged[0]), "empty file")]}, staged)
    assert not (s.upload_dir / "bad.txt").exists()

    ensure_store(s)  # an empty (lost) store is rebuilt from the corpus *and* the uploads
    from vectorstore.chroma import ChunkStore

    assert "Kite Rules" in {c.document for c in ChunkStore(s).chunks()}
    folders = [p for p in s.store_dir.iterdir() if p.is_dir()]
    from ingest.pipeline import run_ingest

    for i in range(3):
        extra = tmp_path / f"extra{i}.txt"
        extra.write_text(f"Rules {i}\n\nArticle 1: Rule number {i}.\n", encoding="utf-8")
        run_ingest([extra], s, progress=False)
    live = {r[0] for r in sqlite3.connect(s.store_dir / "chroma.sqlite3").execute("SELECT id FROM segments")}
    left = {p.name for p in s.store_dir.iterdir() if p.is_dir()}
    assert left <= live
    assert len(left) <= max(len(folders), 4)


def test_10_library_lists_are_rebuilt_on_every_page_load(app, tmp_path):
    from gradio_client import Client

    url, env, _ = app
    doc = tmp_path / "tide_rules.txt"
    doc.write_text("Tide Gauge Rules\n\nArticle 1: Every tide gauge shall be read hourly.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "ingest", "--quiet", "--store", env["NETLAW_STORE_DIR"], str(doc)],
                          cwd=_settings.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    time.sleep(2.5)  # the app notices a new active collection within index_refresh_s
    client = Client(url, auth=("bob", PASSWORDS["bob"]), verbose=False)
    outputs = client.predict(api_name="/on_load")
    client.close()
    assert "Tide Gauge Rules" in json.dumps(outputs, ensure_ascii=False)


# --- 2. a full disk -------------------------------------------------------------------------
def _can_mount_tmpfs(where: Path) -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=1m tmpfs '{where}'"],
                           capture_output=True)
    return probe.returncode == 0


def test_2_a_full_disk_fails_the_upload_clearly_and_every_route_keeps_answering(small_store, tmp_path):
    """The store sits on a small private tmpfs (``unshare -m``, root only); where no mount is
    possible, a file-size limit (``ulimit -f``) makes the store's writes fail the same way."""
    from gradio_client import Client, handle_file

    disk, port = tmp_path / "disk", free_port()
    disk.mkdir()
    store_bytes = sum(p.stat().st_size for p in small_store.rglob("*") if p.is_file())
    python = f"exec '{sys.executable}' app.py --port {port}"
    if _can_mount_tmpfs(disk):
        fault = f"tmpfs of {store_bytes // 1024 + 512} kB"
        cmd = ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size={store_bytes // 1024 + 512}k tmpfs '{disk}' && "
               f"cp -r '{small_store}' '{disk}/store' && {python}"]  # 512 kB free: the new collection needs more
    else:
        fault = "file-size limit (ulimit -f)"
        shutil.copytree(small_store, disk / "store")
        cmd = ["sh", "-c", f"ulimit -f {store_bytes // 512 + 1024} && {python}"]
    env = dict(os.environ, NETLAW_STORE_DIR=str(disk / "store"), NETLAW_CACHE_DIR=str(tmp_path / "cache"),
               NETLAW_UPLOAD_DIR=str(tmp_path / "uploads"), NETLAW_FEEDBACK_DB=str(tmp_path / "f.sqlite"),
               NETLAW_AUDIT_DIR=str(tmp_path / "audit"), NETLAW_API_KEYS=f"probe:{hash_key(KEY)}",
               NETLAW_USERS=",".join(f"{u}:{hash_password(p)}" for u, p in PASSWORDS.items()),
               NETLAW_ADMINS="alice", PYTHONUNBUFFERED="1")
    big = tmp_path / "big_rules.txt"
    big.write_text("Big Rules on Everything\n\n" + "\n\n".join(
        f"Article {i}: Operators shall keep register number {i} for {i % 12 + 1} months." for i in range(1, 300)),
        encoding="utf-8")
    url = f"http://127.0.0.1:{port}"
    with server(cmd, url + "/", tmp_path / "app.log", env, cwd=_settings.PROJECT_ROOT) as proc:
        client = Client(url, auth=("alice", PASSWORDS["alice"]), verbose=False)
        job = client.submit([handle_file(str(big))], False, api_name="/upload")
        answered = []
        while not job.done():  # every other route keeps answering while the ingest fails
            started = time.perf_counter()
            assert httpx.get(url + "/api/health", timeout=10).status_code == 200
            answered.append(time.perf_counter() - started)
            time.sleep(0.5)
        status = job.result()[0]
        for _ in range(5):  # … and afterwards (the issue: every route stopped ~5 s later)
            time.sleep(1)
            assert httpx.get(url + "/api/health", timeout=10).status_code == 200
        r = httpx.post(url + "/api/ask", json={"question": "When did the news take effect?"}, headers=AUTH, timeout=120)
        client.close()
        stopping = time.perf_counter()
    stopped_s = time.perf_counter() - stopping
    print(f"\nfull disk ({fault}): upload said {status!r}; health answered {len(answered)} times during the "
          f"ingest (slowest {max(answered or [0]) * 1000:.0f} ms); SIGTERM stopped the app in {stopped_s:.1f} s")
    assert "Nothing was ingested" in status
    assert ("full" in status or "error" in status)
    assert r.status_code == 200
    assert proc.returncode is not None
    assert proc.returncode != -signal.SIGKILL  # SIGTERM stopped it; stop() kills only what SIGTERM did not
    assert not (tmp_path / "uploads" / "big_rules.txt").exists()
