"""Files → chunks → the store, incrementally and atomically.

A content-hash manifest (kept with the store's pointer) makes a re-run on
unchanged files a no-op; a changed file replaces exactly its old chunks;
``prune`` drops files that no longer exist; ``reset`` rebuilds from scratch.

One ingest at a time: the manifest is read and the pointer flipped under one file lock
(``ingest_lock``), so two ingests — UI uploads, the CLI, several app processes on one store —
never flip the pointer with a manifest that misses the other's files. The upload folder is a
source like the bundled corpus: a rebuild includes what administrators uploaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
from filelock import FileLock, Timeout

from ingest.loaders import SUPPORTED, Limits, LoadError, read_file
from ingest.parse import ParsedFile, parse_text
from ingest.titles import SIDECAR
from netlaw import settings as _settings
from netlaw.text.script import has_chinese
from vectorstore.chroma import StoreError
from vectorstore.multilingual import embed_windows, get_multilingual_embedder
from vectorstore.records import Chunk

log = logging.getLogger(__name__)
GROUP_CHUNKS = 1000  # chunks embedded and written at a time (memory stays flat at any library size)


@dataclass
class IngestReport:
    files: int = 0
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    removed: list[str] = field(default_factory=list)
    documents: int = 0
    articles: int = 0
    chunks: int = 0
    embedded: int = 0  # distinct texts embedded
    store_chunks: int | None = None
    seconds: dict[str, float] = field(default_factory=lambda: {"parse": 0.0, "embed": 0.0, "write": 0.0})
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        """Non-zero exit only when nothing at all could be ingested."""
        return self.files > 0 and not self.ingested and not self.unchanged

    def summary(self) -> str:
        s = self.seconds
        lines = [
            f"files: {self.files} seen, {len(self.ingested)} ingested, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped" + (f", {len(self.removed)} removed" if self.removed else ""),
            f"documents: {self.documents}  articles: {self.articles}  chunks: {self.chunks}"
            + (f"  (store now holds {self.store_chunks} chunks)" if self.store_chunks is not None else ""),
            f"seconds: parsing {s['parse']:.2f}, embedding {s['embed']:.2f} ({self.embedded} texts), "
            f"writing {s['write']:.2f}",
        ]
        lines += [f"skipped {path}: {reason}" for path, reason in self.skipped]
        if self.dry_run:
            lines.append("dry run: the store was not touched")
        return "\n".join(lines)


def source_key(path: Path) -> str:
    """Path relative to the project when inside it (stable across clones), else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(_settings.PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def discover(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to ingest (directories walked, sorted) and paths skipped with a reason."""
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        if not path.exists():
            skipped.append((str(path), "no such file or directory"))
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith(".") or child.name == SIDECAR:
                    continue  # hidden files; a folder's titles.tsv describes its documents, it is not one
                files.append(child)
        else:
            files.append(path)
    return files, skipped


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_file(path: Path, s: _settings.Settings) -> ParsedFile:
    text = read_file(path, int(s.max_file_mb * 1e6), Limits.from_settings(s))
    parsed = parse_text(text, source_key(path), s.chunk_max_tokens, s.token_encoding)
    if not parsed.chunks:
        raise LoadError("no text left after removing web boilerplate")
    return parsed


def embed_unique(chunks: list[Chunk], progress=False) -> tuple[np.ndarray, int]:
    """Vectors for chunks; identical texts are embedded once (copies of a file cost nothing), and
    texts any earlier ingest embedded are read from the vector cache. ``progress``: a bar (True) or
    a callable told how many texts each embedded batch held. Returns the vectors and the number of
    distinct texts."""
    from vectorstore.embeddings import DIMENSIONS, get_embedder

    if not chunks:
        return np.zeros((0, DIMENSIONS), dtype=np.float32), 0
    unique: dict[str, int] = {}
    for chunk in chunks:
        unique.setdefault(chunk.embed_text, len(unique))
    vectors = get_embedder().embed_passages(list(unique), progress=progress)
    return vectors[[unique[c.embed_text] for c in chunks]], len(unique)


class IngestBusy(StoreError):
    """Another ingest held the lock for longer than ``ingest_lock_timeout_s``."""


def default_sources(s: _settings.Settings) -> list[Path]:
    """What a plain ingest or a rebuild reads: the bundled corpus and the uploaded files."""
    return [s.corpus_dir] + ([s.upload_dir] if s.upload_dir.is_dir() else [])


def lock_path(s: _settings.Settings) -> Path:
    if s.ingest_lock:
        return s.ingest_lock
    if s.uses_chroma_server():
        return s.data_dir / "ingest.lock"
    return s.store_dir.with_name(s.store_dir.name + ".ingest.lock")


@contextmanager
def ingest_lock(s: _settings.Settings) -> Iterator[None]:
    """The one-ingest-at-a-time lock (a file lock: it holds across processes)."""
    path = lock_path(s)
    try:  # FileLock would retry an unwritable path until its timeout
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the ingest lock {path} ({exc.strerror or exc}); "
                         f"set NETLAW_INGEST_LOCK to a writable file") from exc
    lock = FileLock(str(path), timeout=s.ingest_lock_timeout_s)
    try:
        lock.acquire()
    except Timeout:
        raise IngestBusy(f"another ingest has held {path} for over {s.ingest_lock_timeout_s:.0f} s; "
                         f"try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()


def run_ingest(paths: list[Path] | None = None, s: _settings.Settings | None = None, *,
               reset: bool = False, prune: bool = False, dry_run_jsonl: Path | None = None,
               progress: bool = True, store=None) -> IngestReport:
    s = s or _settings.get_settings()
    if dry_run_jsonl is not None:
        return _run_ingest(paths, s, reset, prune, dry_run_jsonl, progress, store)
    with ingest_lock(s):
        return _run_ingest(paths, s, reset, prune, dry_run_jsonl, progress, store)


def _run_ingest(paths, s, reset, prune, dry_run_jsonl, progress, store) -> IngestReport:
    report = IngestReport(dry_run=dry_run_jsonl is not None)
    supported = _supported_files(paths or default_sources(s), report)
    if dry_run_jsonl is None and store is None:
        from vectorstore.chroma import ChunkStore

        store = ChunkStore(s)
    old_manifest = {} if (reset or store is None) else store.pointer().manifest
    new_manifest = dict(old_manifest)
    chunks = _parse_changed(supported, s, old_manifest, new_manifest, report,
                            preload=dry_run_jsonl is None, progress=progress)
    report.chunks = len(chunks)

    if dry_run_jsonl is not None:
        _write_jsonl(dry_run_jsonl, chunks)
        return report
    if prune:
        _prune_missing(new_manifest, report)
    if not report.ingested and not report.removed and not reset:
        report.store_chunks = store.count()
        return report  # nothing changed: a no-op
    # only new files: their rows are appended to the active collection, nothing is copied
    adds_only = not reset and not report.removed and not any(k in old_manifest for k in report.ingested)
    _embed_and_write(chunks, new_manifest, store, report, progress, append=adds_only and store.can_append())
    if not s.uses_chroma_server():
        remove_orphan_segments(s.store_dir)
    return report


def _supported_files(paths: list[Path], report: IngestReport) -> list[Path]:
    """The files under ``paths`` that ingest reads; the others go to ``report.skipped``."""
    files, report.skipped = discover(paths)
    report.files = len(files) + len(report.skipped)
    report.skipped += [(str(f), f"unsupported file type '{f.suffix or '(none)'}'")
                       for f in files if f.suffix.lower() not in SUPPORTED]
    return [f for f in files if f.suffix.lower() in SUPPORTED]


def _parse_changed(files: list[Path], s: _settings.Settings, old_manifest: dict, new_manifest: dict,
                   report: IngestReport, *, preload: bool, progress: bool) -> list[Chunk]:
    """The chunks of the files whose content changed since ``old_manifest``; the files recorded in
    ``new_manifest`` and ``report``. A file that fails is skipped, never the batch. With ``preload``,
    the embedding model loads in the background while the files are parsed. Only the chunks are
    kept (a file's documents and articles are counted, then dropped)."""
    from netlaw.progress import bar

    chunks: list[Chunk] = []
    started = time.perf_counter()
    shown = bar(total=len(files), desc="parsing", unit="file", disable=not progress)
    for path in files:
        shown.update(1)
        key = source_key(path)
        try:
            digest = file_hash(path)
            if old_manifest.get(key, {}).get("sha256") == digest:
                report.unchanged.append(key)
                continue
            if preload:
                from vectorstore.embeddings import get_embedder

                get_embedder().preload()  # torch loads while we parse (once: later calls return at once)
                preload = False
            result = parse_file(path, s)
        except (LoadError, OSError) as exc:
            report.skipped.append((str(path), str(exc)))
            log.warning("skipped %s: %s", path, exc)
            continue
        except Exception as exc:  # one bad file never fails the batch
            report.skipped.append((str(path), f"could not be parsed ({exc.__class__.__name__})"))
            log.exception("skipped %s", path)
            continue
        chunks.extend(result.chunks)
        report.ingested.append(key)
        report.documents += len(result.documents)
        report.articles += sum(len(a) for a in result.articles.values())
        shown.set_postfix_str(f"documents={report.documents}, articles={report.articles}", refresh=False)
        new_manifest[key] = {"sha256": digest, "documents": len(result.documents), "chunks": len(result.chunks)}
    shown.close()
    report.seconds["parse"] = time.perf_counter() - started
    return chunks


def _prune_missing(manifest: dict, report: IngestReport) -> None:
    """Drop the manifest's sources whose files are gone (their chunks leave the store)."""
    for key in list(manifest):
        if not (_settings.PROJECT_ROOT / key).exists() and not Path(key).exists():
            report.removed.append(key)
            del manifest[key]


def _embed_and_write(chunks: list[Chunk], manifest: dict, store, report: IngestReport, progress: bool,
                     append: bool = False) -> None:
    """Embed the new chunks and write a new store generation, ``GROUP_CHUNKS`` at a time: each
    group is embedded (vectors read from, or written to, the vector cache as each batch completes)
    and written at once, and dropped, so memory stays flat whatever the library's size; the commit
    publishes the generation: the new chunks plus the kept sources' (a new collection), or with
    ``append``, the new chunks added to the active collection (``StoreWriter``)."""
    from vectorstore.embeddings import get_embedder

    embedder, xl = get_embedder(), get_multilingual_embedder()
    started = time.perf_counter()
    todo = (embedder.missing(dict.fromkeys(c.embed_text for c in chunks)),
            xl.missing([w for c in chunks for w in c.xl_windows]))
    report.seconds["embed"] += time.perf_counter() - started
    bars = _Bars(progress, {"embedding": (todo[0], "chunk"), "embedding (multilingual)": (todo[1], "window"),
                            "writing": (len(chunks), "chunk")})
    writer = store.writer(append=append)
    names: set[str] = set()
    for start in range(0, len(chunks), GROUP_CHUNKS):
        group = chunks[start : start + GROUP_CHUNKS]
        started = time.perf_counter()
        vectors, embedded = embed_unique(group, bars.get("embedding"))
        report.embedded += embedded
        xl_vectors = embed_windows(group, bars.get("embedding (multilingual)"))
        report.seconds["embed"] += time.perf_counter() - started
        started = time.perf_counter()
        writer.add(group, vectors, xl_vectors, bars.get("writing"))
        report.seconds["write"] += time.perf_counter() - started
        names.update(n for c in group for n in (c.document, c.alt_title, *c.names) if n and not has_chinese(n))
        chunks[start : start + GROUP_CHUNKS] = [None] * len(group)  # type: ignore[list-item]  # (freed)
    bars.close()
    # the documents' English names, for matching a question's name for a law (qa.names), embedded now
    # rather than on the first question that names one
    started = time.perf_counter()
    xl.embed_queries(sorted(names))
    report.seconds["embed"] += time.perf_counter() - started
    started = time.perf_counter()
    keep = [k for k in manifest if k not in report.ingested]
    writer.commit(keep, manifest, xl_embed=embed_windows)
    report.seconds["write"] += time.perf_counter() - started
    report.store_chunks = store.count()


class _Bars:
    """One progress bar per step over the whole ingest, each made when its step first moves (a
    parent reading the bars, like the upload's, then sees the steps in order)."""

    def __init__(self, progress: bool, steps: dict[str, tuple[int, str]]) -> None:
        self.progress, self.steps = progress, steps
        self.made: dict = {}

    def get(self, desc: str):
        """The step's ``update`` callable (None without progress)."""
        if not self.progress:
            return None

        def update(n: int) -> None:
            if desc not in self.made:
                from netlaw.progress import bar

                total, unit = self.steps[desc]
                self.made[desc] = bar(total=total, desc=desc, unit=unit)
            self.made[desc].update(n)

        return update

    def close(self) -> None:
        for shown in self.made.values():
            shown.close()


def remove_orphan_segments(store_dir: Path) -> list[str]:
    """Delete vector-segment folders no collection refers to any more (embedded Chroma leaves a
    deleted collection's folder behind). Runs under the ingest lock, after the pointer flip."""
    database = store_dir / "chroma.sqlite3"
    if not database.exists():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
            live = {row[0] for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error as exc:
        log.warning("could not list the store's segments: %s", exc)
        return []
    removed = []
    for folder in store_dir.iterdir():
        if folder.is_dir() and _is_uuid(folder.name) and folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def _write_jsonl(path: Path, chunks: list[Chunk]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
