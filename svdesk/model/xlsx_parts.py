"""An untrusted workbook read one way only: the parts Excel reads, or a refusal naming the part or cell.

Two programs can read the same .xlsx differently. openpyxl finds the workbook and the shared strings
through [Content_Types].xml and silently skips a sheet whose part is missing; Excel follows
_rels/.rels and the workbook's relationships and matches part names whatever their case; a zip may
hold two entries of one name, of which each reader picks its own; a shared-string index of -1 reads
the last string in openpyxl. A bidder's sheet that reads one way in Excel and another in svdesk is
refused here, naming what is ambiguous, before any value is taken from it.

`check_part_names` runs on the zip's directory (in the parent, cheap); `StrictWorkbook` resolves the
package and streams a sheet's cells with their formulas and saved values (in the sandbox).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO
from xml.etree.ElementTree import Element

from svdesk.model.errors import Problem, ValidationError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = f"{DOC_REL}/officeDocument"
STYLES_REL = f"{DOC_REL}/styles"
WORKSHEET_REL, CHARTSHEET_REL, STRINGS_REL = f"{DOC_REL}/worksheet", f"{DOC_REL}/chartsheet", f"{DOC_REL}/sharedStrings"
MACRO_RELS = (f"{DOC_REL}/xlMacrosheet", f"{DOC_REL}/xlIntlMacrosheet", f"{DOC_REL}/dialogsheet")
_SS = "application/vnd.openxmlformats-officedocument.spreadsheetml"
WORKBOOK_TYPES = (
    f"{_SS}.sheet.main+xml",
    f"{_SS}.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
)
WORKSHEET_TYPE, CHARTSHEET_TYPE, STRINGS_TYPE = (
    f"{_SS}.worksheet+xml",
    f"{_SS}.chartsheet+xml",
    f"{_SS}.sharedStrings+xml",
)
_READ_RELS = (OFFICE_DOCUMENT, WORKSHEET_REL, CHARTSHEET_REL, STRINGS_REL)  # the relationships svdesk follows
SHEET_STATES = {"visible": "visible", "hidden": "hidden", "veryHidden": "very hidden"}

MAX_SMALL_PART = 8 * 1024 * 1024  # [Content_Types].xml, the relationships and the workbook part, read whole
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # Excel's own grid
_COORD = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INDEX = re.compile(r"[0-9]{1,10}")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # Excel's escape of a character XML cannot carry: _x000D_
_CELL_TYPES = frozenset({"n", "s", "str", "inlineStr", "b", "e", "d"})


def _m(tag: str) -> str:
    return f"{{{MAIN_NS}}}{tag}"


_ROW, _C, _F, _V, _IS, _T, _R, _SI = (_m(t) for t in ("row", "c", "f", "v", "is", "t", "r", "si"))
_SHEET_DATA, _MERGE, _COL, _EXT = _m("sheetData"), _m("mergeCell"), _m("col"), _m("extLst")


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def coordinate(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


_COLUMNS: dict[str, int] = {}  # 'AB' -> 28, filled as letters are met (a sheet uses few)


def parse_coordinate(text: str) -> tuple[int, int] | None:
    """'B14' -> (14, 2); None unless it is an address in Excel's grid, written as Excel writes it."""
    match = _COORD.fullmatch(text)
    if match is None:
        return None
    letters = match.group(1)
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        _COLUMNS[letters] = col
    row = int(match.group(2))
    return (row, col) if row <= MAX_ROW and col <= MAX_COLUMN else None


def decode_text(text: str) -> str:
    """Excel's _xHHHH_ escapes decoded (_x005F_ is a literal underscore), as Excel shows the text."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


# --- the zip's directory --------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """Part names are compared as Excel compares them: without regard to case (or Unicode form)."""
    return unicodedata.normalize("NFC", name).casefold()


def check_part_names(names: list[str], where: str) -> None:
    """Refuse entry names that two readers would resolve to different parts (or to none)."""
    seen: dict[str, str] = {}
    for name in names:
        if name.endswith("/") and "\\" not in name:
            continue  # a folder entry: some zip tools write them; nothing is read from it
        segments = name.split("/")
        if (
            "\\" in name
            or name.startswith("/")
            or any(s in ("", ".", "..") for s in segments)
            or any(ord(ch) < 32 for ch in name)
        ):
            raise ValidationError(
                f"the workbook has a part named {name!r}, which programs resolve differently; refused", source=where
            )
        key = _name_key(name)
        if key in seen:
            if seen[key] == name:
                raise ValidationError(
                    f"the workbook holds two parts named {name!r}; each program would read a different one",
                    source=where,
                )
            raise ValidationError(
                f"the workbook holds parts {seen[key]!r} and {name!r}, whose names differ only in case; Excel "
                "would take them for one part and other programs for two",
                source=where,
            )
        seen[key] = name


# --- the package ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetPart:
    name: str
    state: str  # "visible", "hidden" or "veryHidden", as workbook.xml says
    part: str  # the zip entry
    chart: bool = False  # a chart sheet: no cells

    @property
    def shown_state(self) -> str:
        return SHEET_STATES[self.state]


@dataclass(frozen=True)
class Formula:
    """A cell's formula: its text (a shared formula's master text) and the shift from the master."""

    text: str  # without the leading '='; "" when a shared formula's master is not in the file
    kind: str = "normal"  # normal, shared, array or dataTable
    row_shift: int = 0
    col_shift: int = 0


@dataclass
class SheetRowCells:
    """One row as the sheet holds it: values by 0-based column (a formula's saved result, or None)."""

    number: int
    hidden: bool
    values: list[object]
    formulas: dict[int, Formula] = field(default_factory=dict)  # 0-based column -> formula
    styles: dict[int, int] = field(default_factory=dict)  # 0-based column -> its style (cellXfs index), if not 0


class _Relationships:
    def __init__(self, source: str, targets: dict[str, tuple[str, str, str]]):
        self.source = source  # the .rels part, for messages
        self.targets = targets  # id -> (type, target as written, resolved part name or "" if external)

    def of_type(self, rel_type: str) -> list[tuple[str, str, str]]:
        return [(rid, written, part) for rid, (t, written, part) in self.targets.items() if t == rel_type]


class StrictWorkbook:
    """The package of one .xlsx, resolved as Excel resolves it and refused where openpyxl would differ."""

    def __init__(self, path: Path):
        self.where = str(path)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(f"the workbook is damaged ({exc})", source=self.where) from exc
        try:
            self._resolve()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self) -> StrictWorkbook:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.zip.close()

    def close(self) -> None:
        self.zip.close()

    # -- reading parts

    def refuse(self, message: str, location: str = "") -> ValidationError:
        return ValidationError([Problem(location, message)], source=self.where)

    def _exists(self, part: str, named_by: str) -> None:
        if part in self.names:
            return
        near = self.by_key.get(_name_key(part))
        if near is not None:
            raise self.refuse(
                f"{named_by} names the part {part!r} but the file holds {near!r}; Excel would read it and "
                "other programs would not"
            )
        raise self.refuse(f"{named_by} names the part {part!r}, which is not in the file")

    def _small(self, part: str) -> Element:
        info = self.zip.getinfo(part)
        if info.file_size > MAX_SMALL_PART:
            raise self.refuse(f"the part {part!r} is {info.file_size // 1_048_576} MB; refused")
        try:
            root = parse_small(self.zip.read(part), part)
        except ValidationError as exc:
            raise self.refuse(str(exc)) from exc
        except Exception as exc:  # a ParseError, a bad CRC
            raise self.refuse(f"the part {part!r} cannot be read ({type(exc).__name__}: {exc})") from exc
        return root

    def open_part(self, part: str) -> IO[bytes]:
        try:
            return self.zip.open(part)
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise self.refuse(f"the part {part!r} cannot be read ({exc})") from exc

    # -- resolution

    def _resolve(self) -> None:
        infos = self.zip.infolist()
        self.names = {i.filename for i in infos}
        check_part_names([i.filename for i in infos], self.where)
        self.by_key = {_name_key(n): n for n in self.names}
        defaults, overrides = self._content_types()
        root_rels = self._relationships("_rels/.rels", "")
        documents = root_rels.of_type(OFFICE_DOCUMENT)
        if len(documents) != 1:
            raise self.refuse(f"_rels/.rels names {len(documents)} workbooks; a workbook has exactly one")
        _rid, written, workbook = documents[0]
        if not workbook:
            raise self.refuse(f"_rels/.rels points the workbook at {written!r}, outside the file")
        self._exists(workbook, "_rels/.rels")
        typed = sorted(p for p, t in overrides.items() if t in WORKBOOK_TYPES)
        ext = posixpath.splitext(workbook)[1][1:].lower()
        if not typed and workbook == "xl/workbook.xml" and defaults.get(ext) in WORKBOOK_TYPES:
            typed = [workbook]  # typed by its extension's default: openpyxl then takes xl/workbook.xml too
        if typed != [workbook]:
            shown = ", ".join(repr(p) for p in typed) or "no part"
            raise self.refuse(
                f"[Content_Types].xml gives the workbook as {shown} but _rels/.rels as {workbook!r}; "
                "programs would read different workbooks"
            )
        folder = posixpath.dirname(workbook)
        if folder != "xl":
            raise self.refuse(f"the workbook part is {workbook!r}, outside xl/; refused")
        rels_part = f"{folder}/_rels/{posixpath.basename(workbook)}.rels"
        self._exists(rels_part, f"the workbook {workbook!r}")
        rels = self._relationships(rels_part, folder)
        for rel_type in MACRO_RELS:
            if rels.of_type(rel_type):
                raise self.refuse("the workbook has an Excel 4.0 macro or dialog sheet; save it as a plain .xlsx")

        def content_type(part: str) -> str:
            ext = posixpath.splitext(part)[1][1:].lower()
            return overrides.get(part, defaults.get(ext, ""))

        used = {rid: (t, w, p) for rid, (t, w, p) in rels.targets.items() if t in (WORKSHEET_REL, CHARTSHEET_REL)}
        strings = rels.of_type(STRINGS_REL)
        for _rid, written, part in [(r, w, p) for r, (_t, w, p) in used.items()] + strings:
            if not part.startswith("xl/"):
                raise self.refuse(f"{rels_part} points a sheet or the shared strings at {written!r}, outside xl/")
            self._exists(part, rels_part)
        typed_strings = sorted(p for p, t in overrides.items() if t == STRINGS_TYPE)
        if len(strings) > 1 or typed_strings != [p for _r, _w, p in strings]:
            raise self.refuse(
                f"[Content_Types].xml gives the shared strings as {typed_strings or 'no part'} but {rels_part} as "
                f"{[p for _r, _w, p in strings] or 'no part'}; programs would read different text"
            )
        self.strings_part = strings[0][2] if strings else ""
        styles = [p for _r, _w, p in rels.of_type(STYLES_REL) if p in self.names]
        self.styles_part = styles[0] if len(styles) == 1 else ""
        self._formats: list[tuple[int, str | None]] | None = None
        self.sheets = self._sheets(workbook, used, rels_part, content_type)
        self._strings: list[str] | None = None

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        root = self._small("[Content_Types].xml")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in root:
            if el.tag == f"{{{CT_NS}}}Default":
                ext = (el.get("Extension") or "").lower()
                if ext in defaults and defaults[ext] != el.get("ContentType"):
                    raise self.refuse(f"[Content_Types].xml gives two types for .{ext} parts")
                defaults[ext] = el.get("ContentType") or ""
            elif el.tag == f"{{{CT_NS}}}Override":
                name = el.get("PartName") or ""
                if not name.startswith("/"):
                    raise self.refuse(f"[Content_Types].xml names the part {name!r} without a leading /")
                part = name[1:]
                if any(_name_key(p) == _name_key(part) for p in overrides):
                    raise self.refuse(f"[Content_Types].xml names the part {name!r} twice")
                overrides[part] = el.get("ContentType") or ""
        for part, ctype in overrides.items():
            if ctype in (*WORKBOOK_TYPES, WORKSHEET_TYPE, CHARTSHEET_TYPE, STRINGS_TYPE):
                self._exists(part, "[Content_Types].xml")
        return defaults, overrides

    def _relationships(self, part: str, folder: str) -> _Relationships:
        if part not in self.names:
            self._exists(part, "an .xlsx package")
        root = self._small(part)
        out: dict[str, tuple[str, str, str]] = {}
        for el in root:
            if el.tag != f"{{{PKG_REL_NS}}}Relationship":
                continue
            rid, rel_type, written = el.get("Id") or "", el.get("Type") or "", el.get("Target") or ""
            if rid in out:
                raise self.refuse(f"{part} defines the relationship {rid!r} twice; programs would take different ones")
            resolved = ""
            if el.get("TargetMode") != "External":
                odd = any(ch in written for ch in "\\%?#") or any(s in (".", "..") for s in written.split("/"))
                if odd and rel_type in _READ_RELS:
                    raise self.refuse(f"{part} points {rid} at {written!r}, which programs resolve differently")
                resolved = written[1:] if written.startswith("/") else posixpath.join(folder, written)
                if rel_type not in _READ_RELS:
                    resolved = posixpath.normpath(resolved)  # not read by svdesk: only named
            elif rel_type in _READ_RELS:
                raise self.refuse(f"{part} points {rid} at {written!r} outside the file; refused")
            out[rid] = (rel_type, written, resolved)
        return _Relationships(part, out)

    def _sheets(
        self, workbook: str, used: dict[str, tuple[str, str, str]], rels_part: str, content_type: Callable[[str], str]
    ) -> list[SheetPart]:
        root = self._small(workbook)
        if root.tag == f"{{{STRICT_MAIN_NS}}}workbook":
            raise self.refuse("the workbook is saved as Strict Open XML; save it as an ordinary Excel Workbook (.xlsx)")
        if root.tag != _m("workbook"):
            raise self.refuse(f"the part {workbook!r} is not a workbook")
        sheets_el = root.find(_m("sheets"))
        out: list[SheetPart] = []
        names: set[str] = set()
        parts: dict[str, str] = {}
        for el in sheets_el if sheets_el is not None else []:
            if el.tag != _m("sheet"):
                continue
            name = el.get("name") or ""
            state = el.get("state") or "visible"
            rid = el.get(f"{{{DOC_REL}}}id") or ""
            if state not in SHEET_STATES:
                raise self.refuse(f"sheet {name!r} has the state {state!r}, which programs read differently")
            if name.casefold() in names or not name:
                raise self.refuse(f"the workbook has two sheets named {name!r}")
            names.add(name.casefold())
            if rid not in used:
                raise self.refuse(f"sheet {name!r} points at {rid!r}, which {rels_part} does not give as a sheet")
            rel_type, _written, part = used[rid]
            if part in parts:
                raise self.refuse(f"sheets {parts[part]!r} and {name!r} are the same part {part!r}")
            parts[part] = name
            chart = rel_type == CHARTSHEET_REL
            expected = CHARTSHEET_TYPE if chart else WORKSHEET_TYPE
            if content_type(part) != expected:
                raise self.refuse(
                    f"sheet {name!r} is the part {part!r}, which [Content_Types].xml does not give as a "
                    f"{'chart sheet' if chart else 'worksheet'}"
                )
            out.append(SheetPart(name, state, part, chart))
        if not out:
            raise self.refuse("the workbook has no sheets")
        return out

    @property
    def worksheets(self) -> list[SheetPart]:
        return [s for s in self.sheets if not s.chart]

    # -- cells

    def shared_strings(self) -> list[str]:
        if self._strings is None:
            self._strings = self._read_strings() if self.strings_part else []
        return self._strings

    def _read_strings(self) -> list[str]:
        out: list[str] = []
        with self.open_part(self.strings_part) as fh:
            try:
                for _event, el in iterparse_guarded(fh, self.strings_part):
                    if el.tag == _SI:
                        out.append(_rich_text(el))
                        el.clear()
            except ValidationError as exc:
                raise exc if exc.source else self.refuse(str(exc)) from exc
            except Exception as exc:
                raise self.refuse(f"the shared strings cannot be read ({type(exc).__name__}: {exc})") from exc
        return out

    def number_format(self, style: int) -> tuple[int, str | None] | None:
        """The number format of a cell style: (its id, its code, or None for a built-in); None when the
        workbook has no such style."""
        if self._formats is None:
            self._formats = self._read_formats() if self.styles_part else []
        return self._formats[style] if 0 <= style < len(self._formats) else None

    def _read_formats(self) -> list[tuple[int, str | None]]:
        root = self._small(self.styles_part)
        codes: dict[int, str] = {}
        for el in root.iterfind(f"{_m('numFmts')}/{_m('numFmt')}"):
            number = el.get("numFmtId") or ""
            if _INDEX.fullmatch(number):
                codes[int(number)] = el.get("formatCode") or ""
        out: list[tuple[int, str | None]] = []
        for xf in root.iterfind(f"{_m('cellXfs')}/{_m('xf')}"):
            number = xf.get("numFmtId") or "0"
            fid = int(number) if _INDEX.fullmatch(number) else -1
            out.append((fid, codes.get(fid)))
        return out

    def rows(self, sheet: SheetPart, max_rows: int | None = None) -> SheetCells:
        return SheetCells(self, sheet, max_rows)


def _rich_text(el: Element) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t> (never the phonetic <rPh> runs)."""
    parts = []
    for child in el:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            t = child.find(_T)
            if t is not None:
                parts.append(t.text or "")
    return decode_text("".join(parts))


class SheetCells:
    """One sheet's rows in order; after they are read, its merged ranges. Ambiguity is refused by cell."""

    def __init__(self, book: StrictWorkbook, sheet: SheetPart, max_rows: int | None):
        self.book, self.sheet, self.max_rows = book, sheet, max_rows
        self.merges: list[tuple[int, int, int, int]] = []  # min_row, min_col, max_row, max_col
        self.hidden_columns: list[tuple[int, int]] = []  # 1-based ranges, first and last
        self.complete = False  # every row was read (the merged ranges come after them)
        self._shared: dict[str, tuple[int, int, str]] = {}  # si -> master row, column, text

    def refuse(self, cell: str, message: str) -> ValidationError:
        return ValidationError([Problem(f"sheet {self.sheet.name!r}, cell {cell}", message)], self.book.where)

    def refuse_row(self, row: int, message: str) -> ValidationError:
        return ValidationError([Problem(f"sheet {self.sheet.name!r}, row {row}", message)], self.book.where)

    def __iter__(self) -> Iterator[SheetRowCells]:
        strings = self.book.shared_strings()
        with self.book.open_part(self.sheet.part) as fh:
            try:
                yield from self._rows(fh, strings)
            except ValidationError as exc:
                raise exc if exc.source else self.book.refuse(str(exc)) from exc
            except Exception as exc:  # a ParseError (an undefined entity among them), a bad CRC
                raise self.book.refuse(
                    f"sheet {self.sheet.name!r} cannot be read ({type(exc).__name__}: {exc})"
                ) from exc

    def _rows(self, fh: IO[bytes], strings: list[str]) -> Iterator[SheetRowCells]:
        # "end" events only: a row is handled whole when it closes, its cells being its children.
        last_row = 0
        for _event, el in iterparse_guarded(fh, self.sheet.part):
            tag = el.tag
            if tag == _ROW:
                number = self._row_number(el.get("r"), last_row)
                if self.max_rows is not None and number > self.max_rows:
                    return
                last_row = number
                yield self._row(el, number, strings)
                el.clear()
            elif tag == _SHEET_DATA:
                odd = next((child.tag for child in el if child.tag != _ROW), None)
                if odd is not None:
                    raise self.book.refuse(f"sheet {self.sheet.name!r} has {odd!r} among its rows")
                el.clear()
            elif tag == _MERGE:
                self._merge(el.get("ref") or "")
            elif tag == _COL and el.get("hidden") in ("1", "true"):
                lo, hi = el.get("min") or "", el.get("max") or ""
                if _INDEX.fullmatch(lo) and _INDEX.fullmatch(hi):
                    self.hidden_columns.append((int(lo), int(hi)))
        self.complete = True

    def _row_number(self, text: str | None, last_row: int) -> int:
        if text is None:
            return last_row + 1
        if not _INDEX.fullmatch(text) or not 0 < int(text) <= MAX_ROW:
            raise self.book.refuse(f"sheet {self.sheet.name!r} has a row numbered {text[:20]!r}")
        number = int(text)
        if number <= last_row:
            raise self.refuse_row(
                number,
                f"the row is written again after row {last_row} (or out of order); programs would show different rows",
            )
        return number

    def _row(self, el: Element, row: int, strings: list[str]) -> SheetRowCells:
        values: list[object] = []
        formulas: dict[int, Formula] = {}
        styles: dict[int, int] = {}
        last_col = 0
        for c in el:
            if c.tag != _C:
                if c.tag == _EXT:
                    continue
                raise self.refuse_row(row, f"unexpected {c.tag!r} in the row")
            last_col = self._cell(c, row, last_col, values, formulas, strings)
            style = c.get("s")
            if style and style != "0":
                styles[last_col - 1] = int(style) if _INDEX.fullmatch(style) else -1
        return SheetRowCells(row, el.get("hidden") in ("1", "true"), values, formulas, styles)

    def _cell(
        self,
        el: Element,
        row: int,
        last_col: int,
        values: list[object],
        formulas: dict[int, Formula],
        strings: list[str],
    ) -> int:
        ref = el.get("r")
        if ref is None:
            col = last_col + 1
        else:
            where = parse_coordinate(ref)
            if where is None:
                raise self.refuse_row(row, f"a cell is addressed {ref[:20]!r}, which is not a cell")
            if where[0] != row:
                raise self.refuse(ref, f"the cell {ref} is written inside row {row}")
            col = where[1]
        if col <= last_col:
            raise self.refuse(
                coordinate(row, col), "the cell is written twice, or out of order; programs would take different values"
            )
        v = f = inline = None
        name = ref or coordinate(row, col)  # for messages
        for child in el:
            tag = child.tag
            if tag == _V and v is None:
                v = child
            elif tag == _F and f is None:
                f = child
            elif tag == _IS and inline is None:
                inline = child
            elif tag != _EXT:
                raise self.refuse(
                    coordinate(row, col), "the cell holds parts Excel does not write (a second value or formula)"
                )
        kind = el.get("t") or "n"
        raw = v.text if v is not None else None
        value: object = None
        if kind == "inlineStr":
            value = _rich_text(inline) if inline is not None else None
        elif raw:
            if kind == "n":
                value = _number(raw)
                if value is None:
                    raise self.refuse(name, f"{raw[:40]!r} is not a number Excel can hold")
            elif kind == "s":
                if not _INDEX.fullmatch(raw) or int(raw) >= len(strings):
                    raise self.refuse(
                        name,
                        f"the cell refers to shared string {raw[:20]!r}, but the workbook's table has "
                        f"{len(strings):,} strings (numbered from 0); each program would show a different text",
                    )
                value = strings[int(raw)]
            elif kind == "b":
                if raw not in ("0", "1"):
                    raise self.refuse(name, f"{raw[:20]!r} is not TRUE or FALSE")
                value = raw == "1"
            elif kind in ("str", "e", "d"):  # a formula's text, an error such as #DIV/0!, an ISO date (as text)
                value = decode_text(raw)
            else:
                raise self.refuse(name, f"the cell's type {kind[:20]!r} is not one Excel writes")
        elif kind == "s":
            raise self.refuse(name, "the cell is a shared string with no index")
        elif kind not in _CELL_TYPES:
            raise self.refuse(name, f"the cell's type {kind[:20]!r} is not one Excel writes")
        if f is not None:
            formulas[col - 1] = self._formula(f, row, col)
        if value is not None or f is not None:
            if len(values) < col:
                values.extend([None] * (col - len(values)))
            values[col - 1] = value
        return col

    def _formula(self, f: Element, row: int, col: int) -> Formula:
        kind = f.get("t") or "normal"
        text = f.text or ""
        if kind != "shared":
            return Formula(text, kind)
        si = f.get("si") or ""
        if text:
            self._shared[si] = (row, col, text)
            return Formula(text, "shared")
        master = self._shared.get(si)
        if master is None:
            return Formula("", "shared")  # its master is not in the file before it: cannot be known
        return Formula(master[2], "shared", row - master[0], col - master[1])

    def _merge(self, ref: str) -> None:
        ends = ref.split(":")
        corners = [parse_coordinate(e) for e in ends]
        if len(ends) != 2 or corners[0] is None or corners[1] is None:
            raise self.book.refuse(f"sheet {self.sheet.name!r} has a merged range {ref[:40]!r}, which is not a range")
        (r1, c1), (r2, c2) = corners[0], corners[1]
        self.merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))


# --- XML without a DTD ----------------------------------------------------------------------------

PROLOG_LIMIT = 64 * 1024


class _Replay:
    """A part's stream with its first bytes (already inspected) put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self.head, self.rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.rest.read(size)


def check_prolog(head: bytes, part: str) -> None:
    """Refuse a part whose prolog holds a DTD (the only way to entities: bombs, external files) or that
    is not UTF-8. A part Excel writes never has one. Only comments, processing instructions and
    white space may come before the root element."""
    data = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    i = 0
    while True:
        while i < len(data) and data[i] in b" \t\r\n":
            i += 1
        if data.startswith(b"<?", i) or data.startswith(b"<!--", i):
            close = data.find(b"?>" if data[i + 1] == ord("?") else b"-->", i)
            if close < 0:
                raise ValidationError(f"the part {part!r} has a prolog longer than {PROLOG_LIMIT // 1024} KB")
            i = close + 2
            continue
        if data.startswith(b"<!", i):
            raise ValidationError(f"the part {part!r} declares a DTD (<!DOCTYPE ...>), which a workbook never has")
        if i + 1 < len(data) and data[i] == ord("<") and data[i + 1] not in b"\0!?/":
            return
        raise ValidationError(f"the part {part!r} is not XML in UTF-8, as Excel writes it")


def iterparse_guarded(fh: IO[bytes], part: str) -> Iterator[tuple[str, Element]]:
    """`ElementTree.iterparse` ("end" events) on a part, after `check_prolog`. The C parser, not
    defusedxml's (which is pure Python and 3-6 times slower on a 10,000-row sheet): with no DTD there is
    no entity to expand or fetch, and expat refuses an undefined one."""
    head = fh.read(PROLOG_LIMIT)
    check_prolog(head, part)
    return ET.iterparse(_Replay(head, fh), events=("end",))  # any object with .read() will do


def parse_small(data: bytes, part: str) -> Element:
    check_prolog(data[:PROLOG_LIMIT], part)
    return ET.fromstring(data)


def _number(raw: str) -> int | float | None:
    text = raw.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if text.lstrip("+-").isdigit() and len(text) <= 15:  # longer: a double, as Excel holds it (or too large)
        return int(text)
    number = float(text)
    return number if number not in (float("inf"), float("-inf")) else None


def scan_every_sheet(path: Path) -> None:
    """The whole package resolved and every cell of every worksheet read once: refuses what
    `StrictWorkbook` refuses (a part resolved two ways, a shared-string index out of range, rows or
    cells written twice), naming the part or cell, before openpyxl reads the file its own way."""
    with StrictWorkbook(path) as book:
        for sheet in book.worksheets:
            for _row in book.rows(sheet):
                pass
