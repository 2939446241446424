"""Adding and replacing one regulation in the full library (issue 30, point 1: <= 5 s plus its own embedding).

    python -m benchmarks.scale_update --library STORE [--cache DIR] [--base FILE]

Works on a copy of ``STORE`` (the original is never written). The new regulation is a real one of the
library (``--base``, default the regulation of median size that the store holds) given today's date
in its file name, as its amendment would arrive: a new version of a work the library holds.
Its texts are embedded for real (a fresh, empty vector cache), so "its own embedding" is the
embedding time the ingest reports. Three updates, each timed from the start of the ingest to the
first answer that sees it, with a running retriever (the app's) open on the store:

1. add, in this process (``run_ingest([file])``, what an upload does; models already loaded);
2. replace: the same file with one article changed, ingested again (a changed file replaces its chunks);
3. add a second regulation through the CLI (``python -m ingest FILE``: a fresh process, models loaded).

For each: the ingest's parse / embed / write seconds, whether the write appended (no collection copy)
or copied the collection, the running retriever's refresh, the first query, and the load average.
Writes ``benchmarks/results/scale_update.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from netlaw import settings as _settings

RESULTS = _settings.PROJECT_ROOT / "benchmarks" / "results"
NEW_DATE = time.strftime("%Y-%m-%d")  # in force today


def typical_regulations(s: _settings.Settings) -> list[Path]:
    """The store's regulation files (those under the regulations' folder), from the median size up."""
    from benchmarks.scale_names import REGULATIONS
    from vectorstore.chroma import ChunkStore

    held = sorted((Path(k) for k in ChunkStore(s).pointer().manifest if Path(k).parent == REGULATIONS),
                  key=lambda p: p.stat().st_size)
    return held[len(held) // 2:]


def amended(base: Path, folder: Path, date: str = NEW_DATE) -> Path:
    """A copy of ``base`` under the same title with a new date in its name (a new version)."""
    stem = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", base.stem)
    path = folder / f"{stem}({date}).md"
    shutil.copyfile(base, path)
    return path


def change_one_article(path: Path) -> str:
    """Rewrite the first article's text (what an edited upload does); returns the new sentence."""
    text = path.read_text(encoding="utf-8")
    sentence = "本条经修订，自公布之日起施行。"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("第一条"):
            lines[i] = line + sentence
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sentence


def step(name: str, s: _settings.Settings, retriever, ingest, question: str) -> dict:
    """Run ``ingest`` (returns its IngestReport or None), refresh the running retriever, ask once."""
    from vectorstore.chroma import ChunkStore

    before = ChunkStore(s).pointer()
    load = [round(os.getloadavg()[0], 1)]
    started = time.perf_counter()
    report = ingest()
    ingested = time.perf_counter()
    retriever.refresh()
    refreshed = time.perf_counter()
    hits = retriever.search(question, k=5)
    done = time.perf_counter()
    after = ChunkStore(s).pointer()
    row: dict = {"step": name, "total_s": round(done - started, 2), "ingest_s": round(ingested - started, 2),
                 "refresh_s": round(refreshed - ingested, 2), "query_s": round(done - refreshed, 2),
                 "appended": after.active == before.active and (after.gen or 0) > (before.gen or 0),
                 "collection_copied": after.active != before.active, "chunks_after": after.chunks,
                 "top_document": hits[0].document if hits else None}
    if report is not None:
        row.update({"parts_s": {k: round(v, 2) for k, v in report.seconds.items()}, "chunks": report.chunks,
                    "embedded_texts": report.embedded,
                    "without_embedding_s": round(ingested - started - report.seconds["embed"], 2)})
    load.append(round(os.getloadavg()[0], 1))
    row["load_avg_1m"] = load
    print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, required=True, help="the store holding the full library (copied)")
    parser.add_argument("--cache", type=Path, help="the full store's cache dir (keyword index; copied if given)")
    parser.add_argument("--base", type=Path, help="the regulation to amend (default: the median-size regulation)")
    parser.add_argument("--second", type=Path, help="the regulation added by the CLI (default: the next one by size)")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale_update.json")
    args = parser.parse_args(argv)
    from ingest.pipeline import run_ingest
    from vectorstore.hybrid import HybridRetriever

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        shutil.copytree(args.library, tmp / "store")
        if args.cache and args.cache.exists():
            shutil.copytree(args.cache, tmp / "cache")
        copy_s = time.perf_counter() - started
        s = _settings.get_settings().model_copy(update={
            "store_dir": tmp / "store", "cache_dir": tmp / "cache", "vector_cache": tmp / "vector-cache.sqlite",
            "chroma_url": None, "chroma_host": None})
        held = typical_regulations(s)
        base, second = args.base or held[0], args.second or held[1]
        (tmp / "new").mkdir()
        retriever = HybridRetriever(s)
        started = time.perf_counter()
        retriever.search("warm up")
        out: dict = {"store": str(args.library), "copy_store_s": round(copy_s, 1),
                     "index_load_s": round(time.perf_counter() - started, 1), "base": base.name,
                     "second": second.name, "steps": []}
        new = amended(base, tmp / "new")
        title = re.sub(r"\(.*$", "", base.stem)
        out["steps"].append(step("add (in process)", s, retriever, lambda: run_ingest([new], s, progress=False),
                                 f"《{title}》第一条"))
        sentence = change_one_article(new)
        out["steps"].append(step("replace (in process)", s, retriever,
                                 lambda: run_ingest([new], s, progress=False), f"{title}{sentence}"))
        extra = amended(second, tmp / "new")
        env = {k: v for k, v in os.environ.items() if not k.startswith("NETLAW_CHROMA")}
        env.update(NETLAW_STORE_DIR=str(s.store_dir), NETLAW_CACHE_DIR=str(s.cache_dir),
                   NETLAW_VECTOR_CACHE=str(s.vector_cache))

        def cli() -> None:
            done = subprocess.run([sys.executable, "-m", "ingest", "--quiet", str(extra)], env=env, text=True,
                                  capture_output=True, cwd=_settings.PROJECT_ROOT)
            out["cli_summary"] = done.stdout.strip().splitlines()[-4:]
            if done.returncode:
                raise RuntimeError(done.stderr[-2000:])

        second_title = re.sub(r"\(.*$", "", second.stem)
        out["steps"].append(step("add (CLI process)", s, retriever, cli, f"《{second_title}》第一条"))
        out["load_avg"] = [round(x, 1) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
