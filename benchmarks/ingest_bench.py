"""Ingest benchmark: cold wall time vs pure embedding time, no-op re-run, peak RSS.

    python -m benchmarks.ingest_bench [--replicas 1 50] [--full-embed]

For each corpus size (the bundled corpus, and copies of it under other file
names) it runs ``python -m ingest`` in a fresh process on an empty store (cold),
then again on the same files (no-op), and measures, in this process, the pure
embedding time of exactly the chunk texts the ingest produced. Prints a table.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest.pipeline import parse_file
from netlaw import settings as _settings
from vectorstore.embeddings import get_embedder

CORPUS = _settings.PROJECT_ROOT / "data" / "corpus"


def replicate(target: Path, replicas: int) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(replicas):
        for src in sorted(CORPUS.glob("*.txt")):
            dst = target / f"r{i:03d}_{src.name}"
            shutil.copy(src, dst)
            files.append(dst)
    return files


def run(cmd: list[str], env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) of the child, output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=_settings.PROJECT_ROOT)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed:\n{proc.stdout}\n{proc.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) // 1024, proc.stdout


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--full-embed", action="store_true",
                        help="embed every chunk text for the reference even when texts repeat "
                             "(slow for x50: ~10 min on 2 cores); default: measure unique texts and "
                             "extrapolate the per-chunk rate to all chunks")
    args = parser.parse_args(argv)
    s = _settings.get_settings()
    embedder = get_embedder()
    embedder.embed(["warm-up"])  # model load is not embedding time
    rows = []
    for replicas in args.replicas:
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp)
            files = replicate(tmp_path / "docs", replicas)
            env = dict(os.environ, NETLAW_STORE_DIR=str(tmp_path / "store"))
            cmd = [sys.executable, "-m", "ingest", str(tmp_path / "docs"), "--quiet"]
            cold, peak, out = run(cmd, env)
            noop, _, _ = run(cmd, env)
            chunks = [c for f in files for c in parse_file(f, s).chunks]
            texts = [c.embed_text for c in chunks]
            unique = list(dict.fromkeys(texts))
            started = time.perf_counter()
            embedder.embed(texts if args.full_embed else unique)
            measured = time.perf_counter() - started
            all_chunks = measured if args.full_embed else measured * len(texts) / len(unique)
            rows.append((replicas, len(files), len(chunks), len(unique), cold, measured, all_chunks, noop, peak,
                         out.strip().splitlines()[-1]))
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| corpus | files | chunks | unique texts | cold wall s | embed unique s | embed all chunks s | "
          "wall / embed(unique) | no-op s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r, n_files, n_chunks, n_unique, cold, measured, all_chunks, noop, peak, _ in rows:
        print(f"| x{r} | {n_files} | {n_chunks} | {n_unique} | {cold:.1f} | {measured:.1f} | {all_chunks:.1f}"
              f"{'' if args.full_embed or r == 1 else ' (extrapolated)'} | {cold / measured:.2f} | {noop:.2f} "
              f"| {peak} |")
    for r, *_, last in rows:
        print(f"x{r} ingest timings: {last}")


if __name__ == "__main__":
    main()
