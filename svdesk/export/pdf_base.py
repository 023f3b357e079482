"""What every svdesk PDF shares: A4 pages, the embedded Unicode font, header and footer, safe text.

Safety: user-supplied text is never read as reportlab markup. `para()`, `rich()` and table cells
draw it literally (TextBlock has no markup parser); where svdesk writes markup itself (`markup()`),
every piece of user text in it goes through `text()`, which escapes it. Either way <font> or <img>
in a bidder's name prints literally and never acts (reportlab's markup has had code-execution
holes: CVE-2023-33733).

Speed: text is laid out by `TextBlock` (word widths cached, each block one run of PDF text
operators) and tables by `GridTable` (row heights measured once), both looking as reportlab's
Paragraph and Table did with our styles; long tables are chunks of CHUNK rows. The 80,000-score
benchmark tender (587 pages) renders in about 1.5 s, against 18 s with Paragraphs and Tables.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF
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
)
from reportlab.platypus.paragraph import split as rl_split
from reportlab.platypus.paragraph import strip as rl_strip

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
# Page streams are compressed; ASCII85 on top of that only makes them 25% larger and costs a
# pure-Python pass over every byte (a second on a 600-page report). PDF readers need neither.
rl_config.useA85 = 0


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


# ---------------------------------------------------------------------------------------------
# TextBlock: fast text without reportlab's markup parser.
#
# reportlab's Paragraph parses markup with an HTML parser, measures every word of every line each
# time it is wrapped, and draws each line through several layers of text objects; with 30,000
# paragraphs that is most of a large report's time. A TextBlock holds words (plain strings, or
# (font, text) pieces where bold and regular meet inside a word), wraps them greedily exactly as
# Paragraph does (same widths, same 5% space shrinkage, long words split by character, no single
# orphan line at the foot of a frame), caches the widths of words it has seen and writes each
# block as one run of PDF text operators. User text is never parsed as markup at all: it is drawn
# literally, character by character.
# ---------------------------------------------------------------------------------------------

_UNITS: dict[str, dict[str, float]] = {}  # font name -> text -> width in thousandths of the font size
_UNITS_LIMIT = 200_000  # entries per font before the cache starts again (bounded memory in a long session)
_SPACE_SPLIT = re.compile(r"[^\S\xa0]+").split  # whitespace that breaks a line (not the no-break space)
_MARKUP_TOKEN = re.compile(r"<b>|</b>|<br/>|<[^>]*>?|&[^&;<>\s]*;?")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'"}
_BOLD: dict[str, str] = {}

Word = str | tuple[tuple[str, str], ...]  # a word in the block's font, or (font, text) pieces


def _units(font: str, value: str) -> float:
    cache = _UNITS.get(font)
    if cache is None:
        cache = _UNITS[font] = {}
    units = cache.get(value)
    if units is None:
        if len(cache) > _UNITS_LIMIT:
            cache.clear()
        # reportlab computes 0.001 * size * sum(widths); sum(widths) is the same float here
        units = cache[value] = pdfmetrics.stringWidth(value, font, 1000)
    return units


def _bold(font: str) -> str:
    bold = _BOLD.get(font)
    if bold is None:
        family, _b, italic = ps2tt(font)
        bold = _BOLD[font] = tt2ps(family, 1, italic)
    return bold


def _num(value: float) -> str:
    """A PDF number to a thousandth of a point."""
    r = round(value, 3)
    return repr(r) if r >= 0.001 or r <= -0.001 else "0"


def _pdf_escape_ascii(value: str) -> str:
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class _DocFonts:
    """Per-document font resources: subset names and encoded text (subset codes belong to one PDF)."""

    def __init__(self, doc: object) -> None:
        self.doc = doc
        self.names: dict[tuple[str, int], str] = {}
        self.fonts: dict[str, object] = {}

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

    def name(self, ttf: object, font: str, subset: int) -> str:
        key = (font, subset)
        name = self.names.get(key)
        if name is None:
            name = self.names[key] = ttf.getSubsetInternalName(subset, self.doc)  # type: ignore[attr-defined]
        return name


def _doc_fonts(canv: Canvas) -> _DocFonts:
    doc = canv._doc  # noqa: SLF001 - the PDF document the canvas writes
    fonts = getattr(doc, "_svdesk_fonts", None)
    if fonts is None:
        fonts = _DocFonts(doc)
        doc._svdesk_fonts = fonts  # type: ignore[attr-defined]
    return fonts


_COLOUR_OPS: dict[tuple[float, float, float, str], str] = {}


def _colour_op(colour: object, op: str) -> str:
    key = (colour.red, colour.green, colour.blue, op)  # type: ignore[attr-defined]
    out = _COLOUR_OPS.get(key)
    if out is None:
        out = _COLOUR_OPS[key] = f"{_num(key[0])} {_num(key[1])} {_num(key[2])} {op}"
    return out


def _fill_op(colour: object) -> str:
    return _colour_op(colour, "rg")


def _stroke_op(colour: object) -> str:
    return _colour_op(colour, "RG")


class TextBlock(Flowable):
    """Text in one ParagraphStyle: words on hard lines, wrapped like a Paragraph, drawn directly.

    `keep` blocks (a heading line and its text) move whole to the next frame rather than split,
    unless they are taller than a whole frame.
    """

    def __init__(self, hard_lines: list[list[Word]], style: ParagraphStyle, keep: bool = False) -> None:
        # Flowable.__init__ is skipped on purpose: it sets a dozen attributes nothing here reads
        self.style = style
        self.hAlign = "LEFT"
        self._hard = hard_lines
        self._mixed = any(w.__class__ is not str for line in hard_lines for w in line)  # bold and regular
        self._keep = keep
        self._laid: tuple[float, list[tuple[float, list[Word]]]] | None = None
        self.width = 0.0
        self.height = 0.0

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def plain(cls, value: object, style: ParagraphStyle) -> TextBlock:
        """User text, drawn literally; line breaks kept."""
        raw = "" if value is None else str(value)
        if "\n" not in raw:
            words = _split_words(raw)
            return cls([words] if words else [], style)
        hard = [_split_words(line) for line in raw.replace("\r\n", "\n").split("\n")]
        return cls(_trim(hard), style)

    @classmethod
    def from_runs(cls, runs: Iterable[tuple[object, bool]], style: ParagraphStyle) -> TextBlock:
        """(text, bold) runs, drawn literally; line breaks in the text kept."""
        lines = _Lines(style.fontName)
        for value, bold in runs:
            raw = "" if value is None else str(value)
            for i, part in enumerate(raw.replace("\r\n", "\n").split("\n")):
                if i:
                    lines.br()
                lines.text(part, bold)
        return cls(lines.done(), style)

    @classmethod
    def from_markup(cls, trusted: str, style: ParagraphStyle) -> TextBlock | None:
        """Markup of the form svdesk writes: text (escaped), <b>...</b> and <br/>. None otherwise."""
        lines = _Lines(style.fontName)
        depth = 0
        pending: list[str] = []
        pos = 0
        for m in _MARKUP_TOKEN.finditer(trusted):
            if m.start() > pos:
                pending.append(trusted[pos : m.start()])
            token = m.group()
            pos = m.end()
            if token[0] == "&":
                char = _ENTITIES.get(token)
                if char is None:
                    return None
                pending.append(char)
                continue
            if pending:
                lines.text("".join(pending), depth > 0)
                pending = []
            if token == "<b>":
                depth += 1
            elif token == "</b>":
                if not depth:
                    return None
                depth -= 1
            elif token == "<br/>":
                lines.br()
            else:
                return None  # any other tag: let reportlab's Paragraph handle it
        pending.append(trusted[pos:])
        lines.text("".join(pending), depth > 0)
        return cls(lines.done(), style)

    @classmethod
    def joined(cls, blocks: Sequence[TextBlock]) -> TextBlock:
        """Several blocks of one style as one block that is kept together."""
        hard: list[list[Word]] = []
        for b in blocks:
            hard += b._hard
        return cls(hard, blocks[0].style, keep=True)

    # -- layout -----------------------------------------------------------------------------------

    def _layout(self, width: float) -> list[tuple[float, list[Word]]]:
        """Lines of (unused width, words): Paragraph's greedy wrap for one simple style."""
        laid = self._laid
        if laid is not None and laid[0] == width:
            return laid[1]
        style = self.style
        base = style.fontName
        k = 0.001 * style.fontSize
        cache = _UNITS.get(base)
        if cache is None:
            _units(base, " ")
            cache = _UNITS[base]
        base_space = k * _units(base, " ")
        shrink = style.spaceShrinkage
        split_long = style.splitLongWords
        out: list[tuple[float, list[Word]]] = []
        for hard in self._hard:
            if not hard:
                out.append((width, []))
                continue
            line: list[Word] = []
            current = 0.0
            space = base_space  # the space after the last word on the line
            spaces = 0.0  # the spaces between the words on the line, where bold and regular mix
            mixed = False
            for word in hard:
                if word.__class__ is str:
                    units = cache.get(word)
                    word_width = k * (units if units is not None else _units(base, word))  # type: ignore[arg-type]
                    after = base_space
                else:
                    word_width = k * sum([_units(f, t) for f, t in word])
                    after = k * _units(word[-1][0], " ")
                    mixed = True
                if not line:
                    if word_width > width and split_long:
                        line, current = _place_long(word, base, k, width, out, [], 0.0, space)
                    else:
                        line = [word]
                        current = word_width
                    spaces = 0.0
                else:
                    new = current + space + word_width
                    # Paragraph lets a line's spaces shrink by 5% to fit one more word
                    if new <= width + (shrink * (space + spaces) if mixed else shrink * space * len(line)):
                        line.append(word)
                        current = new
                        spaces += space
                    elif word_width > width and split_long:
                        # a word longer than the line: split it by character, as Paragraph does
                        line, current = _place_long(word, base, k, width, out, line, current, space)
                        spaces = 0.0
                    else:
                        out.append((width - current, line))
                        line = [word]
                        current = word_width
                        spaces = 0.0
                space = after
            if line:
                out.append((width - current, line))
        self._laid = (width, out)
        return out

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        lines = self._layout(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._layout(availWidth)
        if not lines or availWidth < 1e-6 or availHeight < 1e-6:
            return []
        frame = getattr(self, "_frame", None)
        if self._keep and frame is not None and not getattr(frame, "_atTop", True):
            return []  # to the next frame, whole
        fit = int(availHeight / self.style.leading)
        if fit <= 1:  # no orphan line at the foot of a frame (ParagraphStyle.allowOrphans = 0)
            return []
        if len(lines) <= fit:
            return [self]
        return [self._part(availWidth, lines[:fit]), self._part(availWidth, lines[fit:])]

    def _cut(self, width: float, height: float) -> tuple[TextBlock, TextBlock]:
        """The lines that fit in height and the rest, for a table row split in two."""
        lines = self._layout(width)
        fit = max(0, int(height / self.style.leading))
        return self._part(width, lines[:fit]), self._part(width, lines[fit:])

    def _part(self, width: float, lines: list[tuple[float, list[Word]]]) -> TextBlock:
        part = TextBlock([words for _extra, words in lines], self.style)
        part._laid = (width, lines)
        return part

    # -- drawing ---------------------------------------------------------------------------------

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        lines = self._laid[1] if self._laid is not None else self._layout(self.width)
        if not lines:
            return
        style = self.style
        size = style.fontSize
        leading = style.leading
        base = style.fontName
        right = style.alignment == TA_RIGHT
        encode = _doc_fonts(canvas).encode
        size_op = _num(size)
        baseline = y + len(lines) * leading - size
        # one text object: the first line placed with Tm, each next one leading lower (T*), or
        # moved by Td when right-aligned lines start at different places
        code = ["q BT", _fill_op(style.textColor), f"{_num(leading)} TL 1 0 0 1 {_num(x)} {_num(baseline)} Tm"]
        add = code.append
        current_font = ""
        line_x = x
        first = True
        mixed = self._mixed
        for extra, words in lines:
            if not first:
                left = x + extra if right and extra > -1e-8 and words else x
                if left != line_x:
                    add(f"{_num(left - line_x)} {_num(-leading)} Td")
                    line_x = left
                else:
                    add("T*")
            elif right and words and extra > -1e-8:
                line_x = x + extra
                add(f"{_num(extra)} 0 Td")
            first = False
            if not words:
                continue
            if mixed and not all(w.__class__ is str for w in words):
                runs = _runs(words, base)
            else:
                runs = [(base, " ".join(words))]  # type: ignore[arg-type]
            squeeze = 0.0
            if extra < -1e-8:  # the line uses some of its 5% space shrinkage, as in Paragraph
                spaces = sum(r[1].count(" ") + r[1].count("\xa0") for r in runs)
                if spaces:
                    squeeze = extra / spaces
                    add(f"{_num(squeeze)} Tw")
            for font, value in runs:
                for name, escaped in encode(font, value):
                    if name != current_font:
                        add(f"{name} {size_op} Tf")
                        current_font = name
                    add(f"({escaped}) Tj")
            if squeeze:
                add("0 Tw")
        add("ET Q")
        canvas.addLiteral("\n".join(code))

    def draw(self) -> None:
        self.drawOn(self.canv, 0, 0)

    def getPlainText(self, identify: object = None) -> str:  # noqa: N802 - reportlab's name
        return "\n".join(
            " ".join(w if w.__class__ is str else "".join(t for _f, t in w) for w in words)  # type: ignore[misc]
            for words in self._hard
        )


class _Lines:
    """Builds a block's hard lines from text in regular or bold runs (a word may span runs)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.bold = _bold(base)
        self.hard: list[list[Word]] = []
        self.line: list[Word] = []
        self.word: list[tuple[str, str]] = []

    def text(self, value: str, bold: bool) -> None:
        if not value:
            return
        font = self.bold if bold else self.base
        word = self.word
        for i, part in enumerate(_SPACE_SPLIT(value)):
            if i and word:
                self.line.append(_as_word(word, self.base))
                word = self.word = []
            if part:
                if word and word[-1][0] == font:
                    word[-1] = (font, word[-1][1] + part)
                else:
                    word.append((font, part))

    def br(self) -> None:
        if self.word:
            self.line.append(_as_word(self.word, self.base))
            self.word = []
        self.hard.append(self.line)
        self.line = []

    def done(self) -> list[list[Word]]:
        self.br()
        return _trim(self.hard)


def _split_words(value: str) -> list[Word]:
    """Words of one line of plain text, split as Paragraph splits them."""
    return rl_split(rl_strip(value))  # type: ignore[return-value]


def _trim(hard: list[list[Word]]) -> list[list[Word]]:
    """Paragraph ignores a trailing line break, and draws nothing for blank text."""
    if hard and not hard[-1]:
        hard = hard[:-1]
    return hard if any(hard) else []


def _as_word(pieces: list[tuple[str, str]], base: str) -> Word:
    return pieces[0][1] if len(pieces) == 1 and pieces[0][0] == base else tuple(pieces)


def _width(word: Word, base: str, k: float) -> float:
    if word.__class__ is str:
        return k * _units(base, word)  # type: ignore[arg-type]
    return k * sum([_units(f, t) for f, t in word])  # type: ignore[union-attr]


def _place_long(
    word: Word, base: str, k: float, width: float, out: list, line: list[Word], current: float, space: float
) -> tuple[list[Word], float]:
    """Lay out a word wider than the line: its first piece ends the current line, middle pieces fill
    lines of their own, the last piece starts the line that continues. Returns that line."""
    pieces = _split_long(word, base, k, width - (current + space) if line else width, width)
    if len(pieces) == 1:  # a single glyph wider than the line: it ends the line, as in Paragraph
        used = _width(pieces[0], base, k)
        out.append((width - (current + space + used) if line else width - used, [*line, pieces[0]]))
        return [], 0.0
    first = pieces[0]
    if first:
        used = _width(first, base, k)
        out.append((width - (current + space + used) if line else width - used, [*line, first]))
    elif line:
        out.append((width - current, line))
    for piece in pieces[1:-1]:
        out.append((width - _width(piece, base, k), [piece]))
    last = pieces[-1]
    return [last], _width(last, base, k)


def _split_long(word: Word, base: str, k: float, first: float, width: float) -> list[Word]:
    """A word wider than the line in pieces: the first fills what is left of the line (may be
    empty), the middle ones fill whole lines, the last starts the next line."""
    chars = [(base, c) for c in word] if word.__class__ is str else [(f, c) for f, t in word for c in t]
    pieces: list[Word] = []
    piece: list[tuple[str, str]] = []
    used = 0.0
    room = first
    for font, char in chars:
        w = k * _units(font, char)
        if used + w > room and (piece or w <= width):
            pieces.append(_merge(piece, base))
            piece = []
            used = 0.0
            room = width
        piece.append((font, char))
        used += w
    pieces.append(_merge(piece, base))
    return pieces


def _merge(chars: list[tuple[str, str]], base: str) -> Word:
    pieces: list[tuple[str, str]] = []
    for font, char in chars:
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    if not pieces:
        return ""
    return _as_word(pieces, base)


def _runs(words: list[Word], base: str) -> list[tuple[str, str]]:
    """A line's words as (font, text) runs; a space takes the font of the word before it."""
    runs: list[tuple[str, str]] = []
    last = len(words) - 1
    for i, word in enumerate(words):
        pieces = ((base, word),) if word.__class__ is str else word
        for j, (font, value) in enumerate(pieces):  # type: ignore[misc]
            if i < last and j == len(pieces) - 1:
                value += " "
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + value)
            else:
                runs.append((font, value))
    return runs


def para(value: object, style: str = "body") -> Flowable:
    """User text as a paragraph: printed literally (markup in it never acts), line breaks kept."""
    return TextBlock.plain(value, STYLES[style])


def rich(runs: Iterable[tuple[object, bool]], style: str = "body") -> Flowable:
    """User text in (text, bold) runs as a paragraph: printed literally, never parsed as markup."""
    return TextBlock.from_runs(runs, STYLES[style])


def markup(trusted: str, style: str = "body") -> Flowable:
    """Paragraph from markup svdesk itself wrote (with any user text already passed through text())."""
    block = TextBlock.from_markup(trusted, STYLES[style])
    return block if block is not None else Paragraph(trusted, STYLES[style])


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


@dataclass(frozen=True)
class _Padding:
    left: float = 3
    right: float = 3
    top: float = 2
    bottom: float = 2


_HIGHLIGHT = colors.HexColor("#fdecea")
_CELL_PADDING = _Padding()
_KEY_PADDING = _Padding(right=6)  # reportlab's default right padding, which key_values always had


class GridTable(Flowable):
    """A table of fixed column widths that looks as reportlab's Table did with our styles, at a
    fraction of the cost (row heights are measured once; no style commands to resolve per cell).

    Cells are flowables (TextBlocks, usually) set at the top left of their padded cell; an optional
    header row has a background and a rule below it and is repeated when the table splits across
    pages; every row has a thin rule below it; chosen rows are shaded. A table splits between rows;
    a single row taller than a whole page splits between the lines of its text.
    """

    def __init__(
        self,
        head: list[Flowable] | None,
        rows: list[list[Flowable]],
        widths: list[float],
        *,
        header_bg: object = SHADE,
        shaded: frozenset[int] = frozenset(),
        padding: _Padding = _CELL_PADDING,
    ) -> None:
        self.hAlign = "LEFT"
        self._head = head
        self._rows = rows
        self._widths = widths
        self._header_bg = header_bg
        self._shaded = shaded  # indexes into rows
        self._padding = padding
        self._heights: tuple[float | None, list[float]] | None = None
        self.width = sum(widths)
        self.height = 0.0

    def _inner(self, cell: Flowable, width: float) -> float:
        """Height of a cell's content in a column of this width."""
        aw = width - self._padding.left - self._padding.right
        if type(cell) is TextBlock:
            return cell.wrap(aw, 72000)[1]
        return cell.wrapOn(getattr(self, "canv", None), aw, 72000)[1]

    def _row_height(self, cells: list[Flowable]) -> float:
        tallest = max((self._inner(c, w) for c, w in zip(cells, self._widths, strict=True)), default=0.0)
        return tallest + self._padding.top + self._padding.bottom

    def _measure(self) -> tuple[float | None, list[float]]:
        if self._heights is None:
            head = self._row_height(self._head) if self._head is not None else None
            self._heights = (head, [self._row_height(r) for r in self._rows])
        return self._heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        head, rows = self._measure()
        self.height = (head or 0.0) + sum(rows)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        head, rows = self._measure()
        used = head or 0.0
        fit = 0
        for h in rows:
            if used + h > availHeight + 1e-6:
                break
            used += h
            fit += 1
        if fit == len(rows):
            return [self]
        if fit:
            return [self._part(0, fit), self._part(fit, len(rows))]
        frame = getattr(self, "_frame", None)
        if frame is not None and not getattr(frame, "_atTop", True):
            return []  # not even one row fits under the header here: to the next frame
        return self._split_row(availHeight - (head or 0.0))

    def _split_row(self, height: float) -> list[Flowable]:
        """The first row is taller than a whole frame: its text continues in the next part."""
        room = height - self._padding.top - self._padding.bottom
        cells = self._rows[0]
        if not all(type(c) is TextBlock for c in cells):
            return []
        pad = self._padding.left + self._padding.right
        cut = [c._cut(w - pad, room) for c, w in zip(cells, self._widths, strict=True)]  # type: ignore[attr-defined]
        if not any(top._laid and top._laid[1] for top, _rest in cut):
            return []
        first = self._part(0, 1, [[top for top, _rest in cut]])
        rest = self._part(0, len(self._rows), [[r for _top, r in cut], *self._rows[1:]])
        return [first, rest]

    def _part(self, start: int, end: int, rows: list[list[Flowable]] | None = None) -> GridTable:
        part = GridTable(
            self._head,
            rows if rows is not None else self._rows[start:end],
            self._widths,
            header_bg=self._header_bg,
            shaded=frozenset(i - start for i in self._shaded if start <= i < end),
            padding=self._padding,
        )
        if rows is None:
            head, heights = self._measure()
            part._heights = (head, heights[start:end])
        return part

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        head, rows = self._measure()
        pad = self._padding
        width = self.width
        top = y + (head or 0.0) + sum(rows)
        # backgrounds first, then the cells, then the rules (reportlab's order)
        code = ["q"]
        if head is not None and self._header_bg is not None:
            code.append(f"{_fill_op(self._header_bg)} n {_num(x)} {_num(top - head)} {_num(width)} {_num(head)} re f")
        row_top = top - (head or 0.0)
        for i, h in enumerate(rows):
            if i in self._shaded:
                code.append(f"{_fill_op(_HIGHLIGHT)} n {_num(x)} {_num(row_top - h)} {_num(width)} {_num(h)} re f")
            row_top -= h
        code.append("Q")
        if len(code) > 2:
            canvas.addLiteral(" ".join(code))
        row_top = top
        rules: list[float] = []
        for cells, h in ([(self._head, head)] if head is not None else []) + list(zip(self._rows, rows, strict=True)):
            left = x
            for cell, w in zip(cells, self._widths, strict=True):  # type: ignore[arg-type]
                cell.drawOn(canvas, left + pad.left, row_top - pad.top - self._inner(cell, w))
                left += w
            row_top -= h  # type: ignore[operator]
            rules.append(row_top)
        code = ["q 1 J 1 j"]
        if head is not None:
            y0 = _num(rules.pop(0))
            code.append(f"{_stroke_op(ACCENT)} .6 w n {_num(x)} {y0} m {_num(x + width)} {y0} l S")
        if rules:
            code.append(f"{_stroke_op(RULE)} .25 w")
            code += [f"n {_num(x)} {_num(ry)} m {_num(x + width)} {_num(ry)} l S" for ry in rules]
        code.append("Q")
        canvas.addLiteral("\n".join(code))

    def draw(self) -> None:
        self.drawOn(self.canv, 0, 0)


def tables(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    header_bg: object = SHADE,
    highlight: Iterable[int] = (),
) -> list[Flowable]:
    """Rows as a series of small tables (CHUNK rows each), each repeating the header row.

    Cells may be strings (printed literally) or ready Paragraphs/flowables.
    """
    marked = set(highlight)
    head = [para(c.title, "cell_head") for c in columns]
    widths = [c.width * mm for c in columns]
    styles = [STYLES["cell_right" if c.align == "right" else "cell"] for c in columns]
    body: list[list[Flowable]] = []
    out: list[Flowable] = []

    def flush(start_index: int) -> None:
        if body:
            shaded = frozenset(i for i in range(len(body)) if start_index + i in marked)
            out.append(GridTable(head, body, widths, header_bg=header_bg, shaded=shaded))

    start = 0
    for index, row in enumerate(rows):
        body.append(
            [v if isinstance(v, Flowable) else TextBlock.plain(v, style) for v, style in zip(row, styles, strict=True)]
        )
        if len(body) == CHUNK:
            flush(start)
            body = []
            start = index + 1
    flush(start)
    if not out:
        out.append(para("(none)", "small"))
    return out


def key_values(pairs: Sequence[tuple[str, object]], label_width: float = 55, value_width: float = 115) -> Flowable:
    data = [[para(k, "cell_head"), v if isinstance(v, Flowable) else para(v, "cell")] for k, v in pairs]
    return GridTable(None, data, [label_width * mm, value_width * mm], padding=_KEY_PADDING)


def keep(*flowables: Flowable) -> Flowable:
    """Flowables kept on one page; text blocks of one spacing-free style become one block."""
    first = flowables[0]
    if all(type(f) is TextBlock and f.style is first.style for f in flowables) and not (
        first.style.spaceBefore or first.style.spaceAfter
    ):
        return TextBlock.joined(flowables)  # type: ignore[arg-type]
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
                static = " ".join(
                    [
                        f"q {_stroke_op(RULE)} .5 w {rules} BT",
                        _placed(
                            fonts,
                            FONT_BOLD,
                            8,
                            MUTED,
                            left,
                            height - 13 * mm,
                            _fit(f"{info.reference} \u2014 {info.title}", 95),
                        ),
                        _placed(fonts, FONT, 8, MUTED, right, height - 13 * mm, info.report, "right"),
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


def _placed(
    fonts: _DocFonts, font: str, size: float, colour: object, x: float, y: float, value: str, align: str = "left"
) -> str:
    """PDF text operators (inside BT/ET) that draw one string at x (its left, right or centre) on baseline y."""
    if align != "left":
        w = pdfmetrics.stringWidth(value, font, size)
        x -= w if align == "right" else w / 2
    out = [f"{_fill_op(colour)} 1 0 0 1 {_num(x)} {_num(y)} Tm"]
    out += [f"{name} {_num(size)} Tf ({escaped}) Tj" for name, escaped in fonts.encode(font, value)]
    return " ".join(out)


def _fit(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection for the duration: a large report allocates a few hundred thousand
    small objects, none of them cyclic garbage, and the collector would keep walking all of them
    (and the report's data) for a quarter of the time. Collection resumes, as it was, afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    with gc_paused():
        doc.build(story, canvasmaker=_numbered_canvas(info))
    return buffer.getvalue()
