"""Fonts, styles and value formatting shared by every svdesk PDF: the embedded DejaVu fonts (Unicode,
so any name prints), the paragraph STYLES, text() escaping for markup, and (from numbers.py) one
format per kind of number."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from svdesk.export.numbers import money as money  # re-exported: reports import formats from pdf_base
from svdesk.export.numbers import number as number
from svdesk.export.numbers import percent as percent
from svdesk.export.numbers import points as points
from svdesk.export.numbers import quantity as quantity
from svdesk.export.numbers import rate as rate
from svdesk.export.numbers import score as score
from svdesk.resources import resource_path

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
# Page streams are compressed; ASCII85 on top of that only makes them 25% larger and costs a
# pure-Python pass over every byte (a second on a 600-page report). PDF readers need neither.
rl_config.useA85 = 0


def _style(name: str, **kw: object) -> ParagraphStyle:
    base = {"fontName": FONT, "fontSize": 9.5, "leading": 12.5, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "body": _style("body"),
    "small": _style("small", fontSize=8, leading=10, textColor=MUTED),
    # a note that introduces the table after it: kept on its page with it (and so with its heading)
    "lead": _style("lead", fontSize=8, leading=10, textColor=MUTED, keepWithNext=1),
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
    # a heading within a section (a criterion in an assessment summary): kept with its first paragraph
    "h4": _style("h4", fontSize=9.5, leading=12.5, spaceBefore=6, spaceAfter=1, keepWithNext=1),
    # where a section of an assessment summary comes from in the law ("regulation 31(2)(e)")
    "cite": _style("cite", fontName=FONT_ITALIC, fontSize=8, leading=10, textColor=MUTED, spaceAfter=3, keepWithNext=1),
    "letterhead": _style("letterhead", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=ACCENT),
    "address": _style("address", fontSize=9, leading=11.5),
    "cover_title": _style("cover_title", fontName=FONT_BOLD, fontSize=24, leading=30, textColor=ACCENT),
    "cover_sub": _style("cover_sub", fontSize=13, leading=18),
    "banner": _style("banner", fontName=FONT_BOLD, fontSize=10.5, leading=14, textColor=colors.HexColor("#8a1c1c")),
    "mono": _style("mono", fontSize=7.5, leading=9.5, textColor=MUTED),
}


def text(value: object) -> str:
    """User text made safe for Paragraph markup: escaped, line breaks kept."""
    return escape("" if value is None else str(value)).replace("\r\n", "\n").replace("\n", "<br/>")
