"""Adding documents: uploaded files are staged in the upload folder, ingested in a child process
and the retriever re-reads the store. The UI's Ingest button calls ``ingest_uploads``; so can an
API route or a test, without a browser.

The upload folder is a source of the store (a lost store is rebuilt from the corpus *and* the
uploads), so only files that were ingested stay there: a failed file is removed, and a file that
replaced an earlier one is restored.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from netlaw import settings as _settings
from netlaw.text.script import HAN

Progress = Callable[[float, str], None]  # (fraction done, what is happening)


class Upload(Protocol):
    """A file handed over by a web framework: its path on disk (``name``) and, where the browser
    sent one, the user's file name (``orig_name``)."""

    name: str


@dataclass
class UploadResult:
    """What an upload did, one line per file or batch, for the person who uploaded."""

    lines: list[str] = field(default_factory=list)
    ingested: list[Path] = field(default_factory=list)  # the staged files handed to the ingest

    def markdown(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave the upload directory."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(rf"[^\w.\-{HAN}]+", "_", base).strip("._") or "upload"
    return base[:120]


def ingest_uploads(files: Iterable[str | Path | Upload], s: _settings.Settings, retriever: Any, replace: bool,
                   progress: Progress | None = None) -> UploadResult:
    """Stage ``files`` in the upload folder, ingest them (in a child process, one ingest at a time
    across processes) and refresh ``retriever`` so the next question sees them."""
    report_progress = progress or (lambda fraction, what: None)
    report_progress(0, "Checking the files…")
    lines, targets = stage_uploads(files, s, replace)
    if targets:
        from ingest.worker import ingest_in_child

        report_progress(0.1, "Ingesting (other ingests wait their turn)…")
        report = ingest_in_child(targets, s)
        retriever.refresh()
        lines += upload_report(report, targets)
    return UploadResult(lines, targets)


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
