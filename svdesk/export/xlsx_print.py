"""How a streamed sheet prints (svdesk.export.xlsx_layout.StreamingBook): page set-up, print titles
and areas, page headers and footers, and the row heights that keep wrapped text readable on paper
(a spreadsheet does not size a streamed row to its text: LibreOffice prints such rows one line high,
the text of one row over the next)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from xml.sax.saxutils import escape

from openpyxl.utils.cell import absolute_coordinate

from svdesk.export.xlsx_safety import safe_text

LINE_HEIGHT = 15.0  # points: one line of the default 11 pt font (the sheets' defaultRowHeight)
MAX_ROW_HEIGHT = 409.0  # Excel's largest row
CHARS_PER_WIDTH = 1.1  # characters of text per unit of column width (one "0"): a little under what prints


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: A4 landscape, every column on one page's width (as many pages down as it
    takes), the header rows repeated on every page (`title_rows`, e.g. "1:1"); `area` ("A1:M40", or
    "A:M" for those columns down to the last row) when only part of the sheet is for paper;
    `header`/`footer`: left and right texts (a protective marking, the tender, the page number)."""

    title_rows: str | None = "1:1"
    area: str | None = None
    header: tuple[str, str] = ("", "&A")  # &A: the sheet's name
    footer: tuple[str, str] = ("", "Page &P of &N")


def header_text(text: str) -> str:
    """User text in a page header or footer: '&' starts a code there, so it is doubled; Excel refuses
    headers over 255 characters."""
    return safe_text(text).replace("&", "&&")[:120]


def chars_per_line(width: float) -> int:
    """How many characters of text fit on one line of a column `width` wide (an estimate erring on fewer)."""
    return max(1, int(width * CHARS_PER_WIDTH))


def text_lines(text: str, per_line: int) -> int:
    """Lines `text` wraps to at `per_line` characters: word by word for a short text (a header, a
    reason), where breaking at words costs most; by length plus a tenth for a long one (a rationale:
    80,000 of them in a large tender)."""
    lines = 0
    for part in text.split("\n"):
        if len(part) <= per_line:
            lines += 1
        elif len(part) > 3 * per_line:
            lines += ceil(len(part) * 1.1 / per_line)
        else:
            lines += 1
            used = 0
            for word in part.split(" "):
                if used and used + 1 + len(word) > per_line:
                    lines, used = lines + 1, 0
                used += (1 if used else 0) + len(word)
                while used > per_line:  # a word longer than the line breaks where it must
                    lines, used = lines + 1, used - per_line
    return lines


def row_height(values: Sequence[object], wrapped: Sequence[tuple[int, int]]) -> str:
    """The row's height attributes when a wrapped cell (index, characters per line) needs more than
    one line, else "". Called for every row of a large sheet: one length test for most cells."""
    lines = 1
    for i, per_line in wrapped:
        text = values[i]
        if text.__class__ is str and (len(text) > per_line or "\n" in text):
            lines = max(lines, text_lines(str(text), per_line))
    if lines == 1:
        return ""
    return f' ht="{min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines):g}" customHeight="1"'


def sheet_tail(printing: PrintSetup) -> str:
    """The page set-up, in the order the schema wants it: margins, page set-up, header and footer."""
    header = "&L{}&R{}".format(*printing.header)
    footer = "&L{}&R{}".format(*printing.footer)
    return (
        '</sheetData><pageMargins left="0.4" right="0.4" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        # paperSize 9: A4; fitToHeight 0: as many pages down as the rows need
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddHeader>{escape(header)}</oddHeader><oddFooter>{escape(footer)}</oddFooter>"
        "</headerFooter></worksheet>"
    )


def print_names(sheet: str, index: int, printing: PrintSetup, rows: int) -> list[str]:
    quoted_sheet = "'" + sheet.replace("'", "''") + "'"
    names = []
    if printing.area:  # "A:M": those columns, down to the last row written (whole columns upset readers)
        first, _, last = printing.area.partition(":")
        names.append(
            ("_xlnm.Print_Area", f"{first}1:{last}{rows}" if first.isalpha() and last.isalpha() else printing.area)
        )
    if printing.title_rows:
        names.append(("_xlnm.Print_Titles", printing.title_rows))
    where = escape(quoted_sheet) + "!"
    return [
        f'<definedName name="{name}" localSheetId="{index}">{where}{absolute_coordinate(cells)}</definedName>'
        for name, cells in names
    ]
