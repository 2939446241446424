"""Adding documents: uploaded files are staged in the upload folder, ingested in a child process
and the retriever re-reads the store. The UI's Ingest button calls ``ingest_uploads``; so can an
API route or a test, without a browser.

The child (``python -m ingest.worker --progress``) runs with the ingest's progress bars on; ``ingest_with_progress``
reads them as they move (files read, articles embedded, chunks written) and reports each step. The
result names every document the upload added, with its type, date and article count
(``UploadResult.html``: each title links to the document in the Library).

The upload folder is a source of the store (a lost store is rebuilt from the corpus *and* the
uploads), so only files that were ingested stay there: a failed file is removed, and a file that
replaced an earlier one is restored.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from netlaw import settings as _settings
from netlaw.text.script import HAN

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]  # (fraction done, what is happening)

# The ingest's progress bars (tqdm: "parsing:  50%|█████     | 1/2 [00:01<00:01, …]") → the share of the
# upload done when the step starts and ends, and what it says, in English and Chinese.
STEPS: dict[str, tuple[float, float, dict[str, str]]] = {
    "parsing": (0.05, 0.25, {"en": "Reading the files: {n} of {total}", "zh": "读取文件：{n}/{total}"}),
    "embedding": (0.25, 0.55, {"en": "Embedding the new articles: {n} of {total} passages",
                               "zh": "向量化新条文：{n}/{total} 段"}),
    "embedding (multilingual)": (0.55, 0.85, {"en": "Embedding the articles for cross-language search: "
                                                    "{n} of {total} passages",
                                              "zh": "跨语言向量化条文：{n}/{total} 段"}),
    "writing": (0.85, 0.95, {"en": "Saving to the library: {n} of {total} passages",
                             "zh": "写入资料库：{n}/{total} 段"}),
}
WORDS = {
    "en": {"checking": "Checking the files…", "starting": "Starting the ingest (other ingests wait their turn)…",
           "refreshing": "Updating the search index…", "added": "Added to the library:",
           "in_force": "in force {date}", "issued": "issued {date}", "adopted": "adopted {date}",
           "promulgated": "promulgated {date}", "no_date": "no date stated", "articles": "{n} articles",
           "article": "1 article", "open": "Open it in the library", "unchanged": "unchanged, already in the library",
           "kept": "Unchanged (already in the library):", "waiting": "{what} ({s} s)",
           "ingested": "Ingested {files} file(s): {documents} documents, {articles} articles ({unchanged} unchanged)."},
    "zh": {"checking": "正在检查文件…", "starting": "开始导入（其他导入依次等待）…", "refreshing": "正在更新检索索引…",
           "added": "已加入资料库：", "in_force": "{date} 施行", "issued": "{date} 发布", "adopted": "{date} 通过",
           "promulgated": "{date} 公布", "no_date": "未载明日期", "articles": "{n} 条", "article": "1 条",
           "open": "在资料库中打开", "unchanged": "未变，资料库中已有", "kept": "未变（资料库中已有）：",
           "waiting": "{what}（{s} 秒）",
           "ingested": "已导入 {files} 个文件：{documents} 份文件，{articles} 条（{unchanged} 个未变）。"},
}
_BAR = re.compile(r"^(?P<desc>[a-z][a-z ()]*?): *\d+%\|.*?\| *(?P<n>\d+)/(?P<total>\d+)")


class Upload(Protocol):
    """A file handed over by a web framework: its path on disk (``name``) and, where the browser
    sent one, the user's file name (``orig_name``)."""

    name: str


@dataclass
class UploadResult:
    """What an upload did, one line per file or batch, and the documents it added, for the person
    who uploaded."""

    lines: list[str] = field(default_factory=list)
    ingested: list[Path] = field(default_factory=list)  # the staged files handed to the ingest
    documents: list[dict] = field(default_factory=list)  # the library's documents from those files
    report: dict = field(default_factory=dict)  # the ingest's report (counts, skipped files)

    def markdown(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)

    def html(self, language: str = "en") -> str:
        """The status under the Ingest button: the lines, then one item per document the upload added
        (title linking to it in the Library, type, date, article count)."""

        words = WORDS["zh" if language == "zh" else "en"]
        lines = [self._line(line, words) for line in self.lines]
        out = ['<div class="upload-result">', "<ul class=\"upload-lines\">",
               *(f"<li>{html.escape(line)}</li>" for line in lines), "</ul>"]
        added = [d for d in self.documents if not d.get("unchanged")]
        kept = [d for d in self.documents if d.get("unchanged")]
        for heading, documents in ((words["added"], added), (words["kept"], kept)):
            if documents:
                out.append(f'<div class="upload-added">{heading}</div><ul class="upload-documents">')
                out += [self._item(d, words, language) for d in documents]
                out.append("</ul>")
        out.append("</div>")
        return "".join(out)

    @staticmethod
    def _item(d: dict, words: dict[str, str], language: str) -> str:
        """One document: its title linking to it in the Library, type, version (and whether in force) or
        date, article count (as the law numbers them), "unchanged" for a file the library held already."""
        from service.render import type_word
        from service.works import version_words

        title = html.escape(d["title"], quote=True)
        count = words["article"] if d.get("articles") == 1 else words["articles"].format(n=d.get("articles", 0))
        dated = version_words(d.get("version"), d.get("in_force"), language) if "in_force" in d else ""
        bits = [type_word(d.get("doc_type"), language), dated or document_date(d, words), count]
        if d.get("unchanged"):
            bits.append(words["unchanged"])
        about = html.escape(" · ".join(b for b in bits if b))
        return (f'<li class="upload-document"><a class="library-link" href="#" data-doc="{title}" '
                f'title="{words["open"]}">{title}</a> — {about}</li>')

    def _line(self, line: str, words: dict[str, str]) -> str:
        """The batch's summary line in the interface language (file reasons stay as the ingest wrote them)."""
        report = self.report
        if line.startswith("Ingested ") and "ingested" in report:
            return words["ingested"].format(files=len(report["ingested"]), documents=report.get("documents", 0),
                                            articles=report.get("articles", 0),
                                            unchanged=len(report.get("unchanged", [])))
        return line


def document_date(document: dict, words: dict[str, str]) -> str:
    """The date a reader looks for: in force, else adopted, promulgated or issued; never guessed."""
    for key, word in (("effective", "in_force"), ("adopted", "adopted"), ("promulgated", "promulgated"),
                      ("issued", "issued")):
        if document.get(key):
            return words[word].format(date=document[key])
    return words["no_date"]


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload directory; letters, digits, Chinese and brackets kept, so
    that a law's file ("…法(2024-04-26).md") is listed and exported under the name it was uploaded with."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(rf"[^\w.\-(){HAN}（）]+", "_", base).strip("._") or "upload"
    return base[:120]


def ingest_uploads(files: Iterable[str | Path | Upload], s: _settings.Settings, retriever: Any, replace: bool,
                   progress: Progress | None = None, language: str = "en") -> UploadResult:
    """Stage ``files`` in the upload folder, ingest them (in a child process, one ingest at a time
    across processes, its progress reported as it moves) and refresh ``retriever`` so the next
    question sees them; the result names the documents they hold."""
    report_progress = progress or (lambda fraction, what: None)
    words = WORDS["zh" if language == "zh" else "en"]
    report_progress(0, words["checking"])
    lines, targets = stage_uploads(files, s, replace)
    report: dict = {}
    documents: list[dict] = []
    if targets:
        report_progress(0.03, words["starting"])
        report = ingest_with_progress(targets, s, report_progress, language)
        report_progress(0.96, words["refreshing"])
        retriever.refresh()
        lines += upload_report(report, targets)
        documents = added_documents(retriever, report)
        report_progress(1.0, words["added"])
    return UploadResult(lines, targets, documents, report)


def added_documents(retriever: Any, report: dict) -> list[dict]:
    """The library's documents read from the files the ingest took in (``unchanged``: already there),
    in the files' order."""
    if "error" in report:
        return []
    # the report names files by their source key, as the store's documents do
    order = {key: i for i, key in enumerate([*report.get("ingested", []), *report.get("unchanged", [])])}
    from service.works import version_status

    unchanged = set(report.get("unchanged", []))
    documents = retriever.documents()
    status = version_status(documents)  # the works the library holds in several versions: which is in force
    found = [dict(d, unchanged=d.get("source") in unchanged, **({"in_force": status[d["doc_id"]]}
                                                                 if d["doc_id"] in status else {}))
             for d in documents if d.get("source") in order]
    return sorted(found, key=lambda d: (order.get(d.get("source"), len(order)), d.get("title", "")))


def ingest_with_progress(files: list[Path], s: _settings.Settings, progress: Progress,
                         language: str = "en") -> dict:
    """``ingest.worker.ingest_in_child`` with progress: the ingest of ``files`` in a child process
    (``python -m ingest.worker --progress``) whose progress bars are read as they move and passed to ``progress``.
    Its report as a dict, or ``{"error": message}`` when it failed (the store is then unchanged)."""
    from ingest.worker import REPORT_PREFIX, settings_env

    code = "zh" if language == "zh" else "en"
    cmd = [sys.executable, "-m", "ingest.worker", "--progress", *map(str, files)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=settings_env(s),
                            cwd=_settings.PROJECT_ROOT)
    assert proc.stdout is not None
    deadline = time.monotonic() + s.ingest_timeout_s
    pending, tail = b"", deque[str](maxlen=40)
    report: dict | None = None
    fd = proc.stdout.fileno()
    # the last progress (fraction, text), since when, seconds shown: from the start, while the child starts
    shown: list = [0.03, WORDS[code]["starting"], time.monotonic(), 0]

    def report_step(fraction: float, what: str) -> None:
        if what != shown[1]:
            shown[:] = [fraction, what, time.monotonic(), 0]
        progress(fraction, what)

    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                return {"error": f"the ingest took over {s.ingest_timeout_s:.0f} s and was stopped; "
                                 "nothing was changed"}
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            waited = int(time.monotonic() - shown[2])
            if shown[0] is not None and waited >= 1 and waited != shown[3]:
                # a step that says nothing for a while (the model loading): the seconds it has taken
                shown[3] = waited
                progress(shown[0], WORDS[code]["waiting"].format(what=shown[1], s=waited))
            if not ready:
                continue
            data = os.read(fd, 65536)
            if not data:
                break
            *pieces, pending = re.split(rb"[\r\n]", pending + data)
            for piece in pieces:
                line = piece.decode("utf-8", "replace").strip()
                if line.startswith(REPORT_PREFIX):
                    report = json.loads(line[len(REPORT_PREFIX):])
                elif line and not _progress_line(line, report_step, code):
                    tail.append(line)
        line = pending.decode("utf-8", "replace").strip()
        if line.startswith(REPORT_PREFIX):
            report = json.loads(line[len(REPORT_PREFIX):])
    finally:
        proc.stdout.close()
        proc.wait()
    if report is not None:
        return report
    log.error("ingest child exited with %s:\n%s", proc.returncode, "\n".join(tail)[-4000:])
    return {"error": f"the ingest failed (exit status {proc.returncode}); nothing was changed"}


def _progress_line(line: str, progress: Progress, language: str) -> bool:
    """Report one line of the child's progress bars; False when it is not one."""
    found = _BAR.match(line)
    step = STEPS.get(found["desc"]) if found else None
    if found is None or step is None:
        return False
    n, total = int(found["n"]), int(found["total"])
    start, end, text = step
    progress(start + (end - start) * (n / total if total else 1.0), text[language].format(n=n, total=total))
    return True


def stage_uploads(files: Iterable[str | Path | Upload], s: _settings.Settings,
                  replace: bool) -> tuple[list[str], list[Path]]:
    """Copy uploads into the upload folder, the source a rebuild reads. A name already there is
    refused unless ``replace`` (identical content is fine: the ingest reports it unchanged); a
    replaced file is kept as ``.<name>.previous`` until its replacement is ingested."""
    s.upload_dir.mkdir(parents=True, exist_ok=True)
    root = s.upload_dir.resolve()
    lines: list[str] = []
    targets: list[Path] = []
    for f in files:
        src = Path(f if isinstance(f, (str, Path)) else f.name)
        target = (root / safe_upload_name(getattr(f, "orig_name", None) or src.name)).resolve()
        if root not in target.parents:
            lines.append(f"{src.name}: invalid file name")
        elif src.stat().st_size > s.max_file_mb * 1e6:
            lines.append(f"{target.name}: larger than {s.max_file_mb:.0f} MB")
        elif target.exists() and not replace and target.read_bytes() != src.read_bytes():
            lines.append(f"{target.name}: a different file was already uploaded under this name; rename it, "
                         f"or tick 'Replace' to replace that document")
        else:
            if target.exists():
                shutil.copyfile(target, _previous(target))
            shutil.copyfile(src, target)
            targets.append(target)
    return lines, targets


def _previous(target: Path) -> Path:
    return target.with_name(f".{target.name}.previous")


def upload_report(report: dict, targets: list[Path]) -> list[str]:
    """Lines for the upload status; files that were not ingested leave the upload folder (a
    replaced file comes back)."""
    if "error" in report:
        failed = [(str(t), report["error"]) for t in targets]
        lines = [f"Nothing was ingested: {report['error']}"]
    else:
        failed = report["skipped"]
        lines = [f"Ingested {len(report['ingested'])} file(s): {report['documents']} documents, "
                 f"{report['articles']} articles ({len(report['unchanged'])} unchanged)."]
        lines += [f"{Path(p).name}: {reason}" for p, reason in failed]
    failed_paths = {Path(p).resolve() for p, _ in failed}
    for target in targets:
        previous = _previous(target)
        if target in failed_paths:
            target.unlink(missing_ok=True)
            if previous.exists():
                previous.replace(target)
        previous.unlink(missing_ok=True)
    return lines
