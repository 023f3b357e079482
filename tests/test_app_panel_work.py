"""The use cases of scoring, moderation, sign-off and the panel: the path the screens and the
command line ship (each its own transaction, the backup before a signature, the record version)."""

import pytest

from svdesk.app import moderation, panel, reads, scoring, signoff
from svdesk.app.database import list_backups, open_database
from svdesk.app.errors import StaleEditError, ValidationError, WorkflowError
from svdesk.model.demo import load_demo
from tests.keys import officer, signed_in

REF = "CWAC-2026-0142"  # the demo: in moderation, every cell agreed
PANEL = ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield")


@pytest.fixture
def demo(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    yield db
    db.dispose()


@pytest.fixture
def scoring_open(tmp_path):
    """A small tender with scoring open: two evaluators, two bids, two questions."""
    from svdesk.app import setup

    db = open_database(tmp_path / "s.sqlite")
    setup.create_tender(db, "Priya", "P-1", "Highways", 400_000)
    from svdesk.model.services import setup as su
    from svdesk.model.services.tenders import get_tender

    with db.transaction() as s:
        t = get_tender(s, "P-1")
        su.add_measure(s, t, "Priya", "NT1")
        su.save_question(s, t, "Priya", "Q1", section="quality", text="Method?", weight=60)
        su.save_question(s, t, "Priya", "SV1", section="social_value", text="Social value?", weight=100)
        for b in ("Acme Roads", "Brightway Ltd"):
            su.add_bidder(s, t, "Priya", b, 350_000)
        su.set_pledge(s, t, "Priya", "Acme Roads", "NT1", 10)
    for name in ("Tom", "Sam"):
        panel.add_member(db, "Priya", "P-1", name, "evaluator")
    signoff.open_scoring(db, "Priya", "P-1")
    yield db
    db.dispose()


def test_the_panel_is_listed_added_to_and_removed_from(demo):
    assert [m.name for m in panel.members(demo, REF)] == ["Priya Shah", *PANEL]  # the officer first
    assert panel.evaluators(demo, REF) == list(PANEL[:3])
    with pytest.raises(ValidationError, match="has made 20 scores, .* and cannot be removed.*withdraw them"):
        panel.remove_member(demo, "Priya", REF, "Tom Ellis")
    before = reads.version(demo, REF)
    added = panel.add_member(demo, "Priya", REF, "Rhys Jones", "moderator")
    assert added.version is not None and added.version.follows(before)
    assert panel.members(demo, REF)[-1] == panel.Member("Rhys Jones", "moderator")
    panel.remove_member(demo, "Priya", REF, "Rhys Jones")
    assert [m.name for m in panel.members(demo, REF)] == ["Priya Shah", *PANEL]


def test_a_member_declares_then_scores_blind_with_the_stale_edit_check(scoring_open):
    db = scoring_open
    work = scoring.worklist(db, "P-1", "Tom")
    assert work.editable and not work.declared
    assert [d.bidder for d in work.declarations] == ["Acme Roads", "Brightway Ltd"]
    with pytest.raises(ValidationError, match="describe the conflict"):  # all or nothing: none saved
        scoring.declare(db, "Tom", "P-1", "Tom", [("Acme Roads", False, ""), ("Brightway Ltd", True, "")])
    assert not scoring.worklist(db, "P-1", "Tom").declared
    scoring.declare(db, "Tom", "P-1", "Tom", [("Acme Roads", False, ""), ("Brightway Ltd", True, "My brother")])
    work = scoring.worklist(db, "P-1", "Tom")
    assert [(it.bidder, it.question) for it in work.items or []] == [("Acme Roads", "Q1"), ("Acme Roads", "SV1")]
    first = scoring.set_score(db, "Tom", "P-1", "Tom", "Acme Roads", "Q1", 3, "Section 2 names staff.", 0)
    assert first.value == 1
    with pytest.raises(StaleEditError, match="changed by someone else"):  # shown version 0, saved since
        scoring.set_score(db, "Tom", "P-1", "Tom", "Acme Roads", "Q1", 4, "Section 2 names four staff.", 0)
    again = scoring.set_score(db, "Tom", "P-1", "Tom", "Acme Roads", "Q1", 4, "Four named staff.", first.value)
    assert again.value == 2
    assert scoring.own_score(db, "P-1", "Tom", "Acme Roads", "Q1").rationale == "Four named staff."
    scoring.review_pledge(db, "Tom", "P-1", "Tom", "Acme Roads", "NT1", "reduce", 6, "Evidence: 6 posts")
    (pledge,) = scoring.member_pledges(db, "P-1", "Tom")
    assert (pledge.decision, pledge.accepted) == ("reduce", 6)
    with pytest.raises(WorkflowError, match="Sam must declare"):  # no bid's pledges before the declarations
        scoring.member_pledges(db, "P-1", "Sam")
    with pytest.raises(WorkflowError, match="Sam must declare"):
        scoring.own_score(db, "P-1", "Sam", "Acme Roads", "Q1")
    scoring.declare(db, "Sam", "P-1", "Sam", [("Acme Roads", False, ""), ("Brightway Ltd", False, "")])
    assert scoring.member_pledges(db, "P-1", "Sam")[0].decision is None  # blind
    with pytest.raises(WorkflowError, match="Tom declared a conflict of interest with Brightway Ltd"):
        scoring.own_score(db, "P-1", "Tom", "Brightway Ltd", "Q1")


def test_a_consensus_comes_back_as_its_cell_with_the_warning(demo):
    view = moderation.grid_view(demo, REF)
    assert view.editable and view.grid is not None and view.refused is None
    cell = view.grid.cell("Weaver Valley Care Ltd", "Q1")
    saved = moderation.set_consensus(
        demo, "Alan", REF, "Weaver Valley Care Ltd", "Q1", 3, "Better than Northgate on staffing.", cell.version
    )
    assert saved.value.consensus == 3 and saved.value.version == cell.version + 1
    assert saved.warnings and "compares bids" in saved.warnings[0]
    with pytest.raises(StaleEditError):
        moderation.set_consensus(demo, "Alan", REF, "Weaver Valley Care Ltd", "Q1", 2, "Section 1.3.", cell.version)


def test_the_grid_reads_only_the_consensus_again_when_that_is_all_that_changed(demo):
    view = moderation.grid_view(demo, REF)
    grid, read_at = view.grid, reads.version(demo, REF)
    assert grid is not None
    moderation.set_consensus(demo, "Gwen", REF, "Northgate Homecare Ltd", "Q2", 1, "Section 4 has no referral route.")
    moderation.adjust_pledge(demo, "Gwen", REF, "Dee Community Care CIC", "NT1", 3, "Only 3 posts are evidenced.")
    status = moderation.refresh_consensus(demo, REF, grid, read_at)
    assert status is not None and status.open_for(moderation.TenderStatus.MODERATION)
    assert grid.cell("Northgate Homecare Ltd", "Q2").consensus == 1
    # anything else (here a reopening: the status moved) and the grid must be read whole
    read_at = reads.version(demo, REF)
    signoff.reopen(demo, "Priya", REF, "A late clarification")
    assert moderation.refresh_consensus(demo, REF, grid, read_at) is None
    refused = moderation.grid_view(demo, REF)
    assert refused.grid is None and "only possible while the tender is in moderation" in (refused.refused or "")


def test_signing_backs_up_first_and_locks_once_everyone_has_signed(demo):
    assert signoff.readiness(demo, REF) == signoff.Readiness("sign-off", ())
    with pytest.raises(ValidationError, match="panel member who signs"):
        signoff.advance(demo, "Priya", REF, "sign")
    for n, member in enumerate(PANEL, 1):
        done = signoff.advance(demo, member, REF, "sign", signer=signed_in(demo, REF, member))
        assert len([b for b in list_backups(demo) if b.label == "pre-signoff"]) == n
    assert done.value.value == "signed_off" and done.value.label == "signed off" and done.value.locked
    view = signoff.signoff_view(demo, REF)
    assert [s.name for s in view.signatures] == list(PANEL) and view.unsigned == [] and view.readiness is None
    assert signoff.verify_record(demo, REF).ok
    with pytest.raises(WorkflowError, match="signed off and locked"):
        moderation.set_consensus(demo, "Alan", REF, "Weaver Valley Care Ltd", "Q1", 3, "Section 2.")
    awarded = signoff.award(
        demo, officer(demo, REF), REF, decision_maker="Cabinet member", delegated_authority="Scheme 4.2"
    )
    assert awarded.value.value == "awarded"
    back = signoff.reopen(demo, officer(demo, REF), REF, "Challenge upheld")
    assert back.value.value == "moderation" and not back.value.locked
    assert signoff.signoff_view(demo, REF).unsigned == list(PANEL)  # signatures withdrawn


def test_the_helper_process_signs_through_the_same_use_case(demo):
    from svdesk.helper_process import submit

    tom = signed_in(demo, REF, "Tom Ellis")  # what the helper is given pickles: plain values
    assert submit(signoff.sign_in_own_connection, demo.url, "Tom", REF, tom).result(timeout=120) == "Tom Ellis"
    assert [b.label for b in list_backups(demo)].count("pre-signoff") == 1
    assert [s.name for s in signoff.signoff_view(demo, REF).signatures] == ["Tom Ellis"]
    report = submit(signoff.verify_in_own_connection, demo.url, REF).result(timeout=120)
    assert report.ok and report == signoff.verify_record(demo, REF)


def test_a_read_only_database_offers_no_edits(demo, tmp_path):
    tom = signed_in(demo, REF, "Tom Ellis")
    ro = open_database(demo.path, read_only=True, read_only_reason="opened to look")
    try:
        assert not moderation.grid_view(ro, REF).editable
        assert not signoff.signoff_view(ro, REF).status.writable
        with pytest.raises(WorkflowError, match="read-only"):
            signoff.advance(ro, "Priya", REF, "reopen", reason="why")
        with pytest.raises(WorkflowError, match="read-only"):
            signoff.sign(ro, "Tom Ellis", REF, tom)
        assert list_backups(demo) == []  # refused before any backup
    finally:
        ro.dispose()
