"""The built-in catalogue from the seeds, imports of local frameworks, and frozen tender copies."""

import csv

import openpyxl
import pytest
from sqlalchemy import select

from svdesk.model.entities import Measure
from svdesk.model.errors import ValidationError
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.catalogue import catalogue_measures, import_framework, list_frameworks, measures_by_ref
from svdesk.model.services.results import tender_results
from svdesk.model.services.tenders import get_tender
from tests.factory import minimal_doc


@pytest.fixture
def sdb(database_target):
    database = open_svdesk_database(database_target)
    yield database
    database.dispose()


def test_builtin_national_toms(sdb):
    with sdb.reader() as s:
        (fw,) = list_frameworks(s)
        measures = catalogue_measures(s)
    assert fw.builtin and fw.name == "National TOMs"
    assert "CC BY-NC-ND" in fw.licence and "Social Value Policy 2021-25" in fw.source
    assert [t.split(":")[0] for t in dict.fromkeys(m.theme for m in measures)] == [
        "Jobs",
        "Growth",
        "Social",
        "Environment",
        "Innovation",
    ]
    refs = [m.ref for m in measures]
    assert len(refs) == len(set(refs)) == 108  # 107 with measure text, plus NT24 whose text is missing
    by_ref = {m.ref: m for m in measures}
    assert by_ref["NT24"].text is None and "missing" in by_ref["NT24"].notes
    assert sum(1 for m in measures if m.text) == 107
    nt18 = by_ref["NT18"]
    assert nt18.proxy_value == 0.963812 and nt18.unit == "£"
    assert "Social Value Portal" in nt18.source
    assert ("CWB priority", "Progressive Procurement") in nt18.tags
    assert ("Corporate strategy", "A fair local economy that works for everyone") in nt18.tags
    assert ("Corporate priority (CW&C 2021-25)", "Tackling the climate emergency") not in nt18.tags
    assert ("Corporate priority (CW&C 2021-25)", "Tackling the climate emergency") in by_ref["NT31"].tags
    assert by_ref["NT1a"].proxy_value is None and "no unit or proxy" in by_ref["NT1a"].notes


def test_builtin_catalogue_loads_once(tmp_path):
    for _ in range(2):
        open_svdesk_database(tmp_path / "once.sqlite").dispose()
    db = open_svdesk_database(tmp_path / "once.sqlite")
    with db.reader() as s:
        assert len(list_frameworks(s)) == 1
    db.dispose()


HEADER = ["Theme", "Outcome", "Ref", "Measure", "Unit", "Proxy value"]
ROWS = [
    ["Local economy", "Local spend", "CE1", "Spend with Cheshire East suppliers", "£", "0.85"],
    ["", "", "CE2", "Local apprenticeships (weeks)", "no. weeks", "£ 224.07"],
    ["Environment", "Carbon", "CE3", "Tonnes CO2e saved", "tCO2e", ""],
]


def test_import_csv_and_xlsx(sdb, tmp_path):
    with (tmp_path / "local.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    wb = openpyxl.Workbook()
    wb.active.append(["Cheshire East Social Value Framework"])
    wb.active.append(HEADER)
    for r in ROWS:
        wb.active.append(r)
    wb.save(tmp_path / "local.xlsx")
    with sdb.transaction() as s:
        import_framework(s, tmp_path / "local.csv", name="CE framework", version="csv")
        import_framework(s, tmp_path / "local.xlsx", name="CE framework", version="xlsx", licence="OGL")
    with sdb.reader() as s:
        imported = [m for m in catalogue_measures(s) if m.framework == "CE framework"]
    assert [m.ref for m in imported] == ["CE1", "CE2", "CE3"] * 2
    assert imported[1].theme == "Local economy" and imported[1].proxy_value == 224.07
    assert imported[2].proxy_value is None


def test_missing_column_is_named(sdb, tmp_path):
    with (tmp_path / "nounit.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Theme", "Outcome", "Ref", "Measure", "Proxy value"], ROWS[0][:4] + ["1"]])
    with pytest.raises(ValidationError, match="missing column Unit"), sdb.transaction() as s:
        import_framework(s, tmp_path / "nounit.csv")


def test_bad_proxy_is_named_by_row(sdb, tmp_path):
    rows = [HEADER, ROWS[0], ["Jobs", "Local", "CE9", "Thing", "no.", "a lot"]]
    with (tmp_path / "bad.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    with (
        pytest.raises(ValidationError, match="row 3, column Proxy value: 'a lot' is not a number"),
        sdb.transaction() as s,
    ):
        import_framework(s, tmp_path / "bad.csv")
    with sdb.reader() as s:
        assert len(list_frameworks(s)) == 1  # nothing written


def test_tender_keeps_a_frozen_copy_when_the_catalogue_changes(sdb):
    with sdb.transaction() as s:
        write_evaluation(s, parse_document(minimal_doc(), measures_by_ref(s)), "Priya")
    with sdb.reader() as s:
        before = tender_results(s, get_tender(s, "T-001"))
    with sdb.transaction() as s:
        nt1 = s.scalars(select(Measure).where(Measure.ref == "NT1")).one()
        nt1.proxy_value, nt1.unit, nt1.text = 99_999.0, "changed", "changed text"
    with sdb.reader() as s:
        tender = get_tender(s, "T-001")
        frozen = next(m for m in tender.measures if m.ref == "NT1")
        after = tender_results(s, tender)
    assert frozen.proxy_value == 30782 and frozen.unit == "no. people FTE"
    assert frozen.description.startswith("No. of local direct employees")
    assert [b.accepted_value for b in after.bidders] == [b.accepted_value for b in before.bidders]
