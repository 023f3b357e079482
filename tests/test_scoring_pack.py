"""Offline scoring packs: exported, filled in with openpyxl like a real evaluator's file, imported back."""

from __future__ import annotations

import hashlib
import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from svdesk.app import packs
from svdesk.export.scoring_pack import scoring_pack
from svdesk.model import audit
from svdesk.model.errors import ValidationError
from svdesk.model.scoring import Weights
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.pack_binding import PackBinding
from svdesk.model.services.report_data import report_data
from svdesk.model.services.scoring_pack import (
    PACK_FORMAT,
    apply_pack_import,
    plan_pack_import,
    read_scoring_pack,
)
from svdesk.model.services.tenders import get_tender, scores_visible_to, set_score

OFFICER = "Priya"
WEAVER = "Weaver Valley"
HOSTILE = '=HYPERLINK("http://x","y")'  # a bidder name that must stay text in the pack and map back
QUESTIONS = ("Q1", "Q2", "SV1")
UNISSUED = PackBinding("p-test", "uid", "now", "0" * 64)  # for looking at a pack's layout only


def _setup(db, reference: str) -> None:
    with db.transaction() as s:
        t = su.create_tender(s, OFFICER, reference, "Home care", 2_400_000, Weights(40, 50, 10), 50)
        su.add_measure(s, t, OFFICER, "NT1")
        su.save_question(s, t, OFFICER, "Q1", section="quality", title="Recruitment", text="How?", weight=60)
        su.save_question(s, t, OFFICER, "Q2", section="quality", text="Safeguarding?", weight=40)
        su.save_question(s, t, OFFICER, "SV1", section="social_value", text="Delivering SV?", weight=100)
        for name, price in ((WEAVER, 2_310_000), (HOSTILE, 2_195_000)):
            su.add_bidder(s, t, OFFICER, name, price)
        for name, role in (("Tom", "evaluator"), ("Gwen", "evaluator"), ("Sam", "evaluator"), ("Alan", "chair")):
            su.add_member(s, t, OFFICER, name, role)
        wf.open_scoring(s, t, OFFICER)
        for m in ("Tom", "Gwen", "Sam", "Alan"):
            for b in (WEAVER, HOSTILE):
                conflict = (m, b) == ("Sam", HOSTILE)
                wf.declare(s, t, m, b, conflict, "Worked there until 2025" if conflict else "")


@pytest.fixture
def db(tmp_path):
    database = open_svdesk_database(tmp_path / "pack.sqlite")
    _setup(database, "PK-1")
    yield database
    database.dispose()


def export(db, member: str, path: Path, reference: str = "PK-1") -> Path:
    return packs.export_pack(db, OFFICER, reference, member, path)


def fill(
    path: Path, edits: dict[tuple[str, str], tuple[object, object]], meta: dict[str, object] | None = None
) -> None:
    """Edit the real file as an evaluator would: (bidder, question) -> (score, rationale)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Scores"]
    rows = {(ws[f"A{r}"].value, ws[f"B{r}"].value): r for r in range(2, ws.max_row + 1)}
    for (bidder, question), (score, rationale) in edits.items():
        r = rows[(bidder if not bidder.startswith("=") else "'" + bidder, question)]
        ws[f"D{r}"].value, ws[f"E{r}"].value = score, rationale
    for key, value in (meta or {}).items():
        row = next(r for r in range(1, 20) if wb["Meta"][f"A{r}"].value == key)
        wb["Meta"][f"B{row}"].value = value
    wb.save(path)


def row_of(path: Path, bidder: str, question: str) -> int:
    ws = openpyxl.load_workbook(path)["Scores"]
    shown = "'" + bidder if bidder.startswith("=") else bidder
    return next(r for r in range(2, ws.max_row + 1) if (ws[f"A{r}"].value, ws[f"B{r}"].value) == (shown, question))


def plan(db, path: Path, member: str | None = None, reference: str = "PK-1"):
    pack = read_scoring_pack(path)
    with db.reader() as s:
        return plan_pack_import(s, get_tender(s, reference), pack, member)


def scores(db, member: str = "Tom") -> dict[tuple[str, str], tuple[float, str]]:
    with db.reader() as s:
        return {(v.bidder, v.question): (v.score, v.rationale) for v in scores_visible_to(s, get_tender(s), member)}


def score_entries(db) -> list:
    with db.reader() as s:
        return [e for e in audit.history(s, get_tender(s).uid) if e.action == "score.set"]


ALL_TOM = {(b, q): (3, f"{q}: section {i} names staff") for i, b in enumerate((WEAVER, HOSTILE)) for q in QUESTIONS}


def test_exported_pack_guides_the_evaluator(db, tmp_path):
    with db.transaction() as s:
        set_score(s, get_tender(s), "Tom", WEAVER, "Q2", 4, "+ve: named lead (2.1)")  # a formula trigger
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Questions", "Scores", "Meta"]
    assert wb["Meta"].sheet_state == "hidden"
    meta = {wb["Meta"][f"A{r}"].value: wb["Meta"][f"B{r}"].value for r in range(1, 9)}
    assert meta["format"] == PACK_FORMAT and meta["tender"] == "PK-1" and meta["member"] == "Tom"
    with db.reader() as s:
        assert meta["fingerprint"] == report_data(s, get_tender(s)).fingerprint

    ws = wb["Scores"]
    assert ws.max_row == 1 + 2 * 3
    assert ws.protection.sheet is True
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"0,1,2,3,4,5"' and str(dv.sqref) == "D2:D7"
    for r in range(2, 8):
        assert ws[f"D{r}"].protection.locked is False and ws[f"E{r}"].protection.locked is False
        assert ws[f"A{r}"].protection.locked and ws[f"F{r}"].protection.locked
        assert ws[f"F{r}"].value.startswith("k")
    assert ws.column_dimensions["F"].hidden
    r = row_of(path, WEAVER, "Q2")
    assert (ws[f"D{r}"].value, ws[f"E{r}"].value) == (4, "'+ve: named lead (2.1)")  # own score, neutralised
    assert {c.value for c in ws["A"][1:]} == {WEAVER, "'" + HOSTILE}
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    instructions = [c.value for c in wb["Instructions"]["A"] if c.value]
    assert "Score scale" in instructions and wb["Questions"]["A2"].value == "Q1"

    # Blind scoring and conflicts: Sam's pack leaves out the bid he declared a conflict with.
    sam = openpyxl.load_workbook(export(db, "Sam", tmp_path / "sam.xlsx"))["Scores"]
    assert {c.value for c in sam["A"][1:]} == {WEAVER} and sam.max_row == 4
    assert sam["D2"].value is None  # Tom's scores never appear in anyone else's pack


def test_long_scales_list_their_points_from_the_instructions(db):
    with db.reader() as s:
        data = report_data(s, get_tender(s))
    data.scale_max, data.scale_step, data.descriptors = 100, 1, {0.0: "None", 100.0: "All"}
    wb = openpyxl.load_workbook(BytesIO(scoring_pack(data, "Tom", UNISSUED)))
    (dv,) = wb["Scores"].data_validations.dataValidation
    assert dv.type == "list" and dv.formula1.startswith("Instructions!$A$")
    first, last = (int(part.split("$")[-1]) for part in dv.formula1.split("!")[1].split(":"))
    assert [wb["Instructions"][f"A{r}"].value for r in range(first, last + 1)] == list(range(101))

    data.scale_step = 0.01  # 10,001 points: bounds only; the import still checks the steps
    wb = openpyxl.load_workbook(BytesIO(scoring_pack(data, "Tom", UNISSUED)))
    (dv,) = wb["Scores"].data_validations.dataValidation
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "100")


def test_filled_pack_imports_with_audit(db, tmp_path):
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    fill(path, ALL_TOM)
    p = plan(db, path)
    assert p.member == "Tom" and p.counts() == {"new": 6, "unchanged": 0, "conflict": 0, "blank": 0}
    with db.transaction() as s:
        outcome = apply_pack_import(s, get_tender(s), p, OFFICER)
    assert len(outcome.written) == 6
    assert scores(db) == {k: (3.0, v[1]) for k, v in ALL_TOM.items()}
    entries = score_entries(db)
    # typed in by someone other than Tom: entered by proxy, from the file itself (tests/test_proxy_entry.py)
    source = f"offline pack {hashlib.sha256(path.read_bytes()).hexdigest()}"
    assert len(entries) == 6 and all(
        e.actor == OFFICER and e.reason == f"entered by proxy from {source}" for e in entries
    )

    with pytest.raises(ValidationError, match=r"Meta!B9: this pack was imported on .* by Priya; export a new pack"):
        plan(db, path)  # a pack is imported once (tests/test_pack_binding.py)
    again = export(db, "Tom", tmp_path / "again.xlsx")  # a new pack of the same scores changes nothing
    p = plan(db, again)
    assert p.counts()["unchanged"] == 6
    with db.transaction() as s:
        assert apply_pack_import(s, get_tender(s), p, OFFICER).written == []
    assert len(score_entries(db)) == 6


def test_conflict_is_never_overwritten_silently(db, tmp_path):
    with db.transaction() as s:
        set_score(s, get_tender(s), "Tom", WEAVER, "Q1", 3, "Section 1 plan.")
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    with db.transaction() as s:  # edited in svdesk after the export ...
        set_score(s, get_tender(s), "Tom", WEAVER, "Q1", 4, "Named lead after clarification.")
    fill(path, {(WEAVER, "Q1"): (2, "Only six posts evidenced."), (WEAVER, "Q2"): (3, "Lead named in 2.1.")})
    p = plan(db, path)  # ... and in the pack
    status = {r.key: r.status for r in p.rows}
    assert status[(WEAVER, "Q1")] == "conflict" and status[(WEAVER, "Q2")] == "new"
    assert status[(HOSTILE, "Q1")] == "blank"
    (c,) = p.conflicts
    assert (c.pack_score, c.existing_score, c.existing_rationale) == (2, 4, "Named lead after clarification.")
    entries = len(score_entries(db))

    with pytest.raises(ValidationError) as info, db.transaction() as s:
        apply_pack_import(s, get_tender(s), p, "Tom")
    assert f"Scores!D{c.row}: Q1 for {WEAVER}: the database holds 4" in str(info.value)
    assert "choose 'pack' or 'existing'" in str(info.value)
    assert len(score_entries(db)) == entries and (WEAVER, "Q2") not in scores(db)  # nothing written

    with pytest.raises(ValidationError, match="use 'pack' or 'existing'"), db.transaction() as s:
        apply_pack_import(s, get_tender(s), p, "Tom", {(WEAVER, "Q1"): "mine"})

    with db.transaction() as s:
        apply_pack_import(s, get_tender(s), p, "Tom", {(WEAVER, "Q1"): "existing"})
    assert scores(db)[(WEAVER, "Q1")] == (4.0, "Named lead after clarification.")
    assert scores(db)[(WEAVER, "Q2")] == (3.0, "Lead named in 2.1.")

    path = export(db, "Tom", tmp_path / "tom-again.xlsx")  # the first pack is imported: a new one
    fill(path, {(WEAVER, "Q1"): (2, "Only six posts evidenced."), (WEAVER, "Q2"): (3, "Lead named in 2.1.")})
    p = plan(db, path)
    with db.transaction() as s:
        apply_pack_import(s, get_tender(s), p, "Tom", {(WEAVER, "Q1"): "pack"})
    assert scores(db)[(WEAVER, "Q1")] == (2.0, "Only six posts evidenced.")


def test_a_stale_preview_is_refused(db, tmp_path):
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    fill(path, {(WEAVER, "Q1"): (2, "Only six posts evidenced.")})
    p = plan(db, path)
    assert p.rows[0].status == "new"
    with db.transaction() as s:  # someone types the score in svdesk between preview and import
        set_score(s, get_tender(s), "Tom", WEAVER, "Q1", 5, "Excellent.")
    with pytest.raises(ValidationError, match="changed in the database since the preview"), db.transaction() as s:
        apply_pack_import(s, get_tender(s), p, "Tom")
    assert scores(db)[(WEAVER, "Q1")] == (5.0, "Excellent.")


def test_bad_cells_are_named_and_nothing_is_written(db, tmp_path):
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    fill(
        path,
        {
            (WEAVER, "Q1"): (7, "Outstanding."),
            (WEAVER, "Q2"): (3, None),
            (WEAVER, "SV1"): ("lots", "Good."),
            (HOSTILE, "Q1"): (2.5, "Half way."),
            (HOSTILE, "Q2"): (None, "Notes without a score."),
            (HOSTILE, "SV1"): (4, "Fine."),
        },
    )
    with pytest.raises(ValidationError) as info:
        read_scoring_pack(path)
    text = str(info.value)
    assert info.value.source == str(path)
    assert f"Scores!D{row_of(path, WEAVER, 'Q1')}: 7 is above the scale maximum 5" in text
    assert f"Scores!E{row_of(path, WEAVER, 'Q2')}: a rationale is required" in text
    assert f"Scores!D{row_of(path, WEAVER, 'SV1')}: 'lots' is not a number" in text
    assert f"Scores!D{row_of(path, HOSTILE, 'Q1')}: 2.5 is not on the scale" in text
    assert f"Scores!D{row_of(path, HOSTILE, 'Q2')}: no score is given" in text
    assert len(info.value.problems) == 5
    assert scores(db) == {} and score_entries(db) == []


def test_the_tenders_scale_decides_not_the_packs(db, tmp_path):
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    fill(path, {(WEAVER, "Q1"): (7, "Outstanding.")}, meta={"scale_max": 10})  # a doctored pack
    pack = read_scoring_pack(path)
    with pytest.raises(ValidationError) as info, db.reader() as s:
        plan_pack_import(s, get_tender(s), pack)
    assert str(info.value) == f"{path}: Scores!D{row_of(path, WEAVER, 'Q1')}: 7 is above the scale maximum 5"


def test_a_pack_for_another_tender_or_member_is_refused(db, tmp_path):
    _setup(db, "PK-2")
    path = export(db, "Tom", tmp_path / "other.xlsx", reference="PK-2")
    fill(path, {(WEAVER, "Q1"): (3, "Section 1 plan.")})
    with pytest.raises(ValidationError, match="this pack was issued for tender 'PK-2', not 'PK-1'"):
        plan(db, path, reference="PK-1")
    with pytest.raises(ValidationError, match="this pack holds Tom's scores, not Gwen's"):
        plan(db, path, member="Gwen", reference="PK-2")
    with db.reader() as s:
        assert scores_visible_to(s, get_tender(s, "PK-1"), "Tom") == []


def test_not_a_pack_and_oversized_cells_are_refused(db, tmp_path):
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(ValidationError, match="not an svdesk scoring pack"):
        read_scoring_pack(plain)

    path = export(db, "Tom", tmp_path / "tom.xlsx")
    fill(path, {(WEAVER, "Q1"): (3, "HUGE")})
    huge = tmp_path / "huge.xlsx"  # openpyxl truncates long text when writing, so edit the XML
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith(("xl/worksheets/", "xl/sharedStrings")):
                data = data.replace(b">HUGE<", b">" + b"x" * 40_000 + b"<")
            zout.writestr(info, data)
    with pytest.raises(ValidationError) as info:
        read_scoring_pack(huge)
    assert f"Scores!E{row_of(path, WEAVER, 'Q1')}: the cell holds 40,000 characters" in str(info.value)


def test_neutralised_text_round_trips(db, tmp_path):
    """A rationale starting with '+' is exported as '+... and reads back as the same text: unchanged."""
    with db.transaction() as s:
        set_score(s, get_tender(s), "Tom", HOSTILE, "Q1", 4, "+ve: named lead")
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    fill(path, {(HOSTILE, "Q2"): (2, "-ve: thin evidence")})
    p = plan(db, path)
    rows = {r.key: r for r in p.rows}
    assert rows[(HOSTILE, "Q1")].status == "unchanged" and rows[(HOSTILE, "Q1")].pack_rationale == "+ve: named lead"
    assert rows[(HOSTILE, "Q2")].status == "new" and rows[(HOSTILE, "Q2")].pack_rationale == "-ve: thin evidence"
    with db.transaction() as s:
        apply_pack_import(s, get_tender(s), p, "Tom")
    assert scores(db)[(HOSTILE, "Q2")] == (2.0, "-ve: thin evidence")


def test_a_rationale_cut_to_fit_a_cell_never_replaces_the_full_text(db, tmp_path):
    full = "Section 4.2 names the staff. " * 2_000  # 58,000 characters: more than a cell holds
    with db.transaction() as s:
        set_score(s, get_tender(s), "Tom", WEAVER, "Q1", 3, full)
        set_score(s, get_tender(s), "Tom", WEAVER, "Q2", 3, full)
    path = export(db, "Tom", tmp_path / "tom.xlsx")
    ws = openpyxl.load_workbook(path)["Scores"]
    assert ws[f"E{row_of(path, WEAVER, 'Q1')}"].value.endswith("characters]")
    fill(path, {(WEAVER, "Q2"): (4, ws[f"E{row_of(path, WEAVER, 'Q2')}"].value)})  # score changed, text kept
    rows = {r.key: r for r in plan(db, path).rows}
    assert rows[(WEAVER, "Q1")].status == "unchanged"
    assert rows[(WEAVER, "Q2")].status == "conflict" and rows[(WEAVER, "Q2")].pack_rationale == full.strip()


def test_tampered_structure_is_refused(db, tmp_path):
    """A locked cell changed, a row deleted or a row copied: refused with a clear message."""
    changed = export(db, "Tom", tmp_path / "changed.xlsx")
    wb = openpyxl.load_workbook(changed)
    row = row_of(changed, WEAVER, "Q1")
    wb["Scores"][f"A{row}"] = "Someone Else Ltd"
    wb["Scores"][f"D{row}"] = 4
    wb["Scores"][f"E{row}"] = "Named lead in section 3."
    wb.save(changed)
    with pytest.raises(ValidationError, match=rf"Scores!A{row}: the locked bidder or question cells were changed"):
        plan(db, changed)

    deleted = export(db, "Tom", tmp_path / "deleted.xlsx")
    wb = openpyxl.load_workbook(deleted)
    wb["Scores"].delete_rows(row_of(deleted, WEAVER, "Q2"))
    wb.save(deleted)
    with pytest.raises(ValidationError, match=r"Meta!B11: the pack's MAC does not match .* rows were edited"):
        plan(db, deleted)

    copied = export(db, "Tom", tmp_path / "copied.xlsx")
    wb = openpyxl.load_workbook(copied)
    ws = wb["Scores"]
    source = row_of(copied, WEAVER, "Q1")
    for col in range(1, 7):
        ws.cell(ws.max_row + 1 if col == 1 else ws.max_row, col).value = ws.cell(source, col).value
    wb.save(copied)
    with pytest.raises(ValidationError, match=r"Scores!F\d+: this row repeats row \d+"):
        read_scoring_pack(copied)
    assert scores(db) == {}
