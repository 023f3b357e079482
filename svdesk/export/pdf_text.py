"""Text flowables for svdesk PDFs: the TextBlock layout engine (fast, no markup parser for user text)
and para/rich/markup/long_text, which every report uses to put text on the page.

Safety: user-supplied text is never read as reportlab markup. `para()`, `rich()` and table cells
draw it literally (TextBlock has no markup parser); where svdesk writes markup itself (`markup()`),
every piece of user text in it goes through `text()`, which escapes it. Either way <font> or <img>
in a bidder's name prints literally and never acts (reportlab's markup has had code-execution
holes: CVE-2023-33733).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import cast

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from svdesk.export.pdf_ops import _doc_fonts, _fill_op, _num
from svdesk.export.pdf_styles import STYLES
from svdesk.export.pdf_words import _UNITS, Word, _Lines, _place_long, _runs, _split_words, _trim, _units

PARA_CHUNK = 2_000  # characters per paragraph: a 100,000-character rationale flows over pages

# ---------------------------------------------------------------------------------------------
# TextBlock: fast text without reportlab's markup parser.
#
# reportlab's Paragraph parses markup with an HTML parser, measures every word of every line each
# time it is wrapped, and draws each line through several layers of text objects; with 30,000
# paragraphs that is most of a large report's time. A TextBlock holds words (plain strings, or
# (font, text) pieces where bold and regular meet inside a word), wraps them greedily exactly as
# Paragraph does (same widths, same 5% space shrinkage, long words split by character, no single
# orphan line at the foot of a frame, and, unlike Paragraph, no last line alone at the top of the
# next), caches the widths of words it has seen and writes each
# block as one run of PDF text operators. User text is never parsed as markup at all: it is drawn
# literally, character by character.
# ---------------------------------------------------------------------------------------------

_MARKUP_TOKEN = re.compile(r"<b>|</b>|<br/>|<[^>]*>?|&[^&;<>\s]*;?")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&#x27;": "'"}


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
                    word_width = k * (units if units is not None else _units(base, word))
                    after = base_space
                else:
                    assert isinstance(word, tuple)  # mypy narrows the fast `__class__ is str` test one way only
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
        if len(lines) == fit + 1:  # nor a paragraph's last line alone at the top of the next page
            if fit < 3:
                return []  # two lines here and one there: the whole block goes over
            fit -= 1
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
                runs = [(base, " ".join(cast(list[str], words)))]  # no mixed words: every word is plain text
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
            " ".join(w if isinstance(w, str) else "".join(t for _f, t in w) for w in words) for words in self._hard
        )


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
    return [para(part, style) for part in chunks(value)]


def chunks(value: object) -> list[str]:
    """User text cut into pieces of at most PARA_CHUNK characters, at sentence or word boundaries."""
    raw = "" if value is None else str(value)
    if len(raw) <= PARA_CHUNK:
        return [raw]
    out: list[str] = []
    while raw:
        cut = (
            len(raw)
            if len(raw) <= PARA_CHUNK
            else max(raw.rfind(". ", 0, PARA_CHUNK) + 1, raw.rfind(" ", 0, PARA_CHUNK), PARA_CHUNK // 2)
        )
        out.append(raw[:cut].strip())
        raw = raw[cut:]
    return out
