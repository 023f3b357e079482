"""The award stage after sign-off (Procurement Act 2023 ss.50-51): the decision refused while the
regulation 31 check has anything open, the steps in the law's order, and the standstill's end as
the record holds it, across a weekend, Christmas 2026 and St Andrew's Day 2026 (a bank holiday in
Scotland only, which s.123(1) makes a non-working day everywhere). The calendar itself is tested in
tests/test_standstill.py; here, what the award stage does with it.

Days after today are recorded through the model with `today` given (svdesk refuses a future day)."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from svdesk.app import award, parties, signoff
from svdesk.app.database import open_database
from svdesk.model.demo import load_demo
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.services import award_stage, results
from svdesk.model.services.tenders import get_tender
from tests.factory import complete_award_details
from tests.keys import DEMO_PANEL, as_person, officer, sign

REF = "CWAC-2026-0142"
WINNER = "Weaver Valley Care Ltd"
OFFICER = "Priya Shah"  # the demo's officer
LATER = date(2027, 2, 1)  # "today" for the model's steps: every day below is before it


@pytest.fixture(scope="module")
def signed_off_file(tmp_path_factory):
    """The demo, every detail given, signed off by its four members: a file each test copies."""
    path = tmp_path_factory.mktemp("award") / "signed.sqlite"
    db = open_database(path)
    load_demo(db)
    complete_award_details(db, REF)
    for member in DEMO_PANEL:
        sign(db, REF, member)
    db.dispose()
    return path


@pytest.fixture
def signed(signed_off_file, tmp_path):
    path = tmp_path / "signed.sqlite"
    shutil.copyfile(signed_off_file, path)
    db = open_database(path)
    yield db
    db.dispose()


def _step(db, step, *args, **kwargs):
    """One model step of the award stage, as the officer signed in, in its own transaction."""
    with as_person(db, REF, OFFICER) as s:
        return step(s, get_tender(s, REF), OFFICER, *args, **kwargs)


def _decide(db, day: date):
    with as_person(db, REF, OFFICER) as s:
        tender = get_tender(s, REF)
        winner = results.winner(s, tender)
        return award_stage.decide(s, tender, OFFICER, decided_on=day, recommendation=winner, today=LATER)


def test_the_decision_is_refused_while_an_item_is_open(signed):
    priya = officer(signed, REF)
    parties.set_supplier(signed, priya, REF, WINNER, identifier="")
    with pytest.raises(WorkflowError) as refused:
        signoff.award(signed, priya, REF, decided_on=date(2026, 11, 16))
    said = str(refused.value)
    assert "1 item " in said and f"{WINNER} — reg 31(2)(c): unique identifier missing" in said
    assert "svdesk check" in said and "Before the award" in said and "nothing was recorded" in said
    assert signoff.signoff_view(signed, REF).status.value == "signed_off" and not award.award_view(signed, REF).decided
    for bidder in ("Northgate Homecare Ltd", "Dee Community Care CIC", "Sandstone Support Services"):
        parties.set_supplier(signed, priya, REF, bidder, email="")
    with pytest.raises(WorkflowError, match=r"4 items .*; and 1 more\. `svdesk check`"):
        signoff.award(signed, priya, REF, decided_on=date(2026, 11, 16))
    complete_award_details(signed, REF, priya)
    done = signoff.award(signed, priya, REF, decided_on=date(2026, 11, 16))
    assert done.value.value == "awarded"
    view = award.award_view(signed, REF)
    assert (view.decided_on, view.recommendation) == ("2026-11-16", WINNER)
    assert view.decision_maker == parties.procurement(signed, REF).decision_maker  # from the procurement's details
    assert view.authority_name == parties.authority(signed).name  # the profile, as it was


def test_a_missing_decision_maker_may_be_given_with_the_decision(signed):
    priya = officer(signed, REF)
    parties.set_procurement(signed, priya, REF, decision_maker="")
    with pytest.raises(ValidationError, match="recording the award decision needs a decision-maker$"):
        signoff.award(signed, priya, REF, decided_on=date(2026, 11, 16))
    signoff.award(signed, priya, REF, decided_on=date(2026, 11, 16), decision_maker="Cabinet Member for Adult Care")
    assert award.award_view(signed, REF).decision_maker == "Cabinet Member for Adult Care"


def test_the_steps_go_in_the_laws_order(signed):
    with pytest.raises(WorkflowError, match="record the award decision first"):
        _step(signed, award_stage.summaries_sent, date(2026, 11, 18), today=LATER)
    _decide(signed, date(2026, 11, 16))
    with pytest.raises(ValidationError, match="before the decision"):
        _step(signed, award_stage.summaries_sent, date(2026, 11, 13), today=LATER)
    with pytest.raises(WorkflowError, match=r"only after every assessment summary was sent .*s\.50\(3\)"):
        _step(signed, award_stage.notice_published, date(2026, 11, 19), today=LATER)
    with pytest.raises(WorkflowError, match="only after the contract award notice"):
        _step(signed, award_stage.contract_entered, date(2026, 12, 10), today=LATER)
    _step(signed, award_stage.summaries_sent, date(2026, 11, 18), today=LATER)
    with pytest.raises(ValidationError, match="cannot precede the assessment summaries"):
        _step(signed, award_stage.notice_published, date(2026, 11, 17), today=LATER)
    _step(signed, award_stage.notice_published, date(2026, 11, 19), today=LATER)
    with pytest.raises(WorkflowError, match="the summaries were sent before it"):
        _step(signed, award_stage.summaries_sent, date(2026, 11, 20), today=LATER)
    view = _step(signed, award_stage.contract_entered, date(2026, 12, 2), today=LATER)
    assert view.contract_entered_on == "2026-12-02" and view.next_step == ""
    with pytest.raises(WorkflowError, match="the record is final"):
        _step(signed, award_stage.notice_published, date(2026, 12, 3), today=LATER)


STANDSTILLS = [
    # notice published, the period's last day, the weekdays it skipped (and why)
    pytest.param(date(2026, 11, 6), date(2026, 11, 17), [], id="across a weekend"),
    pytest.param(
        date(2026, 12, 21),
        date(2027, 1, 5),
        [
            (date(2026, 12, 25), "Christmas Day"),
            (date(2026, 12, 28), "Boxing Day (observed) (bank holiday in every part of the UK)"),
            (date(2027, 1, 1), "New Year's Day (bank holiday in every part of the UK)"),
            (date(2027, 1, 4), "New Year Holiday (observed) (bank holiday in Scotland)"),
        ],
        id="Christmas 2026",
    ),
    pytest.param(
        date(2026, 11, 24),
        date(2026, 12, 4),
        [(date(2026, 11, 30), "Saint Andrew's Day (bank holiday in Scotland)")],
        id="St Andrew's Day 2026",
    ),
]


@pytest.mark.parametrize(("notice", "last", "holidays"), STANDSTILLS)
def test_the_standstill_and_the_contract_after_it(signed, notice, last, holidays):
    _decide(signed, date(2026, 11, 2))
    _step(signed, award_stage.summaries_sent, notice, today=LATER)
    view = _step(signed, award_stage.notice_published, notice, today=LATER)
    assert view.standstill_ends_on == last.isoformat()  # stored with the record, as the reports print it
    assert view.period is not None and len(view.period.working_days) == 8 and view.period.first_day == notice
    assert [(d.day, d.why) for d in view.period.skipped if d.day.weekday() < 5] == holidays
    assert view.next_step == f"enter into the contract on or after {view.earliest_entry} (after the standstill)"
    with pytest.raises(WorkflowError) as refused:
        _step(signed, award_stage.contract_entered, last, today=LATER)
    assert f"runs until the end of {last:%A %-d %B %Y}" in str(refused.value) and "nothing was recorded" in str(
        refused.value
    )
    assert award.award_view(signed, REF).contract_entered_on == ""
    after = date.fromordinal(last.toordinal() + 1)
    assert view.earliest_entry == after.isoformat()
    assert _step(signed, award_stage.contract_entered, after, today=LATER).contract_entered_on == after.isoformat()


def test_the_stages_list_says_where_the_award_stage_stands(signed):
    from svdesk.model.services.overview import tender_overview

    def shown() -> str:
        with signed.reader() as s:
            return next(st.summary for st in tender_overview(s, get_tender(s, REF)).stages if st.name == "Sign-off")

    assert shown() == "Signed off"
    _decide(signed, date(2026, 11, 16))
    assert shown() == "Awarded; summaries to send"
    _step(signed, award_stage.summaries_sent, date(2026, 11, 18), today=LATER)
    assert shown() == "Awarded; summaries sent"
    _step(signed, award_stage.notice_published, date(2026, 11, 19), today=LATER)
    assert shown() == "Awarded; standstill ends 2026-12-01"
    _step(signed, award_stage.contract_entered, date(2026, 12, 2), today=LATER)
    assert shown() == "Awarded; contract entered 2026-12-02"
