"""Names, texts and numbers where they enter (issue 14): a name is compared as a person reads it
(NFC, one space), names that hide characters (bidirectional controls, zero-width and other
invisible characters, control characters) are refused naming the field, duplicate JSON keys and
descriptors are refused naming the place, a 400-digit integer and a lone surrogate are bad input
(exit 2, the file and the place), never an internal error, and a message quotes at most ~80
characters of what it was given. Through `svdesk load`, the use cases, the command line and the
Bids screen."""

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QMimeData, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication

from svdesk.app import measures, panel, pledges, reads, setup
from svdesk.app.database import open_database
from svdesk.app.errors import ValidationError
from svdesk.cli import main
from svdesk.model.names import QUOTE_LIMIT, name_problem, normal_name, quoted
from svdesk.model.services.tenders import check_score, get_tender
from svdesk.ui.bids_screen import BidsScreen
from svdesk.ui.screen_base import Desk
from tests.factory import minimal_doc, write_doc
from tests.hostile.texts import (
    ACCEPTED_NAMES,
    BIG,
    HOSTILE_TEXT_JSON,
    HUGE_NAME_CHARS,
    NFC_ZOE,
    NFD_ZOE,
    REFUSED_NAMES,
    SAME_NAMES,
)

REF = "N-1"
OFFICER = "Priya"
MESSAGE_LIMIT = 1_000  # characters of a whole error message about one hostile value


def snapshot(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("tender", "bidder", "audit_entry")}
    finally:
        conn.close()


# --- the rules themselves ---------------------------------------------------------------------------


@pytest.mark.parametrize("label", list(SAME_NAMES))
def test_names_a_person_reads_as_the_same_are_the_same(label):
    a, b = SAME_NAMES[label]
    assert a != b and normal_name(a) == normal_name(b)
    assert normal_name("Acme roads") != normal_name("Acme Roads")  # compared case-sensitively


@pytest.mark.parametrize("label", list(REFUSED_NAMES))
def test_names_that_hide_characters_are_refused_saying_which(label):
    value, said = REFUSED_NAMES[label]
    problem = name_problem(normal_name(value))
    assert problem is not None and said in problem, problem


@pytest.mark.parametrize("label", list(ACCEPTED_NAMES))
def test_scripts_and_emoji_that_need_joiners_are_still_names(label):
    assert name_problem(normal_name(ACCEPTED_NAMES[label])) is None


def test_a_quote_is_cut_and_its_length_said():
    huge = "N" * HUGE_NAME_CHARS
    shown = quoted(huge)
    assert len(shown) < QUOTE_LIMIT + 40 and "(52,428,800 characters)" in shown
    assert quoted("Acme Roads") == "'Acme Roads'"
    assert quoted(BIG) == "an integer of 400 digits"


# --- evaluation files -------------------------------------------------------------------------------


@pytest.mark.parametrize("label", list(HOSTILE_TEXT_JSON))
def test_hostile_text_in_an_evaluation_file_exits_2_naming_the_file_and_the_place(label, tmp_path, capsys):
    build, place, said = HOSTILE_TEXT_JSON[label]
    path = build(tmp_path)
    db_path = tmp_path / "t.sqlite"
    assert main(["catalogue", "--db", str(db_path), "--json"]) == 0
    capsys.readouterr()
    before = snapshot(db_path)
    code = main(["load", str(path), "--db", str(db_path)])
    err = capsys.readouterr().err
    assert code == 2, err[:2000]
    assert f"{path}: {place}: " in err and said in err, err[:2000]
    assert "internal error" not in err and "Traceback" not in err
    assert snapshot(db_path) == before
    assert len(err) < MESSAGE_LIMIT * 3, f"{label}: a {len(err):,}-character message"
    if label == "50 MB name":
        print(f"\n50 MB name: the message is {len(err):,} characters (it was {HUGE_NAME_CHARS + 69:,})")
        assert len(err) < MESSAGE_LIMIT


def test_a_reference_in_another_unicode_form_finds_the_bidder(tmp_path, capsys):
    doc = minimal_doc()
    doc["bidders"][0]["name"] = NFC_ZOE
    for section in ("scores", "moderated", "adjustments"):
        for entry in doc[section]:
            entry["bidder"] = NFD_ZOE  # the same name, decomposed
    db_path = tmp_path / "z.sqlite"
    assert main(["load", str(write_doc(tmp_path / "z.json", doc)), "--db", str(db_path)]) == 0, capsys.readouterr()
    out = tmp_path / "dump.json"
    assert main(["dump", "--db", str(db_path), "--out", str(out)]) == 0
    dumped = json.loads(out.read_text(encoding="utf-8"))
    assert dumped["bidders"][0]["name"] == NFC_ZOE
    assert {s["bidder"] for s in dumped["scores"]} == {NFC_ZOE}


def test_a_bidder_name_with_spacing_and_decomposed_letters_is_stored_as_it_reads(tmp_path, capsys):
    doc = minimal_doc()
    doc["bidders"][1]["name"] = "  Zoe\u0308\u00a0Care   Ltd "
    db_path = tmp_path / "s.sqlite"
    assert main(["load", str(write_doc(tmp_path / "s.json", doc)), "--db", str(db_path)]) == 0, capsys.readouterr()
    out = tmp_path / "dump.json"
    assert main(["dump", "--db", str(db_path), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["bidders"][1]["name"] == NFC_ZOE


def test_duplicate_keys_are_found_at_every_level_without_a_cost_on_a_clean_file(tmp_path, capsys):
    from svdesk.model.evaluation_doc import read_json_file

    doc = minimal_doc()
    doc["scores"] = [dict(doc["scores"][0], rationale=f"Section {i} names the lead.") for i in range(50_000)]
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps(doc), encoding="utf-8")
    started = time.perf_counter()
    assert len(read_json_file(clean)["scores"]) == 50_000
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"{elapsed:.2f} s to read 50,000 scores"
    text = clean.read_text(encoding="utf-8")
    twice = tmp_path / "twice.json"
    marker = '"rationale": "Section 49999 names the lead."'
    twice.write_text(text.replace(marker, f'"score": 5, {marker}'), encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        read_json_file(twice)
    assert "scores[49999]: the key 'score' is given twice" in str(refused.value)


# --- the use cases: bidders and members -----------------------------------------------------------


@pytest.fixture
def db(database_target):
    database = open_database(database_target)
    setup.create_tender(database, OFFICER, REF, "Highways", 400_000)
    measures.add_measure(database, OFFICER, REF, "NT1")
    yield database
    database.dispose()


def bidders(db) -> list[str]:
    return [name for name, _price in pledges.pledge_grid(db, REF).bidders]


@pytest.mark.parametrize("label", list(REFUSED_NAMES))
def test_add_bidder_and_add_member_refuse_a_name_that_hides_characters(db, label):
    value, said = REFUSED_NAMES[label]
    with pytest.raises(ValidationError, match="^bidder name: ") as refused:
        pledges.add_bidder(db, OFFICER, REF, value, 100_000)
    assert said in str(refused.value)
    with pytest.raises(ValidationError, match="^panel member name: ") as refused:
        panel.add_member(db, OFFICER, REF, value, "evaluator")
    assert said in str(refused.value)
    assert bidders(db) == [] and panel.members(db, REF) == []


def test_the_same_name_in_another_form_is_one_bidder_and_one_member(db):
    pledges.add_bidder(db, OFFICER, REF, NFC_ZOE, 300_000)
    with pytest.raises(ValidationError, match="already exists"):
        pledges.add_bidder(db, OFFICER, REF, NFD_ZOE, 310_000)
    pledges.add_bidder(db, OFFICER, REF, " Acme\u00a0 Roads ", 320_000)
    assert bidders(db) == [NFC_ZOE, "Acme Roads"]
    with pytest.raises(ValidationError, match="already exists"):
        pledges.update_bidder(db, OFFICER, REF, "Acme Roads", new_name=NFD_ZOE)
    # found as the same in a command: the decomposed name finds the bidder
    pledges.set_pledge(db, OFFICER, REF, NFD_ZOE, "NT1", 3)
    pledges.update_bidder(db, OFFICER, REF, NFD_ZOE, price=305_000)
    assert pledges.pledge_grid(db, REF).bidders[0] == (NFC_ZOE, 305_000)

    panel.add_member(db, OFFICER, REF, NFD_ZOE, "evaluator")
    with pytest.raises(ValidationError, match="is already on the panel"):
        panel.add_member(db, OFFICER, REF, NFC_ZOE, "chair")
    panel.set_email(db, OFFICER, REF, NFD_ZOE, "zoe@council.example")
    with pytest.raises(ValidationError, match="U\\+202E"):
        panel.update_member(db, OFFICER, REF, NFC_ZOE, new_name="\u202eeoZ")
    assert [(m.name, m.email) for m in panel.panel_rows(db, REF)] == [(NFC_ZOE, "zoe@council.example")]


def test_a_400_digit_number_or_a_lone_surrogate_is_bad_input_in_the_use_cases(db):
    with pytest.raises(ValidationError, match="an integer of 400 digits"):
        pledges.add_bidder(db, OFFICER, REF, "Acme Roads", BIG)
    pledges.add_bidder(db, OFFICER, REF, "Acme Roads", 100_000)
    with pytest.raises(ValidationError, match="an integer of 400 digits"):
        pledges.set_pledge(db, OFFICER, REF, "Acme Roads", "NT1", BIG)
    with pytest.raises(ValidationError, match="cannot be encoded as UTF-8"):
        pledges.set_pledge(db, OFFICER, REF, "Acme\udcffRoads", "NT1", 3)
    with db.reader() as session:
        tender = get_tender(session, REF)
        with pytest.raises(ValidationError, match="an integer of 400 digits"):
            check_score(tender, BIG, "Named lead.", "Q1 for Acme Roads")
        with pytest.raises(ValidationError, match="the rationale contains text that cannot be encoded as UTF-8"):
            check_score(tender, 3, "Named \ud800 lead.", "Q1 for Acme Roads")
    assert pledges.pledge_grid(db, REF).cells == {}


# --- the command line ---------------------------------------------------------------------------------


@pytest.fixture
def zoe_db(tmp_path):
    doc = minimal_doc()
    doc["bidders"][1]["name"] = NFC_ZOE
    db_path = tmp_path / "c.sqlite"
    assert main(["load", str(write_doc(tmp_path / "c.json", doc)), "--db", str(db_path)]) == 0
    return db_path


def test_an_undecodable_byte_in_an_argument_exits_2_naming_the_argument(zoe_db):
    before = snapshot(zoe_db)
    argv = [sys.executable, "-m", "svdesk", "declare", "--db", str(zoe_db), "--member", "Tom"]
    res = subprocess.run([*argv, "--bidder", b"Acme\xffRoads", "--none"], capture_output=True)
    err = res.stderr.decode("utf-8", "replace")
    assert res.returncode == 2, err
    assert "--bidder: not UTF-8 text (the byte 0xFF at character 5)" in err and "internal error" not in err
    assert snapshot(zoe_db) == before


def test_a_name_in_another_form_is_found_and_a_50_mb_one_quoted_short(zoe_db, tmp_path, capsys):
    out = tmp_path / "zoe.pdf"
    code = main(["report", "--db", str(zoe_db), "--kind", "summary", "--bidder", NFD_ZOE, "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    huge = "N" * HUGE_NAME_CHARS
    for argv in (
        ["report", "--db", str(zoe_db), "--kind", "summary", "--bidder", huge, "--out", str(tmp_path / "n.pdf")],
        ["panel", "remove", "--db", str(zoe_db), "--member", huge],
        ["panel", "list", "--db", str(zoe_db), "--member", huge],
        ["results", "--db", str(zoe_db), "--tender", huge],
    ):
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2 and "(52,428,800 characters)" in err and "internal error" not in err, err[:300]
        assert len(err) < MESSAGE_LIMIT, f"{argv[0]}: a {len(err):,}-character message"


# --- the window -----------------------------------------------------------------------------------------


@pytest.fixture
def bids_screen(tmp_path, qtbot):
    database = open_database(tmp_path / "gui.sqlite")
    setup.create_tender(database, OFFICER, REF, "Highways", 400_000)
    screen = BidsScreen(Desk(database, OFFICER, QUndoStack()))
    qtbot.addWidget(screen)
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(database, REF))
    yield screen
    QApplication.clipboard().clear()
    database.dispose()


def _paste(screen: BidsScreen, qtbot, raw: bytes) -> None:
    """Paste `raw` as the system clipboard gives it (text/plain bytes) into the name, then Register."""
    data = QMimeData()
    data.setData("text/plain", QByteArray(raw))
    QApplication.clipboard().setMimeData(data)
    screen.new_name.clear()
    screen.new_name.setFocus()
    qtbot.keyClick(screen.new_name, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    screen.new_price.setValue(250_000)
    qtbot.mouseClick(screen.add, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(
    "raw, said",
    [
        ("\u202eDTL SDAOR EMCA".encode(), "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Acme\u200bRoads".encode(), "U+200B ZERO WIDTH SPACE"),
        # a lone surrogate as another program puts it on the clipboard: UTF-16, or WTF-8 (ED A0 80)
        ("Acme".encode("utf-16-le") + b"\x00\xd8" + "Ltd".encode("utf-16-le"), "NUL character"),
        (b"Acme\xed\xa0\x80Ltd", "U+FFFD REPLACEMENT CHARACTER"),
    ],
    ids=["right-to-left override", "zero-width space", "lone surrogate (UTF-16)", "lone surrogate (WTF-8)"],
)
def test_a_pasted_name_that_hides_characters_is_refused_in_the_window(bids_screen, qtbot, raw, said):
    _paste(bids_screen, qtbot, raw)
    text = bids_screen.message.text()
    assert text.startswith("bidder name: ") and said in text, text
    assert bids_screen.message.styleSheet() == "color: #8a1c1c"
    assert bids_screen.new_name.text() != ""  # what was pasted stays, to be corrected
    assert bidders_of(bids_screen) == []
    _paste(bids_screen, qtbot, "Zoe\u0308 Care Ltd".encode())
    assert bidders_of(bids_screen) == [NFC_ZOE]


def bidders_of(screen: BidsScreen) -> list[str]:
    return [name for name, _price in pledges.pledge_grid(screen.db, REF).bidders]
