"""What every svdesk PDF shares: A4 pages, the embedded Unicode font, header and footer, safe text.

Safety: every piece of user-supplied text goes through `text()`/`para()`, which escape it, so
reportlab markup such as <font> or <img> in a bidder's name prints literally and never acts
(reportlab's markup has had code-execution holes: CVE-2023-33733).

Speed: long content is many small flowables (tables of at most CHUNK rows), never one huge table.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from svdesk.resources import resource_path

DEFAULT_MARKING = "OFFICIAL-SENSITIVE: COMMERCIAL"
CHUNK = 50  # rows per table: reportlab lays out many small tables far faster than one long one
PARA_CHUNK = 2_000  # characters per paragraph: a 100,000-character rationale flows over pages
FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
INK, MUTED, RULE, SHADE, ACCENT = (colors.HexColor(c) for c in ("#1a1a1a", "#5f6368", "#c8ccd0", "#eef1f4", "#1f4e78"))
_fonts_registered = False


def register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
    _fonts_registered = True


register_fonts()  # Paragraphs resolve font families when they are created, not when the PDF is built


def _style(name: str, **kw: object) -> ParagraphStyle:
    base = {"fontName": FONT, "fontSize": 9.5, "leading": 12.5, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


STYLES = {
    "body": _style("body"),
    "small": _style("small", fontSize=8, leading=10, textColor=MUTED),
    "cell": _style("cell", fontSize=8.5, leading=10.5),
    "cell_right": _style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "cell_head": _style("cell_head", fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
    "h1": _style("h1", fontName=FONT_BOLD, fontSize=17, leading=21, spaceBefore=4, spaceAfter=8, textColor=ACCENT),
    "h2": _style(
        "h2",
        fontName=FONT_BOLD,
        fontSize=12.5,
        leading=16,
        spaceBefore=12,
        spaceAfter=5,
        textColor=ACCENT,
        keepWithNext=1,
    ),
    "h3": _style("h3", fontName=FONT_BOLD, fontSize=10.5, leading=13.5, spaceBefore=8, spaceAfter=3, keepWithNext=1),
    "cover_title": _style("cover_title", fontName=FONT_BOLD, fontSize=24, leading=30, textColor=ACCENT),
    "cover_sub": _style("cover_sub", fontSize=13, leading=18),
    "banner": _style("banner", fontName=FONT_BOLD, fontSize=10.5, leading=14, textColor=colors.HexColor("#8a1c1c")),
    "mono": _style("mono", fontSize=7.5, leading=9.5, textColor=MUTED),
}


def text(value: object) -> str:
    """User text made safe for Paragraph markup: escaped, line breaks kept."""
    return escape("" if value is None else str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


def para(value: object, style: str = "body") -> Paragraph:
    return Paragraph(text(value), STYLES[style])


def markup(trusted: str, style: str = "body") -> Paragraph:
    """Paragraph from markup svdesk itself wrote (with any user text already passed through text())."""
    return Paragraph(trusted, STYLES[style])


def long_text(value: object, style: str = "body") -> list[Flowable]:
    """User text of any length as several paragraphs, split at sentence or word boundaries."""
    raw = "" if value is None else str(value)
    if len(raw) <= PARA_CHUNK:
        return [para(raw, style)]
    out: list[Flowable] = []
    while raw:
        cut = (
            len(raw)
            if len(raw) <= PARA_CHUNK
            else max(raw.rfind(". ", 0, PARA_CHUNK) + 1, raw.rfind(" ", 0, PARA_CHUNK), PARA_CHUNK // 2)
        )
        out.append(para(raw[:cut].strip(), style))
        raw = raw[cut:]
    return out


def money(value: float | None) -> str:
    return "" if value is None else f"£{value:,.2f}"


def points(value: float | None) -> str:
    return "\u2013" if value is None else f"{value:.2f}"


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # in mm
    align: str = "left"


def tables(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    header_bg: object = SHADE,
    highlight: Iterable[int] = (),
) -> list[Flowable]:
    """Rows as a series of small tables (CHUNK rows each), each repeating the header row.

    Cells may be strings (escaped here) or ready Paragraphs/flowables.
    """
    marked = set(highlight)
    head = [Paragraph(escape(c.title), STYLES["cell_head"]) for c in columns]
    widths = [c.width * mm for c in columns]
    body: list[list[object]] = []
    out: list[Flowable] = []

    def cell(value: object, col: Column) -> object:
        if isinstance(value, Flowable):
            return value
        return para(value, "cell_right" if col.align == "right" else "cell")

    def flush(start_index: int) -> None:
        if not body:
            return
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell default would declare Helvetica
            ("BACKGROUND", (0, 0), (-1, 0), header_bg),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        for i in range(len(body)):
            if start_index + i in marked:
                style.append(("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#fdecea")))
        table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        out.append(table)

    start = 0
    for index, row in enumerate(rows):
        body.append([cell(v, c) for v, c in zip(row, columns, strict=True)])
        if len(body) == CHUNK:
            flush(start)
            body = []
            start = index + 1
    flush(start)
    if not out:
        out.append(para("(none)", "small"))
    return out


def key_values(pairs: Sequence[tuple[str, object]], label_width: float = 55, value_width: float = 115) -> Table:
    data = [
        [Paragraph(escape(k), STYLES["cell_head"]), v if isinstance(v, Flowable) else para(v, "cell")] for k, v in pairs
    ]
    t = Table(data, colWidths=[label_width * mm, value_width * mm], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return t


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def gap(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


@dataclass(frozen=True)
class PageInfo:
    reference: str
    title: str
    report: str
    marking: str
    generated: str
    fingerprint: str
    status_note: str  # e.g. "PROVISIONAL - not signed off"; "" when signed off


def _numbered_canvas(info: PageInfo) -> type[Canvas]:
    """A canvas that knows the page count when it finishes, for "Page x of y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT  # no unembedded Helvetica
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._saved: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(18 * mm, height - 16 * mm, width - 18 * mm, height - 16 * mm)
            self.line(18 * mm, 17 * mm, width - 18 * mm, 17 * mm)
            self.setFillColor(MUTED)
            self.setFont(FONT_BOLD, 8)
            self.drawString(18 * mm, height - 13 * mm, _fit(f"{info.reference} \u2014 {info.title}", 95))
            self.setFont(FONT, 8)
            self.drawRightString(width - 18 * mm, height - 13 * mm, info.report)
            self.setFont(FONT_BOLD, 8)
            self.setFillColor(colors.HexColor("#8a1c1c"))
            self.drawCentredString(width / 2, 12.5 * mm, info.marking)
            self.setFillColor(MUTED)
            self.setFont(FONT, 7.5)
            self.drawString(18 * mm, 12.5 * mm, info.generated)
            self.drawRightString(width - 18 * mm, 12.5 * mm, f"Page {self._pageNumber} of {total}")
            note = f"Fingerprint {info.fingerprint[:16]}\u2026" + (
                f"  \u00b7  {info.status_note}" if info.status_note else ""
            )
            self.drawCentredString(width / 2, 8.5 * mm, note)
            self.restoreState()

    return NumberedCanvas


def _fit(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def build_pdf(story: list[Flowable], info: PageInfo) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=f"{info.report}: {info.reference}",
        author="svdesk",
        subject=info.title,
        creator="svdesk",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(info))
    return buffer.getvalue()
