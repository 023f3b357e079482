"""The moderation grid is aggregated in SQL; each cell must say exactly what the individual rows say.

Runs on SQLite and PostgreSQL (the aggregate is spelled differently on each).
"""

import pytest

from svdesk.model.demo import load_demo
from svdesk.model.errors import WorkflowError
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.panel_views import cell_detail, grid_cell, moderation_grid
from svdesk.model.services.report_data import report_data
from svdesk.model.services.tenders import get_tender, set_moderated


@pytest.fixture
def demo_db(database_target):
    database = open_svdesk_database(database_target)
    load_demo(database)
    yield database
    database.dispose()


def test_each_grid_cell_agrees_with_the_individual_scores(demo_db):
    with demo_db.reader() as s:
        tender = get_tender(s)
        grid = moderation_grid(s, tender)
        data = report_data(s, tender)
    panel_order = [name for name, _role in data.panel]
    assert len(grid.cells) == len(data.bidders) * len(data.questions) == 20  # every demo cell is scored
    for (bidder, question), cell in grid.cells.items():
        rows = sorted(
            (r for r in data.individual if r.bidder == bidder and r.question == question),
            key=lambda r: panel_order.index(r.member),
        )
        marks = [r.score for r in rows]
        assert cell.marks == marks and cell.count == len(marks)
        assert cell.spread == max(marks) - min(marks)
        assert cell.mean == pytest.approx(sum(marks) / len(marks))
        agreed = [m.score for m in data.moderated if m.bidder == bidder and m.question == question]
        assert cell.consensus == (agreed[0] if agreed else None)


def test_one_cell_is_read_afresh_after_a_consensus_changes(demo_db):
    with demo_db.transaction() as s:
        set_moderated(s, get_tender(s), "Alan Whitfield", "Dee Community Care CIC", "Q2", 2, "Section 2 lacks cover.")
    with demo_db.reader() as s:
        tender = get_tender(s)
        cell = grid_cell(s, tender, "Dee Community Care CIC", "Q2")
        detail = cell_detail(s, tender, "Dee Community Care CIC", "Q2")
        whole = moderation_grid(s, tender).cell("Dee Community Care CIC", "Q2")
    same = ("marks", "count", "low", "high", "total", "consensus", "version")
    assert [getattr(cell, a) for a in same] == [getattr(whole, a) for a in same] and cell.consensus == 2
    assert detail.consensus_rationale == "Section 2 lacks cover." and detail.version == cell.version
    assert [m.score for m in detail.scores] == cell.marks
    assert detail.mean == pytest.approx(cell.mean)


def test_a_threshold_of_zero_is_refused(demo_db):
    with demo_db.reader() as s, pytest.raises(WorkflowError, match="more than 0"):
        moderation_grid(s, get_tender(s), threshold=0)


def test_the_theme_chart_sums_agree_with_the_pledges(demo_db):
    from svdesk.model.services.overview import accepted_value_by_theme

    with demo_db.reader() as s:
        tender = get_tender(s)
        themes, by_bidder = accepted_value_by_theme(s, tender)
        data = report_data(s, tender)
    assert list(by_bidder) == data.bidders
    for bidder in data.bidders:
        expected = {theme: accepted for theme, (_pledged, accepted) in data.value_by_theme(bidder).items()}
        assert {t: v for t, v in by_bidder[bidder].items() if v} == pytest.approx(
            {t: v for t, v in expected.items() if v}
        )
        assert set(by_bidder[bidder]) == set(themes)


def test_history_names_a_large_snapshot_without_reading_it_whole(demo_db):
    import json

    from svdesk.model.services import history

    with demo_db.reader() as s:
        rows = history.tender_history(s, get_tender(s))
    assert rows[0].action == "Loaded from file" and rows[0].after.startswith("whole evaluation")
    big = json.dumps(
        {"source": "framework.json", "state": {f"score/{i}": {"score": 3} for i in range(9000)}},
        sort_keys=True,
        separators=(",", ":"),
    )
    assert len(big) > history.PREVIEW
    assert history._text(big[: history.PREVIEW + 1]) == "whole evaluation from framework.json"
    assert history._text(big) == "whole evaluation from framework.json"  # the same when read whole
    small = json.dumps({"score": 4, "rationale": "x" * (history.PREVIEW - 40)}, sort_keys=True)
    assert len(small) <= history.PREVIEW and history._text(small).startswith("4: xxx")  # a change, described


def test_a_worklist_holds_only_the_members_own_scores_and_reads_each_rationale_when_shown(demo_db):
    from svdesk.model.services.panel_views import own_score, scoring_worklist

    with demo_db.reader() as s:
        tender = get_tender(s)
        items = scoring_worklist(s, tender, "Tom Ellis")
        data = report_data(s, tender)
        first = own_score(s, tender, "Tom Ellis", items[0].bidder, items[0].question)
    toms = {(r.bidder, r.question): r for r in data.individual if r.member == "Tom Ellis"}
    assert {(it.bidder, it.question) for it in items if it.done} == set(toms)
    for it in items:  # his scores, nobody else's; no rationale read yet for a scored item
        assert it.score == (toms[(it.bidder, it.question)].score if it.done else None)
        assert it.rationale is None if it.done else it.rationale == ""
    expected = toms[(items[0].bidder, items[0].question)]
    assert (first.score, first.rationale) == (expected.score, expected.rationale)
    assert first.rationale.startswith("Appendix C names only six posts") and first.version == items[0].version >= 1


def test_the_tender_list_counts_each_tender_apart(demo_db):
    from svdesk.model.evaluation_file import parse_document, write_evaluation
    from svdesk.model.services.catalogue import measures_by_ref
    from svdesk.model.services.tenders import list_tenders
    from tests.factory import minimal_doc

    with demo_db.transaction() as s:
        write_evaluation(s, parse_document(minimal_doc(), measures_by_ref(s)), "Priya")
    with demo_db.reader() as s:
        listed = {t.reference: t for t in list_tenders(s)}
        expected = {}
        for reference in listed:
            data = report_data(s, get_tender(s, reference))
            expected[reference] = (
                len(data.bidders),
                len(data.questions),
                len(data.measures),
                len(data.panel),
                len(data.individual),
                len(data.moderated),
            )
    assert set(listed) == {"CWAC-2026-0142", "T-001"}
    for reference, t in listed.items():
        assert (t.bidders, t.questions, t.measures, t.panel, t.scores, t.moderated) == expected[reference]
    assert listed["CWAC-2026-0142"].scores == 55 and listed["T-001"].moderated < listed["CWAC-2026-0142"].moderated


def test_the_stage_overview_counts_what_each_stage_has(demo_db):
    from svdesk.model.services.overview import tender_overview

    with demo_db.reader() as s:
        stages = [stage.summary for stage in tender_overview(s, get_tender(s)).stages]
    assert stages[:7] == [
        "Setup done",
        "Panel: 5 members, 0 enrolled",
        "Measures: 8 chosen",
        "Questions: 4 quality, 1 social value",
        "Bids: 4, 4 with pledges",
        "Scoring 55/55",  # Sam declared a conflict with one bid: 5 cells fewer than 3 x 4 x 5
        "Moderation 20/20",
    ]


def test_history_filters_by_the_bid_or_question_a_change_is_about_and_lists_the_newest(demo_db):
    from svdesk.model import audit, state
    from svdesk.model.services.history import history_size, tender_history

    with demo_db.transaction() as s:  # a few changes of our own on top of the loaded demo
        tender = get_tender(s)
        for code in ("Q1", "Q2", "Q3"):
            set_moderated(
                s, tender, "Alan Whitfield", "Northgate Homecare Ltd", code, 3, f"{code}: section 2 evidence."
            )
    with demo_db.reader() as s:
        tender = get_tender(s)
        entries = audit.history(s, tender.uid)
        whole = tender_history(s, tender)
        assert [r.seq for r in whole] == [e.seq for e in entries] and history_size(s, tender) == len(entries)
        newest = tender_history(s, tender, newest=2)
        assert [r.seq for r in newest] == [e.seq for e in entries][-2:]  # the newest, oldest first
        for bidder in ("Weaver Valley Care Ltd", "Northgate Homecare Ltd"):
            got = [r.seq for r in tender_history(s, tender, bidder)]
            bidder_id = str(next(b.id for b in tender.bidders if b.name == bidder))
            expected = [
                e.seq
                for e in entries
                if any(
                    kind == "bidder" and i == bidder_id
                    for kind, i in zip(
                        state.KEY_PARTS.get(e.entity.split("/")[0], ()), e.entity.split("/")[1:], strict=False
                    )
                )
            ]
            assert got == expected  # every change about this bid, and nothing about another
            assert len(got) == (3 if bidder.startswith("Northgate") else 0)  # the demo itself is one load
        mine = tender_history(s, tender, "Northgate Homecare Ltd", "Q2")
        assert [r.after for r in mine][-1] == "3: Q2: section 2 evidence." and all("Q2" in r.what for r in mine)
        assert tender_history(s, tender, "No such bidder") == []


def test_a_grid_read_without_marks_reads_them_for_the_bids_shown(demo_db):
    from svdesk.model.services.panel_views import load_marks

    with demo_db.reader() as s:
        tender = get_tender(s)
        whole = moderation_grid(s, tender)
        lean = moderation_grid(s, tender, marks=False)
        same = ("count", "low", "high", "consensus", "version")
        assert {k: [getattr(c, a) for a in same] for k, c in lean.cells.items()} == {
            k: [getattr(c, a) for a in same] for k, c in whole.cells.items()
        }
        first, *others = lean.bidders
        with pytest.raises(WorkflowError, match="have not been read"):
            _ = lean.cell(first, "Q1").marks
        load_marks(s, tender, lean, [first])
        for code, _title in lean.questions:
            assert lean.cell(first, code).marks == whole.cell(first, code).marks
            assert all(lean.cell(b, code).packed is None for b in others)  # only what was asked for
        load_marks(s, tender, lean, others)
        assert {k: c.marks for k, c in lean.cells.items()} == {k: c.marks for k, c in whole.cells.items()}
