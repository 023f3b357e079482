"""Pledge-sheet import on real xlsx files built from seed 003 (plain and styled), through the use case
the Bids screen and `svdesk import-pledges` call."""

import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from svdesk.app import measures, pledges
from svdesk.model import backups
from svdesk.model.entities import AuditEntry, Pledge, TenderMeasure
from svdesk.model.errors import NotFoundError, StaleEditError, ValidationError
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.record_version import record_version
from svdesk.model.services.results import tender_results
from svdesk.model.services.tenders import get_tender
from svdesk.model.spreadsheet import parse_number
from tests.factory import seed003_tender_doc
from tests.sheets import SEED_TOTAL, plain_workbook, seed003_rows, styled_workbook

BIDDER = "Sandstone Support Services"


@pytest.fixture
def sdb(database_target):
    database = open_svdesk_database(database_target)
    with database.transaction() as s:
        write_evaluation(s, parse_document(seed003_tender_doc(), measures_by_ref(s)), "Priya")
    yield database
    database.dispose()


def run_import(db, path, bidder=BIDDER, **kw):
    return pledges.import_pledge_sheet(db, "Priya", "SEED-003", bidder, pledges.read_sheet(path), **kw).value


def expected_total() -> float:
    _h, rows = seed003_rows()
    return sum(float(r[4]) * float(r[5]) for r in rows if r[1].startswith("NT") and r[5])


@pytest.mark.parametrize("builder", [plain_workbook, styled_workbook], ids=["plain", "styled"])
def test_seed003_sheet_statuses_and_totals(sdb, tmp_path, builder):
    plan = run_import(sdb, builder(tmp_path / "sheet.xlsx"))
    status = {r.ref: r.status for r in plan.rows}
    assert status["NT18"] == "mismatch"  # the sheet claims £6,264,776.71; 650,000 x 0.963812 = £626,477.80
    nt18 = next(r for r in plan.rows if r.ref == "NT18")
    assert nt18.value == pytest.approx(626_477.80)
    assert nt18.stated_value == pytest.approx(6_264_776.71)
    assert "about 10 times" in nt18.message
    assert status["NT13"] == "blank"
    assert status["CBC5 RBC1"] == "not_in_tender"
    assert [r for r in plan.rows if r.status == "ok"] and all(
        s in ("ok", "mismatch", "blank", "not_in_tender") for s in status.values()
    )
    assert sum(1 for s in status.values() if s == "ok") == 19
    assert plan.total_value == pytest.approx(expected_total())
    # The sheet's own per-row figures are rounded by the portal (NT19 says £240,952.95 for
    # 250,000 x 0.963812 = £240,953.00): within the £1 tolerance, so 'ok', and ours is exact.
    assert status["NT19"] == "ok"
    if builder is styled_workbook:
        assert plan.stated_total == pytest.approx(SEED_TOTAL)
        assert plan.header_row == 6 and plan.sheet == "SV Pledge"
    with sdb.reader() as s:
        results = tender_results(s, get_tender(s, "SEED-003"))
        stored = s.scalar(select(func.count()).select_from(Pledge))
    assert stored == 20  # 19 ok + 1 mismatch; blank and unknown refs are not pledges
    assert results.bidders[0].pledged_value == pytest.approx(expected_total())


def test_add_measures_adds_unknown_refs_with_sheet_proxy(sdb, tmp_path):
    plan = run_import(sdb, plain_workbook(tmp_path / "s.xlsx"), add_measures=True)
    row = next(r for r in plan.rows if r.ref == "CBC5 RBC1")
    assert row.status == "added" and row.proxy_value == 0 and row.value == 0
    with sdb.reader() as s:
        m = s.scalars(select(TenderMeasure).where(TenderMeasure.ref == "CBC5 RBC1")).one()
        assert m.unit == "£" and "LANCASHIRE" in m.description
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "measure.add")) == 1


def test_dry_run_writes_nothing(sdb, tmp_path):
    plan = run_import(sdb, plain_workbook(tmp_path / "s.xlsx"), dry_run=True)
    assert plan.rows
    with sdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(Pledge)) == 0


def test_reimport_replaces_pledges_and_is_audited(sdb, tmp_path):
    run_import(sdb, plain_workbook(tmp_path / "s.xlsx"))
    _h, rows = seed003_rows()
    fewer = [r for r in rows if r[1] in ("NT1", "NT3")]
    fewer[0] = list(fewer[0])
    fewer[0][5] = "30"
    run_import(sdb, plain_workbook(tmp_path / "s2.xlsx", fewer))
    with sdb.reader() as s:
        pledges = {p.measure.ref: p.quantity for p in s.scalars(select(Pledge)).all()}
        actions = s.scalars(select(AuditEntry.action)).all()
    assert pledges == {"NT1": 30, "NT3": 1}
    assert actions.count("pledge.remove") == 18


def test_unknown_bidder_is_refused(sdb, tmp_path):
    with pytest.raises(NotFoundError, match="no bidder named 'Nobody'"):
        run_import(sdb, plain_workbook(tmp_path / "s.xlsx"), bidder="Nobody")


def test_preview_writes_nothing_then_apply_backs_up_and_writes_the_plan(sdb, tmp_path):
    preview = pledges.preview_pledge_import(
        sdb, "SEED-003", BIDDER, pledges.read_sheet(plain_workbook(tmp_path / "s.xlsx"))
    )
    with sdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(Pledge)) == 0
    before = backups.list_backups(sdb)
    outcome = pledges.apply_pledge_import(sdb, "Priya", "SEED-003", preview)
    assert outcome.value == preview.plan and outcome.version is not None
    with sdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(Pledge)) == 20
        assert outcome.version == record_version(s, get_tender(s, "SEED-003"))
    if sdb.path is not None:  # a PostgreSQL database is backed up by its server
        added = [b for b in backups.list_backups(sdb) if b not in before]
        assert [b.label for b in added] == ["pre-import"]


def test_a_preview_the_tender_has_moved_on_from_is_refused(sdb, tmp_path):
    preview = pledges.preview_pledge_import(
        sdb, "SEED-003", BIDDER, pledges.read_sheet(plain_workbook(tmp_path / "s.xlsx"))
    )
    measures.override_proxy(sdb, "Priya", "SEED-003", "NT18", 1.5, "local figure")
    with pytest.raises(StaleEditError, match="changed since s.xlsx was previewed; nothing was imported"):
        pledges.apply_pledge_import(sdb, "Priya", "SEED-003", preview)
    with sdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(Pledge)) == 0


def test_a_sheet_with_no_pledge_rows_is_refused(sdb, tmp_path):
    path = plain_workbook(tmp_path / "empty.xlsx", [])
    with pytest.raises(ValidationError, match="empty.xlsx: the sheet has a header row but no pledge rows under it"):
        run_import(sdb, path, dry_run=True)


def test_bad_cells_are_named_by_row_and_column_and_nothing_is_written(sdb, tmp_path):
    _h, rows = seed003_rows()
    rows = [list(r) for r in rows]
    rows[2][5] = "lots"  # row 4 in the sheet (header is row 1)
    rows[5][5] = "-3"
    with pytest.raises(ValidationError) as info:
        run_import(sdb, plain_workbook(tmp_path / "bad.xlsx", rows))
    text = str(info.value)
    assert "bad.xlsx" in text
    assert "row 4, column Answer: 'lots' is not a number" in text
    assert "row 7, column Answer: NT6: -3 is negative" in text
    with sdb.reader() as s:
        assert s.scalar(select(func.count()).select_from(Pledge)) == 0


def test_sheet_without_answer_column_says_so(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Theme", "Reference", "Question"])
    wb.active.append(["Jobs", "NT1", "Local people"])
    wb.save(tmp_path / "noanswer.xlsx")
    with pytest.raises(ValidationError, match="no header row with 'Reference' and 'Answer'"):
        pledges.read_sheet(tmp_path / "noanswer.xlsx")


@pytest.mark.parametrize(
    "content,message",
    [
        (b"Theme,Reference\nJobs,NT1\n", "not an .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected"),
        (b"", "not an .xlsx workbook"),
    ],
)
def test_non_xlsx_files_are_refused(tmp_path, content, message):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        pledges.read_sheet(path)


def test_macro_enabled_workbook_is_refused(tmp_path):
    path = plain_workbook(tmp_path / "m.xlsx")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/vbaProject.bin", b"\0" * 100)
    with pytest.raises(ValidationError, match="macro-enabled"):
        pledges.read_sheet(path)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ValidationError, match="no \\[Content_Types\\].xml"):
        pledges.read_sheet(path)


@pytest.mark.parametrize(
    "text,value",
    [
        ("£ 1,234.50", 1234.50),
        ("£ -", 0.0),
        ("-", 0.0),
        ("", None),
        (None, None),
        (12, 12.0),
        ("  3.5 ", 3.5),
        ("(1,000)", -1000.0),
        ("£\u00a0738,768.00", 738768.0),
    ],
)
def test_money_text_is_parsed(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["lots", "1.2.3", "nan", "inf", "£", True, "12 FTE"])
def test_non_numbers_are_rejected(text):
    with pytest.raises(ValueError):
        parse_number(text)
