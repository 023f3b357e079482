"""A shared database: concurrent panel members lose no write; a stale edit is detected and shown.

Runs on SQLite and on a real PostgreSQL server (two independent engines = two laptops).
"""

import threading

import psycopg
import pytest

from svdesk.cli import main
from svdesk.model.demo import load_demo
from svdesk.model.errors import StaleEditError
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import setup as su
from svdesk.model.services import workflow as wf
from svdesk.model.services.tenders import adjust_pledge, get_tender, scores_visible_to, set_score
from svdesk.model.services.verify import verify_tender

MEMBERS = ("Tom", "Gwen")
BIDDERS = ("A Ltd", "B Ltd", "C Ltd")
QUESTIONS = ("Q1", "Q2", "Q3")


def prepare(target):
    db = open_svdesk_database(target)
    with db.transaction() as s:
        t = su.create_tender(s, "Priya", "S-1", "Shared", 900_000)
        su.add_measure(s, t, "Priya", "NT1")
        for q in QUESTIONS:
            su.save_question(s, t, "Priya", q, section="quality", text=f"{q}?", weight=10)
        su.save_question(s, t, "Priya", "SV1", section="social_value", text="SV?", weight=10)
        for b in BIDDERS:
            su.add_bidder(s, t, "Priya", b, 300_000)
            su.set_pledge(s, t, "Priya", b, "NT1", 10)
        for m in MEMBERS:
            su.add_member(s, t, "Priya", m, "evaluator")
        su.add_member(s, t, "Priya", "Alan", "chair")
        wf.open_scoring(s, t, "Priya")
        for m in (*MEMBERS, "Alan"):
            for b in BIDDERS:
                wf.declare(s, t, m, b, False)
    return db


def test_two_evaluators_and_a_moderator_at_once_lose_no_write(database_target):
    first = prepare(database_target)
    second = open_svdesk_database(database_target)  # another laptop: its own engine and connections
    third = open_svdesk_database(database_target)
    errors: list[BaseException] = []

    def evaluator(db, member):
        try:
            for round_ in range(3):
                for b in BIDDERS:
                    for q in QUESTIONS:
                        with db.transaction() as s:
                            set_score(
                                s,
                                get_tender(s, "S-1"),
                                member,
                                b,
                                q,
                                (round_ + len(b)) % 6,
                                f"{member} round {round_}: evidence in section {len(q)}",
                            )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    def moderator(db):
        try:
            for round_ in range(6):
                for b in BIDDERS:
                    with db.transaction() as s:
                        adjust_pledge(
                            s,
                            get_tender(s, "S-1"),
                            "Alan",
                            b,
                            "NT1",
                            10 - round_ % 3,
                            f"round {round_}: posts evidenced in appendix C",
                        )
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=evaluator, args=(first, "Tom")),
        threading.Thread(target=evaluator, args=(second, "Gwen")),
        threading.Thread(target=moderator, args=(third,)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert errors == []
        with first.reader() as s:
            t = get_tender(s, "S-1")
            for member in MEMBERS:
                views = scores_visible_to(s, t, member)
                assert len(views) == 9 and all(v.rationale.startswith(f"{member} round 2") for v in views)
            report = verify_tender(s, t)
        assert report.ok, report.problems
        # 25 set-up entries + 2 members x 9 cells x 3 rounds + 3 bidders x 6 rounds of adjustments:
        # every concurrent write is in the chain, none lost or forked
        assert report.entries == 25 + 54 + 18
    finally:
        for db in (first, second, third):
            db.dispose()


def test_a_stale_edit_is_detected_not_overwritten(database_target):
    laptop_a = prepare(database_target)
    laptop_b = open_svdesk_database(database_target)
    try:
        with laptop_a.transaction() as s:
            set_score(s, get_tender(s, "S-1"), "Tom", "A Ltd", "Q1", 3, "Section 2 names a lead.")
        # both open the same score
        with laptop_a.reader() as s:
            seen_a = scores_visible_to(s, get_tender(s, "S-1"), "Tom")[0]
        with laptop_b.reader() as s:
            seen_b = scores_visible_to(s, get_tender(s, "S-1"), "Tom")[0]
        assert seen_a.version == seen_b.version
        with laptop_a.transaction() as s:
            set_score(
                s,
                get_tender(s, "S-1"),
                "Tom",
                "A Ltd",
                "Q1",
                4,
                "On reading appendix B: 4.",
                expected_version=seen_a.version,
            )
        with (
            pytest.raises(StaleEditError, match="changed by someone else since you opened it. It is now 4"),
            laptop_b.transaction() as s,
        ):
            set_score(
                s,
                get_tender(s, "S-1"),
                "Tom",
                "A Ltd",
                "Q1",
                2,
                "From the meeting notes: 2.",
                actor="Priya",
                expected_version=seen_b.version,
            )
        with laptop_b.reader() as s:
            now = scores_visible_to(s, get_tender(s, "S-1"), "Tom")[0]
        assert (now.score, now.rationale) == (4, "On reading appendix B: 4.")
        # a first score both think is new: the second is refused too
        with laptop_a.transaction() as s:
            set_score(s, get_tender(s, "S-1"), "Gwen", "B Ltd", "Q2", 3, "New.", expected_version=0)
        with pytest.raises(StaleEditError), laptop_b.transaction() as s:
            set_score(s, get_tender(s, "S-1"), "Gwen", "B Ltd", "Q2", 1, "Also new.", expected_version=0)
    finally:
        laptop_a.dispose()
        laptop_b.dispose()


def test_postgres_refuses_audit_edits_and_verify_catches_tampering(pg_server):
    url = pg_server.new_database()
    db = open_svdesk_database(url)
    load_demo(db)
    db.dispose()
    from sqlalchemy.engine import make_url

    dsn = dict(host=str(pg_server.socket_dir), user="svdesk", dbname=make_url(url).database)
    with psycopg.connect(**dsn, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("UPDATE audit_entry SET actor = 'Mallory'")
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("DELETE FROM audit_entry")
        conn.execute("UPDATE score SET score = 5 WHERE id = (SELECT min(id) FROM score)")
    db = open_svdesk_database(url)
    try:
        with db.reader() as s:
            report = verify_tender(s, get_tender(s))
    finally:
        db.dispose()
    assert any(
        p.startswith("score/Weaver Valley Care Ltd/Q1/Tom Ellis: score: the database holds 5.0")
        for p in report.problems
    )


def test_cli_on_postgresql(pg_server, capsys, tmp_path):
    from svdesk.resources import resource_path

    url = pg_server.new_database().replace("postgresql+psycopg://", "postgresql://")  # as a user types it
    assert main(["load", str(resource_path("demo", "demo_evaluation.json")), "--db", url]) == 0
    assert main(["results", "--db", url]) == 0
    assert "86.03" in capsys.readouterr().out
    assert main(["verify", "--db", url]) == 0
    assert main(["report", "--kind", "evaluation", "--db", url, "--out", str(tmp_path / "e.pdf")]) == 0
    assert main(["export", "--db", url, "--out", str(tmp_path / "w.xlsx")]) == 0
    code = main(["backup", "--db", url])
    assert code == 2 and "PostgreSQL" in capsys.readouterr().err
