"""Words for TextBlock (see pdf_text): split and measured as reportlab's Paragraph does, with widths
cached per font, bold and regular runs joined into words, and words wider than a line broken by character."""

from __future__ import annotations

import re

from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.paragraph import split as rl_split
from reportlab.platypus.paragraph import strip as rl_strip

_UNITS: dict[str, dict[str, float]] = {}  # font name -> text -> width in thousandths of the font size
_UNITS_LIMIT = 200_000  # entries per font before the cache starts again (bounded memory in a long session)
_SPACE_SPLIT = re.compile(r"[^\S\xa0]+").split  # whitespace that breaks a line (not the no-break space)
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
    words: list[Word] = rl_split(rl_strip(value))  # reportlab's plain-text split: a list of str
    return words


def _trim(hard: list[list[Word]]) -> list[list[Word]]:
    """Paragraph ignores a trailing line break, and draws nothing for blank text."""
    if hard and not hard[-1]:
        hard = hard[:-1]
    return hard if any(hard) else []


def _as_word(pieces: list[tuple[str, str]], base: str) -> Word:
    return pieces[0][1] if len(pieces) == 1 and pieces[0][0] == base else tuple(pieces)


def _width(word: Word, base: str, k: float) -> float:
    if isinstance(word, str):
        return k * _units(base, word)
    return k * sum([_units(f, t) for f, t in word])


def _place_long(
    word: Word,
    base: str,
    k: float,
    width: float,
    out: list[tuple[float, list[Word]]],
    line: list[Word],
    current: float,
    space: float,
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
    chars = [(base, c) for c in word] if isinstance(word, str) else [(f, c) for f, t in word for c in t]
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
        pieces = ((base, word),) if isinstance(word, str) else word
        for j, (font, value) in enumerate(pieces):
            if i < last and j == len(pieces) - 1:
                value += " "
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + value)
            else:
                runs.append((font, value))
    return runs
