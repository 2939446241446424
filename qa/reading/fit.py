"""Measure and fit the reader's sentence scorers (docs/reader.md). A development tool, not used at run time.

    python -m qa.reading.fit features STORE GOLD OUT.json   # each gold item's shortlist, with features and labels
    python -m qa.reading.fit compare OUT.json [OUT2.json …]  # P@1 / MRR of each scorer per split and library;
                                                            # fits the logistic model on the tune items only

STORE: a folder holding ``store/`` and ``cache/`` (a built library); GOLD: ``bundled`` (every file of
evals/gold) or a JSONL gold file. A sentence is labelled 1 when it holds one of the item's key facts
(``must_include``). The fitted coefficients are printed as ``reader_learned_*`` settings.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

FEATURES = ["e5", "lexical", "kind", "rank", "cosine", "header", "across"]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def collect(store: Path, gold_name: str, out: Path) -> int:
    from evals.runner import _history, load_gold
    from netlaw import settings as _settings
    from qa.chain import AnswerService
    from qa.reading.base import across_scale, clean
    from qa.reading.scoring import Scoring
    from qa.reading.spans import spans
    from vectorstore.hybrid import HybridRetriever

    gold = load_gold() if gold_name == "bundled" else [json.loads(line) for line in open(gold_name) if line.strip()]
    s = _settings.get_settings().model_copy(update={"store_dir": store / "store", "cache_dir": store / "cache",
                                                    "chroma_url": None, "chroma_host": None, "reader_scorer": "hand"})
    service = AnswerService(s, HybridRetriever(s))
    xl = service.retriever.xl_embedder
    calls: list = []
    ranked = Scoring.ranked

    def recording(self, question, sources, focus=None, size=None, per_source=3, q=None):
        shortlist = ranked(self, question, sources, focus, size, per_source, q)
        calls.append((question, q, shortlist))
        return shortlist

    Scoring.ranked = recording  # type: ignore[method-assign]
    rows = []
    for item in gold:
        if not item.get("must_include") or item.get("answerable") is False:
            continue
        history = _history(service, item, "extractive")
        calls.clear()
        service.ask(item["question"], history=history, backend="extractive")
        if not calls:
            continue
        question, q, shortlist = calls[0]
        facts = [[_norm(a) for a in alternatives] for alternatives in item["must_include"]]
        q_vec = np.asarray(xl.embed_query(q.asked if q is not None and q.carried else question), dtype=np.float32)
        vectors: list = list(xl.embed_passages([clean(c.text)[:300] for c in shortlist])) if shortlist else []
        cands = []
        for c, v in zip(shortlist, vectors, strict=True):
            text = _norm(c.text)
            cands.append(dict(e5=across_scale(float(np.asarray(v) @ q_vec), s), lexical=c.lexical, cosine=c.cosine,
                              kind=float(bool(q is not None and q.wants_span and spans(q.kind, c.text, q.money))),
                              rank=1.0 / c.source.marker, header=float(c.header), across=float(c.across),
                              hand=c.score, label=int(any(any(a in text for a in alts) for alts in facts))))
        rows.append(dict(id=item["id"], split=item.get("split"), type=item.get("type"), library=gold_name,
                         cands=cands))
    out.write_text(json.dumps(rows), encoding="utf-8")
    return len(rows)


def compare(paths: list[Path]) -> None:
    from sklearn.linear_model import LogisticRegression

    rows = [r for p in paths for r in json.loads(p.read_text(encoding="utf-8"))]
    rows = [r for r in rows if any(c["label"] for c in r["cands"])]  # a key fact is in the shortlist

    def x(c: dict) -> list[float]:
        return [c[f] for f in FEATURES]

    tune = [c for r in rows if r["split"] == "tune" for c in r["cands"]]
    model = LogisticRegression(max_iter=2000, class_weight="balanced").fit(
        np.array([x(c) for c in tune]), np.array([c["label"] for c in tune]))
    scorers: dict[str, Callable[[dict], float]] = {
        "hand (today's weights)": lambda c: c["hand"],
        "e5 + keywords + kind": lambda c: 0.5 * c["e5"] + 0.3 * c["lexical"] + 0.1 * c["kind"] + 0.1 * c["rank"],
        "learned (logistic)": lambda c: float(model.decision_function(np.array([x(c)]))[0]),
    }
    print("| split | library | items | " + " | ".join(f"{n} P@1 / MRR" for n in scorers) + " |")
    print("|---|---|---|" + "---|" * len(scorers))
    for split in ("tune", "heldout"):
        for library in sorted({r["library"] for r in rows}):
            items = [r for r in rows if r["split"] == split and r["library"] == library]
            if not items:
                continue
            cells = []
            for f in scorers.values():
                firsts = [min(i for i, c in enumerate(sorted(r["cands"], key=lambda c: -f(c))) if c["label"])
                          for r in items]
                cells.append(f"{sum(i == 0 for i in firsts) / len(items):.2f} / "
                             f"{sum(1 / (i + 1) for i in firsts) / len(items):.2f}")
            print(f"| {split} | {Path(library).name} | {len(items)} | " + " | ".join(cells) + " |")
    for feature, w in zip(FEATURES, model.coef_[0], strict=True):
        print(f"reader_learned_{feature} = {w:.3f}")
    print(f"reader_learned_bias = {float(model.intercept_[0]):.3f}")


def main(argv: list[str]) -> None:
    if argv[:1] == ["features"] and len(argv) == 4:
        print(collect(Path(argv[1]), argv[2], Path(argv[3])), "items")
    elif argv[:1] == ["compare"] and len(argv) >= 2:
        compare([Path(p) for p in argv[1:]])
    else:
        print(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
