"""The Results tab: the ranking with each score component, the disqualified tenders, how robust the
recommendation is (`robustness_box`) and two charts."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from svdesk.app.reads import Results
from svdesk.ui.charts import StackedBars
from svdesk.ui.models import ResultsTableModel
from svdesk.ui.robustness_box import RobustnessBox
from svdesk.ui.table_sizing import fit_columns

PROVISIONAL = (
    "<b>Results: PROVISIONAL</b> \u2014 some consensus scores are missing; the mean of the individual "
    "scores stands in for them"
)


class ResultsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel("", objectName="resultsCaption")
        self.model = ResultsTableModel(self)
        self.table = QTableView(objectName="resultsTable")
        self.table.setAccessibleName("Results: ranking and score components")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # widths are fitted to the texts on each refresh (fit_columns), and the user may drag them
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setWordWrap(False)
        self.exclusions = QLabel("", objectName="exclusions")
        self.exclusions.setWordWrap(True)
        self.components_chart = StackedBars("Score components per bid (points out of 100)")
        self.theme_chart = StackedBars("Accepted social value by theme (£)")
        self.robustness = RobustnessBox()  # weighed again by the window whenever the results are
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.exclusions)
        layout.addWidget(self.robustness)
        charts = QHBoxLayout()
        charts.addWidget(self.components_chart, 1)
        charts.addWidget(self.theme_chart, 1)
        layout.addLayout(charts)

    def clear(self) -> None:
        self.model.set_results([])
        self.caption.setText("")
        self.exclusions.setText("")
        self.robustness.request("", None)

    def show_results(self, results: Results, themes: list[str], by_bidder: dict[str, dict[str, float]]) -> None:
        self.model.set_results(results.bidders)
        fit_columns(self.table, self.model.column_texts)
        if not results.bidders:  # nothing to rank yet: not "final" (issue 17)
            self.caption.setText("<b>Results</b>: no bids registered yet (register them on Bids & pledges).")
        else:
            self.caption.setText("<b>Results: final</b>" if results.final else PROVISIONAL)
        self.exclusions.setText(
            "<br>".join(
                f"<b>{_html(b.name)}</b> is disqualified: {_html('; '.join(b.exclusion_reasons))}"
                for b in results.bidders
                if b.excluded
            )
        )
        ranked = [b for b in results.bidders if not b.excluded]
        self.components_chart.set_data(
            ["Price", "Quality", "SV pledged", "SV answers"],
            [
                (
                    b.name,
                    [
                        b.price_score or 0,
                        b.quality_score or 0,
                        b.sv_quantitative_score or 0,
                        b.sv_qualitative_score or 0,
                    ],
                )
                for b in ranked
            ],
            maximum=100,
            totals=[b.total or 0 for b in ranked],  # the table's total, one rounding for both
        )
        self.theme_chart.set_data(themes, [(b, [v[t] for t in themes]) for b, v in by_bidder.items()], unit="£")


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
