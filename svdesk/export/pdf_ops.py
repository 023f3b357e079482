"""PDF content-stream operators for the fast renderers (TextBlock, GridTable, page header and footer):
numbers, colours and per-document font encoding, written directly instead of through reportlab's canvas calls."""

from __future__ import annotations

from typing import Protocol

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas


def _num(value: float) -> str:
    """A PDF number to a thousandth of a point."""
    r = round(value, 3)
    return repr(r) if r >= 0.001 or r <= -0.001 else "0"


def _pdf_escape_ascii(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class _SubsetFont(Protocol):
    """What a reportlab TTFont (a dynamic, subsetting font) offers for writing text directly."""

    def splitString(self, text: str, doc: object) -> list[tuple[int, bytes]]: ...  # noqa: N802 - reportlab's name

    def getSubsetInternalName(self, subset: int, doc: object) -> str: ...  # noqa: N802 - reportlab's name


class _RGB(Protocol):
    """A reportlab Color: components from 0 to 1."""

    red: float
    green: float
    blue: float


class _DocFonts:
    """Per-document font resources: subset names and encoded text (subset codes belong to one PDF)."""

    def __init__(self, doc: object) -> None:
        self.doc = doc
        self.names: dict[tuple[str, int], str] = {}
        self.fonts: dict[str, _SubsetFont] = {}

    def encode(self, font: str, value: str) -> list[tuple[str, str]]:
        """(PDF font name, escaped string) runs that draw value in font."""
        ttf = self.fonts.get(font)
        if ttf is None:
            ttf = self.fonts[font] = pdfmetrics.getFont(font)
        if value.isascii() and value.isprintable() and getattr(ttf, "_asciiReadable", False):
            # ASCII maps to itself in subset 0 of a readable TrueType subset font
            if "(" in value or ")" in value or "\\" in value:
                value = _pdf_escape_ascii(value)
            return [(self.name(ttf, font, 0), value)]
        return [(self.name(ttf, font, subset), escapePDF(chunk)) for subset, chunk in ttf.splitString(value, self.doc)]

    def name(self, ttf: _SubsetFont, font: str, subset: int) -> str:
        key = (font, subset)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = ttf.getSubsetInternalName(subset, self.doc)
        return name


def _doc_fonts(canv: Canvas) -> _DocFonts:
    doc = canv._doc  # noqa: SLF001 - the PDF document the canvas writes
    fonts = getattr(doc, "_svdesk_fonts", None)
    if fonts is None:
        fonts = _DocFonts(doc)
        doc._svdesk_fonts = fonts
    return fonts


_COLOUR_OPS: dict[tuple[float, float, float, str], str] = {}


def _colour_op(colour: _RGB, op: str) -> str:
    key = (colour.red, colour.green, colour.blue, op)
    out = _COLOUR_OPS.get(key)
    if out is None:
        out = _COLOUR_OPS[key] = f"{_num(key[0])} {_num(key[1])} {_num(key[2])} {op}"
    return out


def _fill_op(colour: _RGB) -> str:
    return _colour_op(colour, "rg")


def _stroke_op(colour: _RGB) -> str:
    return _colour_op(colour, "RG")
