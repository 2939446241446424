"""Works, versions and translations as a reader counts them: one law held in its 2020 and 2024 texts
is one work in two versions, and a regulation held in Chinese with its English translation is one
work with a translation, not two or three "documents". Also which version of a work is in force, for
every place that names a version (the upload's result, citations in the chat and in exports).

Read from the library's current snapshot through its accessors."""

from __future__ import annotations

from typing import Any

from qa.records import location
from vectorstore.versions import in_force, versions_by_work

SUMMARY = {
    "en": {"works": "The library holds {works} works", "work": "The library holds 1 work",
           "versions": "{n} held in {m} versions", "translations": "{n} also in an English or Chinese translation"},
    "zh": {"works": "资料库收录{works}部法规文件", "versions": "其中{n}部有{m}个版本",
           "translations": "{n}部另有中文或英文译本"},
}
VERSION_WORDS = {
    "en": {"version": "version of {v}", "in_force": "in force", "superseded": "superseded"},
    "zh": {"version": "{v} 版本", "in_force": "现行有效", "superseded": "已被修改"},
}


def version_status(documents: list[dict]) -> dict[str, bool]:
    """doc id → whether it is the version in force, for the documents of works held in several versions."""
    works = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
    out: dict[str, bool] = {}
    for found in works.values():
        now = in_force(found)[1]
        out.update({doc_id: doc_id == now for _, doc_id in found})
    return out


def version_words(version: str | None, now: bool | None, language: str = "en") -> str:
    """"version of 2024-04-26, in force" / "2024-04-26 版本，现行有效"; "" without a version."""
    if not version:
        return ""
    w = VERSION_WORDS["zh" if language == "zh" else "en"]
    said = w["version"].format(v=version)
    if now is None:
        return said
    return f"{said}{'，' if language == 'zh' else ', '}{w['in_force'] if now else w['superseded']}"


def citation_label(citation: dict, language: str = "en") -> str:
    """A citation as a reader writes it, in ``language``: the document, its version and whether that
    version is in force (when the library holds several, ``citation["in_force"]`` set by ``mark_in_force``),
    and the article with its 编/章/节 numbers."""
    version = version_words(citation.get("version"), citation.get("in_force"), language)
    title = citation["document"] + ((f"（{version}）" if language == "zh" else f" ({version})") if version else "")
    return f"{title}, {location(citation['article'], list(citation.get('path') or []))}"


def mark_in_force(record: dict, library: Any) -> dict:
    """``record``'s citations with ``in_force`` where they cite a work held in several versions."""
    cites = [c for c in record.get("citations", []) if c.get("version")]
    if not cites:
        return record
    status = version_status(library.documents())
    for c in cites:
        article = library.article(c.get("article_id", "")) or {}
        if article.get("doc_id") in status:
            c["in_force"] = status[article["doc_id"]]
    return record


def translation_pairs(snapshot: Any) -> set[frozenset[str]]:
    """Pairs of documents that are one text in two languages (their articles are parallel)."""
    pairs: set[frozenset[str]] = set()
    for article_id in getattr(snapshot, "articles", None) or {}:  # (a test double may hold none)
        chunk = snapshot.first_chunk(article_id)
        partner = getattr(chunk, "parallel_id", None)
        if partner and partner in snapshot.articles:
            other = snapshot.first_chunk(partner).doc_id
            if other != chunk.doc_id:
                pairs.add(frozenset((chunk.doc_id, other)))
    return pairs


def works_summary(library: Any, language: str = "en", how: str = "") -> str:
    """One paragraph: how many works, how many of them in several versions (and how many texts), how
    many with a translation, then ``how`` (how to ask)."""
    documents = library.documents()
    code = "zh" if language == "zh" else "en"
    if not documents:
        return ""
    works = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
    group = {d["doc_id"]: d["doc_id"] for d in documents}  # union-find over versions and translations

    def root(x: str) -> str:
        while group[x] != x:
            group[x] = group[group[x]]
            x = group[x]
        return x

    for found in works.values():
        for _, doc_id in found[1:]:
            group[root(doc_id)] = root(found[0][1])
    translated = 0
    for pair in translation_pairs(library.retriever.snapshot()):
        a, b = sorted(pair)
        if a in group and b in group and root(a) != root(b):
            group[root(b)] = root(a)
            translated += 1
    n_works = len({root(d) for d in group})
    w = SUMMARY[code]
    bits = [w["work"] if n_works == 1 and "work" in w else w["works"].format(works=n_works)]
    if works:
        texts = sum(len(found) for found in works.values())
        bits.append(w["versions"].format(n=len(works), m=texts if len(works) > 1 else len(next(iter(works.values())))))
    if translated:
        bits.append(w["translations"].format(n=translated))
    if code == "zh":
        return "，".join(bits) + "。" + how
    return "; ".join(bits) + ". " + how
