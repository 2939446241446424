"""The full library on one Chroma server shared by two app instances (issue 30, point 5).

    python -m benchmarks.scale_chroma --library STORE [--questions 20] [--out JSON]

Serves a copy of ``STORE`` with ``chroma run --path`` (``benchmarks.servers.chroma_server``), starts two
``app.py`` instances on it (``NETLAW_CHROMA_URL``, each with its own cache folder, as on two machines:
each builds its own keyword index), and asks both the same questions over ``/api/ask``: held-out
questions of the three development libraries, taken in turn (``benchmarks.scale_heldout``). Reports
each instance's start (index load) time, answer p50/p95 over HTTP, RSS, the Chroma server's RSS,
and whether the two instances' answers (text, refusal, cited articles) are identical, question by
question. Then, in a fresh process on the same server, the keyword index at this size: reading the
chunks, tokenising them (cold token cache), building the BM25 matrix, saving and loading it, with the
RSS each step adds. Writes ``benchmarks/results/scale_chroma.json``; every figure with the load average.
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
from contextlib import ExitStack
from pathlib import Path

from benchmarks.load_bench import fingerprint
from benchmarks.servers import chroma_server, rss_mb, running_app
from netlaw import settings as _settings
from netlaw.stats import percentile

RESULTS = _settings.PROJECT_ROOT / "benchmarks" / "results"
KEY = "scale-chroma-key"

KEYWORD_PROBE = """
import json, os, sys, time
from pathlib import Path
from netlaw import settings as _settings
from vectorstore.chroma import ChunkStore
from vectorstore.keyword import KeywordIndex, TokenCache, corpus_fingerprint, indexed_text

def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

cache = Path(sys.argv[1])
s = _settings.get_settings().model_copy(update={"cache_dir": cache})
out = {"rss_start_mb": rss()}
t = time.perf_counter(); chunks = ChunkStore(s).chunks(); texts = [indexed_text(c) for c in chunks]
out.update(chunks=len(chunks), read_chunks_s=time.perf_counter() - t, rss_after_chunks_mb=rss())
t = time.perf_counter(); tokens = TokenCache(cache / "tokens.pkl").tokenise(texts, cache)
out.update(tokenise_cold_s=time.perf_counter() - t, rss_after_tokens_mb=rss(),
           tokens=sum(len(x) for x in tokens))
t = time.perf_counter(); index = KeywordIndex(tokens)
out.update(build_s=time.perf_counter() - t, rss_after_index_mb=rss())
fp = corpus_fingerprint(texts)
t = time.perf_counter(); index.save(cache / "kw", fp); out["save_s"] = time.perf_counter() - t
del index
t = time.perf_counter(); again = KeywordIndex.load(cache / "kw", fp)
out.update(load_s=time.perf_counter() - t, loaded=again is not None,
           on_disk_mb=sum(p.stat().st_size for p in (cache / "kw").rglob("*") if p.is_file()) / 1e6)
t = time.perf_counter(); TokenCache(cache / "tokens.pkl").tokenise(texts, cache)
out["tokenise_warm_s"] = time.perf_counter() - t
print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}))
"""


def sample_questions(n: int) -> list[str]:
    """``n`` held-out questions, the three libraries in turn (no follow-ups: they need a conversation)."""
    from benchmarks.scale_heldout import heldout_items

    pools = [[i["question"] for i in heldout_items(lib) if not i.get("turns")] for lib in ("bundled", "laws", "regs")]
    out: list[str] = []
    while len(out) < n and any(pools):
        for pool in pools:
            if pool and len(out) < n:
                out.append(pool.pop(0))
    return out


def load() -> float:
    return round(os.getloadavg()[0], 1)


def ask_all(urls: list[str], questions: list[str]) -> dict:
    """Each question to every instance in turn; timings and fingerprints per instance."""
    import httpx

    headers = {"Authorization": f"Bearer {KEY}"}
    clients = [httpx.Client(base_url=u, headers=headers, timeout=600) for u in urls]
    seconds: list[list[float]] = [[] for _ in urls]
    prints: list[list[tuple]] = [[] for _ in urls]
    for q in questions:
        for i, client in enumerate(clients):
            started = time.perf_counter()
            r = client.post("/api/ask", json={"question": q})
            seconds[i].append(time.perf_counter() - started)
            r.raise_for_status()
            prints[i].append(fingerprint(r.json()))
    for c in clients:
        c.close()
    same = [all(p[k] == prints[0][k] for p in prints) for k in range(len(questions))]
    return {"identical": sum(same), "questions": len(questions),
            "differing": [q for q, ok in zip(questions, same, strict=True) if not ok],
            "refused": [sum(f[1] for f in p) for p in prints],
            "answer_s": [{"p50": round(percentile(s, 50), 3), "p95": round(percentile(s, 95), 3),
                          "max": round(max(s), 3)} for s in seconds]}


def keyword_figures(url: str, tmp: Path) -> dict:
    env = dict(os.environ, NETLAW_CHROMA_URL=url, NETLAW_CHROMA_TIMEOUT_S="600")
    done = subprocess.run([sys.executable, "-c", KEYWORD_PROBE, str(tmp / "kw-cache")], env=env, capture_output=True,
                          text=True, cwd=_settings.PROJECT_ROOT, timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"keyword probe failed: {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def ready_line(log: Path) -> str:
    found = re.findall(r"ready in [\d.]+s", log.read_text(errors="replace")) if log.exists() else []
    return found[-1] if found else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", type=Path, required=True, help="the store holding the full library (copied)")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--start-timeout", type=float, default=1800, help="seconds an instance may take to start")
    parser.add_argument("--cache", type=Path, help="a cache folder to start each instance's own from (the full "
                        "store's keyword index: a copy per instance); default: each builds its own")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale_chroma.json")
    args = parser.parse_args(argv)
    from service.api import hash_key

    questions = sample_questions(args.questions)
    out: dict = {"store": str(args.library), "load_avg_start": load()}
    with tempfile.TemporaryDirectory() as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        shutil.copytree(args.library, tmp / "chroma" / "data")
        out["copy_store_s"] = round(time.perf_counter() - started, 1)
        chroma, url, _ = stack.enter_context(chroma_server(tmp / "chroma" / "data"))
        out["chroma_ready_s"] = round(chroma.ready_seconds, 1)
        extra = {"NETLAW_CHROMA_URL": url, "NETLAW_CHROMA_TIMEOUT_S": "600",
                 "NETLAW_API_KEYS": f"bench:{hash_key(KEY)}", "NETLAW_API_RATE_PER_MINUTE": "1000000"}
        instances = []
        for name in ("a", "b"):
            if args.cache and args.cache.exists():
                shutil.copytree(args.cache, tmp / name / "cache")
            before = load()
            app_url, _, proc = stack.enter_context(running_app(tmp / name, None, extra, users=False,
                                                               timeout=args.start_timeout))
            instances.append({"name": name, "url": app_url, "proc": proc, "ready_s": round(proc.ready_seconds, 1),
                              "log": ready_line(next((tmp / name).glob("app-*.log"))), "load_avg": [before, load()]})
            print(f"instance {name} ready in {proc.ready_seconds:.0f} s", file=sys.stderr, flush=True)
        before = load()
        asked = ask_all([i["url"] for i in instances], questions)
        asked["load_avg"] = [before, load()]
        out["answers"] = asked
        out["instances"] = [{k: v for k, v in i.items() if k not in ("proc", "url")} | {"rss_mb": round(
            rss_mb(i["proc"].pid))} for i in instances]
        out["chroma_rss_mb"] = round(rss_mb(chroma.pid))
        for i in instances:  # the keyword probe gets the cores and the memory to itself
            i["proc"].terminate()
        before = load()
        out["keyword_index"] = keyword_figures(url, tmp) | {"load_avg": [before, load()]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0 if asked["identical"] == asked["questions"] else 1


if __name__ == "__main__":
    sys.exit(main())
