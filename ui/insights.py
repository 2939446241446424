"""The administrators' Insights tab: what the library fails to answer (questions refused, answered
with partial support, or rated 👎, grouped by similar wording), the most cited documents and articles,
and the questions per day, read from the audit log and the feedback store (``service.insights``).

The tab is hidden until a page load finds an administrator, the handler answers nothing to anyone
else, and the CSV (``/admin/insights.csv``, see ``ui.admin``) checks the signed-in user again."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.insights import Insights, insights, per_day_plot
from ui.session import Caller, caller_of

GROUP_COLUMNS = ["Question", "Times", "Last asked", "Refused", "Partial", "Rated down"]
TOP_COLUMNS = ["Most cited", "Citations"]


class InsightsPage:
    def __init__(self, users: Any, feedback: Any, audit: Any):
        self.users, self.feedback, self.audit = users, feedback, audit

    # --- handlers ------------------------------------------------------------------------------
    def compute(self) -> Insights:
        return insights(self.audit.records(), self.feedback.rows())

    def report(self, caller: Caller) -> tuple[str, list[list], list[list], Any]:
        """The summary line, the flagged-question groups, the most cited documents and articles, and the
        per-day plot; for anyone but an administrator, nothing."""
        if not caller.admin:
            return "Only an administrator can see insights.", [], [], None
        found = self.compute()
        groups = [[g.question, g.count, g.last, g.reasons["refused"], g.reasons["partial"], g.reasons["👎"]]
                  for g in found.groups]
        top = [[f"Document: {name}", n] for name, n in found.top_documents]
        top += [[f"Article: {name}", n] for name, n in found.top_articles]
        flagged = sum(g.count for g in found.groups)
        summary = (f"**{found.total}** questions in the audit log; **{flagged}** refused, partially answered "
                   f"or rated down, in **{len(found.groups)}** groups of similar wording.")
        return summary, groups, top, per_day_plot(found.per_day) if found.per_day else None

    # --- Gradio adapter --------------------------------------------------------------------------
    def _report_event(self, request: gr.Request) -> tuple[str, list[list], list[list], Any]:
        return self.report(caller_of(request, self.users))

    # --- layout ----------------------------------------------------------------------------------
    def build(self) -> None:
        """The tab's contents (inside a hidden ``gr.Tab``); filled when the tab is opened or refreshed."""
        with gr.Row():
            self.summary = gr.Markdown(elem_id="insights-summary")
            refresh = gr.Button("Refresh", elem_id="insights-refresh", scale=0)
        gr.HTML('<a id="download-insights" href="admin/insights.csv" download="netlaw-insights.csv">'
                'Download flagged questions (CSV)</a>')
        gr.Markdown("#### Questions the library could not answer well")
        self.groups = gr.Dataframe(headers=GROUP_COLUMNS, interactive=False, wrap=True, elem_id="insights-groups",
                                      column_widths=["40%", "8%", "22%", "10%", "10%", "10%"])
        with gr.Row():
            self.top = gr.Dataframe(headers=TOP_COLUMNS, interactive=False, wrap=True, elem_id="insights-top",
                                   column_widths=["82%", "18%"])
            self.plot = gr.Plot(label="Questions per day", elem_id="insights-plot")
        outputs = [self.summary, self.groups, self.top, self.plot]
        refresh.click(self._report_event, None, outputs, api_visibility="private")
        self.outputs = outputs
