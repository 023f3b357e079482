"""Offline scoring pack import at size: a member's pack exported by svdesk, filled in, imported back.

    python -m benchmarks.pack_import [--rows 1000,8000,50000] [--questions 5] [--work DIR]

Each size is a tender of rows/questions bidders x `questions` questions, one evaluator (enrolled:
every score's audit entry is signed) and a chair, in scoring. The pack is exported through the use
case, every row filled in, read (in the sandbox) and imported by the evaluator signed in; the
figure is the import's rows per second (planning and writing, in one transaction). One JSON line
per size, and with `--json` only those lines.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REFERENCE = "PACK-BENCH"
EVALUATOR = "Evaluator 01"
CHAIR = "Chair"
OFFICER = "Officer"


def passphrase(member: str) -> str:
    return f"{member} keeps this passphrase"


def pack_tender(bidders: int, questions: int = 5) -> dict:
    """An evaluation file: `bidders` x `questions`, one evaluator and a chair, everyone declared, in scoring
    (the first bidder's scores are in, so the tender loads in scoring; the pack holds them unchanged)."""
    from benchmarks.generate import large_tender

    doc = large_tender(bidders=bidders, measures=3, questions=questions, evaluators=1)
    doc["tender"]["reference"] = REFERENCE
    doc["panel"].append({"name": OFFICER, "role": "officer"})
    first = doc["bidders"][0]["name"]
    doc["scores"] = [s for s in doc["scores"] if s["bidder"] == first]
    doc["moderated"] = []
    doc["adjustments"] = []
    return doc


def peak_mb() -> float:
    from benchmarks.measure import peak_mb as measured

    return measured()


def build(work: Path, bidders: int, questions: int = 5) -> Path:
    """The tender in a fresh database under `work`, the evaluator and the officer enrolled."""
    from svdesk.app import evaluation_files, identity
    from svdesk.app.database import open_database

    work.mkdir(parents=True, exist_ok=True)
    path = work / f"pack-{bidders}x{questions}.sqlite"
    for old in work.glob(f"{path.name}*"):
        old.unlink()
    source = work / f"pack-{bidders}x{questions}.json"
    source.write_text(json.dumps(pack_tender(bidders, questions)), encoding="utf-8")
    db = open_database(path)
    try:
        evaluation_files.load(db, OFFICER, source)
        identity.enrol(db, OFFICER, REFERENCE, OFFICER, passphrase(OFFICER))
        officer = identity.sign_in(db, REFERENCE, OFFICER, passphrase(OFFICER))
        identity.enrol(db, officer, REFERENCE, EVALUATOR, passphrase(EVALUATOR))
    finally:
        db.dispose()
    return path


def export(db_path: Path, out: Path) -> Path:
    from svdesk.app import identity, packs
    from svdesk.app.database import open_database

    db = open_database(db_path)
    try:
        member = identity.sign_in(db, REFERENCE, EVALUATOR, passphrase(EVALUATOR))
        return packs.export_pack(db, member, REFERENCE, EVALUATOR, out)
    finally:
        db.dispose()


_EMPTY_CELL = re.compile(rb'<c r="([DE])(\d+)"( s="\d+")?(?: t="n")?\s*/>')


def fill(pack: Path, out: Path, score: int = 3) -> int:
    """Every empty score and rationale cell of the Scores sheet filled in, as an evaluator would in
    Excel (the sheet's XML edited in place: openpyxl takes minutes to load and save 50,000 rows).
    Returns how many rows were filled."""
    with zipfile.ZipFile(pack) as zin:
        names = zin.namelist()
        workbook = zin.read("xl/workbook.xml").decode()
        rels = zin.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(r'<sheet [^>]*name="Scores"[^>]*r:id="(rId\d+)"', workbook)
        assert rid is not None, "no Scores sheet"
        target = re.search(rf'<Relationship [^>]*Id="{rid[1]}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid[1]}"', rels
        )
        assert target is not None
        sheet = "xl/" + target[1].lstrip("/").removeprefix("xl/")
        filled = 0

        def put(match: re.Match[bytes]) -> bytes:
            nonlocal filled
            column, row, style = match[1], match[2], match[3] or b""
            if column == b"D":
                filled += 1
                return b'<c r="D' + row + b'"' + style + b"><v>" + str(score).encode() + b"</v></c>"
            text = f"Row {int(row)}: section 3.2 names the lead and a monthly report.".encode()
            return b'<c r="E' + row + b'"' + style + b' t="inlineStr"><is><t>' + text + b"</t></is></c>"

        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                data = zin.read(name)
                if name == sheet:
                    data = _EMPTY_CELL.sub(put, data)
                zout.writestr(name, data)
    return filled


def import_timed(db_path: Path, pack: Path) -> dict:
    from svdesk.app import identity, packs
    from svdesk.app.database import open_database

    started = time.perf_counter()
    read = packs.read_scoring_pack(pack)
    read_s = time.perf_counter() - started
    db = open_database(db_path)
    try:
        member = identity.sign_in(db, REFERENCE, EVALUATOR, passphrase(EVALUATOR))
        started = time.perf_counter()
        done = packs.import_pack(db, member, REFERENCE, read)
        import_s = time.perf_counter() - started
    finally:
        db.dispose()
    assert done.outcome is not None
    return {
        "rows": len(read.rows),
        "written": len(done.outcome.written),
        "read_s": round(read_s, 3),
        "import_s": round(import_s, 3),
        "rows_per_s": round(len(read.rows) / import_s),
    }


def run(rows: int, questions: int, work: Path) -> dict:
    bidders = max(1, rows // questions)
    started = time.perf_counter()
    db_path = build(work, bidders, questions)
    built_s = time.perf_counter() - started
    started = time.perf_counter()
    blank = export(db_path, work / f"pack-{bidders}x{questions}.xlsx")
    export_s = time.perf_counter() - started
    filled = work / f"pack-{bidders}x{questions}-filled.xlsx"
    fill(blank, filled)
    result = {"bidders": bidders, "questions": questions, "build_s": round(built_s, 1), "export_s": round(export_s, 2)}
    result |= import_timed(db_path, filled)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.pack_import")
    parser.add_argument("--rows", default="1000,8000,50000", help="pack sizes, comma-separated")
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--json", action="store_true", help="only the JSON lines")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="svdesk-pack-bench-"))
    try:
        for rows in (int(r) for r in args.rows.split(",")):
            result = run(rows, args.questions, work)
            result |= {"seconds": result["import_s"], "peak_mb": peak_mb()}  # as `make bench` reads a figure
            if not args.json:
                print(
                    f"pack import {result['rows']:>6,} rows ({result['bidders']:,} bidders x {result['questions']}): "
                    f"{result['import_s']:.2f} s, {result['rows_per_s']:,} rows/s "
                    f"(read {result['read_s']:.2f} s, export {result['export_s']:.2f} s)",
                    file=sys.stderr,
                )
            print(json.dumps(result), flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
