"""`svdesk check`, `svdesk award ...` and the details they rest on (`authority`, `supplier`,
`procurement`, `redact`), through the real entry point: exit codes (check: 0 nothing open, 1
something open; 2 bad input), the JSON shapes, and a clear message without a traceback.

The days are in November 2026, before the day this was written (2 December 2026): svdesk refuses a
day in the future."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from svdesk.app.database import open_database
from svdesk.cli import main
from svdesk.resources import resource_path
from tests.keys import DEMO_PANEL, passphrase_of, sign

DEMO = str(resource_path("demo", "demo_evaluation.json"))
REF = "CWAC-2026-0142"
WINNER, LOSER = "Weaver Valley Care Ltd", "Northgate Homecare Ltd"
PRIYA = "Priya Shah"  # the demo's officer
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out, out.err


@pytest.fixture
def demo(capsys, tmp_path):
    db = str(tmp_path / "cli.sqlite")
    assert run(capsys, "load", DEMO, "--db", db)[0] == 0
    return db


def _sign_off(db: str) -> None:
    opened = open_database(db)
    for member in DEMO_PANEL:
        sign(opened, REF, member)
    opened.dispose()


def test_check_exit_codes_json_and_the_grouped_list(capsys, demo):
    code, out, _ = run(capsys, "check", "--db", demo)
    assert code == 0 and out.startswith(f"{REF}: nothing is open")
    assert run(capsys, "supplier", "set", "--db", demo, "--bidder", LOSER, "--email", "")[0] == 0
    assert run(capsys, "procurement", "set", "--db", demo, "--criteria-published-at", "")[0] == 0
    code, out, _ = run(capsys, "check", "--db", demo, "--tender", REF, "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc == {
        "tender": REF,
        "open": [
            {
                "kind": "reg31",
                "supplier": "",
                "paragraph": "reg 31(2)(d)(ii)",
                "item": "the full award criteria's location (a link or document)",
            },
            {
                "kind": "reg31",
                "supplier": LOSER,
                "paragraph": "reg 31(3)(a), 31(2)(b)",
                "item": f"{LOSER}'s email address",
            },
        ],
    }
    code, out, _ = run(capsys, "check", "--db", demo)
    assert code == 1
    assert out.splitlines() == [
        f"{REF}: 2 items open; the award decision is refused until each is recorded",
        "",
        "The tender (1)",
        "  - reg 31(2)(d)(ii): the full award criteria's location (a link or document) missing",
        "",
        f"{LOSER} (1)",
        "  - reg 31(3)(a), 31(2)(b): email address missing",
    ]


def test_check_bad_input_exits_2_with_a_clear_message(capsys, demo, tmp_path):
    code, out, err = run(capsys, "check", "--db", demo, "--tender", "NO-SUCH")
    assert (code, out) == (2, "") and err == "svdesk: no tender with reference 'NO-SUCH'\n"
    missing = tmp_path / "nowhere.sqlite"
    code, _, err = run(capsys, "check", "--db", str(missing))
    assert code == 2 and err == f"svdesk: no database at {missing}\n" and not missing.exists()  # none made
    code, _, err = run(capsys, "award", "show", "--db", str(missing))
    assert code == 2 and "no database at" in err


def test_the_details_are_set_and_shown(capsys, demo, tmp_path):
    code, out, _ = run(
        capsys, "authority", "set", "--db", demo, "--name", "Borough of Testford Council", "--identifier", "GB-LAE-TFD",
        "--name-evaluators", "yes", "--supplier-marking", "OFFICIAL",
    )  # fmt: skip
    assert code == 0 and "Borough of Testford Council" in out
    (tmp_path / "logo.png").write_bytes(PNG)
    assert run(capsys, "authority", "set", "--db", demo, "--logo", str(tmp_path / "logo.png"))[0] == 0
    doc = json.loads(run(capsys, "authority", "show", "--db", demo, "--json")[1])
    assert (doc["name"], doc["identifier"], doc["name_evaluators"], doc["logo"]) == (
        "Borough of Testford Council", "GB-LAE-TFD", True, True,
    )  # fmt: skip
    assert doc["email"] == "procurement@cheshirewestandchester.example"  # what was not given stays
    code, _, err = run(capsys, "authority", "set", "--db", demo, "--logo", str(tmp_path / "none.png"))
    assert code == 2 and "--logo" in err and "cannot be read" in err
    (tmp_path / "logo.txt").write_text("not a picture")
    code, _, err = run(capsys, "authority", "set", "--db", demo, "--logo", str(tmp_path / "logo.txt"))
    assert code == 2 and "authority logo: a PNG or JPEG" in err
    code, _, err = run(capsys, "authority", "set", "--db", demo)
    assert code == 2 and "give at least one of --name" in err

    code, out, _ = run(
        capsys, "supplier", "set", "--db", demo, "--bidder", LOSER, "--identifier", "gb-coh-01234567", "--sme", "no",
        "--vcse", "unknown",
    )  # fmt: skip
    assert code == 0 and out == f"{LOSER}: saved identifier, sme, vcse\n"
    listed = {s["name"]: s for s in json.loads(run(capsys, "supplier", "list", "--db", demo, "--json")[1])}
    assert (listed[LOSER]["identifier"], listed[LOSER]["sme"], listed[LOSER]["vcse"]) == (
        "GB-COH-01234567",
        False,
        None,
    )
    code, _, err = run(capsys, "supplier", "set", "--db", demo, "--bidder", "Nobody Ltd", "--email", "a@b.example")
    assert code == 2 and "Nobody Ltd" in err
    code, _, err = run(capsys, "supplier", "set", "--db", demo, "--bidder", LOSER, "--email", "not an email")
    assert code == 2 and f"{LOSER}: email" in err

    assert run(capsys, "procurement", "set", "--db", demo, "--decision-maker", "Cabinet Member")[0] == 0
    doc = json.loads(run(capsys, "procurement", "show", "--db", demo, "--json")[1])
    assert doc["decision_maker"] == "Cabinet Member" and doc["procedure"] == "Open procedure"

    passage = "learning from a financial abuse case applied in every branch"
    add = ("redact", "add", "--db", demo, "--bidder", WINNER, "--question", "Q2", "--passage", passage)
    code, out, _ = run(capsys, *add, "--reason", "Names an internal investigation")
    assert code == 0 and "withheld passage 1" in out
    rows = json.loads(run(capsys, "redact", "list", "--db", demo, "--json")[1])
    assert [(r["id"], r["bidder"], r["question"], r["passage"]) for r in rows] == [(1, WINNER, "Q2", passage)]
    assert run(capsys, "redact", "remove", "--db", demo, "--id", "1", "--reason", "not sensitive")[0] == 0
    assert json.loads(run(capsys, "redact", "list", "--db", demo, "--json")[1]) == []
    code, _, err = run(capsys, "redact", "remove", "--db", demo, "--id", "7")
    assert code == 2 and "no withheld passage 7" in err


def test_the_award_stage_from_the_command_line(capsys, demo, monkeypatch):
    code, _, err = run(capsys, "award", "decide", "--db", demo, "--decided-on", "2026-11-16")
    assert code == 2 and "only possible while the tender is in signed off" in err
    _sign_off(demo)
    decide = ("award", "decide", "--db", demo, "--decided-on", "2026-11-16", "--as", PRIYA)
    code, _, err = run(capsys, "supplier", "set", "--db", demo, "--bidder", WINNER, "--identifier", "")
    assert code == 2 and "Say who you are with --as NAME" in err  # the record is signed: nobody signed in
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(PRIYA))
    assert run(capsys, "supplier", "set", "--db", demo, "--bidder", WINNER, "--identifier", "", "--as", PRIYA)[0] == 0
    code, _, err = run(capsys, *decide)
    assert code == 2 and "1 item" in err and f"{WINNER} — reg 31(2)(c): unique identifier missing" in err
    assert run(capsys, "check", "--db", demo)[0] == 1
    assert (
        run(capsys, "supplier", "set", "--db", demo, "--bidder", WINNER, "--identifier", "99000101", "--as", PRIYA)[0]
        == 0
    )
    assert run(capsys, "check", "--db", demo)[0] == 0

    code, out, _ = run(capsys, "award", "show", "--db", demo)
    assert code == 0 and f"the evaluation ranks first: {WINNER}" in out and "next: record the award decision" in out
    code, out, _ = run(capsys, *decide, "--decision-maker", "Cabinet Member for Adult Social Care")
    assert code == 0 and out.startswith(f"{REF}: the award decision is recorded; the tender is now awarded")
    code, _, err = run(capsys, "award", "summaries-sent", "--db", demo, "--on", "18/11/2026", "--as", PRIYA)
    assert code == 2 and "'18/11/2026' is not a day (write it as YYYY-MM-DD)" in err
    code, _, err = run(capsys, "award", "notice", "--db", demo, "--on", "2026-11-19", "--as", PRIYA)
    assert code == 2 and "s.50(3)" in err
    assert run(capsys, "award", "summaries-sent", "--db", demo, "--on", "2026-11-18", "--as", PRIYA)[0] == 0
    code, out, _ = run(capsys, "award", "notice", "--db", demo, "--on", "2026-11-19", "--as", PRIYA)
    assert code == 0 and "the standstill ends on Tue 1 Dec 2026 (Procurement Act 2023 s.51)" in out

    code, out, _ = run(capsys, "award", "show", "--db", demo)
    assert code == 0
    assert "award decision: Mon 16 Nov 2026 by Cabinet Member for Adult Social Care" in out
    assert "the last is Tue 1 Dec 2026" in out and "the contract may be entered into from Wed 2 Dec 2026" in out
    assert "not a working day: Mon 30 Nov 2026: Saint Andrew's Day (bank holiday in Scotland)" in out
    assert "not a working day: Sat 21 Nov 2026: Saturday" in out
    doc = json.loads(run(capsys, "award", "show", "--db", demo, "--json")[1])
    assert set(doc) == {
        "tender", "recommendation", "decided_on", "decision_maker", "delegated_authority", "authority_name",
        "authority_identifier", "summaries_sent_on", "notice_published_on", "standstill_ends_on", "earliest_entry",
        "skipped", "contract_entered_on", "next_step",
    }  # fmt: skip
    assert (doc["tender"], doc["recommendation"], doc["standstill_ends_on"], doc["earliest_entry"]) == (
        REF, WINNER, "2026-12-01", "2026-12-02",
    )  # fmt: skip
    assert {"day": "2026-11-30", "why": "Saint Andrew's Day (bank holiday in Scotland)"} in doc["skipped"]

    code, _, err = run(capsys, "award", "contract", "--db", demo, "--on", "2026-12-01", "--as", PRIYA)
    assert code == 2 and "runs until the end of Tuesday 1 December 2026" in err
    code, out, _ = run(capsys, "award", "contract", "--db", demo, "--on", "2026-12-02", "--as", PRIYA)
    assert code == 0 and "the contract is recorded as entered into on Wed 2 Dec 2026" in out
    assert json.loads(run(capsys, "award", "show", "--db", demo, "--json")[1])["next_step"] == ""
    code, _, err = run(
        capsys, "supplier", "set", "--db", demo, "--bidder", LOSER, "--email", "x@y.example", "--as", PRIYA
    )
    assert code == 2 and "is awarded" in err  # what the decision relied on stays as it was


def test_check_runs_as_a_real_process(demo):
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    done = subprocess.run(
        [sys.executable, "-m", "svdesk", "check", "--db", demo, "--json"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"tender": REF, "open": []}
