"""`svdesk panel list|add|remove|withdraw` and `svdesk declare`: exit codes, messages, and nothing
written on bad input."""

import json

import pytest

from svdesk.app import panel, reads
from svdesk.app.database import open_database
from svdesk.cli import main
from svdesk.resources import resource_path
from tests.keys import passphrase_of

DEMO = str(resource_path("demo", "demo_evaluation.json"))
REF = "CWAC-2026-0142"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def demo(tmp_path, capsys):
    path = str(tmp_path / "demo.sqlite")
    assert run(capsys, "load", DEMO, "--db", path)[0] == 0
    return path


def version(path):
    db = open_database(path)
    try:
        return reads.version(db, REF)
    finally:
        db.dispose()


def rows(path):
    db = open_database(path)
    try:
        return panel.panel_rows(db, REF)
    finally:
        db.dispose()


def test_panel_list_shows_each_member_with_their_progress(demo, capsys):
    code, out, err = run(capsys, "panel", "list", "--db", demo, "--tender", REF)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{REF}: 5 members on the panel"  # the officer, and the four who score and sign
    head = ["Name", "Role", "Email", "Scores", "Declared", "Enrolled", "May not see", "Status"]
    assert [word.strip() for word in lines[2].split("  ") if word.strip()] == head
    sam = next(line for line in lines if line.startswith("Sam Okafor"))
    assert "15 of 15" in sam and "4 of 4" in sam and "Northgate Homecare Ltd" in sam
    assert sam.endswith("active")
    alan = next(line for line in lines if line.startswith("Alan Whitfield"))
    assert alan.split()[2:4] == ["chair", "-"]  # a chair does not score
    # the database holds one tender: no --tender needed
    code, out, _ = run(capsys, "panel", "list", "--db", demo, "--member", "Sam Okafor", "--json")
    (sam,) = json.loads(out)
    assert code == 0 and sam["name"] == "Sam Okafor" and sam["conflicts"] == ["Northgate Homecare Ltd"]
    assert (sam["scores_given"], sam["scores_expected"], sam["declarations"], sam["enrolled"]) == (15, 15, 4, False)


def test_panel_add_remove_and_withdraw(demo, capsys):
    code, out, _ = run(
        capsys, "panel", "add", "--db", demo, "--member", "Pat Lowe", "--role", "officer",
        "--email", "pat.lowe@council.example",
    )  # fmt: skip
    assert (code, out) == (0, f"{REF}: added Pat Lowe (officer)\n")
    code, out, _ = run(capsys, "panel", "add", "--db", demo, "--member", "Rhys Jones", "--json")
    added = json.loads(out)
    assert code == 0 and (added["tender"], added["name"], added["role"], added["acted"]) == (
        REF, "Rhys Jones", "evaluator", False,
    )  # fmt: skip
    code, out, _ = run(capsys, "panel", "remove", "--db", demo, "--member", "Rhys Jones")
    assert (code, out) == (0, f"removed Rhys Jones from the panel of {REF}\n")
    code, out, _ = run(capsys, "panel", "withdraw", "--db", demo, "--member", "Sam Okafor", "--reason", "Sick leave")
    assert code == 0 and out == f"{REF}: withdrew Sam Okafor (Sick leave); what they did stays in the record\n"
    shown = {r.name: r for r in rows(demo)}
    assert list(shown) == ["Priya Shah", "Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield", "Pat Lowe"]
    assert shown["Pat Lowe"].email == "pat.lowe@council.example" and shown["Sam Okafor"].withdrawn
    _, out, _ = run(capsys, "panel", "list", "--db", demo)
    assert f"{REF}: 5 members on the panel" in out and "withdrawn" in out and "Sick leave" in out
    assert run(capsys, "verify", "--db", demo)[0] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("panel", "add", "--member", "Zed", "--role", "boss"), "panel member Zed: the role 'boss' is not one of"),
        (("panel", "add", "--member", "Zed", "--email", "zed@"), "panel member Zed: 'zed@' is not an email address"),
        (("panel", "add", "--member", "Tom Ellis"), "'Tom Ellis' is already on the panel"),
        (("panel", "remove", "--member", "Tom Ellis"),
         "Tom Ellis has made 20 scores, 4 declarations and 2 pledge reviews (and is in the minutes of 2 meetings) "
         "and cannot be removed from the panel; "
         "withdraw them with a reason instead"),
        (("panel", "remove", "--member", "Nobody"), "'Nobody' is not on the panel of tender CWAC-2026-0142"),
        (("panel", "withdraw", "--member", "Tom Ellis", "--reason", " "), "withdrawing Tom Ellis needs a reason"),
        (("panel", "list", "--member", "Nobody"), "'Nobody' is not on the panel of tender CWAC-2026-0142"),
        (("panel", "list", "--tender", "NOPE"), "no tender with reference 'NOPE'"),
        (("declare", "--member", "Tom Ellis", "--bidder", "Nobody Ltd", "--none"), "no bidder named 'Nobody Ltd'"),
        (("declare", "--member", "Nobody", "--bidder", "Dee Community Care CIC", "--none"), "'Nobody' is not on the"),
        (("declare", "--member", "Tom Ellis", "--bidder", "Dee Community Care CIC", "--conflict", " "),
         "Tom Ellis: describe the conflict of interest with Dee Community Care CIC"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_the_member_and_writes_nothing(demo, capsys, monkeypatch, argv, message):
    if argv[0] == "declare":  # a member declares signed in: Tom enrols first
        monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of("Tom Ellis"))
        assert run(capsys, "panel", "enrol", "--member", "Tom Ellis", "--db", demo)[0] == 0
    before = version(demo)
    code, out, err = run(capsys, *argv, "--db", demo)
    assert code == 2 and out == "" and err.startswith("svdesk: ") and message in err, err
    assert version(demo) == before


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("panel",), "the following arguments are required: ACTION"),
        (("panel", "add"), "the following arguments are required: --member"),
        (("panel", "withdraw", "--member", "Tom Ellis"), "the following arguments are required: --reason"),
        (("declare", "--member", "Tom Ellis", "--bidder", "Dee Community Care CIC"), "one of the arguments --none"),
        (("declare", "--member", "Tom Ellis", "--bidder", "Dee Community Care CIC", "--none", "--conflict", "x"),
         "not allowed with argument"),
    ],
)  # fmt: skip
def test_a_malformed_command_exits_2_with_its_usage(demo, capsys, argv, said):
    before = version(demo)
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--db", demo])
    assert exit_.value.code == 2 and said in capsys.readouterr().err
    assert version(demo) == before


def test_declare_records_a_members_declaration(tmp_path, capsys, monkeypatch):
    path = str(tmp_path / "d.sqlite")
    db = open_database(path)
    try:
        from svdesk.app import pledges, setup

        setup.create_tender(db, "Priya", "D-1", "Highways", 400_000)
        for bidder in ("Acme Roads", "Brightway Ltd"):
            pledges.add_bidder(db, "Priya", "D-1", bidder, 350_000)
    finally:
        db.dispose()
    assert run(capsys, "panel", "add", "--db", path, "--member", "Tom")[0] == 0
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of("Tom"))
    code, out, err = run(capsys, "declare", "--db", path, "--member", "Tom", "--bidder", "Acme Roads", "--none")
    assert code == 2 and "Tom has not enrolled: they enrol first" in err  # declaring is done signed in
    assert run(capsys, "panel", "enrol", "--db", path, "--member", "Tom")[0] == 0
    code, out, _ = run(capsys, "declare", "--db", path, "--member", "Tom", "--bidder", "Acme Roads", "--none")
    assert (code, out) == (0, "Tom declared no conflict with Acme Roads\n")
    code, out, _ = run(
        capsys, "declare", "--db", path, "--member", "Tom", "--bidder", "Brightway Ltd", "--conflict", "My brother"
    )
    assert (code, out) == (0, "Tom declared a conflict of interest with Brightway Ltd: My brother\n")
    (tom,) = json.loads(run(capsys, "panel", "list", "--db", path, "--json")[1])
    assert tom["declarations"] == 2 and tom["conflicts"] == ["Brightway Ltd"]
    code, _, err = run(capsys, "panel", "remove", "--db", path, "--member", "Tom")
    assert code == 2 and "Tom has made 2 declarations and 1 enrolment and cannot be removed" in err
