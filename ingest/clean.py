"""Web boilerplate removal: scraped pages → substantive paragraphs.

Pure functions. A line is dropped only when it matches a boilerplate pattern as a
whole; inline boilerplate (a "Read the rest of this entry »" tail, a breadcrumb
prefix, a site-name suffix) is cut out and the rest of the line is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netlaw.text.script import HAN

# Whole lines that carry no content of the document.
_BOILERPLATE_LINES = [
    r"leave a (reply|comment)",
    r"your email address will not be published\.?.*",
    r"required fields are marked \*?",
    r"related posts?",
    r"you may also like",
    r"\d+\s+comments?",
    r"no comments?( yet)?",
    r"by\s+admin",
    r"posted (by|in)\b.{0,80}",
    r"read the rest of this entry\s*»?",
    r"read more\s*»?",
    r"see also\b.*",
    r"the links:.*",
    r"this site uses akismet.*",
    r"this website uses cookies.*",
    r"(privacy\s*&\s*)?cookies? policy",
    r"accept( all)? cookies?",
    r"social media",
    r"share( this)?:?",
    r"(home|首页)(\s*(»|>|/|\|)?\s*(news|新闻))?",
    r"\[\s*(…|\.\.\.)\s*\]",
    r"(catalogue|contents|table of contents|目录|目 录)",
    r"\*+\s*:.*wechat\**",
    r"this translation (was completed by|tracks the changes).*",
    r"clicks?\s*:\s*\d+",
    r"(上一篇|下一篇|责任编辑|返回顶部).{0,60}",
]
_BOILERPLATE_RE = re.compile(
    r"^(?:" + "|".join(_BOILERPLATE_LINES) + r")$", re.IGNORECASE
)

# Pieces of a line that are boilerplate while the rest is content.
_INLINE_CUTS = [
    re.compile(r"\s*read the rest of this entry\s*»?\s*$", re.IGNORECASE),
    re.compile(r"^(release|news|home)\s*\|\s*", re.IGNORECASE),
    re.compile(r"^home\s+news\s+", re.IGNORECASE),
    re.compile(rf"_[{HAN}]{{1,6}}$"),  # "..._南网": site name after a title
    re.compile(r"\s+clicks?\s*:\s*\d+\s*$", re.IGNORECASE),
]

# A blog's "Posted on" line follows the title of each post: a document boundary.
_POST_MARKER_RE = re.compile(r"^posted on(\s+updated on)?(\s+\S.{0,40})?$", re.IGNORECASE)
DOCUMENT_BREAK = "\x00document-break\x00"

_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000\ufeff]+")


@dataclass
class CleanResult:
    paragraphs: list[str]
    removed: list[str] = field(default_factory=list)


def normalise_line(line: str) -> str:
    """Collapse odd spaces (nbsp, ideographic space) and strip."""
    return _SPACES.sub(" ", line).strip()


def is_boilerplate(line: str) -> bool:
    line = normalise_line(line)
    return bool(_BOILERPLATE_RE.match(line) or _POST_MARKER_RE.match(line))


def strip_inline_boilerplate(line: str) -> str:
    for pattern in _INLINE_CUTS:
        line = pattern.sub("", line)
    return line.strip()


def clean_text(text: str) -> CleanResult:
    """Split text into paragraphs (one per non-empty line) without boilerplate.

    Blog "Posted on" lines become ``DOCUMENT_BREAK`` paragraphs for the splitter.
    """
    kept: list[str] = []
    removed: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = normalise_line(raw)
        if not line:
            continue
        if _POST_MARKER_RE.match(line):
            removed.append(line)
            kept.append(DOCUMENT_BREAK)
            continue
        if is_boilerplate(line):
            removed.append(line)
            continue
        stripped = strip_inline_boilerplate(line)
        if stripped != line:
            removed.append(line)
        if stripped and not is_boilerplate(stripped):
            kept.append(stripped)
    return CleanResult(kept, removed)
