"""Small helpers shared by the xlsx exports: typed cell writing, headers, widths, number formats.

Every value goes through `put` (openpyxl cells) or `SheetWriter.row` (streamed XML, for large
workbooks): text is neutralised (svdesk.export.xlsx_safety), and a formula is only ever written when
the caller wraps trusted, generated text in `Formula`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from math import isfinite
from shutil import copyfileobj
from tempfile import TemporaryFile
from typing import IO, Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl.cell.cell import Cell
from openpyxl.descriptors.serialisable import Serialisable
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fills import DEFAULT_EMPTY_FILL, DEFAULT_GRAY_FILL
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.functions import tostring

from svdesk.export.xlsx_print import PrintSetup, chars_per_line, print_names, row_height, sheet_tail
from svdesk.export.xlsx_safety import put_text, safe_text

MONEY = '"£"#,##0.00'
PROXY = '"£"#,##0.00####'  # proxies such as £0.963812 per £ keep their digits visible
POINTS = "0.00"
BOLD = Font(name="Calibri", size=11, bold=True)  # named: a font without a name prints serif in LibreOffice
TITLE = Font(name="Calibri", size=14, bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


class Formula(str):
    """A formula we generated from cell addresses only (never from user text).

    `value`: the result svdesk computed for it, written as the cell's cached value so that a viewer
    that does not recalculate (a previewer, a phone, a reader library) shows the figure, not a blank.
    None writes no cached value.
    """

    value: float | str | bool | None

    def __new__(cls, text: str, value: float | str | bool | None = None) -> Formula:
        made = super().__new__(cls, text)
        made.value = value
        return made


def put(ws: Worksheet, row: int, column: int, value: object, number_format: str | None = None) -> Cell:
    cell: Cell = ws.cell(row=row, column=column)
    if isinstance(value, Formula):
        cell.value = str(value)  # openpyxl types a leading '=' as a formula: wanted here only
    elif isinstance(value, bool):
        put_text(cell, "Yes" if value else "No")
    elif isinstance(value, int | float):
        cell.value = value
    elif value is not None:
        put_text(cell, value)
    if number_format:
        cell.number_format = number_format
    cell.alignment = TOP
    return cell


def put_row(
    ws: Worksheet, row: int, values: Sequence[object], formats: Sequence[str | None] = (), start: int = 1
) -> list[Cell]:
    padded = list(formats) + [None] * (len(values) - len(formats))
    return [put(ws, row, start + i, v, padded[i]) for i, v in enumerate(values)]


def header(ws: Worksheet, row: int, titles: Sequence[str], start: int = 1) -> None:
    for i, title in enumerate(titles):
        cell = put(ws, row, start + i, title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP


def widths(ws: Worksheet, sizes: Sequence[float]) -> None:
    for i, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(i)].width = size


def wrap_column(ws: Worksheet, column: int, first_row: int) -> None:
    """Long texts (rationales, questions) wrap instead of running off the page."""
    for (cell,) in ws.iter_rows(min_row=first_row, min_col=column, max_col=column):
        cell.alignment = WRAP


def workbook_bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# Large workbooks (the evaluation workbook) are streamed as SpreadsheetML by `StreamingBook` below:
# openpyxl spends tens of microseconds per cell even in write-only mode, some 30 s for the 820,000
# cells of a large tender. Styles are still the openpyxl objects above, serialised by openpyxl, so
# both paths look alike; every text still goes through `safe_text`.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
ZIP_LEVEL = 3  # against 6: half the compression time for a file some 20% larger
ROWS_PER_WRITE = 2000  # rows joined before each write to the spool: few calls, little memory
TAIL_CACHE_LIMIT = 100_000
BOLD_WIDTH = 0.8  # bold text is wider: a wrapped header line holds some 80% of the characters


@dataclass(frozen=True)
class CellStyle:
    """One cell format; `StreamingBook.style` turns it into the index a cell refers to."""

    number_format: str | None = None
    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = TOP  # `put` top-aligns every cell


class StyleSheet:
    """The cell formats a workbook uses, in order of first use, and the styles.xml declaring them."""

    def __init__(self) -> None:
        self._ids: dict[CellStyle, int] = {CellStyle(alignment=None): 0}  # index 0: the default format
        self._wrapping: dict[int, float] = {}  # style id -> its text's width factor, for wrapped styles

    def id(self, style: CellStyle) -> int:
        known = self._ids.get(style)
        if known is None:
            known = self._ids[style] = len(self._ids)
            if style.alignment is not None and style.alignment.wrap_text:
                self._wrapping[known] = BOLD_WIDTH if style.font is not None and style.font.b else 1.0
        return known

    def wraps(self, style_id: int) -> float:
        """0 for a style that does not wrap; else how much less text a line of it holds (bold: less)."""
        return self._wrapping.get(style_id, 0.0)

    def xml(self) -> str:
        fonts: list[Font] = [DEFAULT_FONT]
        fills: list[PatternFill] = [DEFAULT_EMPTY_FILL, DEFAULT_GRAY_FILL]  # the two fills Excel reserves
        formats: dict[str, int] = {}
        xfs = [self._xf(s, fonts, fills, formats) for s in self._ids]
        custom = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in formats.items())
        numbers = f'<numFmts count="{len(formats)}">{custom}</numFmts>' if formats else ""
        return (
            f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">{numbers}'
            f'<fonts count="{len(fonts)}">{"".join(_tree(f) for f in fonts)}</fonts>'
            f'<fills count="{len(fills)}">{"".join(_tree(f) for f in fills)}</fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )

    @staticmethod
    def _xf(style: CellStyle, fonts: list[Font], fills: list[PatternFill], formats: dict[str, int]) -> str:
        number, font, fill = 0, 0, 0
        if style.number_format:
            number = BUILTIN_FORMATS_REVERSE.get(style.number_format, 0)
            if not number and style.number_format != "General":
                number = formats.setdefault(style.number_format, 164 + len(formats))  # 164: first custom id
        if style.font:
            font = _index(fonts, style.font)
        if style.fill:
            fill = _index(fills, style.fill)
        attrs = f'numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
        attrs += "".join(
            f' apply{name}="1"' for name, used in (("NumberFormat", number), ("Font", font), ("Fill", fill)) if used
        )
        if style.alignment is None:
            return f"<xf {attrs}/>"
        return f'<xf {attrs} applyAlignment="1">{_tree(style.alignment)}</xf>'


def _index(items: list[Any], item: object) -> int:
    if item not in items:
        items.append(item)
    return items.index(item)


def _tree(style: Serialisable) -> str:
    xml: bytes = tostring(style.to_tree())
    return xml.decode()


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


# A cell is written as `<c r="B7" s="3"` (from the row's template) followed by its "tail", which
# depends on the value only.


def _number_tail(value: float) -> str:
    # Written as openpyxl writes numbers ("%.16g"), so a value reads back exactly as before.
    return f"><v>{value:.16g}</v></c>" if isfinite(value) else "><v></v></c>"


def _text_tail(value: object) -> str:
    text = safe_text(value)
    if not text:
        return ' t="inlineStr"/>'
    space = ' xml:space="preserve"' if text != text.strip() else ""  # else readers drop edge whitespace
    return f' t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _empty_tail(value: None) -> str:
    return "/>"


def _formula_tail(value: Formula) -> str:
    # The cached value as the formula's own type (t="str": a text result, t="b": a logical one); the
    # workbook is still flagged to recalculate when opened (calcPr fullCalcOnLoad), so Excel and
    # LibreOffice show their own arithmetic, and a viewer that cannot shows svdesk's.
    formula, cached = value[1:], value.value
    if "<" in formula or ">" in formula or "&" in formula:  # most formulas have none: skip the escaping
        formula = escape(formula)
    if cached.__class__ is float:  # the common case first: 140,000 of them in a large tender
        number = f"{cached:.16g}" if isfinite(cached) else ""
        return f"><f>{formula}</f><v>{number}</v></c>"
    if cached is None:
        return f"><f>{formula}</f><v></v></c>"
    if isinstance(cached, bool):
        return f' t="b"><f>{formula}</f><v>{int(cached)}</v></c>'
    if isinstance(cached, int | float):
        return f"><f>{formula}</f><v>{cached:.16g}</v></c>" if isfinite(cached) else f"><f>{formula}</f><v></v></c>"
    text = safe_text(cached)  # what the cell it names holds: our own words, or text already neutralised
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' t="str"><f>{formula}</f><v{space}>{escape(text)}</v></c>'


def _yes_no_tail(value: bool) -> str:
    return _text_tail("Yes" if value else "No")


def _any_tail(value: object) -> str:
    """Types without an exact entry below (subclasses, dates...) are typed as `put` types them."""
    if isinstance(value, Formula):
        return _formula_tail(value)
    if isinstance(value, bool):
        return _yes_no_tail(value)
    if isinstance(value, int | float):
        return _number_tail(value)
    return _text_tail(value)


_TAIL_BY_TYPE: dict[type, Callable[[Any], str]] = {
    float: _number_tail,
    int: _number_tail,
    type(None): _empty_tail,
    bool: _yes_no_tail,
    Formula: _formula_tail,
}


class _TailCache(dict[object, str]):
    """Rendered tails by value: names, codes, descriptors and scores repeat thousands of times in a sheet.

    Only exact `str` and `float` keys go in (`SheetWriter.rows` checks the class): a `Formula` equals
    the same text and True equals 1.0, so neither may share an entry. 0.0 and -0.0 do share one,
    harmlessly: a spreadsheet has no negative zero.
    """

    def __missing__(self, value: str | float) -> str:
        if len(self) >= TAIL_CACHE_LIMIT:
            self.clear()  # bounded memory: unique rationales would otherwise all stay
        tail = self[value] = _number_tail(value) if value.__class__ is float else _text_tail(value)
        return tail


def _row_template(styles: tuple[int, ...]) -> str:
    """'<row r="{0}"><c r="A{0}" s="2"{1}...</row>': a row is then one str.format of number and tails."""
    cells = "".join(
        f'<c r="{get_column_letter(column)}{{0}}" s="{style}"{{{column}}}' for column, style in enumerate(styles, 1)
    )
    return f'<row r="{{0}}"{{H}}>{cells}</row>'


class SheetWriter:
    """Rows of one sheet, rendered as XML into a temporary file (the dimension must precede them)."""

    def __init__(
        self, spool: IO[bytes], widths: Sequence[float] = (), wraps: Callable[[int], float] = lambda _style: 0.0
    ) -> None:
        self._spool = spool
        self._pending: list[str] = []
        self._templates: dict[tuple[int, ...], str] = {}
        # per row template: the wrapped cells (index, column width) whose text sets the row's height
        self._wrapped: dict[tuple[int, ...], list[tuple[int, int]]] = {}
        self._widths, self._wraps = widths, wraps
        self._cached = _TailCache()
        self.max_row = 0
        self.max_column = 0

    def row(self, number: int, values: Sequence[object], styles: tuple[int, ...]) -> None:
        """Write `values` from column A of row `number` (rows in increasing order), one style index each."""
        self.rows(number, (values,), styles)

    def rows(self, first: int, rows: Iterable[Sequence[object]], styles: tuple[int, ...]) -> int:
        """Write `rows` from row `first` on, all styled by column as `styles`; returns the next free row."""
        if first <= self.max_row:
            raise ValueError(f"row {first} after row {self.max_row}: Excel needs rows in order")
        template = self._templates.get(styles)
        if template is None:
            template = self._templates[styles] = _row_template(styles)
            self._wrapped[styles] = [
                (i, chars_per_line((self._widths[i] if i < len(self._widths) else 8.43) * self._wraps(style)))
                for i, style in enumerate(styles)  # 8.43: a column's default width
                if self._wraps(style)
            ]
        wrapped = self._wrapped[styles]
        cached, tails, pending, width = self._cached, _TAIL_BY_TYPE, self._pending, len(styles)
        number = first
        for values in rows:
            if len(values) != width:
                raise ValueError(f"row {number}: {len(values)} values but {width} styles")
            # The inner loop of a large export: exact str and float (most cells) cached, the rest by type.
            tail = [
                cached[v] if v.__class__ is str or v.__class__ is float else tails.get(v.__class__, _any_tail)(v)
                for v in values
            ]
            pending.append(template.format(str(number), *tail, H=row_height(values, wrapped) if wrapped else ""))
            number += 1
            if len(pending) >= ROWS_PER_WRITE:
                self.flush()
        if number > first:
            self.max_row, self.max_column = number - 1, max(self.max_column, width)
        return number

    def flush(self) -> None:
        # xmlcharrefreplace: what openpyxl (ElementTree) does with text UTF-8 cannot encode.
        self._spool.write("".join(self._pending).encode("utf-8", "xmlcharrefreplace"))
        self._pending.clear()


class StreamingBook:
    """An xlsx written sheet by sheet straight into a zip, with no cell objects."""

    def __init__(self) -> None:
        self._out = BytesIO()
        self._zip = ZipFile(self._out, "w", ZIP_DEFLATED, compresslevel=ZIP_LEVEL)
        self._styles = StyleSheet()
        self._sheets: list[str] = []
        self._names: list[str] = []  # <definedName> elements: the print titles and areas

    def style(
        self,
        number_format: str | None = None,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment = TOP,
    ) -> int:
        return self._styles.id(CellStyle(number_format, font, fill, alignment))

    def column_styles(
        self, formats: Sequence[str | None], count: int, font: Font | None = None, wrap: Sequence[int] = ()
    ) -> tuple[int, ...]:
        """Style indexes for `count` columns: number formats from `formats`, WRAP for the 1-based `wrap`."""
        padded = [*formats, *([None] * (count - len(formats)))]
        return tuple(self.style(padded[i], font, None, WRAP if i + 1 in wrap else TOP) for i in range(count))

    @contextmanager
    def sheet(
        self, name: str, widths: Sequence[float], freeze: str | None = None, printing: PrintSetup | None = None
    ) -> Iterator[SheetWriter]:
        self._sheets.append(name)
        with TemporaryFile() as spool:
            rows = SheetWriter(spool, widths, self._styles.wraps)
            yield rows
            rows.flush()
            spool.seek(0)
            with self._zip.open(f"xl/worksheets/sheet{len(self._sheets)}.xml", "w") as part:
                part.write(_sheet_head(rows, widths, freeze, printing is not None).encode())
                copyfileobj(spool, part, 1 << 20)
                part.write((_SHEET_TAIL if printing is None else sheet_tail(printing)).encode())
        if printing is not None:
            self._names += print_names(name, len(self._sheets) - 1, printing, max(rows.max_row, 1))

    def getvalue(self) -> bytes:
        """Finish the package (workbook, styles, theme, properties) and return the file's bytes."""
        parts = {
            "[Content_Types].xml": _content_types(len(self._sheets)),
            "_rels/.rels": _RELS,
            "docProps/app.xml": _APP,
            "docProps/core.xml": _core(),
            "xl/workbook.xml": _workbook(self._sheets, self._names),
            "xl/_rels/workbook.xml.rels": _workbook_rels(len(self._sheets)),
            "xl/styles.xml": self._styles.xml(),
            "xl/theme/theme1.xml": theme_xml,
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)
        self._zip.close()
        return self._out.getvalue()


def _sheet_head(rows: SheetWriter, widths: Sequence[float], freeze: str | None, fit: bool = False) -> str:
    extent = f"A1:{get_column_letter(rows.max_column)}{rows.max_row}" if rows.max_row else "A1"
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    fit_to_page = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else ""  # else fitToWidth is ignored
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{fit_to_page}'
        f'<dimension ref="{extent}"/><sheetViews><sheetView workbookViewId="0">{_panes(freeze)}</sheetView>'
        f'</sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
        "<sheetData>"
    )


def _panes(freeze: str | None) -> str:
    """The frozen panes openpyxl's `freeze_panes` makes: rows above and columns left of `freeze` stay put."""
    selection = '<selection pane="{}" activeCell="A1" sqref="A1"/>'
    if freeze is None or freeze == "A1":
        return '<selection activeCell="A1" sqref="A1"/>'
    row, column = coordinate_to_tuple(freeze)
    split = (f' xSplit="{column - 1}"' if column > 1 else "") + (f' ySplit="{row - 1}"' if row > 1 else "")
    active = "bottomRight" if row > 1 and column > 1 else "bottomLeft" if row > 1 else "topRight"
    pane = f'<pane{split} topLeftCell="{freeze}" activePane="{active}" state="frozen"/>'
    if active == "bottomRight":
        return pane + '<selection pane="topRight"/><selection pane="bottomLeft"/>' + selection.format(active)
    return pane + selection.format(active)


_SHEET_TAIL = (
    '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
)


_OFFICE = "application/vnd.openxmlformats-officedocument"
_PACKAGE = "application/vnd.openxmlformats-package"
_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_REL_NS}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>svdesk</Application></Properties>"
)


def _core() -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>svdesk</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'
    )


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_OFFICE}.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{_PACKAGE}.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_OFFICE}.theme+xml"/>'
        f'<Override PartName="/docProps/core.xml" ContentType="{_PACKAGE}.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_OFFICE}.extended-properties+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(sheets: Sequence[str], names: Sequence[str] = ()) -> str:
    entries = "".join(f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><workbookPr/>'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{entries}</sheets>{defined}'
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'  # Excel computes the formulas on opening
    )


def _workbook_rels(sheets: int) -> str:
    entries = [
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, sheets + 1)
    ]
    entries.append(f'<Relationship Id="rId{sheets + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>')
    entries.append(f'<Relationship Id="rId{sheets + 2}" Type="{REL_NS}/theme" Target="theme/theme1.xml"/>')
    return f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">{"".join(entries)}</Relationships>'
