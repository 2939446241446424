"""The administrators' Insights tab: what the library fails to answer (questions refused, answered
with partial support, or rated 👎, grouped by similar wording), the most cited documents and articles,
and the questions per day, read from the audit log and the feedback store (``service.insights``).

The tab is hidden until a page load finds an administrator, the handler answers nothing to anyone
else, and the CSV (``/admin/insights.csv``, see ``ui.admin``) checks the signed-in user again."""

from __future__ import annotations

from typing import Any

import gradio as gr

from service.insights import Insights, insights, per_day_plot
from ui.i18n import INSIGHTS_COLUMNS, INSIGHTS_TOP_COLUMNS, Translated, language_code, t
from ui.session import Caller, caller_of

GROUP_COLUMNS = INSIGHTS_COLUMNS["en"]
TOP_COLUMNS = INSIGHTS_TOP_COLUMNS["en"]


class InsightsPage:
    def __init__(self, users: Any, feedback: Any, audit: Any):
        self.users, self.feedback, self.audit = users, feedback, audit
        self.translated = Translated()

    # --- handlers ------------------------------------------------------------------------------
    def compute(self) -> Insights:
        return insights(self.audit.records(), self.feedback.rows())

    def report(self, caller: Caller, language: str = "en") -> tuple[str, Any, Any, Any]:
        """The summary line, the flagged-question groups, the most cited documents and articles, and the
        per-day plot; for anyone but an administrator, nothing. Headings in the interface ``language``
        (the tables' values as ``{"data", "headers"}`` when translated)."""
        code = language_code(language)
        if not caller.admin:
            return t("insights_only_admin", code), [], [], None
        found = self.compute()
        groups = [[g.question, g.count, g.last, g.reasons["refused"], g.reasons["partial"], g.reasons["👎"]]
                  for g in found.groups]
        top = [[t("most_cited_document", code, name=name), n] for name, n in found.top_documents]
        top += [[t("most_cited_article", code, name=name), n] for name, n in found.top_articles]
        flagged = sum(g.count for g in found.groups)
        summary = t("insights_summary", code, total=found.total, flagged=flagged, groups=len(found.groups))
        plot = per_day_plot(found.per_day) if found.per_day else None
        if code == "en":
            return summary, groups, top, plot
        return (summary, {"data": groups, "headers": INSIGHTS_COLUMNS[code]},
                {"data": top, "headers": INSIGHTS_TOP_COLUMNS[code]}, plot)

    # --- Gradio adapter --------------------------------------------------------------------------
    def _report_event(self, language: str, request: gr.Request) -> tuple[str, Any, Any, Any]:
        return self.report(caller_of(request, self.users), language)

    # --- layout ----------------------------------------------------------------------------------
    def build(self, ui_language: Any = None) -> None:
        """The tab's contents (inside a hidden ``gr.Tab``); filled when the tab is opened or refreshed;
        ``ui_language``: the header's language switch."""
        self.inputs = [ui_language if ui_language is not None else gr.State("English")]
        tr = self.translated
        with gr.Row():
            self.summary = gr.Markdown(elem_id="insights-summary")
            refresh = tr.add(gr.Button(t("insights_refresh"), elem_id="insights-refresh", scale=0),
                             value="insights_refresh")
        tr.add(gr.HTML(self._download_link("en")), value=self._download_link)
        tr.add(gr.Markdown(t("insights_heading")), value="insights_heading")
        # labels not shown, but a screen reader names each table by its own (Gradio's default: "Dataframe");
        # the headings follow the language before the tab is first filled
        self.groups = tr.add(gr.Dataframe(headers=GROUP_COLUMNS, interactive=False, wrap=True,
                                          elem_id="insights-groups", label=t("insights_groups"), show_label=False,
                                          column_widths=["40%", "8%", "22%", "10%", "10%", "10%"]),
                             label="insights_groups", headers=lambda code: INSIGHTS_COLUMNS[code])
        with gr.Row():
            self.top = tr.add(gr.Dataframe(headers=TOP_COLUMNS, interactive=False, wrap=True, elem_id="insights-top",
                                           column_widths=["82%", "18%"], label=t("insights_top"), show_label=False),
                              label="insights_top", headers=lambda code: INSIGHTS_TOP_COLUMNS[code])
            self.plot = tr.add(gr.Plot(label=t("insights_plot"), elem_id="insights-plot"), label="insights_plot")
        outputs = [self.summary, self.groups, self.top, self.plot]
        refresh.click(self._report_event, self.inputs, outputs, api_visibility="private")
        self.outputs = outputs

    @staticmethod
    def _download_link(language: str) -> str:
        return ('<a id="download-insights" href="admin/insights.csv" download="netlaw-insights.csv">'
                f'{t("insights_download", language)}</a>')
