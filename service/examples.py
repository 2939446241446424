"""Example questions made from the library the app has loaded, in the interface's language.

No example is written for one corpus: each is a general question ("When did … take effect?",
"What does Article 2 of … say?") about a document the library holds, chosen among its instruments
(laws, regulations, rules) with the most articles, in force, and with a title in the asked
language. One example is in the other language (the helpdesk answers both), and the last asks what
the library holds. Re-read on every page load, so an upload shows in the examples."""

from __future__ import annotations

from netlaw.text.script import has_chinese
from vectorstore.versions import superseded

INSTRUMENTS = ("law", "administrative regulation", "departmental rule", "regulation", "measures")
TEMPLATES = {
    "en": {"effective": "When did the {title} take effect?", "article": "What does Article 2 of the {title} say?",
           "library": "Which documents are in the library?"},
    "zh": {"effective": "《{title}》何时施行？", "article": "《{title}》第二条是怎么规定的？",
           "library": "资料库里有哪些文件？"},
}


def title_in(doc: dict, language: str) -> str | None:
    """The document's title in ``language`` (its own or its other-language title), if it has one."""
    for title in (doc.get("title"), doc.get("alt_title")):
        if title and has_chinese(title) == (language == "zh"):
            return str(title).strip("《》")
    return None


def _candidates(documents: list[dict], language: str) -> list[tuple[str, dict]]:
    """(title, document) for each work with a title in ``language``: instruments first, the longest
    documents first, shorter titles before longer ones among equals; each work once."""
    gone = superseded((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
    ranked = sorted((d for d in documents if d["doc_id"] not in gone and (d.get("articles") or 0) >= 2),
                    key=lambda d: (d.get("doc_type") not in INSTRUMENTS, -(d.get("articles") or 0),
                                   len(title_in(d, language) or "")))
    out: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for doc in ranked:
        title = title_in(doc, language)
        names = {str(n) for n in (doc.get("title"), doc.get("alt_title")) if n}
        if title and not names & seen:
            out.append((title, doc))
            seen |= names
    return out


def example_questions(documents: list[dict], language: str = "en") -> list[str]:
    """Up to four example questions about ``documents`` for an interface in ``language`` ("en"/"zh")."""
    language = "zh" if language == "zh" else "en"
    other = "en" if language == "zh" else "zh"
    own, theirs = _candidates(documents, language), _candidates(documents, other)
    out: list[str] = []
    if own:
        out.append(TEMPLATES[language]["effective"].format(title=own[0][0]))
        second = own[1] if len(own) > 1 else own[0]
        out.append(TEMPLATES[language]["article"].format(title=second[0]))
    used = {id(doc) for _, doc in own[:2]}
    across = next((title for title, doc in theirs if id(doc) not in used), theirs[0][0] if theirs else None)
    if across:
        out.append(TEMPLATES[other]["effective"].format(title=across))
    out.append(TEMPLATES[language]["library"])
    return out
