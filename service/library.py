"""The document library as the UI and the API show it: the documents, a document's articles and
one article with its parallel version. Reads the retriever's current snapshot through its
accessors, never its internals."""

from __future__ import annotations

from typing import Any

LIBRARY_COLUMNS = ["Title", "Type", "Date", "Language", "Articles", "Source"]


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
        """The library table (``LIBRARY_COLUMNS``), by source then title."""
        return [[d["title"], d["doc_type"], d["issued"] or d["effective"] or "", d["language"], d["articles"],
                 d["source"]] for d in sorted(self.documents(), key=lambda d: (d["source"], d["title"]))]

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
        ingested file and its SHA-256 (from the store's manifest, when the snapshot carries one)."""
        article = self.article(citation.get("article_id", "")) or {}
        source = article.get("source") or ""
        manifest = getattr(self.retriever.snapshot(), "manifest", None) or {}
        entry = manifest.get(source) or {}
        date = " / ".join(f"{label} {article[key]}" for key, label in (("issued", "issued"),
                                                                          ("effective", "effective"))
                          if article.get(key))
        return {"date": date, "source": source, "sha256": entry.get("sha256", "") if isinstance(entry, dict) else ""}
