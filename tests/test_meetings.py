"""Moderation meetings on the record (issue 16 item 1): the meeting, its attendance and the consensus
agreed in it; why a member's score is missing; the evaluation file; the moderation report as the
minutes; the meeting dialog on the Moderation screen."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta

import pytest
from PySide6.QtGui import QUndoStack
from sqlalchemy import func, select, text

from svdesk.app import meetings as app_meetings
from svdesk.app import moderation, reads
from svdesk.app.database import open_database
from svdesk.export.moderation_report import moderation_report
from svdesk.model.demo import load_demo
from svdesk.model.entities import AuditEntry, MeetingItem
from svdesk.model.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.evaluation_file import dump_evaluation, parse_document, write_evaluation
from svdesk.model.services import meetings, open_svdesk_database
from svdesk.model.services import panel_setup as ps
from svdesk.model.services import proxy_entries as proxy
from svdesk.model.services import workflow as wf
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.history import tender_history
from svdesk.model.services.report_data import report_data
from svdesk.model.services.tenders import get_tender
from svdesk.model.services.verify import verify_tender
from svdesk.ui.moderation_screen import ModerationScreen
from svdesk.ui.screen_base import Desk
from tests.factory import minimal_doc
from tests.gui_steps import click
from tests.keys import signed_in

REF, DEMO = "T-001", "CWAC-2026-0142"
ACME, ZOE = "Acme Roads", "Zoë Łukasz Ó Súilleabháin Ltd"
LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def _doc() -> dict:
    """The minimal tender with a bigger panel: Sam declared a conflict with Zoë's firm, Kim will be withdrawn."""
    doc = minimal_doc()
    doc["panel"] += [{"name": "Sam", "role": "evaluator"}, {"name": "Kim", "role": "evaluator"}]
    doc["panel"].append({"name": "Priya", "role": "officer"})
    doc["declarations"] = [
        {"member": m, "bidder": b, "conflict": False}
        for m in ("Tom", "Gwen", "Sam", "Kim", "Alan")
        for b in (ACME, ZOE)
    ]
    sam_zoe = next(d for d in doc["declarations"] if (d["member"], d["bidder"]) == ("Sam", ZOE))
    sam_zoe.update(conflict=True, details="Director's brother")
    return doc


def _load(db, doc: dict) -> None:
    with db.transaction() as s:
        write_evaluation(s, parse_document(json.loads(json.dumps(doc)), measures_by_ref(s)), "Priya")


@pytest.fixture
def small(tmp_path):
    db = open_svdesk_database(tmp_path / "small.sqlite")
    _load(db, _doc())
    with db.transaction() as s:
        ps.withdraw_member(s, get_tender(s, REF), "Priya", "Kim", "left the council")
    yield db
    db.dispose()


def _entries(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def _verified(db, reference=REF) -> None:
    with db.reader() as s:
        result = verify_tender(s, get_tender(s, reference))
    assert result.ok, result.problems


# --- the service -------------------------------------------------------------------------------------


def test_a_meeting_is_recorded_changed_and_removed_on_the_record(small):
    with small.transaction() as s:
        t = get_tender(s, REF)
        first = meetings.add_meeting(
            s, t, "Priya", held_on=LAST_WEEK, place="Room 4, County Hall", chair="Alan",
            attendees=["Alan", "Tom", "Gwen", "Priya"], apologies={"Sam": "on leave"}, notes="Q1 taken first.",
        )  # fmt: skip
    assert first.attendees == ("Tom", "Gwen", "Alan", "Priya")  # in panel order
    assert first.apologies == (("Sam", "on leave"),) and first.chair == "Alan" and first.where == "Room 4, County Hall"
    with small.transaction() as s:
        t = get_tender(s, REF)
        changed = meetings.update_meeting(
            s, t, "Priya", first.id, held_on=LAST_WEEK, mode="call", place="Microsoft Teams", chair="Tom",
            attendees=["Tom", "Gwen"], apologies={"Sam": ""}, notes="Q1 taken first.",
        )  # fmt: skip
        spare = meetings.add_meeting(s, t, "Priya", held_on=YESTERDAY, place="Room 5", attendees=["Tom"])
        meetings.remove_meeting(s, t, "Priya", spare.id)
    assert changed.where == "by call (Microsoft Teams)" and changed.chair == "Tom"
    assert changed.attendees == ("Tom", "Gwen") and changed.apologies == (("Sam", ""),)
    with small.reader() as s:
        t = get_tender(s, REF)
        assert [m.id for m in meetings.meetings(s, t)] == [first.id]
        actions = [row.action for row in tender_history(s, t)]
    assert {"Meeting recorded", "Meeting changed", "Meeting removed"} <= set(actions)
    _verified(small)  # every row replays from the log


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"held_on": (date.today() + timedelta(days=1)).isoformat()}, "date: "),
        ({"held_on": "14/01/2026"}, "is not a day"),
        ({"place": ""}, "place: name the room"),
        ({"mode": "pub"}, "mode: "),
        ({"chair": "Sam"}, "chair: Sam chaired the meeting, so is among those who attended"),
        ({"attendees": ["Tom", "Tom"]}, "Tom is listed twice"),
        ({"attendees": ["Tom"], "apologies": {"Tom": ""}}, "Tom is listed twice"),
        ({"attendees": ["Nobody"]}, "is not on the panel"),
        ({"attendees": [], "apologies": {"Tom": ""}}, "attendees: record who attended"),
        ({"attendees": ["Tom", "Kim"]}, "Kim was withdrawn from the panel"),
    ],
)
def test_a_meeting_that_cannot_have_been_is_refused_and_nothing_is_written(small, change, says):
    fields = {"held_on": LAST_WEEK, "place": "Room 4", "chair": "Tom", "attendees": ["Tom", "Gwen"], **change}
    before = _entries(small)
    with pytest.raises((ValidationError, NotFoundError)) as refused, small.transaction() as s:
        meetings.add_meeting(s, get_tender(s, REF), "Priya", **fields)
    assert says in str(refused.value)
    assert _entries(small) == before
    with small.reader() as s:
        assert meetings.meetings(s, get_tender(s, REF)) == []


def test_a_consensus_agreed_in_a_meeting_belongs_to_it(small):
    with small.transaction() as s:
        t = get_tender(s, REF)
        one = meetings.add_meeting(s, t, "Alan", held_on=LAST_WEEK, place="Room 4", attendees=["Alan", "Tom"])
        two = meetings.add_meeting(s, t, "Alan", held_on=YESTERDAY, mode="call", attendees=["Alan", "Gwen"])
        meetings.set_moderated_in(s, t, "Alan", one.id, ACME, "Q2", 3, "Section 4 sets out the safety plan.")
    with small.reader() as s:
        t = get_tender(s, REF)
        assert meetings.meeting_of(s, t, ACME, "Q2") == one.id
        assert meetings.meeting_of(s, t, ACME, "Q1") is None  # loaded without one: none
        assert [m.items for m in meetings.meetings(s, t)] == [1, 0]
    with pytest.raises(WorkflowError, match="1 consensus score was agreed in it"), small.transaction() as s:
        meetings.remove_meeting(s, get_tender(s, REF), "Alan", one.id)
    with small.transaction() as s:  # saved unchanged in the second: still agreed in the first
        meetings.set_moderated_in(
            s, get_tender(s, REF), "Alan", two.id, ACME, "Q2", 3, "Section 4 sets out the safety plan."
        )
    with small.reader() as s:
        assert meetings.meeting_of(s, get_tender(s, REF), ACME, "Q2") == one.id
    with small.transaction() as s:  # changed in the second: agreed there now
        meetings.set_moderated_in(s, get_tender(s, REF), "Alan", two.id, ACME, "Q2", 2, "Section 4 omits night work.")
        meetings.set_moderated_in(s, get_tender(s, REF), "Alan", None, ACME, "Q2", 2, "Section 4 omits night work!")
    with small.reader() as s:
        assert meetings.meeting_of(s, get_tender(s, REF), ACME, "Q2") == two.id  # saved in none: kept
    with pytest.raises(NotFoundError, match="has no meeting"), small.transaction() as s:
        meetings.set_moderated_in(s, get_tender(s, REF), "Alan", 999, ACME, "Q2", 2, "Section 4.")
    _verified(small)
    # the meeting a consensus was agreed in, changed behind the app's back, is named by verify
    with small.transaction() as s:
        s.execute(text("UPDATE meeting_item SET meeting_id = :one"), {"one": one.id})
    with small.reader() as s:
        result = verify_tender(s, get_tender(s, REF))
    assert not result.ok and any("minute/" in p for p in result.problems)


def test_a_locked_tender_keeps_its_meetings(signed_db):
    db = open_svdesk_database(signed_db)
    with pytest.raises(WorkflowError, match="locked|being signed off"), db.transaction() as s:
        meetings.add_meeting(
            s, get_tender(s, DEMO), "Priya Shah", held_on=LAST_WEEK, place="Room", attendees=["Tom Ellis"]
        )
    db.dispose()


# --- why a score is missing --------------------------------------------------------------------------


def test_why_a_members_score_is_missing(small, tmp_path):
    with small.transaction() as s:
        t = get_tender(s, REF)
        met = meetings.add_meeting(
            s,
            t,
            "Alan",
            held_on=LAST_WEEK,
            place="Room 4",
            attendees=["Alan", "Tom", "Gwen"],
            apologies={"Sam": "on leave"},
        )
        meetings.set_moderated_in(s, t, "Alan", met.id, ACME, "Q1", 4, "Agreed: the named lead in section 2.")
    found = {(m.bidder, m.question, m.member): m for m in app_meetings.missing_scores(small, REF)}
    assert found[(ACME, "Q1", "Sam")].reason == "absent"  # did not score, sent apologies for the item's meeting
    day = date.fromisoformat(LAST_WEEK)
    assert (
        found[(ACME, "Q1", "Sam")].text
        == f"no score: absent (sent apologies for the meeting of {day.day} {day:%B %Y}: on leave)"
    )
    assert found[(ACME, "Q1", "Kim")].text == "no score: withdrawn from the panel (left the council)"
    assert (
        found[(ZOE, "Q1", "Sam")].text == f"no score: declared a conflict of interest with {ZOE} (Director's brother)"
    )
    assert found[(ZOE, "Q1", "Tom")].text == "no score: not scored"
    assert (ACME, "Q1", "Tom") not in found and (ACME, "Q1", "Alan") not in found  # scored; the chair does not score
    assert found[(ACME, "Q2", "Sam")].reason == "not_scored"  # Q2 was agreed in no meeting: no apologies count
    # the demo: Sam Okafor declared a conflict with Northgate Homecare Ltd
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    demo = app_meetings.missing_scores(db, DEMO)
    assert {(m.bidder, m.member, m.reason) for m in demo} == {("Northgate Homecare Ltd", "Sam Okafor", "conflict")}
    assert len(demo) == 5  # one per question
    db.dispose()


# --- the evaluation file ------------------------------------------------------------------------------


def test_meetings_travel_in_the_evaluation_file(small, tmp_path):
    with small.transaction() as s:
        t = get_tender(s, REF)
        met = meetings.add_meeting(
            s, t, "Alan", held_on=LAST_WEEK, mode="call", place="Teams", chair="Alan",
            attendees=["Alan", "Tom", "Gwen"], apologies={"Sam": "on leave"}, notes="Line one.\nLine two.",
        )  # fmt: skip
        meetings.set_moderated_in(s, t, "Alan", met.id, ACME, "Q2", 3, "Section 4 sets out the safety plan.")
        first = dump_evaluation(s, t)
    assert first["meetings"] == [
        {
            "id": "M1", "held_on": LAST_WEEK, "mode": "call", "place": "Teams", "chair": "Alan",
            "attendees": ["Tom", "Gwen", "Alan"], "apologies": [{"member": "Sam", "reason": "on leave"}],
            "notes": "Line one.\nLine two.",
        }
    ]  # fmt: skip
    rows = {(m["bidder"], m["question"]): m for m in first["moderated"]}
    assert rows[(ACME, "Q2")]["meeting"] == "M1" and "meeting" not in rows[(ACME, "Q1")]
    other = open_svdesk_database(tmp_path / "other.sqlite")
    _load(other, first)
    with other.reader() as s:
        again = dump_evaluation(s, get_tender(s, REF))
    assert {k: v for k, v in again.items() if k != "record"} == {k: v for k, v in first.items() if k != "record"}
    _verified(other)
    other.dispose()
    # a file without meetings dumps without them, as before
    plain = open_svdesk_database(tmp_path / "plain.sqlite")
    _load(plain, minimal_doc())
    with plain.reader() as s:
        assert "meetings" not in dump_evaluation(s, get_tender(s, REF))
    plain.dispose()


def test_a_files_meetings_are_checked_with_their_paths(db):
    doc = _doc()
    doc["meetings"] = [
        {"id": "M1", "held_on": (date.today() + timedelta(days=2)).isoformat(), "place": "Room", "attendees": ["Tom"]},
        {"id": "M2", "held_on": LAST_WEEK, "chair": "Gwen", "attendees": ["Tom", "Nobody"], "place": ""},
    ]
    doc["moderated"][0]["meeting"] = "M9"
    with pytest.raises(ValidationError) as refused, db.transaction() as s:
        parse_document(doc, measures_by_ref(s))
    said = {p.location: p.message for p in refused.value.problems}
    assert "a meeting on the record has happened" in said["meetings[0].held_on"]
    assert "is not on the panel" in said["meetings[1].attendees[1]"]
    assert "among its attendees" in said["meetings[1].chair"]
    assert "name the room" in said["meetings[1].place"]
    assert "not the id of one of the file's meetings" in said["moderated[0].meeting"]


# --- the moderation report ------------------------------------------------------------------------------


def _pdf_text(tmp_path, pdf: bytes, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_moderation_report_is_the_minutes_of_the_meetings(tmp_path):
    db = open_svdesk_database(tmp_path / "demo.sqlite")
    load_demo(db)
    with db.reader() as s:
        data = report_data(s, get_tender(s, DEMO))
    words = " ".join(_pdf_text(tmp_path, moderation_report(data), "moderation.pdf").split())
    # the minutes: each meeting's record, then its items, the highest spread first
    assert "Meeting 1: 18 November 2026, Committee Room 2, The Portal, Ellesmere Port" in words
    assert "Meeting 2: 25 November 2026, by call (Microsoft Teams)" in words
    assert (
        "Chair Alan Whitfield" in words
        and "Present Priya Shah, Tom Ellis, Gwen Roberts, Sam Okafor, Alan Whitfield" in words
    )
    assert "Apologies Sam Okafor (stood aside: declared a conflict of interest with Northgate Homecare Ltd)" in words
    minutes_1 = words.index("Minutes of meeting 1")
    minutes_2 = words.index("Minutes of meeting 2")
    weaver_q1 = words.index(
        "Recruitment, retention and workforce development — Weaver Valley Care Ltd — HIGH SPREAD (spread 3)"
    )
    assert minutes_1 < weaver_q1 < words.index("(spread 2)", minutes_1) < minutes_2  # the highest spread first
    # why a member has no score, in the items themselves
    northgate = words[minutes_2:]
    assert northgate.count("Sam Okafor – no score: declared a conflict of interest with Northgate Homecare Ltd") == 5
    # every member's pledge review and the panel's accepted quantity and reason
    reconciliation = words[words.index("Pledge reconciliations") :]
    assert (
        "Tom Ellis: reject — Double counting: the same spend is claimed under NT19 in the narrative." in reconciliation
    )
    assert (
        "Sam Okafor: reduce to 8 no. people FTE — Deliverability: 8 posts are funded in the pricing schedule."
        in reconciliation
    )
    assert "6 no. people FTE: Only 6 named posts are evidenced in the recruitment plan (appendix C)" in reconciliation
    # the proxy section, once (it was printed twice)
    db.dispose()


def test_the_report_says_each_reason_a_score_is_missing(small, tmp_path):
    with small.transaction() as s:
        t = get_tender(s, REF)
        met = meetings.add_meeting(
            s, t, "Alan", held_on=LAST_WEEK, place="Room 4", chair="Alan", attendees=["Alan", "Tom", "Gwen"],
            apologies={"Sam": "on leave"},
        )  # fmt: skip
        meetings.set_moderated_in(s, t, "Alan", met.id, ACME, "Q1", 4, "Agreed: the named lead in section 2.")
        wf.reopen(s, t, "Priya", "a paper form to enter")  # a score entered by proxy: said once, before the scores
        proxy.enter_by_proxy(
            s, t, "Priya", "Tom", ACME, "Q2", 3, "Section 4 names the safety lead.", "Tom's paper form"
        )
        data = report_data(s, t)
    words = " ".join(_pdf_text(tmp_path, moderation_report(data), "small.pdf").split())
    assert words.count("Scores entered by proxy") == 1  # it was printed twice
    assert "Tom (entered by proxy, not confirmed)" in words
    assert "Sam – no score: absent (sent apologies for the meeting of" in words
    assert "Kim – no score: withdrawn from the panel (left the council)" in words
    assert f"Sam – no score: declared a conflict of interest with {ZOE} (Director's brother)" in words
    assert "Tom – no score: not scored" in words
    assert "Items not yet agreed" in words


def test_a_report_without_meetings_says_so(tmp_path):
    db = open_svdesk_database(tmp_path / "plain.sqlite")
    _load(db, minimal_doc())
    with db.reader() as s:
        data = report_data(s, get_tender(s, REF))
    words = " ".join(_pdf_text(tmp_path, moderation_report(data), "plain.pdf").split())
    assert "No moderation meeting is recorded for this tender" in words
    db.dispose()


# --- the meeting dialog on the Moderation screen ----------------------------------------------------------


def test_the_meeting_dialog_records_a_meeting_and_the_consensus_is_agreed_in_it(qtbot, tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    screen = ModerationScreen(Desk(db, "Priya Shah", QUndoStack()))
    qtbot.addWidget(screen)
    screen.desk.sign_in(signed_in(db, DEMO, "Alan Whitfield"))
    screen.show_tender(DEMO)
    screen.bring_up_to_date(reads.version(db, DEMO))
    screen.resize(1366, 768)
    screen.show()
    bar = screen.meeting_panel
    assert bar.choice.currentText() == "25 November 2026, by call (Microsoft Teams)"  # the latest
    click(qtbot, bar.new)
    dialog = bar.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "New meeting"
    dialog.place.setText("Committee Room 2")
    dialog.chair.setCurrentIndex(dialog.chair.findData("Alan Whitfield"))
    for name in ("Alan Whitfield", "Tom Ellis"):
        dialog.present[name].setChecked(True)
    click(qtbot, dialog.ok)  # the chair is among them; Gwen is neither present nor apologising: fine
    assert not dialog.isVisible()
    new_label = f"{date.today().day} {date.today():%B %Y}, Committee Room 2"
    assert bar.choice.currentText() == new_label
    # a second meeting refused: the chair did not attend; the dialog stays open and says why
    click(qtbot, bar.new)
    refused = bar.dialog
    refused.place.setText("Room 9")
    refused.chair.setCurrentIndex(refused.chair.findData("Gwen Roberts"))
    refused.present["Tom Ellis"].setChecked(True)
    refused.sent["Gwen Roberts"].setChecked(True)
    assert refused.reason["Gwen Roberts"].isEnabled()
    refused.reason["Gwen Roberts"].setText("on leave")
    click(qtbot, refused.ok)
    assert refused.isVisible() and "so is among those who attended" in refused.problem.text()
    refused.reject()
    # the consensus saved now is agreed in the new meeting
    screen.grid.setCurrentIndex(screen.model.index(0, 0))
    screen.choice.choose_index(3)
    screen.rationale.setPlainText("On reflection: 3, the academy is not funded until month 9 (section 1.3).")
    assert screen.save_consensus()
    assert screen.loaded_version == reads.version(db, DEMO)  # its own edit (two entries): still current
    views = app_meetings.meetings(db, DEMO)
    assert [v.items for v in views] == [14, 5, 1]  # Weaver Valley Q1, agreed again now, moved to the new one
    assert views[-1].attendees == ("Tom Ellis", "Alan Whitfield")
    # Edit… opens the meeting as recorded
    click(qtbot, bar.change)
    edit = bar.dialog
    assert edit.windowTitle() == "Edit the meeting" and edit.place.text() == "Committee Room 2"
    assert edit.present["Tom Ellis"].isChecked() and not edit.present["Gwen Roberts"].isChecked()
    edit.sent["Gwen Roberts"].setChecked(True)
    click(qtbot, edit.ok)
    assert app_meetings.meetings(db, DEMO)[-1].apologies == (("Gwen Roberts", ""),)
    with db.reader() as s:
        assert s.scalar(select(func.count()).select_from(MeetingItem)) == 20
    db.dispose()


def test_the_consensus_is_recorded_in_no_meeting_when_none_is_chosen(tmp_path):
    db = open_database(tmp_path / "plain.sqlite")
    _load(db, minimal_doc())
    moderation.set_consensus(db, "Alan", REF, ACME, "Q2", 3, "Section 4 sets out the safety plan.")
    with db.reader() as s:
        assert meetings.meeting_of(s, get_tender(s, REF), ACME, "Q2") is None
    db.dispose()
