"""`svdesk documents import|list|map|verify` on a real SQLite file with real PDFs (issue 18)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from svdesk.cli import main
from tests.factory import write_doc
from tests.test_documents import ACME, REF, ZOE, _doc, make_pdf


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tender(capsys, tmp_path) -> str:
    db = str(tmp_path / "cli.sqlite")
    source = write_doc(tmp_path / "t.json", _doc())
    assert run(capsys, "load", str(source), "--db", db)[0] == 0
    return db


def test_import_then_list_as_json(capsys, tender, tmp_path):
    folder = tmp_path / "Acme Roads"
    folder.mkdir()
    make_pdf(folder / "Method statement.pdf", 4)
    (folder / "Org chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    code, out, err = run(capsys, "documents", "import", "--db", tender, "--tender", REF, "--bidder", ACME, str(folder))
    assert code == 0, err
    assert "imported Method statement.pdf for Acme Roads" in out and "4 pages" in out
    assert "Org chart.png" in out and "not cited by page" in out
    plan = make_pdf(tmp_path / "SV plan.pdf", 6)
    argv = ["documents", "import", "--db", tender, "--tender", REF, "--bidder", ZOE, str(plan)]
    code, out, err = run(capsys, *argv, "--question", "SV1", "--pages", "2-5", "--commercial")
    assert code == 0, err
    assert "answers SV1 (pages 2-5)" in out

    code, out, err = run(capsys, "documents", "list", "--db", tender, "--tender", REF, "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert listed["reference"] == REF
    docs = {d["name"]: d for d in listed["documents"]}
    assert set(docs) == {"Method statement.pdf", "Org chart.png", "SV plan.pdf"}
    sv = docs["SV plan.pdf"]
    assert set(sv) == {
        *("bidder", "name", "title", "sha256", "size", "pages", "media", "commercial", "late_reason", "added_at"),
        "parts",
    }
    assert (sv["bidder"], sv["title"], sv["pages"], sv["media"], sv["commercial"]) == (ZOE, "SV plan", 6, "pdf", True)
    assert sv["parts"] == [{"question": "SV1", "first_page": 2, "last_page": 5}]
    assert sv["size"] == plan.stat().st_size and len(sv["sha256"]) == 64 and sv["late_reason"] is None
    assert docs["Org chart.png"]["pages"] is None and docs["Org chart.png"]["media"] == "other"

    sha = docs["Method statement.pdf"]["sha256"]
    code, out, err = run(
        capsys,
        "documents",
        "map",
        "--db",
        tender,
        "--tender",
        REF,
        "--document",
        sha[:10],
        "--question",
        "Q1",
        "--pages",
        "3",
    )
    assert code == 0, err
    assert "answers Q1: page 3" in out
    code, out, _ = run(capsys, "documents", "list", "--db", tender, "--tender", REF)
    assert "Acme Roads" in out and "answers Q1: page 3" in out and "[commercial]" in out

    assert run(capsys, "documents", "verify", "--db", tender, "--tender", REF)[0] == 0
    stored = Path(f"{tender}.documents") / sha[:2] / sha
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"%tampered")
    code, out, _ = run(capsys, "documents", "verify", "--db", tender, "--tender", REF)
    assert code == 1 and "no longer matches its SHA-256" in out


def test_bad_input_is_said_in_one_message_and_nothing_is_imported(capsys, tender, tmp_path):
    fake = tmp_path / "Method.pdf"
    fake.write_text("<html><body>not a pdf</body></html>")
    code, out, err = run(capsys, "documents", "import", "--db", tender, "--tender", REF, "--bidder", ACME, str(fake))
    assert code == 2
    assert "Method.pdf: is named .pdf but is not a PDF: it looks like a web page" in err and "Traceback" not in err
    code, out, err = run(
        capsys, "documents", "import", "--db", tender, "--tender", REF, "--bidder", ACME, str(fake), "--pages", "x"
    )
    assert code == 2 and "--pages" in err
    code, out, _ = run(capsys, "documents", "list", "--db", tender, "--tender", REF, "--json")
    assert json.loads(out)["documents"] == []


def test_no_traceback_from_the_real_command(tender, tmp_path):
    """The installed entry point, in a process of its own: an unknown bidder is one line on stderr."""
    pdf = make_pdf(tmp_path / "A.pdf", 1)
    argv = [sys.executable, "-m", "svdesk", "documents", "import", "--db", tender, "--tender", REF]
    done = subprocess.run([*argv, "--bidder", "Nobody Ltd", str(pdf)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Nobody Ltd" in done.stderr and "Traceback" not in done.stderr
