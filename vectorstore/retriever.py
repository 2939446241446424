"""The hybrid retriever as a LangChain ``BaseRetriever``, so chains compose it."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from netlaw.records import Filters
from vectorstore.hybrid import HybridRetriever


class NetlawRetriever(BaseRetriever):
    """Articles as LangChain documents: page_content is the article, metadata its hit record."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    hybrid: Any  # HybridRetriever
    k: int = 5
    filters: Any = None  # Filters

    @classmethod
    def create(cls, hybrid: HybridRetriever | None = None, k: int = 5,
               filters: Filters | None = None) -> NetlawRetriever:
        return cls(hybrid=hybrid or HybridRetriever(), k=k, filters=filters)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[Document]:
        hits = self.hybrid.search(query, k=kwargs.get("k", self.k), filters=kwargs.get("filters", self.filters))
        return [Document(page_content=h.text, metadata=h.to_json(), id=h.article_id) for h in hits]
