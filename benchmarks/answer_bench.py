"""Answer benchmark: per backend, on the retrieval benchmark questions plus out-of-scope ones.

    python -m benchmarks.answer_bench [--backends extractive local openai] [--max-worse 50]
    python -m benchmarks.answer_bench --backends extractive local --write-baseline   # on a quiet machine

Reports: share of answerable questions answered with the gold article cited; share of
out-of-scope questions refused; false refusals; invented citations (markers that resolve to
no retrieved article: must be 0); sentences dropped by the citation check; fallbacks to
extractive; answer latency p50/p95 and, for generative backends, time to first token.
The openai row runs against a llama.cpp server on 127.0.0.1 serving the SmolLM2 file.

Latency and memory are measured here, not in `make test` (a timed test fails when other work shares the
machine). Each run compares its p50, p95, first-token p50/p95 and the process's peak RSS with the committed
baseline (benchmarks/results/answer_baseline.json, written by --write-baseline with the load average it was
measured under) and exits 1 when a figure is more than --max-worse per cent worse (and worse by more than
--min-delta, so a 0.1 s figure does not fail on scheduling noise). The load average before and after the run
is printed: compare figures measured under similar load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.retrieval_bench import QUESTIONS, build_store, load_questions
from netlaw import settings as _settings
from netlaw.stats import percentile
from qa.backends import BACKENDS
from qa.chain import AnswerService
from vectorstore.hybrid import HybridRetriever

OUT_OF_SCOPE = Path(__file__).parent / "data" / "out_of_scope.jsonl"
BASELINE = Path(__file__).parent / "results" / "answer_baseline.json"
COMPARED = ("p50", "p95", "ttft_p50", "ttft_p95")  # seconds, per backend; and peak_rss_mb for the run


def peak_rss_mb() -> float:
    """Peak resident memory of this process (store, models and all) in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
            "load_1m": round(os.getloadavg()[0], 2)}


def compare(results: list[dict], rss_mb: float, baseline: dict, max_worse: float, min_delta: float) -> list[str]:
    """The figures more than ``max_worse`` per cent (and more than ``min_delta`` s, or MB for memory) worse
    than the baseline's; figures the baseline lacks are not compared."""
    worse = []
    for r in results:
        base = baseline.get("backends", {}).get(r["backend"], {})
        for key in COMPARED:
            now, then = r.get(key), base.get(key)
            if now is not None and then and now > then * (1 + max_worse / 100) and now - then > min_delta:
                worse.append(f"{r['backend']} {key}: {now:.3f} s vs baseline {then:.3f} s "
                             f"(+{100 * (now / then - 1):.0f} % > {max_worse:g} %)")
    then = baseline.get("peak_rss_mb")
    if then and rss_mb > then * (1 + max_worse / 100) and rss_mb - then > min_delta * 1000:
        worse.append(f"peak RSS: {rss_mb:.0f} MB vs baseline {then:.0f} MB (+{100 * (rss_mb / then - 1):.0f} %)")
    return worse


def invented(answer) -> int:
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", answer.answer)}
    valid = {c.marker for c in answer.citations}
    retrieved = {r.article_id for r in answer.retrieved}
    bad_cites = sum(1 for c in answer.citations
                    if c.article_id not in retrieved and not (c.parallel and c.parallel.article_id in retrieved))
    return len(markers - valid) + bad_cites


def run_backend(service: AnswerService, backend: str, answerable: list[dict], oos: list[dict]) -> dict:
    rows = []
    for q in answerable + oos:
        started = time.perf_counter()
        a = service.ask(q["question"], backend=backend)
        total = time.perf_counter() - started
        gold = {(g["document"], g["article"]) for g in q.get("gold", [])}
        cited = {(c.document, c.article) for c in a.citations}
        cited |= {(c.parallel.document, c.parallel.article) for c in a.citations if c.parallel}
        rows.append({"id": q["id"], "answerable": bool(gold), "refused": a.refused, "gold_cited": bool(gold & cited),
                     "invented": invented(a), "dropped": a.dropped_sentences, "fallback": "→" in a.backend,
                     "seconds": total, "first_token": a.timings.first_token_ms})
    ans = [r for r in rows if r["answerable"]]
    out = [r for r in rows if not r["answerable"]]
    ttft = [r["first_token"] / 1000 for r in ans if r["first_token"] is not None and not r["refused"]]
    lat = [r["seconds"] for r in ans]
    return {
        "backend": backend,
        "gold_cited": sum(r["gold_cited"] for r in ans) / len(ans),
        "false_refusals": sum(r["refused"] for r in ans) / len(ans),
        "oos_refused": sum(r["refused"] for r in out) / len(out),
        "invented": sum(r["invented"] for r in rows),
        "dropped": sum(r["dropped"] for r in rows),
        "fallbacks": sum(r["fallback"] for r in rows),
        "p50": percentile(lat, 50), "p95": percentile(lat, 95),
        "ttft_p50": percentile(ttft, 50) if ttft else None, "ttft_p95": percentile(ttft, 95) if ttft else None,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--json", type=Path, help="also write every question's outcome here")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help="baseline figures to compare with "
                        "(default: %(default)s)")
    parser.add_argument("--max-worse", type=float, default=50.0, metavar="PCT",
                        help="exit 1 when a latency or memory figure is more than PCT %% worse than the baseline "
                             "(default: %(default)s)")
    parser.add_argument("--min-delta", type=float, default=0.1, metavar="S",
                        help="…and worse by more than S seconds (S×1000 MB for memory; default: %(default)s)")
    parser.add_argument("--store-dir", type=Path, help="answer from this store (it must hold exactly the bundled "
                        "corpus) instead of ingesting the corpus into a temporary one")
    parser.add_argument("--write-baseline", action="store_true",
                        help="write this run's figures as the baseline instead of comparing (on a quiet machine)")
    args = parser.parse_args(argv)
    before = machine()
    print(f"load average before: {before['load_1m']} ({before['cores']} cores)", flush=True)
    answerable, oos = load_questions(QUESTIONS), load_questions(OUT_OF_SCOPE)
    results = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        tmp_path = Path(tmp)
        if args.store_dir:  # a store already holding the bundled corpus (saves the ingest)
            s = _settings.Settings(store_dir=args.store_dir, cache_dir=args.store_dir.parent / "cache",
                                   chroma_url=None, chroma_host=None)
        else:
            s = build_store(tmp_path, 1)
        if "openai" in args.backends:
            from benchmarks.servers import llama_server

            _, url = stack.enter_context(llama_server(tmp_path))
            s = s.model_copy(update={"openai_base_url": url, "openai_model": "smollm2"})
        service = AnswerService(s, HybridRetriever(s))
        for backend in args.backends:
            service.ask("warm up: when did the public account regulations take effect?", backend=backend)
            results.append(run_backend(service, backend, answerable, oos))
            print(f"{backend} done: " + json.dumps({k: v for k, v in results[-1].items() if k != "rows"}), flush=True)
    print(f"\n{len(answerable)} answerable + {len(oos)} out-of-scope questions; "
          f"2 cores, CPU, Python {sys.version.split()[0]}")
    print("| backend | gold article cited | false refusals | out-of-scope refused | invented citations | "
          "dropped sentences | fallbacks | p50 s | p95 s | first token p50 / p95 s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        streamed = r["ttft_p50"] is not None and r["backend"] != "extractive"
        ttft = f"{r['ttft_p50']:.2f} / {r['ttft_p95']:.2f}" if streamed else "—"
        print(f"| {r['backend']} | {r['gold_cited']:.3f} | {r['false_refusals']:.3f} | {r['oos_refused']:.3f} | "
              f"{r['invented']} | {r['dropped']} | {r['fallbacks']} | {r['p50']:.2f} | {r['p95']:.2f} | {ttft} |")
    rss = peak_rss_mb()
    after = machine()
    print(f"peak RSS {rss:.0f} MB; load average before {before['load_1m']}, after {after['load_1m']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    figures = {r["backend"]: {k: r[k] for k in ("gold_cited", "false_refusals", "oos_refused", *COMPARED)}
               for r in results}
    if args.write_baseline:
        record = {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": before,
                  "load_1m_after": after["load_1m"], "questions": len(answerable) + len(oos),
                  "peak_rss_mb": round(rss, 1), "backends": figures}
        args.baseline.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"baseline written: {args.baseline}")
        return
    if not args.baseline.exists():
        print(f"no baseline at {args.baseline}: nothing compared (write one with --write-baseline)")
        return
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    print(f"baseline: {args.baseline} (measured {baseline.get('measured')}, load "
          f"{baseline.get('machine', {}).get('load_1m')}, {baseline.get('machine', {}).get('cores')} cores)")
    worse = compare(results, rss, baseline, args.max_worse, args.min_delta)
    for line in worse:
        print(f"WORSE: {line}")
    if worse:
        sys.exit(1)
    print(f"within {args.max_worse:g} % of the baseline")


if __name__ == "__main__":
    main()
