"""Answer benchmark: per backend, on the retrieval benchmark questions plus out-of-scope ones.

    python -m benchmarks.answer_bench [--backends extractive local openai]

Reports: share of answerable questions answered with the gold article cited; share of
out-of-scope questions refused; false refusals; invented citations (markers that resolve to
no retrieved article: must be 0); sentences dropped by the citation check; fallbacks to
extractive; answer latency p50/p95 and, for generative backends, time to first token.
The openai row runs against a llama.cpp server on 127.0.0.1 serving the SmolLM2 file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.retrieval_bench import QUESTIONS, build_store, load_questions
from netlaw.stats import percentile
from qa.backends import BACKENDS
from qa.chain import AnswerService
from vectorstore.hybrid import HybridRetriever

OUT_OF_SCOPE = Path(__file__).parent / "data" / "out_of_scope.jsonl"


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
    args = parser.parse_args(argv)
    answerable, oos = load_questions(QUESTIONS), load_questions(OUT_OF_SCOPE)
    results = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        tmp_path = Path(tmp)
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
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
