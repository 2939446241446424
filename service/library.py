"""The document library as the UI and the API show it: the documents, a document's articles and
one article with its parallel version. Reads the retriever's current snapshot through its
accessors, never its internals."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qa.catalogue import HOW_TO_ASK, LANGUAGE_NAMES, by_type, catalogue_markdown, count_words, is_excerpt
from vectorstore.versions import in_force, versions_by_work

# The internal file name (``source``) is not a column: it is shown with the article (details line).
LIBRARY_COLUMNS = ["Title", "Type", "Date", "Language", "Articles", "Versions"]
LIBRARY_COLUMNS_ZH = ["标题", "类型", "施行日期", "语言", "条数", "版本"]
TYPE_WORDS_ZH = {"law": "法律", "administrative regulation": "行政法规", "departmental rule": "部门规章",
                 "regulation": "法规", "measures": "办法", "opinion": "意见", "notice": "通知", "plan": "规划",
                 "white paper": "白皮书", "speech": "讲话", "commentary": "解读", "news": "新闻"}
OVERVIEW = {
    "en": {"heading": "### What the library holds", "empty": "The library is empty: an administrator can add "
                                                               "documents in the Library tab.",
           "languages": "{n} in English, {m} in Chinese", "count": "The library holds {n}"},
    "zh": {"heading": "### 资料库收录的文件", "empty": "资料库暂无文件：管理员可以在“资料库”标签页中添加文件。",
           "languages": "英文{n}份，中文{m}份", "count": "资料库收录{n}"},
}


PAGE_SIZE = 50  # rows per page of the library table
SORTS = ("type", "title", "newest", "oldest", "articles")  # the table's orders (``Library.browse``)


@dataclass
class Page:
    """One page of the library table (``Library.browse``): its rows, how many documents matched in
    all, which page this is (1-based) of how many."""

    rows: list[list]
    total: int
    page: int
    pages: int
    first: int  # 1-based position of the page's first row among the matches (0 when none)


def _folded(text: str) -> str:
    """Text as a search compares it: NFKC (full-width letters and digits as ASCII), case folded,
    no spaces or punctuation — "Data  Security-Law" and "datasecuritylaw" match, and so do "《数据安全法》"
    and "数据安全法"."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _date_key(document: Mapping[str, Any]) -> str:
    """The date a document is filtered and sorted by: the effective date (the table's column), else
    the version, issue, promulgation or adoption date it states."""
    for key in ("effective", "version", "issued", "promulgated", "adopted"):
        if document.get(key):
            return str(document[key])
    return ""


def _date_bound(text: str, upper: bool) -> str:
    """A year ("2019"), year-month ("2019-3") or date typed in a filter, as an ISO prefix bound; "" when
    it is none of those (no bound). The upper bound of a year covers its last day."""
    typed = re.sub(r"\s+", "", text or "").replace("年", "-").replace("月", "-").replace("日", "")
    found = re.fullmatch(r"(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?[-./]?", typed)
    if not found:
        return ""
    year, month, day = found.groups()
    bound = year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")
    return bound + "\uffff" if upper else bound


class Library:
    def __init__(self, retriever: Any):
        self.retriever = retriever  # vectorstore.hybrid.HybridRetriever (or a test double)

    def documents(self) -> list[dict]:
        """One dict per document: doc_id, title, alt_title, doc_type, language, issued, effective,
        source, articles (the count)."""
        return self.retriever.documents()

    def titles(self) -> list[str]:
        return sorted({d["title"] for d in self.documents()})

    @staticmethod
    def _shown(documents: list[dict]) -> list[dict]:
        """The documents the table shows: each work once, in the version in force."""
        versions = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
        in_force_ids = {in_force(found)[1] for found in versions.values()}
        return [d for d in documents if d.get("work") not in versions or d["doc_id"] in in_force_ids]

    @staticmethod
    def _shown_sorted(shown: Mapping[str, dict]) -> list[dict]:
        return [dict(d) for _, docs in by_type(shown.values()) for d in docs]

    def rows(self, language: str = "en", documents: list[dict] | None = None) -> list[list]:
        """The library table (``LIBRARY_COLUMNS``), by type then title, one row per work: the version
        in force, with every version's date in the last column ("2020-10-17, 2024-04-26 (in force)").
        The date is the effective date (empty when the document does not state it, never guessed);
        "excerpt" beside the article count of a document that holds only some of its articles."""
        documents = self.documents() if documents is None else documents
        versions = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
        shown = self._shown(documents)

        def versions_cell(d: Mapping[str, Any]) -> str:
            found = versions.get(d.get("work") or "")
            if not found:
                return ""
            now = " (现行)" if language == "zh" else " (in force)"
            return ", ".join(v + (now if doc_id == d["doc_id"] else "") for v, doc_id in found)

        excerpt = "（节选）" if language == "zh" else "(excerpt)"

        return [[d["title"], TYPE_WORDS_ZH.get(d["doc_type"], d["doc_type"]) if language == "zh" else d["doc_type"],
                 d.get("effective") or "", LANGUAGE_NAMES[language].get(d["language"], d["language"]),
                 f"{d['articles']} {excerpt}" if is_excerpt(d) else str(d["articles"]), versions_cell(d)]
                for _, docs in by_type(shown) for d in docs]

    def _entries(self, language: str) -> list[tuple[dict, list]]:
        """(document, table row) of each work shown in the table (``rows``' order), cached for the
        retriever's current snapshot: paging and filtering a 700-document library recompute nothing.
        Each document (a copy) carries its names as searched (``_folded``) and its date (``_date``)."""
        snapshot = self.retriever.snapshot() if hasattr(self.retriever, "snapshot") else None
        key = (id(snapshot), language)
        cached = getattr(self, "_entries_cache", None)
        if cached is not None and cached[0] == key and snapshot is not None:
            return cached[1]
        documents = self.documents()
        rows = self.rows(language, documents)
        shown = {d["doc_id"]: d for d in self._shown(documents)}
        entries = []
        for d, row in zip(self._shown_sorted(shown), rows, strict=True):  # (the same order as ``rows``)
            d["_folded"] = [_folded(n) for n in (d.get("title"), d.get("alt_title"), *(d.get("names") or ())) if n]
            d["_date"] = _date_key(d)
            entries.append((d, row))
        self._entries_cache = (key, entries)
        return entries

    def doc_types(self) -> list[str]:
        """The document types the library holds, in the table's order."""
        return [doc_type for doc_type, _ in by_type(self._shown(self.documents()))]

    def browse(self, language: str = "en", query: str = "", doc_type: str = "", date_from: str = "",
               date_to: str = "", sort: str = "type", page: int = 1, page_size: int = PAGE_SIZE) -> Page:
        """One page of the library table: the works whose title — in either language, or any of
        their other names — contains ``query`` (spaces, punctuation and case ignored), of type
        ``doc_type`` (any when empty), dated (``_date_key``) from ``date_from`` to ``date_to`` (a year,
        year-month or date; either may be empty), in the order ``sort`` (``SORTS``). ``page`` is
        clamped to the pages there are."""
        entries = self._entries(language)
        needle = _folded(query)
        low, high = _date_bound(date_from, upper=False), _date_bound(date_to, upper=True)
        found = []
        for d, row in entries:
            if doc_type and d.get("doc_type") != doc_type:
                continue
            if needle and not any(needle in name for name in d["_folded"]):
                continue
            date = d["_date"]
            if (low or high) and (not date or (low and date < low) or (high and date > high)):
                continue
            found.append((d, row))
        if sort == "title":
            found.sort(key=lambda e: e[0]["_folded"][0] if e[0]["_folded"] else "")
        elif sort in ("newest", "oldest"):
            dated = [e for e in found if e[0]["_date"]]
            dated.sort(key=lambda e: e[0]["_date"], reverse=sort == "newest")
            found = dated + [e for e in found if not e[0]["_date"]]  # undated last either way
        elif sort == "articles":
            found.sort(key=lambda e: -int(e[0].get("articles") or 0))
        pages = max(1, math.ceil(len(found) / page_size))
        page = min(max(1, int(page or 1)), pages)
        start = (page - 1) * page_size
        return Page([row for _, row in found[start : start + page_size]], len(found), page, pages,
                    start + 1 if found else 0)

    def versions_of(self, article: dict) -> list[dict]:
        """The same article (by label) in the other versions of its work, oldest first; [] when the
        library holds one version."""
        documents = self.documents()
        own = next((d for d in documents if d["doc_id"] == article.get("doc_id")), None)
        if own is None:
            return []
        found = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
        out = []
        for _, doc_id in found.get(own.get("work") or "", []):
            if doc_id != own["doc_id"] and (other := self.article_by_label(doc_id, article["article"])) is not None:
                out.append(other)
        return out

    def overview_markdown(self, language: str = "en") -> str:
        """The landing page's account of the library: how many documents in which languages, the
        documents by type (date, language, article count, excerpt), and how to ask."""
        return overview_markdown(self.documents(), language)

    def overview(self, language: str = "en") -> tuple[str, str]:
        """The landing page's two parts: the summary line (count, languages, how to ask) and the
        documents by type."""
        documents = self.documents()
        return overview_summary(documents, language), catalogue_markdown(documents, language)

    def details(self, title: str, language: str = "en") -> str:
        """The details line under a document's outline, the one place its internal file name shows:
        "Source file: …, SHA-256 …, ingested …" (what the store generation's manifest knows); its
        words in the interface ``language``."""
        document = next((d for d in self.documents() if d["title"] == title), None)
        if document is None:
            return ""
        source = document.get("source") or ""
        entry = self.retriever.snapshot().manifest.get(source) or {}
        zh = language == "zh"
        bits = [f"{'来源文件：' if zh else 'Source file: '}{source.rsplit('/', 1)[-1] or '?'}"]
        if entry.get("sha256"):
            bits.append(f"SHA-256 {entry['sha256']}")
        if entry.get("ingested"):
            bits.append(f"{'入库时间 ' if zh else 'ingested '}{entry['ingested']}")
        return ("，" if zh else ", ").join(bits)

    def articles_of(self, title: str) -> list[tuple[str, str]]:
        """(label, article id) of each article of the document titled ``title``, in document order; of
        the version in force when the library holds several."""
        documents = [d for d in self.documents() if d["title"] == title]
        versions = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
        current = {in_force(found)[1] for found in versions.values()}
        superseded = {d["doc_id"] for d in documents if d.get("work") in versions and d["doc_id"] not in current}
        snap = self.retriever.snapshot()
        return [(label, article_id) for article_id, label in snap.articles_of_document(title)
                if snap.first_chunk(article_id).doc_id not in superseded]

    def article(self, article_id: str) -> dict | None:
        """The article (``ArticleHit.to_json()``), or None when the library no longer holds it."""
        hit = self.retriever.article(article_id) if article_id else None
        return hit.to_json() if hit is not None else None

    def article_by_label(self, doc_id: str, label: str) -> dict | None:
        article_id = self.retriever.snapshot().article_by_label(doc_id, label)
        return self.article(article_id) if article_id else None

    def parallel_of(self, article: dict) -> dict | None:
        """The same article in the library's other language, if it has one."""
        return self.article(article["parallel_id"]) if article.get("parallel_id") else None

    def describe(self, citation: dict) -> dict:
        """What an export shows of a cited article beyond the citation: the document's date, the
        ingested file and its SHA-256 (from the manifest of the snapshot's store generation)."""
        article = self.article(citation.get("article_id", "")) or {}
        source = article.get("source") or ""
        entry = self.retriever.snapshot().manifest.get(source) or {}
        date = " / ".join(f"{key} {article[key]}" for key in ("issued", "effective") if article.get(key))
        return {"date": date, "source": source, "sha256": entry.get("sha256", "")}



def library_columns(language: str = "en") -> list[str]:
    """The library table's headings in the interface ``language``."""
    return LIBRARY_COLUMNS_ZH if language == "zh" else LIBRARY_COLUMNS


def overview_summary(documents: list[dict], language: str = "en") -> str:
    """One paragraph: how many documents in which languages, and how to ask."""
    words = OVERVIEW[language]
    if not documents:
        return words["empty"]
    english = sum(1 for d in documents if d.get("language") == "en")
    count = words["count"].format(n=count_words(len(documents), language))
    languages = words["languages"].format(n=english, m=len(documents) - english)
    if language == "en":
        return f"{count} ({languages}). {HOW_TO_ASK[language]}"
    return f"{count}（{languages}）。{HOW_TO_ASK[language]}"


def overview_markdown(documents: list[dict], language: str = "en") -> str:
    """``Library.overview_markdown`` over ``documents`` (the retriever's document dicts)."""
    heading, summary = OVERVIEW[language]["heading"], overview_summary(documents, language)
    return f"{heading}\n\n{summary}\n\n{catalogue_markdown(documents, language)}".rstrip()
