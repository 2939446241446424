"""The texts an answer's citations point to, read from the store (not from the answer's own copy), for
``qa.verify.span_problems``: the check that what an answer quotes is in the article it cites."""

from __future__ import annotations


def cited_sources(answer, retriever) -> dict[int, tuple[list[str], list[str]]]:
    """marker → (the cited article's text and its parallel's text as the store holds them; the names a line
    may open with: document title, article label, version, headings). A citation whose article the store
    lacks gets no text, so any piece citing it is reported."""
    snap = retriever.snapshot()
    out: dict[int, tuple[list[str], list[str]]] = {}
    for c in answer.citations:
        ids = [c.article_id] + ([c.parallel.article_id] if c.parallel else [])
        texts = [snap.article_text(i) for i in ids if i in snap.articles]
        names = [c.document, c.article, c.version or "", *c.path]
        if c.parallel:
            names += [c.parallel.document, c.parallel.article]
        out[c.marker] = (texts, names)
    return out


def answer_span_problems(answer, retriever, settings) -> list[str]:
    """``span_problems`` of an answer: verbatim for the extractive backend (it only quotes), grounded for a
    model's answer (its quotes verbatim, its numbers in the text, lexical support at the checker's floor)."""
    from qa.verify import span_problems

    verbatim = answer.backend.split("→")[-1] == "extractive"
    return span_problems(answer.answer, cited_sources(answer, retriever), verbatim=verbatim,
                         min_support=settings.support_min_lexical)
