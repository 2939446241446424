"""Named documents and versions in force among a whole library's titles (issue 30, point 2).

    python -m benchmarks.scale_names [PATH ...] [--json OUT]

Parses the library (default: the bundled corpus, ``../shared/laws`` and the unpacked regulations
under ``/tmp/regs/state-council-regulations``) into the document records the retriever keeps —
no store, no embedding — then:

- **named document on top**: for every work, questions that name it the way a user writes a name
  ("《X》的主管部门是谁？", the title without brackets, each of its Chinese short names) are given to
  the chain's own step (``qa.documents.named_documents``); a question counts when what it names is
  exactly that work (its versions, nothing else). The chain puts a named work's articles first
  (``RetrievalPlan.first``), so this is the document on top. Titles that contain another title
  (…条例 / …实施条例 / …暂行条例) are counted apart, the hard cases.
- **versions in force**: for every title held in two or more files dated in their names
  ("title(YYYY-MM-DD).md"), the ingest must group the files as one work (``Chunk.work``) and
  ``vectorstore.versions.in_force`` must choose the latest file dated today or before.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from netlaw import settings as _settings

REGULATIONS = Path("/tmp/regs/state-council-regulations")
DEFAULT_PATHS = [_settings.BUNDLED_CORPUS, _settings.PROJECT_ROOT.parent / "shared" / "laws", REGULATIONS]
FILE_DATE = re.compile(r"^(?P<title>.+)\((?P<date>\d{4}-\d{2}-\d{2})\)$")
ASKS = ["{}的主管部门是谁？", "{}是什么时候开始施行的？", "违反{}要承担什么法律责任？"]


def library_documents(paths: list[Path]) -> tuple[list[dict], dict[str, str]]:
    """The retriever's document records (``HybridRetriever.documents``' fields) of the files under
    ``paths``, and each document's source file stem by doc_id."""
    from ingest.pipeline import discover, parse_file

    s = _settings.get_settings()
    files, _ = discover(paths)
    docs: dict[str, dict] = {}
    stems: dict[str, str] = {}
    for path in files:
        if path.suffix.lower() not in (".txt", ".md") or path.name.lower() == "readme.md":
            continue
        for c in parse_file(path, s).chunks:
            if c.doc_id not in docs:
                docs[c.doc_id] = {"doc_id": c.doc_id, "title": c.document, "alt_title": c.alt_title,
                                  "doc_type": c.doc_type, "language": c.language, "issued": c.issued,
                                  "effective": c.effective, "source": c.source, "articles": 0,
                                  "names": list(c.names), "version": c.version, "work": c.work,
                                  "adopted": c.adopted, "promulgated": c.promulgated}
                stems[c.doc_id] = path.stem
            docs[c.doc_id]["articles"] += c.part == 1
    return list(docs.values()), stems


def named_on_top(documents: list[dict]) -> dict:
    """Share of title questions whose named work is exactly the one named (see the module's doc)."""
    from qa.documents import named_documents

    s = _settings.get_settings()
    works: dict[str, set[str]] = defaultdict(set)
    for d in documents:
        works[d["work"] or d["doc_id"]].add(d["doc_id"])
    titles = {d["title"] for d in documents if d["language"] == "zh"}
    results: dict[str, list[bool]] = defaultdict(list)
    misses: list[dict] = []
    seen_works: set[str] = set()
    for d in documents:
        work = d["work"] or d["doc_id"]
        if d["language"] != "zh" or work in seen_works:
            continue
        seen_works.add(work)
        hard = any(t != d["title"] and t in d["title"] for t in titles)
        forms = [("《title》", f"《{d['title']}》"), ("title", d["title"])]
        forms += [("short name", n) for n in d["names"] if re.search(r"[\u4e00-\u9fff]", n) and len(n) >= 3]
        for i, (form, name) in enumerate(forms):
            question = ASKS[i % len(ASKS)].format(name)
            got = set(named_documents(question, documents, s.named_document_min))
            ok = bool(got) and got <= works[work] and bool(got & works[work])
            results[form].append(ok)
            results["all"].append(ok)
            if hard:
                results["title contains another title"].append(ok)
            if not ok and len(misses) < 40:
                named = sorted({x["title"] for x in documents if x["doc_id"] in got})
                misses.append({"question": question, "named": named})
    return {"works": len(seen_works), "titles": len(titles),
            "by_form": {k: {"n": len(v), "on_top": sum(v) / len(v)} for k, v in results.items()},
            "misses": misses}


def versions_in_force(documents: list[dict], stems: dict[str, str]) -> dict:
    """For each title in several dated files: one work, and the latest file on or before today in force."""
    from vectorstore.versions import in_force, today, versions_by_work

    by_title: dict[str, list[tuple[str, str]]] = defaultdict(list)  # title → [(file date, doc_id)]
    for d in documents:
        found = FILE_DATE.match(stems.get(d["doc_id"], ""))
        if found:
            by_title[found["title"]].append((found["date"], d["doc_id"]))
    multi = {t: sorted(v) for t, v in by_title.items() if len({date for date, _ in v}) >= 2}
    grouped = versions_by_work((d["doc_id"], d.get("work") or "", d.get("version")) for d in documents)
    work_of = {doc_id: work for work, found in grouped.items() for _, doc_id in found}
    wrong = []
    for title, files in sorted(multi.items()):
        expected = [doc_id for date, doc_id in files if date <= today()][-1]
        works = {work_of.get(doc_id) for _, doc_id in files}
        work = works.pop() if len(works) == 1 else None
        chosen = in_force(grouped[work])[1] if work is not None else None
        if chosen != expected:
            wrong.append({"title": title, "files": [date for date, _ in files], "chosen": chosen,
                          "expected": expected})
    return {"multi_version_titles": len(multi), "in_force_right": len(multi) - len(wrong), "wrong": wrong}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="library folders or files (default: the full library)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    documents, stems = library_documents(args.paths or DEFAULT_PATHS)
    parsed = time.perf_counter() - started
    names = named_on_top(documents)
    versions = versions_in_force(documents, stems)
    out = {"documents": len(documents), "parse_s": round(parsed, 1), "named": names, "versions": versions}
    print(f"{len(documents)} documents, {names['works']} works ({names['titles']} Chinese titles), "
          f"parsed in {parsed:.0f} s")
    for form, row in names["by_form"].items():
        print(f"named document on top, {form}: {row['on_top']:.3f} of {row['n']}")
    print(f"versions in force: {versions['in_force_right']} of {versions['multi_version_titles']} "
          f"multi-version titles right")
    for miss in names["misses"][:10] + versions["wrong"][:10]:
        print("  miss:", json.dumps(miss, ensure_ascii=False), file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
