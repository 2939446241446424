"""The library's catalogue in words: which documents it holds, by type, with their dates, language,
article counts, and whether only excerpts are present. Used by the landing page
(``service.library.Library.overview_markdown``) and to answer questions about the library itself
(asked kind ``library`` in ``qa.chain``). Pure functions over the retriever's document dicts
(``HybridRetriever.documents()``: title, alt_title, doc_type, language, issued, effective, articles).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from netlaw.text.tokens import tokenize

Document = Mapping[str, Any]

# The data says a document is partial only in its title ("… (2020-2025) [Excerpts]", "（节选）").
_EXCERPT = re.compile(r"[\[(（【]\s*(excerpts?|extracts?|节选|摘录|摘编)\s*[\])）】]", re.I)

TYPE_ORDER = ("law", "administrative regulation", "departmental rule", "regulation", "measures", "opinion", "notice",
              "plan", "white paper", "speech", "commentary", "news")
TYPE_NAMES = {
    "en": {"law": "Laws", "administrative regulation": "Administrative regulations",
           "departmental rule": "Departmental rules", "regulation": "Regulations", "measures": "Measures",
           "opinion": "Opinions",
           "notice": "Notices", "plan": "Plans and outlines", "white paper": "White papers", "speech": "Speeches",
           "commentary": "Commentaries", "news": "News"},
    "zh": {"law": "法律", "administrative regulation": "行政法规", "departmental rule": "部门规章",
           "regulation": "法规与规章", "measures": "办法", "opinion": "意见", "notice": "通知",
           "plan": "规划与纲要", "white paper": "白皮书", "speech": "讲话", "commentary": "评论与解读", "news": "新闻"},
}
LANGUAGE_NAMES = {"en": {"en": "English", "zh": "Chinese"}, "zh": {"en": "英文", "zh": "中文"}}
WORDS = {
    "en": {"issued": "issued", "effective": "in force", "articles": "{n} articles", "article": "1 article",
           "excerpt": "excerpt", "documents": "{n} documents",
           "document": "1 document"},
    "zh": {"issued": "发布", "effective": "施行", "articles": "{n}条", "article": "1条", "excerpt": "节选",
           "documents": "{n}份文件", "document": "1份文件"},
}
HOW_TO_ASK = {
    "en": "Ask a question in English or Chinese about any of these documents; each answer cites the articles it "
          "rests on. You can also ask “Which documents are in the library?” or “What regulations do you have on "
          "minors?”.",
    "zh": "可以用中文或英文就这些文件提问，每个回答都会注明所依据的条文。"
          "也可以问“资料库里有哪些文件？”或“你们有哪些关于未成年人的法规？”。",
}

# Words of a question about the library that say nothing about its topic.
_ENGLISH_CATALOGUE_WORDS = (
    "library database collection corpus document documents file files regulation regulations law laws rule rules "
    "text texts material materials policy policies source sources measure measures plan plans have hold holds "
    "contain contains cover covers include includes available know ask question questions you your there any all "
    "list show please tell me which what is are do does on about concerning regarding related relating")
_CATALOGUE_WORDS = frozenset(tokenize(_ENGLISH_CATALOGUE_WORDS)) | frozenset(_ENGLISH_CATALOGUE_WORDS.split())
_CATALOGUE_WORDS |= frozenset(
    "你们 你 资料库 资料 知识库 数据库 库里 库中 库 系统 文件 文档 法规 法律 规定 政策 有 哪些 什么 收录"
    " 包含 包括 关于 有关 方面 相关 的 里 中 请 列出 列举 吗 都".split())


def count_words(n: int, language: str) -> str:
    """"1 document", "27 documents", "27份文件"."""
    return WORDS[language]["document" if n == 1 else "documents"].format(n=n)


def is_excerpt(doc: Document) -> bool:
    """Only some of the document's articles are present (its title says "[Excerpts]", "（节选）")."""
    return any(_EXCERPT.search(doc.get(key) or "") for key in ("title", "alt_title"))


def date_words(doc: Document, language: str) -> str:
    """"issued 2014-12-25", "in force 2017-10-08", both, or "" when the document is undated."""
    words = WORDS[language]
    return ", ".join(f"{words[key]} {doc[key]}" for key in ("issued", "effective") if doc.get(key))


def document_line(doc: Document, language: str) -> str:
    """One catalogue line: title — date · language · article count · excerpt."""
    words = WORDS[language]
    count = words["article"] if doc.get("articles") == 1 else words["articles"].format(n=doc.get("articles", 0))
    details = [date_words(doc, language), LANGUAGE_NAMES[language].get(doc.get("language") or "", ""), count,
               words["excerpt"] if is_excerpt(doc) else ""]
    return f"**{doc['title']}** — " + " · ".join(d for d in details if d)


def type_name(doc_type: str, language: str) -> str:
    return TYPE_NAMES[language].get(doc_type, doc_type.capitalize() if language == "en" else doc_type)


def by_type(documents: Iterable[Document]) -> list[tuple[str, list[Document]]]:
    """(type, its documents by title), the types in ``TYPE_ORDER`` then the others by name."""
    groups: dict[str, list[Document]] = {}
    for doc in documents:
        groups.setdefault(doc.get("doc_type") or "other", []).append(doc)
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    return [(t, sorted(groups[t], key=lambda d: str(d["title"])))
            for t in sorted(groups, key=lambda t: (order.get(t, len(order)), t))]


def catalogue_markdown(documents: Sequence[Document], language: str) -> str:
    """The documents grouped by type, one line each (a Markdown list under a bold type name)."""
    sections = []
    for doc_type, docs in by_type(documents):
        lines = "\n".join(f"- {document_line(d, language)}" for d in docs)
        sections.append(f"**{type_name(doc_type, language)}** ({len(docs)})\n\n{lines}")
    return "\n\n".join(sections)


_TOPIC_FILLER = frozenset("the a an of and or 的 和 与 方面 相关".split())
_TOPIC_AFTER = re.compile(r"(?:\b(?:on|about|concerning|regarding|relating to|related to)\b|关于|有关)\s*(.+)$", re.I)


def library_topic(question: str, focus: Iterable[str]) -> tuple[str, list[str]]:
    """The topic a question about the library names, as written and as index terms: what follows
    "on"/"about"/"关于" ("… do you have on the rule of law?" → "the rule of law"), else the
    question's focus terms less the words that only ask about the library; ("", []) for none."""
    m = _TOPIC_AFTER.search(question)
    written = m.group(1).strip(" ?？。.!！") if m else ""
    written = re.sub(r"的?(法规|文件|文档|资料|规定|法律|政策)$", "", written).strip()
    terms = [t for t in dict.fromkeys(tokenize(written)) if t not in _TOPIC_FILLER] if written else []
    if not terms:
        terms = [t for t in focus if t not in _CATALOGUE_WORDS]
        written = " ".join(terms)
    return written, terms


def documents_on(topic: Sequence[str], ranked_titles: Sequence[str], hit_texts: Mapping[str, str],
                 documents: Sequence[Document]) -> list[Document]:
    """The documents about ``topic``: those of the retrieved articles (in the retriever's order) whose
    title or retrieved text has every topic term, then any other whose title has them all."""
    wanted = set(topic)
    by_title = {str(d["title"]): d for d in documents}
    found = [by_title[t] for t in dict.fromkeys(ranked_titles)
             if t in by_title and wanted <= set(tokenize(f"{t} {hit_texts.get(t, '')}"))]
    found += [d for d in documents if d not in found and wanted <= set(tokenize(str(d["title"])))]
    return found


CATALOGUE_ANSWER = {
    "en": {"all": "The library holds {n}:", "topic": "The library holds {n} on “{topic}”:",
           "none": "No document in the library is about “{topic}”. The library holds {n}:"},
    "zh": {"all": "资料库收录{n}：", "topic": "资料库中与“{topic}”有关的{n}：",
           "none": "资料库中没有关于“{topic}”的文件。资料库收录{n}："},
}


def catalogue_answer(documents: Sequence[Document], on_topic: Sequence[Document] | None, topic: str,
                     language: str) -> str:
    """The reply to a question about the library: the documents on ``topic`` (``on_topic``, in
    the retriever's order), or all of them by type when no topic is named or none is about it."""
    words = CATALOGUE_ANSWER[language]
    if topic and on_topic:
        lines = "\n".join(f"- {document_line(d, language)} ({type_name(str(d.get('doc_type') or ''), language)})"
                          for d in on_topic)
        return f"{words['topic'].format(n=count_words(len(on_topic), language), topic=topic)}\n\n{lines}"
    lead = words["none" if topic else "all"].format(n=count_words(len(documents), language), topic=topic)
    return f"{lead}\n\n{catalogue_markdown(documents, language)}"
