"""Reading files of every supported format into text, with a clear reason when we can't.

Text files are decoded as UTF-8 when they are UTF-8, else by detection
(charset-normalizer) with GB18030 — the superset of GBK/GB2312 — tried for
Chinese text. Binary data, undecodable bytes, empty and oversized files raise
``LoadError`` with a one-line reason; nothing is guessed silently.

Every structured format (.pdf, .docx, .html) is parsed in a child process with a time and memory
limit, after a .docx archive's entry count and uncompressed sizes (as the archive declares them;
Python's zipfile never inflates an entry past its declared size) have been checked: a zip bomb or a
pathological PDF costs a one-line refusal, never the service's memory, and any library error
becomes a ``LoadError`` for that file alone.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from netlaw.text.script import chinese_chars

SUPPORTED = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}


class LoadError(Exception):
    """A file that cannot be ingested; the message is the one-line reason."""


@dataclass(frozen=True)
class Limits:
    """Bounds on unpacking and parsing one file (settings NETLAW_MAX_UNPACKED_MB, …)."""

    max_unpacked_mb: float = 100.0
    max_xml_mb: float = 40.0
    max_entries: int = 2000
    timeout_s: float = 60.0
    max_memory_mb: int = 1536

    @classmethod
    def from_settings(cls, s) -> "Limits":
        return cls(s.max_unpacked_mb, s.max_xml_mb, s.max_archive_entries, s.parse_timeout_s, s.parse_max_memory_mb)


_CHILD_FORMATS = {".pdf", ".docx", ".html", ".htm"}
_EXIT_LOAD_ERROR, _EXIT_MEMORY = 3, 4


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def _is_readable(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t\f"))
    return bad <= len(text) * 0.01


def _plausible_legacy(data: bytes, text: str) -> bool:
    """Text in a legacy encoding still has ASCII whitespace (lines, spaces) and no private-use
    characters; random high bytes decode to letters in GB18030 or a Cyrillic code page but have neither."""
    if not any(b in data for b in (b"\n", b" ", b"\t", b"\r")):
        return False
    private = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff")
    return private <= len(text) * 0.005


def decode_bytes(data: bytes) -> str:
    """Bytes → text: UTF-8, else GB18030 when that reads as Chinese, else detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if not _plausible_legacy(data, data.decode("latin-1")):
        raise LoadError("undecodable bytes: not UTF-8, GB18030 or any encoding we can detect")
    try:
        text = data.decode("gb18030")
        cjk = len(chinese_chars(text))
        if cjk >= len(text.strip()) * 0.2 and _is_readable(text) and _plausible_legacy(data, text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _is_readable(text) and _plausible_legacy(data, text):
            return text
    raise LoadError("undecodable bytes: not UTF-8, GB18030 or any encoding we can detect")


def _html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "aside", "form", "noscript"]):
        tag.decompose()
    return soup.get_text("\n")


def _markdown_to_text(md: str) -> str:
    md = re.sub(r"<!--.*?-->", "", md, flags=re.DOTALL)  # comments (a collection's "INFO END" marker)
    md = re.sub(r"^\s{0,3}#{1,6}\s*", "", md, flags=re.MULTILINE)
    md = re.sub(r"(\*\*|__)(.+?)\1", r"\2", md)
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", md)


def _pdf_to_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoadError(f"not a readable PDF ({exc.__class__.__name__})") from exc


def _docx_to_text(path: Path) -> str:
    import zipfile

    from docx import Document as DocxDocument
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = DocxDocument(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise LoadError("not a readable .docx file") from exc
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def check_archive(path: Path, limits: Limits) -> None:
    """A .docx (a zip) within the entry count and uncompressed sizes, or LoadError — read from the
    archive's directory, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoadError("not a readable .docx file") from exc
    if len(entries) > limits.max_entries:
        raise LoadError(f"the archive holds {len(entries):,} entries; the limit is {limits.max_entries:,} "
                        f"(setting NETLAW_MAX_ARCHIVE_ENTRIES)")
    total = sum(e.file_size for e in entries)
    xml = sum(e.file_size for e in entries if e.filename.lower().endswith((".xml", ".rels")))
    if total > limits.max_unpacked_mb * 1e6:
        raise LoadError(f"unpacks to {total / 1e6:,.0f} MB; the limit is {limits.max_unpacked_mb:.0f} MB "
                        f"(setting NETLAW_MAX_UNPACKED_MB)")
    if xml > limits.max_xml_mb * 1e6:
        raise LoadError(f"holds {xml / 1e6:,.0f} MB of XML when unpacked; the limit is {limits.max_xml_mb:.0f} MB "
                        f"(setting NETLAW_MAX_XML_MB)")


def _extract(path: Path, suffix: str) -> str:
    """The text of a structured file (run in the child process)."""
    if suffix == ".pdf":
        return _pdf_to_text(path)
    if suffix == ".docx":
        return _docx_to_text(path)
    data = path.read_bytes()
    if _looks_binary(data):
        raise LoadError(f"binary data, not text (named {suffix})")
    return _html_to_text(decode_bytes(data))


def extract_bounded(path: Path, limits: Limits) -> str:
    """_extract in a child process limited to ``limits.timeout_s`` and ``limits.max_memory_mb``."""
    cmd = [sys.executable, "-m", "ingest.loaders", str(limits.max_memory_mb), str(path)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=limits.timeout_s,
                              cwd=Path(__file__).resolve().parents[1])
    except subprocess.TimeoutExpired:
        raise LoadError(f"parsing took over {limits.timeout_s:.0f} s and was stopped "
                        f"(setting NETLAW_PARSE_TIMEOUT_S)") from None
    if done.returncode == 0:
        return done.stdout.decode("utf-8")
    if done.returncode == _EXIT_LOAD_ERROR:
        raise LoadError(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1])
    if done.returncode == _EXIT_MEMORY:
        raise LoadError(f"parsing needs over {limits.max_memory_mb} MB of memory and was stopped "
                        f"(setting NETLAW_PARSE_MAX_MEMORY_MB)")
    raise LoadError(f"the parser failed (exit status {done.returncode})")


def _child(argv: list[str]) -> int:
    """``python -m ingest.loaders MAX_MEMORY_MB PATH``: the text on stdout; exit 3 with the reason
    on stderr, 4 when out of memory."""
    import resource

    limit = int(argv[0]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    path = Path(argv[1])
    try:
        text = _extract(path, path.suffix.lower())
    except MemoryError:
        return _EXIT_MEMORY
    except LoadError as exc:
        print(str(exc), file=sys.stderr)
        return _EXIT_LOAD_ERROR
    except Exception as exc:  # noqa: BLE001 - any library error is this file's problem only
        print(f"could not be parsed ({exc.__class__.__name__})", file=sys.stderr)
        return _EXIT_LOAD_ERROR
    sys.stdout.buffer.write(text.encode("utf-8", "replace"))
    return 0


def read_file(path: Path, max_bytes: int, limits: Limits | None = None) -> str:
    """The text of a file, or LoadError with the reason it can't be ingested."""
    limits = limits or Limits()
    if not path.exists():
        raise LoadError("no such file")
    if not path.is_file():
        raise LoadError("not a regular file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(sorted(SUPPORTED))})")
    size = path.stat().st_size
    if size == 0:
        raise LoadError("empty file")
    if size > max_bytes:
        raise LoadError(f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit (setting NETLAW_MAX_FILE_MB)")
    if suffix == ".docx":
        check_archive(path, limits)
    if suffix in _CHILD_FORMATS:
        text = extract_bounded(path, limits)
    else:
        data = path.read_bytes()
        if _looks_binary(data):
            raise LoadError(f"binary data, not text (named {suffix})")
        text = decode_bytes(data)
        if suffix in (".md", ".markdown"):
            text = _markdown_to_text(text)
    if not text.strip():
        raise LoadError("no text in file")
    return text


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
