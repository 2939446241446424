"""Same answers among 26,000 articles (issue 30, point 2): each development library's held-out gold
answered with only its own library loaded, and again with the full library loaded.

    python -m benchmarks.scale_heldout --library STORE [--libraries bundled laws regs] [--backend extractive]

``STORE`` holds the full library (the bundled corpus, ``../shared/laws`` and the 672 State Council
regulations: every file of the three development libraries is in it, byte for byte). For each
library the "own" store is what ``pytest evals/`` builds for it (``evals.fit.library_files``: the
bundled corpus plus the library's fixture), ingested into a temporary store from the vector cache
(set ``NETLAW_VECTOR_CACHE`` to the evaluation's cache so nothing is embedded twice). Both runs answer
the same held-out items through ``evals.conftest.answered`` (``evals.runner.run_backend``) with the
weights of the fit that left the library out (``evals.conftest.left_out``), as ``evals/test_left_out.py``
does. Writes ``benchmarks/results/scale_heldout.json`` and ``.md``: per library and type, hit@5, key
facts and the other left-out columns for both runs and their difference (issue target: |difference|
<= 0.03 for hit@5 and key facts), with the load average of each run (the figures themselves do not
depend on load; the seconds do).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from netlaw import settings as _settings

RESULTS = _settings.PROJECT_ROOT / "benchmarks" / "results"
TARGET = 0.03
COMPARED = ("hit@5", "key_fact_recall")


def heldout_items(library: str) -> list[dict]:
    """The held-out items of a library's gold, as the evaluation loads them (``evals/conftest.py``)."""
    from evals.conftest import LAWS_GOLD
    from evals.fit import load_items
    from evals.runner import load_gold

    if library == "bundled":
        items = load_gold()
    elif library == "laws":  # the laws questions and the versions gold, as ``laws_evaluation``
        items = [dict(json.loads(line), set=path.stem) for path in sorted(LAWS_GOLD.glob("*.jsonl"))
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        items = load_items(library)
    return [i for i in items if i.get("split") == "heldout"]


def own_settings(library: str, tmp: Path) -> _settings.Settings:
    """A temporary store of the library alone (the evaluation's store), ingested from the vector cache."""
    from evals.conftest import left_out
    from evals.fit import library_files
    from ingest.pipeline import run_ingest

    s = _settings.get_settings().model_copy(update={
        "store_dir": tmp / f"{library}-store", "cache_dir": tmp / f"{library}-cache", "chroma_url": None,
        "chroma_host": None})
    run_ingest(library_files(library), s, progress=False)
    return left_out(s, library)


def full_settings(library: str, store: Path, cache: Path) -> _settings.Settings:
    from evals.conftest import left_out

    s = _settings.get_settings().model_copy(update={"store_dir": store, "cache_dir": cache, "chroma_url": None,
                                                     "chroma_host": None})
    return left_out(s, library)


class ItemTimeout(Exception):
    pass


def _alarm(signum, frame):
    raise ItemTimeout


def run_one(s: _settings.Settings, backend: str, items: list[dict], limit_s: int = 0) -> dict:
    """Every item answered and scored (as ``evals.conftest.answered``: one service, one warm-up, then
    ``evals.runner.run_backend``), one item at a time so that an item running past ``limit_s`` seconds
    (0 = no limit) is stopped and listed in ``timed_out`` instead of holding up the rest."""
    from evals.runner import run_backend
    from qa.chain import AnswerService
    from vectorstore.hybrid import HybridRetriever

    load = [round(os.getloadavg()[0], 1)]
    started = time.perf_counter()
    service = AnswerService(s, HybridRetriever(s))
    service.ask("warm-up: 什么时候施行？", backend=backend)
    rows, timed_out = [], []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for item in items:
            signal.alarm(limit_s)
            try:
                rows += run_backend(service, backend, [item])
            except ItemTimeout:
                timed_out.append(item["id"])
                print(f"{item['id']}: stopped after {limit_s} s", file=sys.stderr, flush=True)
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    load.append(round(os.getloadavg()[0], 1))
    del service
    gc.collect()
    return {"rows": rows, "timed_out": timed_out, "seconds": round(time.perf_counter() - started),
            "load_avg_1m": load}


def kept(folder: Path | None, name: str, library: str, run) -> dict:
    """A run's result read from ``folder`` when kept there, else ``run()`` (kept there when a folder is given)."""
    path = folder / f"{name}-{library}.json" if folder else None
    if path is not None and path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    result = run()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    return result


def compare(own: list[dict], full: list[dict]) -> list[dict]:
    """Per type (and all), each left-out column for both runs and the difference (full − own), over the
    items both runs scored (an item stopped by the time limit in either is left out of both)."""
    from evals.runner import aggregate
    from evals.test_left_out import COLUMNS

    both = {r["id"] for r in own} & {r["id"] for r in full}
    own, full = [r for r in own if r["id"] in both], [r for r in full if r["id"] in both]
    out = []
    for qtype in ["all", *sorted({r["type"] for r in own})]:
        a = [r for r in own if qtype in ("all", r["type"])]
        b = [r for r in full if qtype in ("all", r["type"])]
        fa, fb = aggregate(a), aggregate(b)
        row: dict = {"type": qtype, "n": len(a)}
        for c in COLUMNS:
            if c in fa and c in fb:
                row[c] = {"own": round(fa[c], 3), "full": round(fb[c], 3), "diff": round(fb[c] - fa[c], 3)}
        out.append(row)
    return out


def changed_items(own: list[dict], full: list[dict]) -> list[dict]:
    """Items whose hit@5 or key facts moved between the runs (what the difference is made of)."""
    moved = []
    by_id = {r["id"]: r for r in full}
    for a, b in ((a, by_id[a["id"]]) for a in own if a["id"] in by_id):
        if any(a.get(k) != b.get(k) for k in COMPARED) or a["refused"] != b["refused"]:
            moved.append({"id": a["id"], "type": a["type"], **{k: [a.get(k), b.get(k)] for k in COMPARED},
                          "refused": [a["refused"], b["refused"]], "why_full": b["why"]})
    return moved


def markdown(result: dict) -> str:
    from evals.test_left_out import COLUMNS

    lines = ["# Held-out figures: own library vs the full library loaded", "",
             f"Full library: `{result['store']}` ({result['full_chunks']} chunks). Backend: {result['backend']}. "
             f"Cells are own → full (difference); target |difference| <= {TARGET} for hit@5 and key facts.", ""]
    for library, part in result["libraries"].items():
        lines += [f"## {library}: {part['items']} held-out items; own run {part['own']['seconds']} s at load "
                  f"{part['own']['load_avg_1m']}, full run {part['full']['seconds']} s at load "
                  f"{part['full']['load_avg_1m']}", "",
                  "| type | n | " + " | ".join(COLUMNS) + " |", "|---|---|" + "---|" * len(COLUMNS)]
        for row in part["by_type"]:
            cells = [f"{row[c]['own']:.2f} → {row[c]['full']:.2f} ({row[c]['diff']:+.2f})" if c in row else ""
                     for c in COLUMNS]
            lines.append(f"| {row['type']} | {row['n']} | " + " | ".join(cells) + " |")
        stopped = part["own"].get("timed_out", []) + part["full"].get("timed_out", [])
        lines += ["", f"Items that moved: {len(part['moved'])}"
                  + (f"; stopped by the time limit (left out of both columns): {', '.join(stopped)}" if stopped
                     else ""), ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, required=True, help="the store holding the full library")
    parser.add_argument("--libraries", nargs="+", default=["bundled", "laws", "regs"],
                        choices=["bundled", "laws", "regs"])
    parser.add_argument("--backend", default="extractive")
    parser.add_argument("--cache", type=Path, help="the full store's cache folder (its keyword index, built once "
                        "and kept; default: a temporary one, built here)")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale_heldout.json",
                        help="the JSON (the .md beside it)")
    parser.add_argument("--runs", type=Path, help="a folder keeping each run's scored rows (<own|full>-<library>.json)"
                        ": a run found there is read, not answered again (the own runs can go first, while the "
                        "full library is still being ingested)")
    parser.add_argument("--item-limit", type=int, default=0,
                        help="seconds one item may take before it is stopped and listed (default: no limit)")
    parser.add_argument("--only", choices=["own", "full"], help="with --runs: answer only these runs and stop")
    args = parser.parse_args(argv)
    from vectorstore.chroma import ChunkStore

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        full_cache = args.cache or tmp / "full-cache"
        result: dict = {"store": str(args.library), "backend": args.backend, "libraries": {},
                        "full_chunks": None if args.only == "own" else
                        ChunkStore(full_settings("bundled", args.library, full_cache)).count(),
                        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        for library in args.libraries:
            items = heldout_items(library)
            own = kept(args.runs, "own", library,
                       lambda lib=library, its=items: run_one(own_settings(lib, tmp), args.backend, its,
                                                                     args.item_limit))
            if args.only == "own":
                continue
            full = kept(args.runs, "full", library,
                        lambda lib=library, its=items: run_one(full_settings(lib, args.library, full_cache),
                                                               args.backend, its, args.item_limit))
            if args.only == "full":
                continue
            by_type = compare(own["rows"], full["rows"])
            part = {"items": len(items), "by_type": by_type,
                    "moved": changed_items(own["rows"], full["rows"]),
                    **{name: {k: v for k, v in run.items() if k != "rows"} for name, run in
                       (("own", own), ("full", full))}}
            result["libraries"][library] = part
            head = by_type[0]
            print(f"{library}: " + ", ".join(f"{c} {head[c]['own']:.3f} → {head[c]['full']:.3f}"
                                            for c in COMPARED if c in head), file=sys.stderr, flush=True)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
            args.out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    if args.only:
        return 0
    print(markdown(result))
    worst = [abs(row[c]["diff"]) for part in result["libraries"].values() for row in part["by_type"][:1]
             for c in COMPARED if c in row]
    return 0 if worst and max(worst) <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
