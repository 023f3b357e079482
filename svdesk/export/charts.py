"""Charts for the reports, drawn with reportlab's own graphics (vector, no extra dependency)."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from svdesk.export.pdf_base import FONT, FONT_BOLD
from svdesk.model.scoring import BidderResult

COMPONENTS = (
    ("Price", "price_score", "#1f4e78"),
    ("Quality", "quality_score", "#2e8b57"),
    ("Social value: pledges", "sv_quantitative_score", "#d98c1f"),
    ("Social value: answers", "sv_qualitative_score", "#8e5ea2"),
)
# Drawings start from these defaults; Helvetica here would put an unembedded, Latin-1-only font in
# every PDF with a chart. svdesk is this process's only user of reportlab graphics.
STATE_DEFAULTS["fontName"] = FONT
MAX_BARS = 30  # a chart of more bids is unreadable; the table beside it has them all


def _label(name: str) -> str:
    return name if len(name) <= 28 else name[:27] + "\u2026"


def components_chart(bidders: list[BidderResult], width_mm: float = 174) -> Drawing:
    """Stacked bars of each ranked bid's score components (excluded bids have no total)."""
    ranked = [b for b in bidders if not b.excluded][:MAX_BARS]
    bar_h = 7.5
    height = max(len(ranked), 1) * (bar_h + 4) * 1.0 + 70
    d = Drawing(width_mm * mm, height)
    if not ranked:
        d.add(String(10, height / 2, "No ranked bids to chart.", fontName=FONT, fontSize=9))
        return d
    chart = HorizontalBarChart()
    chart.x, chart.y = 120, 40
    chart.width, chart.height = width_mm * mm - 140, height - 60
    chart.data = [[getattr(b, attr) or 0.0 for b in reversed(ranked)] for _, attr, _ in COMPONENTS]
    chart.categoryAxis.categoryNames = [_label(b.name) for b in reversed(ranked)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 10
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barSpacing = 2
    for i, (_, _, colour) in enumerate(COMPONENTS):
        chart.bars[i].fillColor = colors.HexColor(colour)
        chart.bars[i].strokeColor = None
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 10, 18
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx, legend.dy = 7, 7
    legend.deltax = 100
    legend.colorNamePairs = [(colors.HexColor(c), name) for name, _, c in COMPONENTS]
    d.add(legend)
    d.add(String(120, height - 12, "Points out of 100, by component", fontName=FONT_BOLD, fontSize=8.5))
    return d
