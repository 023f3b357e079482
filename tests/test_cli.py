"""The command line: the real entry point, exit codes, messages, and nothing written on bad input."""

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from svdesk.app.database import open_database
from svdesk.cli import main
from svdesk.resources import resource_path
from tests.factory import minimal_doc, seed003_tender_doc, write_doc
from tests.keys import enrol, passphrase_of
from tests.sheets import plain_workbook, styled_workbook

DEMO = str(resource_path("demo", "demo_evaluation.json"))


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_entry_point_runs_as_a_real_process(tmp_path):
    db = tmp_path / "p.sqlite"
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    load = subprocess.run(
        [sys.executable, "-m", "svdesk", "load", DEMO, "--db", str(db)], capture_output=True, text=True, env=env
    )
    assert load.returncode == 0, load.stderr
    res = subprocess.run(
        [sys.executable, "-m", "svdesk", "results", "--db", str(db), "--json"], capture_output=True, text=True, env=env
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["tender"] == "CWAC-2026-0142" and doc["final"] is True
    assert [b["rank"] for b in doc["bidders"]] == [1, 2, 3, None]
    version = subprocess.run([sys.executable, "-m", "svdesk", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("svdesk ")


def test_results_json_shape_and_table(capsys, tmp_path):
    db = str(tmp_path / "r.sqlite")
    assert run(capsys, "load", DEMO, "--db", db)[0] == 0
    code, out, _ = run(capsys, "results", "--db", db, "--json")
    doc = json.loads(out)
    keys = {
        "name",
        "price",
        "pledged_value",
        "accepted_value",
        "price_score",
        "quality_score",
        "sv_quantitative_score",
        "sv_qualitative_score",
        "total",
        "rank",
        "excluded",
        "exclusion_reasons",
    }
    assert all(set(b) == keys for b in doc["bidders"])
    last = doc["bidders"][-1]
    assert last["excluded"] and last["total"] is None and last["price_score"] is None and last["rank"] is None
    code, out, _ = run(capsys, "results", "--db", db)
    assert code == 0 and "FINAL" in out and "disq." in out and "below the minimum of 2" in out


def test_dump_then_load_gives_the_same_results(capsys, tmp_path):
    db1, db2, dump = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite"), str(tmp_path / "d.json")
    run(capsys, "load", DEMO, "--db", db1)
    assert run(capsys, "dump", "--db", db1, "--out", dump)[0] == 0
    assert run(capsys, "load", dump, "--db", db2)[0] == 0
    first = run(capsys, "results", "--db", db1, "--json")[1]
    second = run(capsys, "results", "--db", db2, "--json")[1]
    assert first == second


def test_load_replace(capsys, tmp_path):
    db = str(tmp_path / "x.sqlite")
    run(capsys, "load", DEMO, "--db", db)
    code, _, err = run(capsys, "load", DEMO, "--db", db)
    assert code == 2 and "already exists; loading this file replaces it (give --replace" in err
    assert run(capsys, "load", DEMO, "--db", db, "--replace")[0] == 0
    assert list((tmp_path / "backups").glob("x.pre-load.*.sqlite"))


def test_tender_must_be_named_when_several(capsys, tmp_path):
    db = str(tmp_path / "m.sqlite")
    run(capsys, "load", DEMO, "--db", db)
    run(capsys, "load", str(write_doc(tmp_path / "t.json", minimal_doc())), "--db", db)
    code, _, err = run(capsys, "results", "--db", db)
    assert code == 2 and "choose one with --tender" in err and "T-001" in err
    assert run(capsys, "results", "--db", db, "--tender", "T-001")[0] == 0
    code, _, err = run(capsys, "results", "--db", db, "--tender", "NOPE")
    assert code == 2 and "no tender with reference 'NOPE'" in err


def _db_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d["scores"][1].update(score=7), "scores[1].score: 7 is above the scale maximum 5"),
        (lambda d: d["tender"]["weights"].update(quality=60), "weights must sum to 100"),
        (lambda d: d["bidders"][0].update(price=-1), "bidders[0].price: -1 must be more than 0"),
        (lambda d: d["scores"][0].update(bidder="Ghost"), "unknown bidder 'Ghost'"),
        (lambda d: d["scores"][0].update(evaluator="Ghost"), "unknown evaluator 'Ghost'"),
        (lambda d: d["measures"].append({"ref": "ZZ1", "proxy_value": 1}), "ZZ1 is not in the catalogue"),
    ],
)
def test_bad_evaluation_files_exit_2_and_write_nothing(capsys, tmp_path, mutate, message):
    db = tmp_path / "safe.sqlite"
    run(capsys, "load", DEMO, "--db", str(db))
    before = _db_bytes(db)
    doc = minimal_doc()
    mutate(doc)
    bad = write_doc(tmp_path / "bad.json", doc)
    code, out, err = run(capsys, "load", str(bad), "--db", str(db))
    assert code == 2
    assert message in err and str(bad) in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "results", "--db", str(db), "--tender", "T-001")
    assert code == 2  # the bad tender is not there
    assert _db_bytes(db).keys() == before.keys()


def test_malformed_json_exits_2(capsys, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": ', encoding="utf-8")
    code, _, err = run(capsys, "load", str(bad), "--db", str(tmp_path / "db.sqlite"))
    assert code == 2 and "broken.json: line 1, column 12: malformed JSON" in err
    assert not (tmp_path / "db.sqlite").exists()  # refused before the database was even opened


def test_import_pledges_cli(capsys, tmp_path):
    db = str(tmp_path / "p.sqlite")
    run(capsys, "load", str(write_doc(tmp_path / "t.json", seed003_tender_doc())), "--db", db)
    sheet = str(styled_workbook(tmp_path / "sheet.xlsx"))
    code, out, err = run(
        capsys, "import-pledges", sheet, "--db", db, "--bidder", "Sandstone Support Services", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc["rows"][0]) >= {"ref", "answer", "proxy_value", "value", "stated_value", "status"}
    nt18 = next(r for r in doc["rows"] if r["ref"] == "NT18")
    assert nt18["status"] == "mismatch" and nt18["value"] == 626477.8
    assert doc["stated_total"] == 8461245.35
    code, out, _ = run(
        capsys,
        "import-pledges",
        sheet,
        "--db",
        db,
        "--bidder",
        "Sandstone Support Services",
        "--add-measures",
        "--dry-run",
    )
    assert code == 0 and "added" in out and "Dry run: nothing written." in out


def test_import_pledges_bad_input(capsys, tmp_path):
    db = str(tmp_path / "p.sqlite")
    run(capsys, "load", str(write_doc(tmp_path / "t.json", seed003_tender_doc())), "--db", db)
    sheet = str(plain_workbook(tmp_path / "sheet.xlsx"))
    code, _, err = run(capsys, "import-pledges", sheet, "--db", db, "--bidder", "Ghost Ltd")
    assert code == 2 and "no bidder named 'Ghost Ltd'" in err
    notxlsx = tmp_path / "notes.xlsx"
    notxlsx.write_text("hello", encoding="utf-8")
    code, _, err = run(capsys, "import-pledges", str(notxlsx), "--db", db, "--bidder", "Sandstone Support Services")
    assert code == 2 and "notes.xlsx: not an .xlsx workbook" in err
    code, _, err = run(capsys, "import-pledges", str(tmp_path / "missing.xlsx"), "--db", db, "--bidder", "X")
    assert code == 2 and "missing.xlsx: cannot read the file" in err


def test_catalogue_cli(capsys, tmp_path):
    db = str(tmp_path / "c.sqlite")
    code, out, _ = run(capsys, "catalogue", "--db", db, "--json")
    data = json.loads(out)
    assert code == 0 and len(data["measures"]) == 108 and data["frameworks"][0]["licence"].startswith("CC BY-NC-ND")
    csv_path = tmp_path / "f.csv"
    csv_path.write_text("Theme,Outcome,Ref,Measure,Unit\nJobs,Local,L1,Thing,no.\n", encoding="utf-8")
    code, _, err = run(capsys, "catalogue", "import", str(csv_path), "--db", db)
    assert code == 2 and "missing column Proxy value" in err
    csv_path.write_text("Theme,Outcome,Ref,Measure,Unit,Proxy value\nJobs,Local,L1,Thing,no.,5\n", encoding="utf-8")
    code, out, _ = run(capsys, "catalogue", "import", str(csv_path), "--db", db, "--name", "Local")
    assert code == 0 and "1 measures" in out
    code, out, _ = run(capsys, "catalogue", "--db", db)
    assert "NT24" in out and "L1" in out


def test_default_database_lives_in_the_user_data_dir(capsys, tmp_path):
    code, _, _ = run(capsys, "load", DEMO)
    assert code == 0
    assert (Path(os.environ["XDG_DATA_HOME"]) / "svdesk" / "svdesk.sqlite").exists()
    code, out, _ = run(capsys, "results", "--json")  # --tender may be omitted: one tender
    assert code == 0 and json.loads(out)["tender"] == "CWAC-2026-0142"


def test_status_and_advance_through_sign_off(capsys, tmp_path, monkeypatch):
    db = str(tmp_path / "w.sqlite")
    run(capsys, "load", DEMO, "--db", db)
    code, out, _ = run(capsys, "status", "--db", db)
    assert code == 0 and "ready for sign-off: yes" in out and "Scoring 55/55" in out
    opened = open_database(db)
    enrol(opened, None)  # the demo loads its members unenrolled: each enrols, choosing a passphrase
    opened.dispose()
    for member in ("Tom Ellis", "Gwen Roberts", "Sam Okafor"):
        monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(member))
        assert run(capsys, "advance", "sign", "--member", member, "--db", db)[0] == 0
    code, _, err = run(capsys, "advance", "sign", "--member", "Alan Whitfield", "--db", db)  # Sam's passphrase
    assert code == 2 and "the passphrase for Alan Whitfield is not right; nothing was done" in err
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of("Alan Whitfield"))
    code, out, _ = run(capsys, "advance", "sign", "--member", "Alan Whitfield", "--db", db)
    assert code == 0 and "now in signed off" in out
    assert len(list((tmp_path / "backups").glob("w.pre-signoff.*.sqlite"))) == 4
    code, _, err = run(capsys, "advance", "reopen", "--db", db)
    assert code == 2 and "needs a reason" in err
    reopen = ("advance", "reopen", "--reason", "Arithmetic query from Northgate", "--db", db)
    code, _, err = run(capsys, *reopen)
    assert code == 2 and "Say who you are with --as NAME" in err  # the record is signed: nobody signed in
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of("Priya Shah"))
    code, out, _ = run(capsys, *reopen, "--as", "Priya Shah")  # the officer, signed in
    assert code == 0 and "now in moderation" in out
    code, out, _ = run(capsys, "verify", "--db", db)
    assert code == 0 and "VERIFIED" in out
    code, _, err = run(capsys, "advance", "open-scoring", "--db", db)
    assert code == 2 and "only possible while the tender is in draft" in err


def test_export_workbook_and_scoring_pack_round_trip(capsys, tmp_path):
    import openpyxl

    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.tenders import get_tender

    db_path = tmp_path / "p.sqlite"
    doc = minimal_doc()
    doc["scores"], doc["moderated"], doc["adjustments"] = [], [], []
    run(capsys, "load", str(write_doc(tmp_path / "t.json", doc)), "--db", str(db_path))
    db = open_svdesk_database(db_path)
    with db.transaction() as s:
        t = get_tender(s, "T-001")
        wf.open_scoring(s, t, "Priya")
        for bidder in ("Acme Roads", "Zoë Łukasz Ó Súilleabháin Ltd"):
            wf.declare(s, t, "Tom", bidder, False)
    db.dispose()
    assert run(capsys, "export", "--db", str(db_path), "--out", str(tmp_path / "audit.xlsx"))[0] == 0
    assert "Pledges" in openpyxl.load_workbook(tmp_path / "audit.xlsx").sheetnames
    pack = tmp_path / "tom.xlsx"
    code, _, err = run(capsys, "pack", "export", "--db", str(db_path), "--member", "Nobody", "--out", str(pack))
    assert code == 2 and "'Nobody' is not on the panel" in err
    assert run(capsys, "pack", "export", "--db", str(db_path), "--member", "Tom", "--out", str(pack))[0] == 0
    wb = openpyxl.load_workbook(pack)
    ws = wb["Scores"]
    for row in range(2, ws.max_row + 1):
        ws.cell(row, 4).value = 4
        ws.cell(row, 5).value = "Section 3 evidences a named lead."
    wb.save(pack)
    code, out, err = run(capsys, "pack", "import", str(pack), "--db", str(db_path), "--json", "--dry-run")
    assert code == 0, err
    assert json.loads(out)["counts"]["new"] == 6
    code, out, err = run(capsys, "pack", "import", str(pack), "--db", str(db_path))
    assert code == 0 and "saved 6 scores" in out, err
    ws.cell(2, 4).value = 9
    wb.save(pack)
    code, _, err = run(capsys, "pack", "import", str(pack), "--db", str(db_path))
    assert code == 2 and "Scores!D2: 9 is above the scale maximum 5" in err
    ws.cell(2, 4).value = 4
    wb.save(pack)
    code, _, err = run(capsys, "pack", "import", str(pack), "--db", str(db_path))  # a pack is imported once
    assert code == 2 and f"{pack}: Meta!B9: this pack was imported on " in err and "export a new pack" in err


def test_db_given_before_the_subcommand_is_the_one_used(capsys, tmp_path):
    demo = str(resource_path("demo", "demo_evaluation.json"))
    before, after = tmp_path / "before.sqlite", tmp_path / "after.sqlite"
    assert main(["--db", str(before), "load", demo]) == 0
    assert main(["load", "--db", str(after), demo]) == 0
    assert before.exists() and after.exists()
    assert main(["--db", str(before), "results", "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", str(before), "verify"]) == 0
    assert getpass.getuser() in [row.actor for row in _history(before)]  # the login, never a name given


def _history(path):
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services.history import tender_history
    from svdesk.model.services.tenders import get_tender

    db = open_svdesk_database(path)
    with db.reader() as s:
        rows = tender_history(s, get_tender(s))
    db.dispose()
    return rows
