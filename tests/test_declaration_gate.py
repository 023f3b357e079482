"""Conflict declarations that cannot be skipped (issue 13, item 7): no path to a bid's content for a
member who has not declared for every bidder (scoring, their own views, the scoring pack), no
sign-off until every member who signs has declared, and reports that say exactly where the
declarations were recorded: never that declarations which came with a file were made in svdesk
before any bid was seen."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from svdesk.app import evaluation_files, packs, panel, reads, reports, scoring, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import WorkflowError
from svdesk.model.scoring import Weights
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.factory import minimal_doc, write_doc
from tests.keys import DEMO_PANEL, officer, sign, signed_in

REF = "T-001"
ACME = "Acme Roads"
ZOE = minimal_doc()["bidders"][1]["name"]
DEMO = Path(resource_path("demo", "demo_evaluation.json"))
DEMO_REF = "CWAC-2026-0142"
KINDS = ("evaluation", "moderation", "award", "summary")
NEVER = "before seeing any bid"

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")


def pdf_words(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", out.stdout)


def moderated_doc(declarations: list[dict] | None = None) -> dict:
    """The small tender with every cell agreed (it loads in moderation), and the declarations given."""
    doc = minimal_doc()
    doc["moderated"] = [
        {"bidder": b["name"], "question": q["id"], "score": 3, "rationale": f"Agreed: section {i} names staff."}
        for i, b in enumerate(doc["bidders"])
        for q in doc["questions"]
    ]
    if declarations is not None:
        doc["declarations"] = declarations
    return doc


def every_declaration() -> list[dict]:
    return [{"member": m, "bidder": b, "conflict": False} for m in ("Tom", "Gwen", "Alan") for b in (ACME, ZOE)]


def load(target, tmp_path: Path, doc: dict, name: str = "t.json"):
    db = open_database(target)
    evaluation_files.load(db, "Priya", write_doc(tmp_path / name, doc))
    return db


def declare(db, member: str, conflicts: dict[str, str] | None = None) -> None:
    conflicts = conflicts or {}
    answers = [(b, b in conflicts, conflicts.get(b, "")) for b in (ACME, ZOE)]
    scoring.declare(db, signed_in(db, REF, member), REF, member, answers)  # the member, signed in


# --- every path to a bid checks the member's declarations -------------------------------------------------


def test_scoring_views_and_the_pack_wait_for_the_declarations(database_target, tmp_path):
    doc = minimal_doc()
    doc["moderated"] = []
    db = load(database_target, tmp_path, doc)  # a file with scores and no declarations: in scoring
    try:
        with pytest.raises(WorkflowError, match=f"Tom must declare .* for every bidder .*{ACME}, {ZOE}"):
            scoring.set_score(db, "Tom", REF, "Tom", ACME, "Q2", 3, "Section 2 names staff.")
        assert not scoring.worklist(db, REF, "Tom").declared
        with pytest.raises(WorkflowError, match="Tom must declare"):
            scoring.own_score(db, REF, "Tom", ACME, "Q1")
        with pytest.raises(WorkflowError, match="Tom must declare"):
            scoring.member_pledges(db, REF, "Tom")
        with pytest.raises(WorkflowError) as refused:
            packs.export_pack(db, "Priya", REF, "Tom", tmp_path / "tom.xlsx")
        assert f"Tom has not declared any conflict of interest for: {ACME}, {ZOE}" in str(refused.value)
        assert "svdesk declare --tender T-001" in str(refused.value)
        assert not (tmp_path / "tom.xlsx").exists()

        declare(db, "Tom", {ZOE: "My brother runs it"})
        with pytest.raises(WorkflowError, match=f"Tom declared a conflict of interest with {ZOE}"):
            scoring.set_score(db, signed_in(db, REF, "Tom"), REF, "Tom", ZOE, "Q2", 3, "Section 2 names staff.")
        with pytest.raises(WorkflowError, match=f"Tom declared a conflict of interest with {ZOE}"):
            scoring.own_score(db, REF, "Tom", ZOE, "Q1")
        assert {p.bidder for p in scoring.member_pledges(db, REF, "Tom")} == {ACME}
        tom = signed_in(db, REF, "Tom")
        assert scoring.set_score(db, tom, REF, "Tom", ACME, "Q2", 3, "Section 2 names staff.").value == 1
        ws = openpyxl.load_workbook(packs.export_pack(db, officer(db, REF), REF, "Tom", tmp_path / "tom.xlsx"))[
            "Scores"
        ]
        assert {c.value for c in ws["A"][1:]} == {ACME}  # the conflicted bid is left out
    finally:
        db.dispose()


# --- sign-off ----------------------------------------------------------------------------------------------


def test_sign_off_waits_until_every_member_who_signs_has_declared(database_target, tmp_path):
    db = load(database_target, tmp_path, moderated_doc())  # loaded without declarations
    try:
        ready = signoff.readiness(db, REF)
        assert ready is not None and not ready.ready
        assert ready.missing[0] == (
            "3 members have not declared conflicts of interest for every bidder: "
            f"Tom (not for {ACME}, {ZOE}); Gwen (not for {ACME}, {ZOE}); Alan (not for {ACME}, {ZOE})"
        )
        with pytest.raises(WorkflowError, match="cannot sign off: 3 members have not declared"):
            sign(db, REF, "Tom")
        declare(db, "Tom")
        declare(db, "Alan")
        ready = signoff.readiness(db, REF)
        assert ready is not None and ready.missing == (
            f"1 member has not declared conflicts of interest for every bidder: Gwen (not for {ACME}, {ZOE})",
        )
        panel.withdraw_member(db, officer(db, REF), REF, "Gwen", "Left the council")  # a withdrawn member signs nothing
        ready = signoff.readiness(db, REF)
        assert ready is not None and ready.ready
        sign(db, REF, "Tom")
        sign(db, REF, "Alan")
        assert signoff.signoff_view(db, REF).status.value == "signed_off"
    finally:
        db.dispose()


# --- what the reports say -------------------------------------------------------------------------------


def write_all(db, reference: str, folder: Path, bidder: str) -> dict[str, str]:
    out = {}
    for kind in KINDS:
        path = folder / f"{kind}.pdf"
        reports.write_report(db, reference, kind, path, bidder=bidder if kind == "summary" else None)
        out[kind] = pdf_words(path)
    return out


@needs_pdftotext
def test_declarations_that_came_with_a_file_are_reported_as_recorded_outside_svdesk(tmp_path):
    db = open_database(tmp_path / "d.sqlite")
    try:
        evaluation_files.load(db, "Priya", DEMO)
        for member in DEMO_PANEL:
            sign(db, DEMO_REF, member)
        texts = write_all(db, DEMO_REF, tmp_path, "Northgate Homecare Ltd")
        outside = "16 declarations of interest came with the file and were recorded outside svdesk"
        for kind in ("evaluation", "moderation", "award"):
            words = texts[kind]
            assert "loaded into svdesk from an evaluation file (demo_evaluation.json) on " in words, kind
            assert outside in words and "cannot show when they were made or that they were made before any bid" in words
            assert NEVER not in words, kind
        assert "No conflict (recorded outside svdesk)" in texts["evaluation"]
        summary = texts["summary"]
        assert "This evaluation was loaded into svdesk from an evaluation file: the panel's declarations of" in summary
        assert "that came with the file were recorded outside svdesk" in summary
        assert "after declaring" not in summary and NEVER not in summary

        views = reads.declarations(db, DEMO_REF)
        assert len(views) == 16 and all(v.outside_svdesk for v in views)  # the Declarations screen says so too
        reports.write_workbook(db, DEMO_REF, tmp_path / "w.xlsx")
        sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["Declarations"]
        assert sheet["G1"].value == "Recorded" and sheet["G2"].value == "recorded outside svdesk"
    finally:
        db.dispose()


@needs_pdftotext
def test_a_file_without_declarations_then_declared_in_svdesk_says_exactly_that(tmp_path):
    db = load(tmp_path / "n.sqlite", tmp_path, moderated_doc())
    try:
        for member in ("Tom", "Gwen", "Alan"):
            declare(db, member)
        for member in ("Tom", "Gwen", "Alan"):
            sign(db, REF, member)
        texts = write_all(db, REF, tmp_path, ACME)
        for kind in ("evaluation", "moderation", "award"):
            words = texts[kind]
            assert "from an evaluation file (t.json) on " in words
            assert "The file carried no declarations of interest." in words
            assert "6 declarations were recorded in svdesk after the load" in words
            assert NEVER not in words and "recorded outside svdesk" not in words
        assert "No conflict (recorded in svdesk)" in texts["evaluation"]
        assert "the panel's declarations of interest were recorded in svdesk after the load" in texts["summary"]
    finally:
        db.dispose()


@needs_pdftotext
def test_a_file_with_some_declarations_marks_each_where_it_was_recorded(tmp_path):
    some = [d for d in every_declaration() if d["member"] == "Tom"]
    db = load(tmp_path / "s.sqlite", tmp_path, moderated_doc(some))
    try:
        declare(db, "Gwen")
        reports.write_report(db, REF, "evaluation", tmp_path / "e.pdf")
        words = pdf_words(tmp_path / "e.pdf")
        assert "2 declarations of interest came with the file and were recorded outside svdesk" in words
        assert "2 declarations were recorded in svdesk after the load" in words
        assert "2 declarations are not made (marked Not declared)" in words and NEVER not in words
        views = {(v.member, v.bidder): v for v in reads.declarations(db, REF)}
        assert views[("Tom", ACME)].outside_svdesk and not views[("Gwen", ACME)].outside_svdesk
        assert not views[("Alan", ACME)].declared and not views[("Alan", ACME)].outside_svdesk
    finally:
        db.dispose()


@needs_pdftotext
def test_declarations_made_in_svdesk_are_reported_as_made_before_any_bid_was_seen(tmp_path):
    db = open_database(tmp_path / "m.sqlite")
    try:
        with db.transaction() as s:
            t = su.create_tender(s, "Priya", "NEW-1", "Home care", 2_400_000, Weights(40, 50, 10), 50)
            su.add_measure(s, t, "Priya", "NT1")
            su.save_question(s, t, "Priya", "Q1", section="quality", text="How?", weight=100)
            su.save_question(s, t, "Priya", "SV1", section="social_value", text="SV?", weight=100)
            su.add_bidder(s, t, "Priya", ACME, 2_000_000)
            for name, role in (("Tom", "evaluator"), ("Alan", "chair")):
                su.add_member(s, t, "Priya", name, role)
            wf.open_scoring(s, t, "Priya")
            wf.declare(s, t, "Tom", ACME, False)
        reports.write_report(db, "NEW-1", "evaluation", tmp_path / "e.pdf")
        words = pdf_words(tmp_path / "e.pdf")
        assert "were recorded in svdesk, each before svdesk showed the member any bid" in words
        assert "1 declaration is not yet made" in words and "outside svdesk" not in words
        with db.transaction() as s:
            wf.declare(s, get_tender(s, "NEW-1"), "Alan", ACME, False)
        reports.write_report(db, "NEW-1", "evaluation", tmp_path / "e.pdf")
        assert "Each member declared in svdesk, before seeing any bid, whether" in pdf_words(tmp_path / "e.pdf")
    finally:
        db.dispose()
