"""The evaluation workbook recomputes: its Summary is live formulas over the Weights, Questions,
Scores, Moderation and Pledges sheets. LibreOffice headless works them out again and must give every
figure `svdesk results` gives, to the penny; a consensus score changed in the workbook moves the
rank (and disqualifies, below a minimum) as svdesk's own scoring says it would. The cached values
(what a viewer that does not recalculate shows) are held against `svdesk results` in pure Python.

LibreOffice does not recalculate an xlsx on load by default: its "Recalculation on file load"
setting for Excel 2007 and newer (registry /org.openoffice.Office.Calc/Formula/Load, OOXMLRecalcMode)
is "never recalculate" and it ignores the workbook's calcPr fullCalcOnLoad. The tests run soffice
with a profile of their own in which OOXMLRecalcMode is 0, RECALC_ALWAYS (sc/inc/calcconfig.hxx):
every formula is computed afresh on load, and the converted xlsx carries LibreOffice's results.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from benchmarks.generate import large_tender
from svdesk.cli import main
from svdesk.export.xlsx_safety import restore_text
from svdesk.model.demo import load_demo
from svdesk.model.scoring import compute_results, round2
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.report_data import report_data
from svdesk.model.services.results import scoring_input
from svdesk.model.services.tenders import get_tender
from tests.factory import write_doc

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (scripts/system-deps.sh test installs libreoffice-calc-nogui)",
)
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""
FIGURES = ("price_score", "quality_score", "sv_quantitative_score", "sv_qualitative_score", "total")
COLUMNS = {  # Summary column -> svdesk results field
    "Rank": "rank",
    "Pledged (£)": "pledged_value",
    "Accepted (£)": "accepted_value",
    "Price score": "price_score",
    "Quality score": "quality_score",
    "SV quantitative": "sv_quantitative_score",
    "SV qualitative": "sv_qualitative_score",
    "Total": "total",
    "Disqualified": "excluded",
}


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory) -> Path:
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    return profile


def recalculated(path: Path, profile: Path) -> Path:
    """`path` opened, recalculated and saved again as xlsx by LibreOffice headless."""
    out = path.parent / "recalculated"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return out / path.name


def summary(path: Path) -> dict[str, dict[str, object]]:
    """bidder -> {Summary column: the value the file holds (a formula's cached value)}."""
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Rank")
    titles = [c.value for c in ws[head]]
    rows = {}
    for r in range(head + 1, ws.max_row + 1):
        name = ws.cell(r, 2).value
        if name is None:
            break
        rows[restore_text(name)] = {t: (None if c.value == "" else c.value) for t, c in zip(titles, ws[r], strict=True)}
    return rows


def as_results(rows: dict[str, dict[str, object]]) -> dict[str, dict[str, object]]:
    """The Summary's rows in `svdesk results --json` terms: figures to the penny, Yes/No as a flag."""
    out = {}
    for name, row in rows.items():
        got: dict[str, object] = {}
        for column, key in COLUMNS.items():
            value = row[column]
            if key == "excluded":
                got[key] = {"Yes": True, "No": False}[value]
            elif key == "rank":
                got[key] = None if value is None else int(value)
            else:
                got[key] = None if value is None else round2(float(value))
        out[name] = got
    return out


def svdesk_results(capsys, db: Path, reference: str) -> dict[str, dict[str, object]]:
    assert main(["results", "--db", str(db), "--tender", reference, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    return {b["name"]: {key: b[key] for key in COLUMNS.values()} for b in doc["bidders"]}


def export(capsys, db: Path, reference: str, out: Path) -> Path:
    assert main(["export", "--db", str(db), "--tender", reference, "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _rename(doc: dict, old: str, new: str) -> None:
    for bidder in doc["bidders"]:
        if bidder["name"] == old:
            bidder["name"] = new
    for section in ("scores", "moderated", "adjustments", "declarations"):
        for entry in doc[section]:
            if entry["bidder"] == old:
                entry["bidder"] = new


def varied_doc() -> dict:
    """Every shape the formulas must get right: a tie, provisional scores (a mean, and none at all),
    disqualification on a consensus and on a provisional mean, a bid without pledges, a member with
    a conflict, the ratio method, and names that would be criteria or formulas if ever used as such."""
    doc = large_tender(bidders=10, measures=6, questions=8, evaluators=3, seed=16)
    doc["tender"]["reference"] = "VARIED-1"
    doc["tender"]["quantitative_method"] = "relative_ratio"
    names = [b["name"] for b in doc["bidders"]]
    twin = copy.deepcopy(doc["bidders"][1])  # the same bid twice: equal totals, a shared rank
    twin["name"] = "Twin of " + names[1]
    doc["bidders"].append(twin)
    for section in ("scores", "moderated", "declarations"):
        doc[section] += [{**e, "bidder": twin["name"]} for e in doc[section] if e["bidder"] == names[1]]
    moderated = doc["moderated"]
    doc["moderated"] = [
        m
        for m in moderated
        if (m["bidder"], m["question"]) not in {(names[3], "Q2"), (names[4], "Q3"), (names[6], "Q1")}
    ]
    doc["scores"] = [s for s in doc["scores"] if (s["bidder"], s["question"]) != (names[4], "Q3")]  # no score yet
    for m in doc["moderated"]:
        if (m["bidder"], m["question"]) == (names[5], "Q1"):
            m["score"] = 0  # below Q1's minimum of 1: disqualified
    for s in doc["scores"]:
        if (s["bidder"], s["question"]) == (names[6], "Q1"):
            s["score"] = 0 if s["evaluator"] != "Evaluator 01" else 2  # provisional mean 2/3, below 1
    doc["bidders"][7]["pledges"] = {}
    conflicted = ("Evaluator 02", names[8])
    doc["scores"] = [s for s in doc["scores"] if (s["evaluator"], s["bidder"]) != conflicted]
    for d in doc["declarations"]:
        if (d["member"], d["bidder"]) == conflicted:
            d["conflict"], d["details"] = True, "Her brother is a director."
    _rename(doc, names[2], "<5 & * Care")
    _rename(doc, names[9], '=HYPERLINK("http://x","y")')
    return doc


@pytest.fixture
def demo_db(tmp_path) -> tuple[Path, str]:
    path = tmp_path / "demo.sqlite"
    db = open_svdesk_database(path)
    reference = load_demo(db)
    db.dispose()
    return path, reference


@pytest.fixture
def varied_db(tmp_path, capsys) -> tuple[Path, str]:
    path = tmp_path / "varied.sqlite"
    assert main(["load", str(write_doc(tmp_path / "varied.json", varied_doc())), "--db", str(path)]) == 0, (
        capsys.readouterr().err
    )
    capsys.readouterr()
    return path, "VARIED-1"


def test_the_varied_tender_has_every_shape(varied_db, capsys):
    """The tender below is worth testing on: else a formula could be wrong unseen."""
    got = svdesk_results(capsys, *varied_db)
    ranks = [r["rank"] for r in got.values() if r["rank"] is not None]
    assert len(ranks) != len(set(ranks))  # a tie
    assert sum(r["excluded"] for r in got.values()) == 2
    assert main(["results", "--db", str(varied_db[0]), "--tender", "VARIED-1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["final"] is False


@pytest.mark.parametrize("tender", ["demo_db", "varied_db"])
def test_cached_values_are_svdesks_results(tender, request, tmp_path, capsys):
    """A viewer that does not recalculate shows, in every Summary cell, what `svdesk results` says."""
    db, reference = request.getfixturevalue(tender)
    path = export(capsys, db, reference, tmp_path / "evaluation.xlsx")
    rows = summary(path)
    expected = svdesk_results(capsys, db, reference)
    assert as_results(rows) == expected
    assert list(rows) == list(expected)  # in svdesk's ranked order
    for name, row in rows.items():
        assert (row["Tied"] == "tied") == (list(r["rank"] for r in expected.values()).count(expected[name]["rank"]) > 1
                                           and expected[name]["rank"] is not None)  # fmt: skip
    formulas = openpyxl.load_workbook(path)["Summary"]
    head = next(r for r in range(1, formulas.max_row + 1) if formulas.cell(r, 1).value == "Rank")
    assert all(c.data_type == "f" for c in formulas[head + 1][:12] if c.column != 2 and c.column != 3)


def _moderation_scores(path: Path, data) -> None:
    """The Moderation sheet's score used and points are svdesk's, question by question."""
    ws = openpyxl.load_workbook(path, data_only=True)["Moderation"]
    titles = [c.value for c in ws[1]]
    used, points = titles.index("Score used"), titles.index("Points")
    by_name = data.results.by_name()
    for row in ws.iter_rows(min_row=2, values_only=True):
        result = by_name[restore_text(row[0])].questions[row[1]]
        assert row[used] == pytest.approx(result.score, abs=1e-9)
        assert row[points] == pytest.approx(result.contribution, abs=1e-9)


def test_cached_question_figures_are_svdesks(varied_db, tmp_path, capsys):
    path = export(capsys, *varied_db, tmp_path / "evaluation.xlsx")
    db = open_svdesk_database(varied_db[0])
    with db.reader() as s:
        data = report_data(s, get_tender(s, varied_db[1]))
    db.dispose()
    _moderation_scores(path, data)
    questions = openpyxl.load_workbook(path, data_only=True)["Questions"]
    shares = {row[0]: row[8] for row in questions.iter_rows(min_row=2, values_only=True)}
    assert shares == pytest.approx({q.code: q.share_of_total for q in data.questions}, abs=1e-12)
    assert sum(shares.values()) == pytest.approx(data.weight_quality + data.sv_qualitative_weight)


@needs_soffice
@pytest.mark.parametrize("tender", ["demo_db", "varied_db"])
def test_libreoffice_recomputes_every_total_and_rank(tender, request, tmp_path, capsys, lo_profile):
    db, reference = request.getfixturevalue(tender)
    path = export(capsys, db, reference, tmp_path / "evaluation.xlsx")
    again = recalculated(path, lo_profile)
    assert as_results(summary(again)) == svdesk_results(capsys, db, reference)


@needs_soffice
def test_libreoffice_really_recalculates(tmp_path, lo_profile, demo_db, capsys):
    """The check above is worth something only if LibreOffice computes rather than copies the cached
    values: a workbook whose cached totals are all wrong comes back right."""
    path = export(capsys, *demo_db, tmp_path / "evaluation.xlsx")
    wb = openpyxl.load_workbook(path)  # openpyxl keeps the formulas and drops every cached value
    wb.save(path)
    again = summary(recalculated(path, lo_profile))
    assert as_results(again) == svdesk_results(capsys, *demo_db)


def _set_consensus(ws, bidder: str, question: str, score: float) -> None:
    column = [c.value for c in ws[1]].index("Consensus score") + 1
    row = next(r for r in range(2, ws.max_row + 1) if (ws.cell(r, 1).value, ws.cell(r, 2).value) == (bidder, question))
    ws.cell(row, column).value = score


@needs_soffice
def test_a_changed_consensus_score_moves_the_rank(demo_db, tmp_path, capsys, lo_profile):
    """An auditor lowers the winner's Q1 consensus to 2 and the runner-up's Q2 to 1 (below Q2's minimum
    of 2): LibreOffice disqualifies the runner-up and ranks the winner second, behind the bid that was
    third, and every figure is what svdesk's scoring gives for those scores."""
    db, reference = demo_db
    path = export(capsys, db, reference, tmp_path / "evaluation.xlsx")
    before = summary(path)
    winner, runner_up, third = (name for name, row in before.items() if row["Rank"] in (1, 2, 3))
    wb = openpyxl.load_workbook(path)
    _set_consensus(wb["Moderation"], winner, "Q1", 2)
    _set_consensus(wb["Moderation"], runner_up, "Q2", 1)
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    after = summary(recalculated(changed, lo_profile))
    assert (after[third]["Rank"], after[winner]["Rank"]) == (1, 2)
    assert (after[runner_up]["Disqualified"], after[runner_up]["Rank"], after[runner_up]["Total"]) == (
        "Yes",
        None,
        None,
    )
    database = open_svdesk_database(db)
    with database.reader() as s:
        inp = scoring_input(s, get_tender(s, reference))
    database.dispose()
    moderated = {**inp.moderated, (winner, "Q1"): 2.0, (runner_up, "Q2"): 1.0}
    expected = compute_results(dataclasses.replace(inp, moderated=moderated))
    assert as_results(after) == {
        b.name: {"pledged_value": round2(b.pledged_value), "accepted_value": round2(b.accepted_value),
                 **{k: v for k, v in b.as_dict().items() if k in COLUMNS.values() and k not in ("pledged_value",
                                                                                               "accepted_value")}}
        for b in expected.bidders
    }  # fmt: skip
    assert [name for name, row in after.items() if row["Rank"] == 1] == [expected.bidders[0].name]


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_rows(demo_db, tmp_path, capsys):
    path = export(capsys, *demo_db, tmp_path / "evaluation.xlsx")
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages down as it takes
        assert ws.oddHeader.left.text == "OFFICIAL-SENSITIVE: COMMERCIAL" and ws.oddHeader.right.text == "&A"
        assert ws.oddFooter.right.text == "Page &P of &N" and ws.oddFooter.left.text.startswith("CWAC-2026-0142")
        if ws.title != "Summary":
            assert ws.print_title_rows == "$1:$1", ws.title
    summary_ws = wb["Summary"]
    head = next(r for r in range(1, summary_ws.max_row + 1) if summary_ws.cell(r, 1).value == "Rank")
    assert summary_ws.print_title_rows == f"${head}:${head}"
    assert summary_ws.print_area == f"'Summary'!$A$1:$M${summary_ws.max_row}"  # not the working columns


@needs_soffice
def test_libreoffice_prints_the_summary_one_page_wide(demo_db, tmp_path, capsys, lo_profile):
    """Printed (to PDF) by LibreOffice, no sheet's columns are split across pages: the Summary's
    thirteen printed columns come out on one page, with the results' header."""
    path = export(capsys, *demo_db, tmp_path / "evaluation.xlsx")
    out = tmp_path / "pdf"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={lo_profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(out / "evaluation.pdf"), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "OFFICIAL-SENSITIVE: COMMERCIAL" in text
    for title in ("Rank", "Bidder", "Price score", "Total", "Why disqualified"):
        assert title in text, title
    assert "Total (unrounded)" not in text  # the working columns stay on the screen


def test_the_pledge_reviews_sheet_has_every_members_view(demo_db, tmp_path, capsys):
    db, reference = demo_db
    path = export(capsys, db, reference, tmp_path / "evaluation.xlsx")
    database = open_svdesk_database(db)
    with database.reader() as s:
        data = report_data(s, get_tender(s, reference))
    database.dispose()
    ws = openpyxl.load_workbook(path, data_only=True)["Pledge reviews"]
    titles = [c.value for c in ws[1]]
    assert titles == [
        "Bidder", "Ref", "Unit", "Quantity pledged", "Member", "View", "Quantity the member would accept", "Reason",
        "Panel's accepted quantity",
    ]  # fmt: skip
    rows = [dict(zip(titles, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == len(data.pledge_reviews) == 5
    pledges = {(p.bidder, p.ref): p for p in data.pledges}
    for row, review in zip(rows, data.pledge_reviews, strict=True):
        pledge = pledges[(review.bidder, review.ref)]
        assert (row["Bidder"], row["Ref"], row["Member"]) == (review.bidder, review.ref, review.member)
        assert row["View"] == review.decision.capitalize()
        assert row["Quantity pledged"] == pledge.quantity
        would = pledge.quantity if review.decision == "accept" else review.accepted_quantity
        assert row["Quantity the member would accept"] == would
        assert row["Panel's accepted quantity"] == pledge.accepted_quantity
    tom = next(r for r in rows if r["Member"] == "Tom Ellis" and r["View"] == "Reject")
    assert tom["Quantity the member would accept"] == 0 and tom["Reason"].startswith("Double counting")
    formulas = openpyxl.load_workbook(path)["Pledge reviews"]
    assert all(formulas.cell(r, 9).value.startswith("=Pledges!G") for r in range(2, formulas.max_row + 1))
