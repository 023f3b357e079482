"""Kinds of change, statuses and the accepted-value rule: each defined once (svdesk.model.kinds,
svdesk.model.pledge_value), every kind the services write is one of them, History labels them all."""

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from svdesk.model.entities import AuditEntry, Pledge, TenderMeasure
from svdesk.model.kinds import (
    CHANGE_LABELS,
    CONSENSUS_ONLY,
    ChangeKind,
    ImportStatus,
    Labelled,
    QuantitativeMethod,
    Role,
    Section,
    TenderStatus,
    change_label,
    only_consensus_changed,
)
from svdesk.model.pledge_value import ACCEPTED_VALUE_SQL, PLEDGED_VALUE_SQL, accepted_quantity, accepted_value
from svdesk.model.scoring import Weights

ROOT = Path(__file__).resolve().parent.parent / "svdesk"
OFFICER = "Priya"

# The action strings stored in audit logs written before the enum existed. The log is hash-chained:
# these values must never change (add a member for a new kind; never rename one).
STORED = {
    "tender.load", "tender.create", "tender.details", "weights.set", "scale.set",
    "measure.add", "measure.remove", "measure.proxy", "question.save", "question.remove",
    "bidder.add", "bidder.update", "pledge.set", "pledge.remove", "pledge.adjust",
    "pledge.review", "pledge.review.remove", "member.add", "member.remove", "score.set",
    "moderated.set", "declaration.set", "declaration.remove", "signature.add", "signature.withdraw",
    "status.draft", "status.scoring", "status.moderation", "status.signed_off", "status.awarded",
    # issue 13: panel set-up
    "member.set", "member.withdraw", "detail.set", "detail.remove",
    # issue 13: members who prove who they are
    "key.enrol", "key.reenrol", "key.retire", "signature.seal",
    # issue 13: offline packs bound to their member, tender and export
    "pack.issue", "pack.import",
    # issue 13: scores entered by proxy, and the member's confirmation
    "proxy.enter", "proxy.confirm",
    # issue 15: the parties as the law names them, what is withheld, the award stage
    "supplier.set", "procurement.set", "redaction.add", "redaction.remove",
    "award.decide", "award.summaries_sent", "award.notice", "award.contract", "award.withdraw",
    # issue 16: the moderation meetings on the record
    "meeting.add", "meeting.update", "meeting.remove", "meeting.item",
    # issue 16: rationale flags overridden with a reason
    "rationale.override", "rationale.override_remove",
    # issue 17: a first score undone, withdrawn into "not yet scored"
    "score.withdraw",
    # issue 17: each report written from the record, with the fingerprint it was made from
    "report.export",
    # issue 18: the bidders' documents and the parts answering each question
    "document.add", "document.remove", "document.part", "document.part.remove",
}  # fmt: skip
# Kinds earlier records hold that no service writes any more: a member who has declared is withdrawn,
# never removed with their declarations.
HISTORICAL = {"declaration.remove"}


def test_the_stored_values_are_the_kinds():
    assert {k.value for k in ChangeKind} == STORED


@pytest.mark.parametrize("kind", list(ChangeKind), ids=str)
def test_every_kind_has_a_human_label(kind):
    assert kind in CHANGE_LABELS
    assert kind.label == CHANGE_LABELS[kind] == change_label(kind.value)
    assert kind.label and kind.label != kind.value and "." not in kind.label and "_" not in kind.label


def test_labels_tell_kinds_apart():
    assert len(set(CHANGE_LABELS.values())) == len(ChangeKind)


def test_every_status_has_its_kind_of_change():
    for status in TenderStatus:
        kind = ChangeKind.status(status)
        assert kind.value == f"status.{status.value}"
        assert status.label in kind.label


def test_an_unknown_action_is_shown_as_it_is():
    assert change_label("something.new") == "something.new"


def test_enum_labels_are_the_values_words():
    assert TenderStatus.SIGNED_OFF.label == "signed off"
    assert Section.SOCIAL_VALUE.label.capitalize() == "Social value"
    assert QuantitativeMethod.RELATIVE_RATIO.label == "relative ratio"
    assert ImportStatus.NOT_IN_TENDER.label == "not in tender"
    for enum in (TenderStatus, Section, QuantitativeMethod, Role, ImportStatus):
        assert issubclass(enum, Labelled)
        for member in enum:
            assert member.label == member.value.replace("_", " ")


def test_only_consensus_changed_is_the_rule_the_grid_used():
    """The moderation grid's refresh decision, formerly a test of action-name prefixes."""
    old_prefixes = (
        "moderated.",
        "pledge.adjust",
        "pledge.review",
        "signature.",
        "meeting.",
    )  # the grid shows no meeting
    for kind in ChangeKind:
        assert only_consensus_changed({kind.value}) == kind.value.startswith(old_prefixes), kind
    assert only_consensus_changed(set())
    assert only_consensus_changed({"moderated.set", "signature.add", "pledge.review.remove"})
    assert not only_consensus_changed({"moderated.set", "score.set"})
    assert not only_consensus_changed({"status.moderation"})
    assert not only_consensus_changed({"moderated.something_new"})  # unknown: read the grid whole
    assert ChangeKind.MODERATED_SET in CONSENSUS_ONLY


# --- what the services write ---------------------------------------------------------------


def _audit_calls_with_literal_actions() -> list[str]:
    """`audit.record(...)` calls whose action (4th argument) is a string literal or an f-string."""
    found = []
    for path in [*(ROOT / "model").rglob("*.py"), *(ROOT / "export").rglob("*.py"), *(ROOT / "app").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                continue
            action = (
                node.args[3]
                if len(node.args) > 3
                else next((k.value for k in node.keywords if k.arg == "action"), None)
            )
            if isinstance(action, ast.Constant | ast.JoinedStr):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


def test_no_service_writes_a_literal_kind():
    assert _audit_calls_with_literal_actions() == []


@pytest.fixture(scope="module")
def every_change(tmp_path_factory):
    """A database in which the services have written every kind of change: the demo loaded from its
    file, and a tender built, scored, moderated, reopened, signed, awarded, reopened and awarded to the contract."""
    from svdesk.model.demo import load_demo
    from svdesk.model.services import award_stage, open_svdesk_database, parties, rationale_check, redactions
    from svdesk.model.services import panel_setup as ps
    from svdesk.model.services import proxy_entries as proxy
    from svdesk.model.services import setup as su
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.pack_binding import issue_pack, mark_imported
    from svdesk.model.services.pledge_reviews import review_pledge
    from svdesk.model.services.score_withdrawal import withdraw_score
    from svdesk.model.services.tenders import adjust_pledge, get_tender, set_score

    db = open_svdesk_database(tmp_path_factory.mktemp("kinds") / "kinds.sqlite")
    load_demo(db)
    bidders, evaluators = ("Weaver Valley", "Northgate"), ("Tom", "Gwen", "Sam")

    def edit(change):
        with db.transaction() as s:
            change(s, get_tender(s, "K-1"))

    with db.transaction() as s:
        su.create_tender(s, OFFICER, "K-1", "Home care", 2_400_000, Weights(40, 50, 10), 50)

    def draft(s, t):
        su.update_details(s, t, OFFICER, title="Home care services")
        su.set_weights(s, t, OFFICER, Weights(40, 50, 10), 50)
        su.set_scale(s, t, OFFICER, 5, 1, {})
        for ref in ("NT1", "NT18", "NT3"):
            su.add_measure(s, t, OFFICER, ref)
        su.override_proxy(s, t, OFFICER, "NT1", 30_000, "local rate")
        for code, section in (("Q1", "quality"), ("Q2", "quality"), ("SV1", "social_value"), ("Q9", "quality")):
            su.save_question(s, t, OFFICER, code, section=section, title=f"{code} title", text=f"{code}?", weight=50)
        su.remove_question(s, t, OFFICER, "Q9")
        for name, price in zip(bidders, (2_310_000, 2_195_000), strict=True):
            su.add_bidder(s, t, OFFICER, name, price)
        su.update_bidder(s, t, OFFICER, "Northgate", price=2_200_000)
        parties.set_supplier(s, t, OFFICER, "Northgate", address="1 High St", email="bids@northgate.example", sme=True)
        parties.set_supplier(s, t, OFFICER, "Northgate", identifier="99000102")
        parties.set_supplier(s, t, OFFICER, "Weaver Valley", address="2 Mill Ln", email="bids@weaver.example")
        parties.set_supplier(s, t, OFFICER, "Weaver Valley", identifier="99000101")
        parties.set_procurement(
            s, t, OFFICER, procedure="Open procedure", decision_maker="Alan", delegated_authority="Scheme 4.2"
        )
        parties.set_procurement(s, t, OFFICER, criteria_published_at="https://tenders.example/K-1")
        su.set_pledge(s, t, OFFICER, "Weaver Valley", "NT1", 10)
        su.set_pledge(s, t, OFFICER, "Weaver Valley", "NT3", 2)
        su.set_pledge(s, t, OFFICER, "Northgate", "NT18", 300_000)
        su.set_pledge(s, t, OFFICER, "Northgate", "NT1", 4)
        su.remove_measure(s, t, OFFICER, "NT3")  # its pledge goes with it
        for name, role in (("Tom", "evaluator"), ("Gwen", "evaluator"), ("Sam", "evaluator"), ("Alan", "chair")):
            su.add_member(s, t, OFFICER, name, role)
        su.add_member(s, t, OFFICER, "Extra", "evaluator", "extra@council.example")
        su.remove_member(s, t, OFFICER, "Extra")  # their details go too
        ps.add_member(s, t, OFFICER, OFFICER, "officer")
        ps.update_member(s, t, OFFICER, "Gwen", new_name="Gwen Roberts")
        ps.update_member(s, t, OFFICER, "Gwen Roberts", new_name="Gwen")
        ps.set_email(s, t, OFFICER, "Tom", "tom@council.example")
        ps.add_member(s, t, OFFICER, "Leaver", "evaluator")
        wf.declare(s, t, "Leaver", "Northgate", False)
        ps.withdraw_member(s, t, OFFICER, "Leaver", "left the council")
        documents_of_a_bid(s, t)
        wf.open_scoring(s, t, OFFICER)

    def documents_of_a_bid(s, t):  # issue 18
        from svdesk.model.services import documents as docs
        from tests.test_documents import make_pdf

        folder = tmp_path_factory.mktemp("bid")
        plan, annex = make_pdf(folder / "Plan.pdf", 3), make_pdf(folder / "Annex.pdf", 1, "Annex")
        docs.import_documents(s, t, OFFICER, "Northgate", [plan], "Q1", (1, 2))
        docs.remove_part(s, t, OFFICER, "Plan.pdf", "Q1")
        docs.import_documents(s, t, OFFICER, "Northgate", [annex])
        docs.remove_document(s, t, OFFICER, "Annex.pdf")

    def scoring(s, t):
        for m in (*evaluators, "Alan"):
            for b in bidders:
                wf.declare(s, t, m, b, False)
        proxy.enter_by_proxy(s, t, OFFICER, "Gwen", "Northgate", "Q1", 4, "Paper: names the staff.", "Gwen's form")
        proxy.confirm_proxy_scores(s, t, "Gwen", "Gwen")
        for m in evaluators:  # each rationale its own (one repeated across bids is flagged, and gates the award)
            for i, b in enumerate(bidders, 1):
                for j, q in enumerate(("Q1", "Q2", "SV1"), 1):
                    set_score(s, t, m, b, q, 3, f"{m}: section {i}.{j} names the staff, paid travel and a costed rota")
        withdraw_score(s, t, "Tom", "Northgate", "Q2", "undone by Tom")  # then scored again
        set_score(s, t, "Tom", "Northgate", "Q2", 3, "Tom, again: section 7.2 names the staff, paid travel and a rota")
        review_pledge(s, t, "Tom", "Northgate", "NT1", "reduce", 2, "evidence")
        su.set_pledge(s, t, OFFICER, "Northgate", "NT1", None)  # its review goes with it
        review_pledge(s, t, "Tom", "Weaver Valley", "NT1", "accept")
        tom = next(m for m in t.panel if m.name == "Tom")
        pack = issue_pack(s, t, tom, "now", [("Weaver Valley", "Q1")], OFFICER)  # an offline pack, imported
        mark_imported(s, t, "tom.xlsx", pack.pack_id, OFFICER)
        wf.open_moderation(s, t, OFFICER)

    evidence = {  # each bid's own (an explanation shared by two bids is refused at the award)
        "Weaver Valley": "the bid names staff for the rural runs in section 2, with paid travel time",
        "Northgate": "section 3 gives a plan with a recruitment coordinator and agency use capped at 5%",
    }

    def moderation(s, t):
        from svdesk.model.services import meetings

        day = (date.today() - timedelta(days=3)).isoformat()
        met = meetings.add_meeting(s, t, "Alan", held_on=day, place="Room 1", chair="Alan", attendees=["Alan", "Tom"])
        meetings.update_meeting(
            s, t, "Alan", met.id, held_on=day, mode="call", place="Teams", chair="Alan",
            attendees=["Alan", "Tom", "Gwen"], apologies={"Sam": "on leave"}, notes="Q1 first.",
        )  # fmt: skip
        spare = meetings.add_meeting(s, t, "Alan", held_on=day, place="Room 2", attendees=["Tom"])
        meetings.remove_meeting(s, t, "Alan", spare.id)
        for b in bidders:
            for q in ("Q1", "Q2", "SV1"):
                meetings.set_moderated_in(s, t, "Alan", met.id, b, q, 3, f"Agreed 3: {evidence[b]} ({q}).")
        absent = "Agreed 3: no local suppliers or community partners are named for the supply chain and volunteering."
        meetings.set_moderated_in(s, t, "Alan", met.id, "Northgate", "SV1", 3, absent)  # cites nothing: flagged
        why = "the bid has no section on it: the absence is the finding"
        rationale_check.override(s, t, "Alan", "Northgate", "SV1", "consensus", "no_reference", why)
        rationale_check.remove_override(s, t, "Alan", "Northgate", "SV1", "consensus", "no_reference", "reworded")
        rationale_check.override(s, t, "Alan", "Northgate", "SV1", "consensus", "no_reference", why)
        adjust_pledge(s, t, "Alan", "Weaver Valley", "NT1", 8, "Only 8 posts are evidenced.")
        kept = redactions.redact(s, t, OFFICER, "Weaver Valley", "Q1", "names staff", "staff names")
        redactions.remove_redaction(s, t, OFFICER, kept.id, "not sensitive after all")
        redactions.redact(s, t, OFFICER, "Northgate", "Q1", "a plan", "the plan is commercial")

    edit(draft)
    edit(lambda s, t: wf.reopen(s, t, OFFICER, "change the questions"))  # scoring -> draft
    edit(lambda s, t: wf.open_scoring(s, t, OFFICER))
    edit(scoring)
    edit(lambda s, t: wf.reopen(s, t, OFFICER, "rescore Q2"))  # moderation -> scoring
    edit(lambda s, t: wf.open_moderation(s, t, OFFICER))
    edit(moderation)
    from svdesk.app import identity
    from svdesk.model import audit
    from tests.keys import officer, passphrase_of, signed_in

    signed_in(db, "K-1", "Tom")  # enrols Tom, who then forgets his passphrase
    identity.reenrol(db, officer(db, "K-1"), "K-1", "Tom", passphrase_of("Tom"), "forgot the passphrase")
    for member in (*evaluators, "Alan"):
        signer = signed_in(db, "K-1", member)
        edit(lambda s, t, signer=signer: wf.sign(s, t, signer))
    alan = signed_in(db, "K-1", "Alan")  # from the first enrolment on, every change is signed

    priya = officer(db, "K-1")  # the award stage and reopening are the officer's once the record is signed

    def as_officer(change):
        with db.transaction() as s, audit.signing(priya):
            change(s, get_tender(s, "K-1"))

    def award(s, t, *, enter: bool):
        day = date.today() - timedelta(days=30)
        award_stage.decide(s, t, OFFICER, decided_on=day, recommendation="Northgate")
        award_stage.summaries_sent(s, t, OFFICER, day)
        award_stage.notice_published(s, t, OFFICER, day)
        if enter:
            award_stage.contract_entered(s, t, OFFICER, date.today())

    as_officer(lambda s, t: award(s, t, enter=False))
    as_officer(lambda s, t: wf.reopen(s, t, OFFICER, "a bidder's challenge"))  # withdraws the award decision
    for member in (*evaluators, "Alan"):
        signer = signed_in(db, "K-1", member)
        edit(lambda s, t, signer=signer: wf.sign(s, t, signer))
    as_officer(lambda s, t: award(s, t, enter=True))  # the contract entered: the record is final
    from svdesk.app import reports

    # the officer's issue of a report from the signed record (issue 17): a report.export entry
    reports.write_report(db, "K-1", "evaluation", tmp_path_factory.mktemp("k1") / "evaluation.pdf", actor=alan)
    with db.reader() as s:
        assert get_tender(s, "K-1").status == TenderStatus.AWARDED
    yield db
    db.dispose()


def test_every_kind_written_is_a_member_and_every_member_is_written(every_change):
    with every_change.reader() as s:
        written = set(s.scalars(select(AuditEntry.action).distinct()))
    assert written - STORED == set()  # nothing written that ChangeKind does not name
    assert written == {k.value for k in ChangeKind} - HISTORICAL  # and no member that nothing writes


def test_history_labels_every_kind_written(every_change):
    from svdesk.model.services.history import tender_history
    from svdesk.model.services.tenders import list_tenders

    shown = set()
    with every_change.reader() as s:
        from svdesk.model.services.tenders import get_tender

        for summary in list_tenders(s):
            shown |= {row.action for row in tender_history(s, get_tender(s, summary.reference))}
    assert shown == {label for kind, label in CHANGE_LABELS.items() if kind.value not in HISTORICAL}
    assert not shown & STORED  # no raw code shown


# --- the accepted-value rule ---------------------------------------------------------------


def test_the_accepted_value_rule():
    assert accepted_quantity(10, None) == 10
    assert accepted_quantity(10, 8) == 8
    assert accepted_quantity(10, 0.0) == 0.0  # rejected: 0, not the quantity
    assert accepted_value(10, None, 2.5) == 25
    assert accepted_value(10, 0.0, 2.5) == 0


def test_every_figure_of_accepted_value_agrees(every_change):
    """The SQL expression, the pledge grid, the report rows and the results all say the same, to the penny."""
    from svdesk.model.services.overview import accepted_value_by_theme
    from svdesk.model.services.report_data import report_data
    from svdesk.model.services.results import bidder_values
    from svdesk.model.services.setup_views import pledge_grid
    from svdesk.model.services.tenders import get_tender

    with every_change.transaction() as s:
        from svdesk.model.services.tenders import adjust_pledge

        demo = get_tender(s, "CWAC-2026-0142")
        adjust_pledge(s, demo, "Alan Whitfield", "Dee Community Care CIC", "NT1", 3, "Only 3 posts are evidenced.")
    with every_change.reader() as s:
        demo = get_tender(s, "CWAC-2026-0142")
        by_sql = dict(
            s.execute(
                select(Pledge.bidder_id, func.sum(ACCEPTED_VALUE_SQL))
                .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
                .where(TenderMeasure.tender_id == demo.id)
                .group_by(Pledge.bidder_id)
            ).all()
        )
        pledged_sql = s.scalar(
            select(func.sum(PLEDGED_VALUE_SQL))
            .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
            .where(TenderMeasure.tender_id == demo.id)
        )
        values = bidder_values(s, demo.id)
        grid = pledge_grid(s, demo)
        _themes, by_theme = accepted_value_by_theme(s, demo)
        data = report_data(s, demo)
        names = {b.id: b.name for b in demo.bidders}
    assert round(pledged_sql, 2) == round(sum(p for p, _a in values.values()), 2)
    reduced = False
    for bid, name in names.items():
        accepted = round(by_sql[bid], 2)
        reduced |= accepted < round(values[bid][0], 2)
        assert round(values[bid][1], 2) == accepted
        assert round(grid.totals(name)[1], 2) == accepted
        assert round(sum(c.accepted_value for (_r, b), c in grid.cells.items() if b == name), 2) == accepted
        assert round(sum(by_theme[name].values()), 2) == accepted
        assert round(sum(p.accepted_value for p in data.pledges if p.bidder == name), 2) == accepted
        assert round(sum(a for _p, a in data.value_by_theme(name).values()), 2) == accepted
    assert reduced  # the adjustment counts
