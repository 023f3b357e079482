"""Offline scoring packs cannot be re-addressed: each is bound to its member, tender and export by a
random pack id and a MAC under a key only the database holds, and is imported once.

Edited with openpyxl as a person with only the pack would: another member's name or another
tender's reference in the Meta sheet, a pack taken to another tender, a pack imported twice, a row
added that was not issued, a pack written before packs were bound: each refused, naming the file,
with nothing written. The untouched pack imports, and issuing and importing are in the record.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from svdesk.app import packs
from svdesk.model import audit
from svdesk.model.entities import PackIssue
from svdesk.model.errors import ValidationError
from svdesk.model.scoring import Weights
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.pack_binding import pack_mac
from svdesk.model.services.tenders import get_tender, scores_visible_to
from svdesk.model.services.verify import verify_tender

OFFICER = "Priya"
BIDDERS = ("Weaver Valley", "Northgate")
QUESTIONS = ("Q1", "Q2")


def _setup(db, reference: str) -> None:
    with db.transaction() as s:
        t = su.create_tender(s, OFFICER, reference, "Home care", 2_400_000, Weights(40, 50, 10), 50)
        su.add_measure(s, t, OFFICER, "NT1")
        for code in QUESTIONS:
            su.save_question(s, t, OFFICER, code, section="quality", text=f"{code}?", weight=50)
        su.save_question(s, t, OFFICER, "SV1", section="social_value", text="Delivering SV?", weight=100)
        for name, price in zip(BIDDERS, (2_310_000, 2_195_000), strict=True):
            su.add_bidder(s, t, OFFICER, name, price)
        for name in ("Tom", "Gwen"):
            su.add_member(s, t, OFFICER, name, "evaluator")
        wf.open_scoring(s, t, OFFICER)
        for m in ("Tom", "Gwen"):
            for b in BIDDERS:
                wf.declare(s, t, m, b, False)


@pytest.fixture
def db(database_target):
    database = open_svdesk_database(database_target)
    _setup(database, "PB-1")
    _setup(database, "PB-2")
    yield database
    database.dispose()


def export(db, path: Path, member: str = "Tom", reference: str = "PB-1") -> Path:
    path = packs.export_pack(db, OFFICER, reference, member, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Scores"]
    for row in range(2, ws.max_row + 1):
        ws.cell(row, 4).value, ws.cell(row, 5).value = 3, "Section 2 names the staff."
    wb.save(path)
    return path


def edit_meta(path: Path, **values: object) -> None:
    wb = openpyxl.load_workbook(path)
    meta = wb["Meta"]
    for key, value in values.items():
        row = next(r for r in range(1, 20) if meta[f"A{r}"].value == key)
        meta[f"B{row}"].value = value
    wb.save(path)


def import_(db, path: Path, reference: str = "PB-1", member: str | None = None):
    return packs.import_pack(db, OFFICER, reference, packs.read_scoring_pack(path), member=member)


def scores(db, reference: str, member: str) -> list:
    with db.reader() as s:
        return scores_visible_to(s, get_tender(s, reference), member, member)


def refused(db, path: Path, reference: str = "PB-1") -> str:
    entries = _entries(db)
    with pytest.raises(ValidationError) as info:
        import_(db, path, reference)
    assert info.value.source == str(path)  # the message names the pack file
    assert _entries(db) == entries  # nothing written
    return str(info.value)


def _entries(db) -> int:
    with db.reader() as s:
        return sum(len(audit.read_entries(s, get_tender(s, ref).uid)) for ref in ("PB-1", "PB-2"))


def test_the_untouched_pack_imports_and_is_recorded(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    done = import_(db, path)
    assert done.outcome is not None and len(done.outcome.written) == 6
    assert len(scores(db, "PB-1", "Tom")) == 6
    with db.reader() as s:
        t = get_tender(s, "PB-1")
        actions = [e.action for e in audit.history(s, t.uid)]
        assert actions.count("pack.issue") == 1 and actions.count("pack.import") == 1
        (issue,) = s.scalars(select(PackIssue).where(PackIssue.tender_id == t.id))
        assert issue.imported_at and issue.imported_by == OFFICER
        report = verify_tender(s, t)
        assert report.ok, report.problems  # the record replays the pack's issue and import
    wb = openpyxl.load_workbook(path)
    meta = {wb["Meta"][f"A{r}"].value: wb["Meta"][f"B{r}"].value for r in range(1, 12)}
    assert meta["pack_id"] == issue.pack_uid and len(meta["mac"]) == 64
    assert issue.mac_key.hex() not in str(meta)  # the key never leaves the database


def test_another_members_name_in_the_meta_sheet_is_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    edit_meta(path, member="Gwen")
    message = refused(db, path)
    assert "Meta!B11: the pack's MAC does not match" in message and "Meta sheet" in message
    assert scores(db, "PB-1", "Gwen") == [] and scores(db, "PB-1", "Tom") == []


def test_another_tenders_reference_in_the_meta_sheet_is_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    edit_meta(path, tender="PB-2")
    assert "the pack's MAC does not match" in refused(db, path, reference="PB-2")
    assert scores(db, "PB-2", "Tom") == []


def test_a_pack_from_another_tender_is_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx", reference="PB-2")
    assert "this pack was issued for tender 'PB-2', not 'PB-1'" in refused(db, path, reference="PB-1")
    assert scores(db, "PB-1", "Tom") == []


def test_a_pack_imported_twice_is_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    import_(db, path)
    message = refused(db, path)
    assert "Meta!B9: this pack was imported on " in message and f"by {OFFICER}" in message
    assert "export a new pack to score again" in message
    assert import_(db, export(db, tmp_path / "again.xlsx")).outcome is not None  # a new pack imports


def test_an_unknown_pack_id_is_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    edit_meta(path, pack_id="0123456789abcdef0123456789abcdef")
    assert "was not issued by this database" in refused(db, path)


def test_a_forged_mac_and_rows_not_issued_are_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    edit_meta(path, member="Gwen", mac=pack_mac(b"\0" * 32, "x", "PB-1", "uid", "Gwen", "now", []))
    assert "the pack's MAC does not match" in refused(db, path)

    path = export(db, tmp_path / "gwen.xlsx", member="Gwen")
    wb = openpyxl.load_workbook(path)
    ws = wb["Scores"]
    ws.delete_rows(ws.max_row)  # a row taken out of what was issued
    wb.save(path)
    assert "rows were added that were not issued" in refused(db, path)


def test_a_pack_written_before_binding_is_refused(db, tmp_path):
    path = export(db, tmp_path / "tom.xlsx")
    edit_meta(path, format="svdesk-scoring-pack/1")
    with pytest.raises(ValidationError) as info:
        packs.read_scoring_pack(path)
    assert str(info.value).startswith(f"{path}: Meta!B1: this pack (svdesk-scoring-pack/1) was exported before")
    assert "export a new pack" in str(info.value)
