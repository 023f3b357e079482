"""What every svdesk PDF shares: A4 pages with the running header, footer and "Page x of y", keep/gap,
and build_pdf. It re-exports the fonts, styles, text and table helpers, so reports import from here alone.

Speed: text is laid out by `TextBlock` (word widths cached, each block one run of PDF text
operators) and tables by `GridTable` (row heights measured once), both looking as reportlab's
Paragraph and Table did with our styles; long tables are chunks of CHUNK rows. The 80,000-score
benchmark tender (587 pages) renders in about 1.5 s, against 18 s with Paragraphs and Tables.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer

from svdesk.export.pdf_attachments import Seal, attach_sealed
from svdesk.export.pdf_ops import _RGB, _doc_fonts, _DocFonts, _fill_op, _num, _stroke_op
from svdesk.export.pdf_styles import (
    ACCENT,
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    INK,
    MUTED,
    RULE,
    SHADE,
    STYLES,
    money,
    number,
    percent,
    points,
    quantity,
    rate,
    register_fonts,
    score,
    text,
)
from svdesk.export.pdf_tables import CHUNK, Column, GridTable, key_values, tables
from svdesk.export.pdf_text import PARA_CHUNK, TextBlock, chunks, long_text, markup, para, rich
from svdesk.export.pdf_words import Word
from svdesk.model.rows import bulk_work

__all__ = [
    "ACCENT",
    "CHUNK",
    "DEFAULT_MARKING",
    "FONT",
    "FONT_BOLD",
    "FONT_ITALIC",
    "INK",
    "MUTED",
    "PARA_CHUNK",
    "RULE",
    "SHADE",
    "STYLES",
    "Column",
    "GridTable",
    "PageInfo",
    "TextBlock",
    "Word",
    "build_pdf",
    "chunks",
    "gap",
    "keep",
    "key_values",
    "long_text",
    "markup",
    "money",
    "number",
    "para",
    "percent",
    "points",
    "quantity",
    "rate",
    "register_fonts",
    "rich",
    "score",
    "tables",
    "text",
]

DEFAULT_MARKING = "OFFICIAL-SENSITIVE: COMMERCIAL"


def keep(*flowables: Flowable) -> Flowable:
    """Flowables kept on one page; text blocks of one spacing-free style become one block."""
    first = flowables[0]
    if all(type(f) is TextBlock and f.style is first.style for f in flowables) and not (
        first.style.spaceBefore or first.style.spaceAfter
    ):
        return TextBlock.joined(flowables)
    return KeepTogether(list(flowables))


class _Gap(Spacer):
    """White space that writes nothing (reportlab's Spacer still saves, moves and restores the canvas)."""

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        return


def gap(height_mm: float = 4) -> Spacer:
    return _Gap(1, height_mm * mm)


@dataclass(frozen=True)
class PageInfo:
    reference: str
    title: str
    report: str
    marking: str
    generated: str
    fingerprint: str
    status_note: str  # e.g. "PROVISIONAL - not signed off"; "" when signed off


def _numbered_canvas(info: PageInfo, seal: Seal | None = None) -> type[Canvas]:
    """A canvas that knows the page count when it finishes, for "Page x of y"; given a `seal`, it
    embeds the proof of its pages as drawn before it saves the file (`pdf_attachments`)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT  # no unembedded Helvetica
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            if seal is not None:
                pages = self._doc.Pages.pages
                attach_sealed(self, seal, [_stream_bytes(page.stream) for page in pages])
            super().save()

        def _decorate(self, total: int) -> None:
            """Rules, running header and footer: written as PDF operators, the same on every page
            but for the page number (a 600-page report would otherwise spend its time here)."""
            width, height = A4
            fonts = _doc_fonts(self)
            static = getattr(self, "_static_decoration", None)
            if static is None:
                left, right, middle = 18 * mm, width - 18 * mm, width / 2
                note = f"Fingerprint {info.fingerprint[:16]}\u2026" + (
                    f"  \u00b7  {info.status_note}" if info.status_note else ""
                )
                rules = " ".join(
                    f"n {_num(left)} {_num(y)} m {_num(right)} {_num(y)} l S" for y in (height - 16 * mm, 17 * mm)
                )
                heading, report = _header_texts(info, right - left)
                static = " ".join(
                    [
                        f"q {_stroke_op(RULE)} .5 w {rules} BT",
                        _placed(fonts, FONT_BOLD, 8, MUTED, left, height - 13 * mm, heading),
                        _placed(fonts, FONT, 8, MUTED, right, height - 13 * mm, report, "right"),
                        _placed(fonts, FONT_BOLD, 8, _MARKING, middle, 12.5 * mm, info.marking, "centre"),
                        _placed(fonts, FONT, 7.5, MUTED, left, 12.5 * mm, info.generated),
                        _placed(fonts, FONT, 7.5, MUTED, middle, 8.5 * mm, note, "centre"),
                    ]
                )
                self._static_decoration = static
            page = _placed(
                fonts, FONT, 7.5, MUTED, width - 18 * mm, 12.5 * mm, f"Page {self._pageNumber} of {total}", "right"
            )
            self.addLiteral(f"{static} {page} ET Q")

    return NumberedCanvas


_MARKING = colors.HexColor("#8a1c1c")


def _stream_bytes(stream: str | bytes) -> bytes:
    """A page's content as reportlab writes it into the file (its zlib filter encodes text as UTF-8)."""
    return stream.encode("utf-8") if isinstance(stream, str) else stream


def _placed(
    fonts: _DocFonts, font: str, size: float, colour: _RGB, x: float, y: float, value: str, align: str = "left"
) -> str:
    """PDF text operators (inside BT/ET) that draw one string at x (its left, right or centre) on baseline y."""
    if align != "left":
        w = pdfmetrics.stringWidth(value, font, size)
        x -= w if align == "right" else w / 2
    out = [f"{_fill_op(colour)} 1 0 0 1 {_num(x)} {_num(y)} Tm"]
    out += [f"{name} {_num(size)} Tf ({escaped}) Tj" for name, escaped in fonts.encode(font, value)]
    return " ".join(out)


_HEADER_GAP = 6 * mm


def _fit(value: str, font: str, size: float, width: float) -> str:
    """value cut (with an ellipsis) to what fits in width points: measured, not counted, since a
    line of capitals is twice as wide as one of i's."""
    if pdfmetrics.stringWidth(value, font, size) <= width:
        return value
    low, high = 0, len(value)
    while low < high:  # the longest prefix that fits with its ellipsis
        mid = (low + high + 1) // 2
        if pdfmetrics.stringWidth(value[:mid].rstrip() + "\u2026", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return value[:low].rstrip() + "\u2026"


def _header_texts(info: PageInfo, width: float) -> tuple[str, str]:
    """The running header's left (reference and title, bold) and right (the report) texts, each cut to
    its share of the line so that the two never meet, however long the title or the supplier's name.
    The report takes what it needs up to two fifths of the line; the title the rest. The whole title
    is on the cover and in the PDF's metadata."""
    report = _fit(info.report, FONT, 8, width * 0.4)
    room = width - pdfmetrics.stringWidth(report, FONT, 8) - _HEADER_GAP
    return _fit(f"{info.reference} \u2014 {info.title}", FONT_BOLD, 8, room), report


def pdf_title(info: PageInfo) -> str:
    """The PDF's /Title: whole (a reader's window and a file list show it; a title cut mid-name
    misleads), the report, the reference and the tender's title."""
    return f"{info.report}: {info.reference} \u2014 {info.title}"


def build_pdf(story: list[Flowable], info: PageInfo, seal: Seal | None = None) -> bytes:
    """The PDF of `story`; `seal`: the proof of its pages to embed (an assessment summary's)."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=22 * mm,
        bottomMargin=22 * mm,
        title=pdf_title(info),
        author="svdesk",
        subject=info.title,
        creator="svdesk",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    with bulk_work():
        doc.build(story, canvasmaker=_numbered_canvas(info, seal))
    return buffer.getvalue()
