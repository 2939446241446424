"""Load benchmark: N questions at concurrency C over loopback to a running app.py (extractive).

    python -m benchmarks.load_bench [--requests 200] [--concurrency 8]

Starts the real server (uvicorn + FastAPI + Gradio) with an API key, answers every distinct question
once sequentially (the reference), then sends the requests concurrently and reports errors,
throughput, latency p50/p95, and whether every answer under load is identical to the reference.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from benchmarks.answer_bench import OUT_OF_SCOPE
from benchmarks.retrieval_bench import QUESTIONS, load_questions
from benchmarks.servers import running_app
from netlaw.stats import percentile
from service.api import hash_key

KEY = "load-bench-key"


def fingerprint(answer: dict) -> tuple:
    return (answer["answer"], answer["refused"], tuple((c["document"], c["article"]) for c in answer["citations"]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    questions = [q["question"] for q in load_questions(QUESTIONS) + load_questions(OUT_OF_SCOPE)]
    extra = {"NETLAW_API_KEYS": f"load:{hash_key(KEY)}", "NETLAW_API_RATE_PER_MINUTE": "1000000",
             "NETLAW_UI_CONCURRENCY": str(args.concurrency)}
    headers = {"Authorization": f"Bearer {KEY}"}
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "app", None, extra, users=False) as (url, _, _):
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            reference = {}
            for q in questions:
                reference[q] = fingerprint(client.post("/api/ask", json={"question": q}).json())

        def one(i: int):
            question = questions[i % len(questions)]
            started = time.perf_counter()
            try:
                with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
                    r = c.post("/api/ask", json={"question": question})
                ok = r.status_code == 200
                same = ok and fingerprint(r.json()) == reference[question]
                return time.perf_counter() - started, ok, same, r.status_code
            except httpx.HTTPError as exc:
                return time.perf_counter() - started, False, False, exc.__class__.__name__

        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - started
    latencies = [r[0] for r in results]
    errors = [r[3] for r in results if not r[1]]
    differing = sum(1 for r in results if r[1] and not r[2])
    print(f"\nmachine: 2 cores, CPU, Python {sys.version.split()[0]}; server: app.py (uvicorn), extractive backend")
    print(f"{args.requests} requests at concurrency {args.concurrency} over loopback: "
          f"errors {len(errors)} {errors[:5]}, "
          f"throughput {args.requests / wall:.1f} req/s, latency p50 {percentile(latencies, 50):.2f} s, "
          f"p95 {percentile(latencies, 95):.2f} s, max {max(latencies):.2f} s")
    identical = args.requests - differing - len(errors)
    print(f"answers identical to the one-at-a-time reference: {identical}/{args.requests}")


if __name__ == "__main__":
    main()
