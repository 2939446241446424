"""What the library fails to answer, for administrators: read from the audit log and the feedback store.

Questions that were refused, answered with only partial support, or rated 👎 are grouped by similar
wording (rapidfuzz token-set similarity over normalised text, so "how long must logs be kept?" and
"How long must logs be kept" count as one), with counts and the last date; plus the most cited
documents and articles and the questions per day. Nothing new to configure or store."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from service.feedback import neutralise

SIMILAR = 85.0  # token-set similarity (0–100) at which two questions count as the same wording


@dataclass
class QuestionGroup:
    """Questions worded alike, and why they were flagged."""

    question: str  # the most recent wording
    count: int = 0
    last: str = ""
    reasons: Counter = field(default_factory=Counter)  # refused / partial / 👎
    wordings: set[str] = field(default_factory=set)


@dataclass
class Insights:
    groups: list[QuestionGroup]
    per_day: dict[str, dict[str, int]]  # day -> {"answered": n, "refused": n}
    top_documents: list[tuple[str, int]]
    top_articles: list[tuple[str, int]]
    total: int


def _normalise(question: str) -> str:
    return re.sub(r"[\W_]+", " ", question.casefold()).strip()


def flagged(records: list[dict], feedback: list[dict]) -> list[tuple[str, str, str]]:
    """(question, time, reason) for every refused, partially supported or 👎-rated answer."""
    out = []
    for r in records:
        reason = "refused" if r.get("refused") else "partial" if r.get("support") == "partial" else ""
        if reason and r.get("question"):
            out.append((r["question"], r.get("time", ""), reason))
    out += [(f["question"], f.get("time") or "", "👎")
            for f in feedback if f.get("rating", 0) < 0 and f.get("question")]
    return out


def group_questions(items: list[tuple[str, str, str]]) -> list[QuestionGroup]:
    """Greedy grouping, newest first, so each group is labelled with its latest wording."""
    groups: list[tuple[str, QuestionGroup]] = []
    for question, when, reason in sorted(items, key=lambda item: item[1], reverse=True):
        key = _normalise(question)
        group = next((g for k, g in groups if fuzz.token_set_ratio(k, key) >= SIMILAR), None)
        if group is None:
            group = QuestionGroup(question=question, last=when)
            groups.append((key, group))
        group.count += 1
        group.reasons[reason] += 1
        group.wordings.add(question)
    return sorted((g for _, g in groups), key=lambda g: (g.count, g.last), reverse=True)


def insights(records: list[dict], feedback: list[dict], top: int = 10) -> Insights:
    per_day: dict[str, dict[str, int]] = {}
    documents: Counter = Counter()
    articles: Counter = Counter()
    for r in records:
        day = (r.get("time") or "")[:10] or "unknown"
        counts = per_day.setdefault(day, {"answered": 0, "refused": 0})
        counts["refused" if r.get("refused") else "answered"] += 1
        for c in r.get("citations") or []:
            documents[c.get("document", "")] += 1
            articles[f"{c.get('document', '')}, {c.get('article', '')}"] += 1
    return Insights(group_questions(flagged(records, feedback)), dict(sorted(per_day.items())),
                    documents.most_common(top), articles.most_common(top), len(records))


def groups_csv(groups: list[QuestionGroup]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["question", "count", "last", "refused", "partial", "rated_down", "wordings"])
    for g in groups:
        writer.writerow([neutralise(g.question), g.count, g.last, g.reasons["refused"], g.reasons["partial"],
                         g.reasons["👎"], neutralise(" | ".join(sorted(g.wordings)))])
    return buffer.getvalue()


def per_day_plot(per_day: dict[str, dict[str, int]]):
    """A matplotlib figure: questions per day, answered and refused stacked. Made without pyplot, so
    no figure is left registered in a global list however often the tab is opened."""
    from matplotlib.figure import Figure

    days = list(per_day)
    answered = [per_day[d]["answered"] for d in days]
    refused = [per_day[d]["refused"] for d in days]
    fig = Figure(figsize=(7, 2.6))
    ax = fig.subplots()
    ax.bar(days, answered, label="answered", color="#2f81f7")
    ax.bar(days, refused, bottom=answered, label="refused", color="#d29922")
    ax.set_ylabel("questions")
    ax.legend(loc="upper left", frameon=False)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    fig.tight_layout()
    return fig
