"""Ingest into a real embedded Chroma store: incremental, atomic, and forgiving of bad files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from benchmarks.servers import CORPUS
from ingest.cli import main as ingest_main
from ingest.pipeline import run_ingest
from netlaw import settings as _settings
from vectorstore.chroma import ChunkStore
from vectorstore.embeddings import get_embedder

NEWS = "001_dc8b80564701d042.txt"
OPINIONS = "003_0fe6a6148b950ab3.txt"


@pytest.fixture
def docs_dir(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    for name in (NEWS, OPINIONS):
        shutil.copy(CORPUS / name, d / name)
    return d


def _ids_by_source(store: ChunkStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for chunk in store.chunks():
        out.setdefault(chunk.source, set()).add(chunk.chunk_id)
    return out


def _query(store: ChunkStore, question: str) -> list[str]:
    got = store.active_collection().query(query_embeddings=[get_embedder().embed_query(question)], n_results=3)
    return [m["document"] for m in got["metadatas"][0]]


def test_incremental_ingest_noop_change_prune_reset(tmp_settings, docs_dir):
    first = run_ingest([docs_dir], tmp_settings, progress=False)
    assert len(first.ingested) == 2
    assert first.store_chunks == first.chunks > 0
    store = ChunkStore(tmp_settings)
    meta = store.active_collection().get(limit=1, include=["metadatas"])["metadatas"][0]
    for key in ("document", "doc_type", "language", "article", "path", "source", "article_id", "n_tokens"):
        assert key in meta
    active = store.pointer().active

    again = run_ingest([docs_dir], tmp_settings, progress=False)
    assert again.ingested == []
    assert len(again.unchanged) == 2
    assert store.pointer().active == active  # nothing was rewritten

    before = _ids_by_source(store)
    news_key = next(k for k in before if k.endswith(NEWS))
    opinions_key = next(k for k in before if k.endswith(OPINIONS))
    with (docs_dir / OPINIONS).open("a", encoding="utf-8") as handle:
        handle.write("\nThe Opinions also require platforms to publish annual civilisation reports.\n")
    changed = run_ingest([docs_dir], tmp_settings, progress=False)
    assert changed.ingested == [opinions_key]
    after = _ids_by_source(store)
    assert after[news_key] == before[news_key]  # the other file's chunks are untouched
    assert any("annual civilisation reports" in c.text for c in store.chunks({"source": opinions_key}))
    assert store.count() == len(after[news_key]) + changed.chunks

    (docs_dir / NEWS).unlink()
    kept = run_ingest([docs_dir], tmp_settings, progress=False)  # without --prune: kept
    assert news_key in _ids_by_source(store)
    assert kept.removed == []
    pruned = run_ingest([docs_dir], tmp_settings, prune=True, progress=False)
    assert pruned.removed == [news_key]
    assert set(_ids_by_source(store)) == {opinions_key}

    reset = run_ingest([CORPUS / NEWS], tmp_settings, reset=True, progress=False)
    assert set(_ids_by_source(store)) == {next(iter(reset.ingested))}
    # one generation is left: the chunk collection and its multilingual companion
    active = store.pointer().active
    assert sorted(c.name for c in store.client.list_collections() if c.name.startswith("netlaw_chunks_")) == \
        sorted([active, f"{active}_xl"])
    ids = [c.chunk_id for c in store.chunks()]
    windows = store.xl_vectors(ids)
    assert set(windows) == set(ids)
    assert all(m.shape[1] == 384 and len(m) >= 1 for m in windows.values())


def test_mixed_directory_skips_bad_files_and_loses_nothing(tmp_settings, docs_dir, tmp_path, capsys):
    run_ingest([docs_dir / NEWS], tmp_settings, progress=False)
    store = ChunkStore(tmp_settings)
    before = store.count()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(docs_dir / OPINIONS, mixed / OPINIONS)
    (mixed / "empty.txt").write_bytes(b"")
    (mixed / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (mixed / "garbled.txt").write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80]) * 80)
    (mixed / "sheet.csv").write_text("a,b\n")
    with (mixed / "huge.txt").open("wb") as handle:
        handle.truncate(50_000_000)
    code = ingest_main([str(mixed), str(tmp_path / "missing.txt"), "--store", str(tmp_settings.store_dir), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    for reason in ("empty file", "binary data", "undecodable bytes", "unsupported file type '.csv'",
                   "50.0 MB is over the 20 MB limit", "no such file or directory"):
        assert reason in out, reason
    assert "1 ingested" in out
    assert "6 skipped" in out
    assert store.count() > before  # the old file's chunks are still there, plus the new one's
    assert {c.source.rsplit("/", 1)[-1] for c in store.chunks()} == {NEWS, OPINIONS}


def test_exit_code_is_nonzero_only_when_nothing_could_be_ingested(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    assert ingest_main([str(bad), "--store", str(tmp_path / "s"), "--quiet"]) == 1
    assert "empty file" in capsys.readouterr().out


@pytest.mark.parametrize("change", ["new file", "changed file"])
def test_failed_ingest_leaves_previous_index_complete(tmp_settings, docs_dir, monkeypatch, change):
    """A new file is appended to the active collection (invisible until the pointer's flip), a
    changed one makes a new collection: a write failing half-way leaves what readers see as it was."""
    run_ingest([docs_dir / NEWS] + ([docs_dir / OPINIONS] if change == "changed file" else []),
               tmp_settings, progress=False)
    if change == "changed file":
        with (docs_dir / OPINIONS).open("a", encoding="utf-8") as handle:
            handle.write("\nThe Opinions also require platforms to publish annual civilisation reports.\n")
    store = ChunkStore(tmp_settings)
    pointer, count = store.pointer(), store.count()
    assert (pointer.gen, pointer.chunks) == (0, count)

    import vectorstore.chroma as chroma

    real_add, calls = chroma._add, []

    def failing_add(collection, chunks, vectors, *rest):
        calls.append(len(chunks))
        if len(calls) > 1:
            raise RuntimeError("disk full (simulated)")
        real_add(collection, chunks, vectors, *rest)

    monkeypatch.setattr(chroma, "_add", failing_add)
    monkeypatch.setattr(tmp_settings, "write_batch_size", 4)
    from vectorstore.chroma import StoreError

    with pytest.raises(StoreError, match="disk full"):
        run_ingest([docs_dir], tmp_settings, progress=False)
    assert store.pointer() == pointer
    assert store.count() == count == len(store.chunks())  # rows of the failed append are not seen
    assert _query(store, "national conference on the rule of law on the Internet in Tianjin")
    monkeypatch.setattr(chroma, "_add", real_add)
    done = run_ingest([docs_dir], tmp_settings, progress=False)
    names = sorted(c.name for c in store.client.list_collections() if c.name.startswith("netlaw_chunks_"))
    active = store.pointer().active
    assert names == sorted([active, f"{active}_xl"])  # the half-built collections were cleaned up
    assert store.count() == len(store.chunks()) == store.active_collection().count()  # no leftover rows
    if change == "new file":  # appended: the same collection, the next append generation
        assert (active, store.pointer().gen) == (pointer.active, 1)
        assert store.count() == count + done.chunks
    else:
        assert active != pointer.active


def test_killed_ingest_leaves_previous_index_queryable(tmp_path):
    # its own vector cache: the texts are really embedded (a warm cache would leave nothing to kill)
    env = dict(os.environ, NETLAW_STORE_DIR=str(tmp_path / "store"), PYTHONUNBUFFERED="1",
               NETLAW_VECTOR_CACHE=str(tmp_path / "vectors.sqlite"))
    cmd = [sys.executable, "-m", "ingest", "--quiet"]
    subprocess.run(cmd + [str(CORPUS / NEWS)], env=env, check=True, cwd=_settings.PROJECT_ROOT,
                   capture_output=True)
    settings = _settings.Settings(store_dir=tmp_path / "store")
    store = ChunkStore(settings)
    pointer, count = store.pointer(), store.count()
    del store

    proc = subprocess.Popen(cmd[:-1] + [str(CORPUS)], env=env, cwd=_settings.PROJECT_ROOT,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    seen = ""
    deadline = time.time() + 900  # (parsing and the models' load, on a loaded machine)
    while "embedding" not in seen and time.time() < deadline:
        seen += proc.stderr.read(1)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert "embedding" in seen

    check = subprocess.run(
        [sys.executable, "-c",
         "import json; from vectorstore.chroma import ChunkStore; s = ChunkStore(); p = s.pointer(); "
         "hits = s.active_collection().query(query_texts=['rule of law conference'], n_results=2)['ids'][0]; "
         "print(json.dumps([p.active, s.count(), len(hits)]))"],
        env=env, cwd=_settings.PROJECT_ROOT, capture_output=True, text=True, check=True)
    active, after, hits = json.loads(check.stdout.strip().splitlines()[-1])
    assert active == pointer.active
    assert after == count
    assert hits == 2


def test_dry_run_writes_jsonl_and_leaves_store_alone(tmp_path, capsys):
    out = tmp_path / "chunks.jsonl"
    code = ingest_main([str(CORPUS / OPINIONS), "--dry-run", "--jsonl", str(out), "--store", str(tmp_path / "s"),
                        "--quiet"])
    assert code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows
    for key in ("chunk_id", "document", "doc_type", "language", "article", "path", "text", "source",
                "parallel_id", "n_tokens"):
        assert key in rows[0]
    assert not (tmp_path / "s").exists()
