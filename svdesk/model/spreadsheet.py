"""Reading untrusted spreadsheets: pre-checks on the zip, then openpyxl (which uses defusedxml).

Bidders' workbooks are hostile until proven otherwise. Before openpyxl sees a byte we check
that the path is a regular file (`input_files`), that the file is a zip at all, its entry count,
unpacked size and compression ratio, that no two entries could be taken for one part
(`xlsx_parts.check_part_names`), and refuse macro-enabled, encrypted and externally linked
workbooks. In the sandbox, `open_workbook_safely` then resolves the package as Excel does and reads
every cell once (`xlsx_parts.scan_every_sheet`), refusing what openpyxl would read another way.
"""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from svdesk.model.errors import ValidationError
from svdesk.model.input_files import WORKBOOK, InputKind, check_input_file
from svdesk.model.names import magnitude_problem, quoted
from svdesk.model.xlsx_parts import check_part_names, scan_every_sheet

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_ENTRIES = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # a real xlsx compresses 5-20x; bombs compress 1000x and more
MAX_CELL_CHARS = 32_767  # Excel's own limit
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and old .xls are OLE containers

_MONEY = re.compile(r"^\(?-?\s*[£$€]?\s*-?[\d,]*\.?\d+\s*\)?$")


def check_xlsx_container(path: Path, kind: InputKind = WORKBOOK) -> None:
    """Refuse anything that is not a plain, reasonably sized OOXML workbook (`kind` names it)."""
    where = str(path)
    check_input_file(path, kind)  # a FIFO would block the read below, /dev/zero would never end
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ValidationError(f"cannot read the file: {exc.strerror}", source=where) from exc
    if head.startswith(OLE_MAGIC):
        raise ValidationError(
            "the workbook is password-protected (encrypted) or an old .xls file; save it as an "
            "unprotected .xlsx and try again",
            source=where,
        )
    if not zipfile.is_zipfile(path):
        raise ValidationError("not an .xlsx workbook (it is not a zip container)", source=where)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise ValidationError(f"the workbook has {len(infos)} parts (limit {MAX_ENTRIES})", source=where)
            unpacked = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if unpacked > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    f"the workbook unpacks to {unpacked // 1_048_576} MB (limit {MAX_UNPACKED_BYTES // 1_048_576} MB)",
                    source=where,
                )
            if unpacked > 1_048_576 and unpacked / packed > MAX_RATIO:
                raise ValidationError(
                    f"the workbook is compressed {unpacked / packed:.0f}:1, the mark of a zip bomb; refused",
                    source=where,
                )
            names = {i.filename for i in infos}
            check_part_names([i.filename for i in infos], where)
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"the workbook is damaged ({exc})", source=where) from exc
    if "[Content_Types].xml" not in names:
        raise ValidationError("not an .xlsx workbook (no [Content_Types].xml)", source=where)
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ValidationError("macro-enabled workbooks are refused; save it as a plain .xlsx", source=where)
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise ValidationError(
            "the workbook links to other files (external links); remove the links first", source=where
        )
    if "EncryptedPackage" in names:
        raise ValidationError("the workbook is encrypted", source=where)


def open_workbook_safely(path: Path) -> Workbook:
    import openpyxl  # here, not at the top: openpyxl costs 0.3 s of every start-up otherwise

    check_xlsx_container(path)
    scan_every_sheet(path)  # the parts as Excel resolves them, every shared-string index in range (cell named)
    try:
        # read_only streams rows; data_only gives the cached results of formulas, never formulas.
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ValidationError(f"the workbook cannot be read ({type(exc).__name__}: {exc})", source=str(path)) from exc


def parse_number(value: object) -> float | None:
    """A cell as a number: 12, 12.5, '£ 1,234.50', '£ -' (zero), '' (None). Else ValueError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        if problem := magnitude_problem(value):  # before float(): a 400-digit integer cell overflows it
            raise ValueError(problem)
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", " ")
        if not text:
            return None
        compact = text.replace(" ", "")
        if compact in ("-", "£-", "$-", "€-", "–", "£–"):
            return 0.0  # accounting format for zero
        if len(text) > 60 or not _MONEY.match(text):
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise ValueError(f"{shown!r} is not a number")
        negative = compact.startswith("(") and compact.endswith(")")
        digits = re.sub(r"[£$€,()\s]", "", text)
        number = float(digits)
        if negative:
            number = -abs(number)
    if not math.isfinite(number):
        raise ValueError(f"{quoted(value)} is not a finite number")
    if problem := magnitude_problem(number):
        raise ValueError(problem)
    return number
