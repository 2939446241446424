"""The document library as the UI and the API show it: the documents, a document's articles and
one article with its parallel version. Reads the retriever's current snapshot through its
accessors, never its internals."""

from __future__ import annotations

from typing import Any

from qa.catalogue import HOW_TO_ASK, LANGUAGE_NAMES, by_type, catalogue_markdown, count_words, is_excerpt

# The internal file name (``source``) is not a column: it is shown with the article (details line).
LIBRARY_COLUMNS = ["Title", "Type", "Date", "Language", "Articles"]
OVERVIEW = {
    "en": {"heading": "### What the library holds", "empty": "The library is empty: an administrator can add "
                                                               "documents in the Library tab.",
           "languages": "{n} in English, {m} in Chinese", "count": "The library holds {n}"},
    "zh": {"heading": "### 资料库收录的文件", "empty": "资料库暂无文件：管理员可以在“Library”标签页中添加文件。",
           "languages": "英文{n}份，中文{m}份", "count": "资料库收录{n}"},
}


class Library:
    def __init__(self, retriever: Any):
        self.retriever = retriever  # vectorstore.hybrid.HybridRetriever (or a test double)

    def documents(self) -> list[dict]:
        """One dict per document: doc_id, title, alt_title, doc_type, language, issued, effective,
        source, articles (the count)."""
        return self.retriever.documents()

    def titles(self) -> list[str]:
        return sorted({d["title"] for d in self.documents()})

    def rows(self) -> list[list]:
        """The library table (``LIBRARY_COLUMNS``), by type then title; "excerpt" beside the article
        count of a document that holds only some of its articles."""
        return [[d["title"], d["doc_type"], d["issued"] or d["effective"] or "",
                 LANGUAGE_NAMES["en"].get(d["language"], d["language"]),
                 f"{d['articles']} (excerpt)" if is_excerpt(d) else str(d["articles"])]
                for _, docs in by_type(self.documents()) for d in docs]

    def overview_markdown(self, language: str = "en") -> str:
        """The landing page's account of the library: how many documents in which languages, the
        documents by type (date, language, article count, excerpt), and how to ask."""
        return overview_markdown(self.documents(), language)

    def overview(self, language: str = "en") -> tuple[str, str]:
        """The landing page's two parts: the summary line (count, languages, how to ask) and the
        documents by type."""
        documents = self.documents()
        return overview_summary(documents, language), catalogue_markdown(documents, language)

    def details(self, title: str) -> str:
        """The details line under a document's outline, the one place its internal file name shows:
        "Source file: …, SHA-256 …, ingested …" (what the store generation's manifest knows)."""
        document = next((d for d in self.documents() if d["title"] == title), None)
        if document is None:
            return ""
        source = document.get("source") or ""
        entry = self.retriever.snapshot().manifest.get(source) or {}
        bits = [f"Source file: {source.rsplit('/', 1)[-1] or '?'}"]
        if entry.get("sha256"):
            bits.append(f"SHA-256 {entry['sha256']}")
        if entry.get("ingested"):
            bits.append(f"ingested {entry['ingested']}")
        return ", ".join(bits)

    def articles_of(self, title: str) -> list[tuple[str, str]]:
        """(label, article id) of each article of the document titled ``title``, in document order."""
        return [(label, article_id) for article_id, label in self.retriever.snapshot().articles_of_document(title)]

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
