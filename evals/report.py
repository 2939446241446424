"""The evaluation report a person reads: report.md, results.jsonl, metrics.png (and a latest/ copy)."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

REPORTS = Path(__file__).parent / "reports"
SHOWN = ["hit@1", "hit@5", "recall@5", "mrr@10", "ndcg@10", "citation_precision", "citation_recall",
         "citation_coverage", "citation_validity", "key_fact_recall", "first_line_key_fact_recall", "token_f1",
         "abstention_accuracy", "near_topic_refusal",
         "false_refusal_rate", "latency_p50_s", "latency_p95_s"]


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def write_report(runs: dict[str, dict], floors: dict, failures: dict[str, list[dict]]) -> Path:
    """runs: backend → {"metrics": {...}, "by_type": {type: {...}}, "rows": [...]}."""
    folder = REPORTS / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "results.jsonl").open("w", encoding="utf-8") as handle:
        for backend, run in runs.items():
            for row in run["rows"]:
                handle.write(json.dumps(dict(row, run=backend), ensure_ascii=False) + "\n")
    lines = ["# Netlaw evaluation report", "", f"Generated {time.strftime('%Y-%m-%d %H:%M:%S')}.", "",
             "Each metric is a mean over the gold items it applies to (see `evals/metrics.py` for formulas); "
             "the floor is the minimum the suite accepts (`evals/floors.toml`), checked on the first gold set "
             "(`gold.jsonl`, in brackets); the later item types have per-type floors on their held-out part.",
             "", "## Metrics", "",
             "| metric | floor | " + " | ".join(runs) + " |", "|---|---|" + "---|" * len(runs)]
    for metric in SHOWN:
        floor = floors.get(metric)
        cells = [f"{_fmt(run['metrics'].get(metric))} ({_fmt(run.get('original', {}).get(metric))})"
                 for run in runs.values()]
        ceiling = metric in ("false_refusal_rate",) or metric.startswith("latency")
        floor_text = "—" if floor is None else (f"≤ {floor}" if ceiling else f"≥ {floor}")
        lines.append(f"| {metric} | {floor_text} | " + " | ".join(cells) + " |")
    lines += ["", "![metrics](metrics.png)", ""]
    lines += answers_section(runs)
    for backend, run in runs.items():
        lines += [f"## By question type — {backend}", "",
                  "| type | n | hit@5 | MRR@10 | citation recall | key-fact recall | refused |",
                  "|---|---|---|---|---|---|---|"]
        for qtype, t in run["by_type"].items():
            lines.append(f"| {qtype} | {t['n']} | {_fmt(t.get('hit@5'))} | {_fmt(t.get('mrr@10'))} | "
                         f"{_fmt(t.get('citation_recall'))} | {_fmt(t.get('key_fact_recall'))} | {t['refused']} |")
        lines += ["", f"Held-out part only (the items no weight was tuned on) — {backend}:", "",
                  "| type | n | hit@5 | MRR@10 | citation recall | key-fact recall | refused |",
                  "|---|---|---|---|---|---|---|"]
        for qtype, t in run.get("heldout_by_type", {}).items():
            lines.append(f"| {qtype} | {t['n']} | {_fmt(t.get('hit@5'))} | {_fmt(t.get('mrr@10'))} | "
                         f"{_fmt(t.get('citation_recall'))} | {_fmt(t.get('key_fact_recall'))} | {t['refused']} |")
        lines.append("")
    lines += ["## Items that failed, and why", ""]
    for backend, rows in failures.items():
        lines.append(f"### {backend} ({len(rows)})")
        lines += [f"- `{r['id']}` ({r['type']}): {'; '.join(r['why'])} — {r['question'][:90]}"
                  for r in rows] or ["- none"]
        lines.append("")
    (folder / "report.md").write_text("\n".join(lines), encoding="utf-8")
    _plot(runs, folder / "metrics.png")
    latest = REPORTS / "latest"
    shutil.rmtree(latest, ignore_errors=True)
    shutil.copytree(folder, latest)
    return folder


ANSWER_METRICS = ["key_fact_recall", "first_line_key_fact_recall", "citation_precision", "near_topic_refusal",
                  "false_refusal_rate", "abstention_accuracy", "latency_p50_s"]


def answers_section(runs: dict[str, dict]) -> list[str]:
    """Held-out answers as a person reads them: the key facts in the whole answer and in its first
    line, citation precision, near-topic refusal, false refusals; then the same per question type."""
    runs = {b: r for b, r in runs.items() if "heldout" in r}
    if not runs:
        return []
    lines = ["## Answers — held-out items", "",
             "Key facts found in the whole answer and in its first line (where the answer is stated); "
             "near-topic refusal = near-topic items refused or marked as not found; abstention = the original "
             "unanswerable items refused.", "",
             "| metric | " + " | ".join(runs) + " |", "|---|" + "---|" * len(runs)]
    for metric in ANSWER_METRICS:
        lines.append(f"| {metric} | " + " | ".join(_fmt(r["heldout"].get(metric)) for r in runs.values()) + " |")
    for backend, run in runs.items():
        lines += ["", f"Per type, held-out — {backend}:", "",
                  "| type | n | key facts | first line | citation precision | refused | declined (unanswerable) |",
                  "|---|---|---|---|---|---|---|"]
        for qtype, t in run.get("heldout_by_type", {}).items():
            lines.append(f"| {qtype} | {t['n']} | {_fmt(t.get('key_fact_recall'))} | "
                         f"{_fmt(t.get('first_line_key_fact_recall'))} | {_fmt(t.get('citation_precision'))} | "
                         f"{t['refused']} | {_fmt(t.get('declined'))} |")
    return lines + [""]


def _plot(runs: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    metrics = [m for m in SHOWN if not m.startswith("latency") and any(m in r["metrics"] for r in runs.values())]
    x = np.arange(len(metrics))
    width = 0.8 / max(1, len(runs))
    fig, ax = plt.subplots(figsize=(max(8, len(metrics) * 0.9), 4.5))
    for i, (backend, run) in enumerate(runs.items()):
        values = [run["metrics"].get(m, np.nan) for m in metrics]
        ax.bar(x + i * width, values, width, label=backend)
    ax.set_xticks(x + width * (len(runs) - 1) / 2, metrics, rotation=35, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title("Netlaw evaluation: metrics per backend")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


LAWS_COLUMNS = ["hit@5", "mrr@10", "named_top_document", "key_fact_recall", "first_line_key_fact_recall",
                "citation_precision", "version_right", "false_refusal_rate", "near_topic_refusal"]


def write_laws_report(run: dict) -> Path:
    """The second library's figures (bundled corpus + real laws), per split and per question type,
    into evals/reports/laws/laws.md and laws-results.jsonl (the main report's latest/ is replaced whole
    by each run of it, so this one keeps a folder of its own)."""
    latest = REPORTS / "laws"
    latest.mkdir(parents=True, exist_ok=True)
    with (latest / "laws-results.jsonl").open("w", encoding="utf-8") as handle:
        for row in run["rows"]:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    lines = ["# Second library: the bundled corpus plus six real Chinese laws", "",
             f"Generated {time.strftime('%Y-%m-%d %H:%M:%S')}, backend `{run['backend']}`, gold "
             "`evals/gold_laws/laws.jsonl`, documents `evals/fixtures/laws/`.", ""]
    for split, metrics in run["by_split"].items():
        lines += [f"## {split}", "", "| type | n | " + " | ".join(LAWS_COLUMNS) + " |",
                  "|---|---|" + "---|" * len(LAWS_COLUMNS)]
        rows = [r for r in run["rows"] if r["split"] == split]
        for qtype, t in run["by_split_type"][split].items():
            subset = [r for r in rows if r["type"] == qtype]
            answerable = [r for r in subset if r["answerable"]]
            extra = {"false_refusal_rate": sum(r["refused"] for r in answerable) / len(answerable) if answerable
                     else None, "near_topic_refusal": t.get("declined")}
            lines.append(f"| {qtype} | {t['n']} | " + " | ".join(_fmt(t.get(c, extra.get(c))) for c in LAWS_COLUMNS)
                         + " |")
        lines.append(f"| **all** | {len(rows)} | " + " | ".join(_fmt(metrics.get(c)) for c in LAWS_COLUMNS) + " |")
        lines.append("")
    lines += ["## Items that failed, and why", ""]
    lines += [f"- `{r['id']}` ({r['split']}, {r['type']}): {'; '.join(r['why'])} — {r['question'][:90]}"
              for r in run["rows"] if r["why"]] or ["- none"]
    (latest / "laws.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return latest / "laws.md"
