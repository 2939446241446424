"""Reading files of every supported format into text, with a clear reason when we can't.

Text files are decoded as UTF-8 when they are UTF-8, else by detection
(charset-normalizer) with GB18030 — the superset of GBK/GB2312 — tried for
Chinese text. Binary data, undecodable bytes, empty and oversized files raise
``LoadError`` with a one-line reason; nothing is guessed silently.
"""

from __future__ import annotations

import re
from pathlib import Path

SUPPORTED = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}


class LoadError(Exception):
    """A file that cannot be ingested; the message is the one-line reason."""


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


def decode_bytes(data: bytes) -> str:
    """Bytes → text: UTF-8, else GB18030 when that reads as Chinese, else detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        if cjk >= len(text.strip()) * 0.2 and _is_readable(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _is_readable(text):
            return text
    raise LoadError("undecodable bytes: not UTF-8, GB18030 or any encoding we can detect")


def _html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "aside", "form", "noscript"]):
        tag.decompose()
    return soup.get_text("\n")


def _markdown_to_text(md: str) -> str:
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


def read_file(path: Path, max_bytes: int) -> str:
    """The text of a file, or LoadError with the reason it can't be ingested."""
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
    if suffix == ".pdf":
        text = _pdf_to_text(path)
    elif suffix == ".docx":
        text = _docx_to_text(path)
    else:
        data = path.read_bytes()
        if _looks_binary(data):
            raise LoadError(f"binary data, not text (named {suffix})")
        text = decode_bytes(data)
        if suffix in (".html", ".htm"):
            text = _html_to_text(text)
        elif suffix in (".md", ".markdown"):
            text = _markdown_to_text(text)
    if not text.strip():
        raise LoadError("no text in file")
    return text
