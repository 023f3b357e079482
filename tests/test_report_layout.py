"""Layout of every document (issue 15 item 7), on a tender whose names are as long as the record allows
in practice: a 200-character title, a 150-character winning bidder, a question with no title. Read back
with pdftotext (-layout keeps each header line as drawn, so a collision shows as interleaved text)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from svdesk.app import evaluation_files
from svdesk.app.database import open_database
from svdesk.app.reports import write_report
from svdesk.export.numbers import money, points, quantity, rate, score
from svdesk.resources import resource_path

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")
DEMO = Path(resource_path("demo", "demo_evaluation.json"))
REF = "CWAC-2026-0142"
WINNER = "Weaver Valley Care Ltd"
LONG_BIDDER = (
    "Weaver Valley Community Domiciliary Care and Reablement Services for Cheshire West, Chester, "
    "Ellesmere Port and Neston Limited Liability Partner UK002"
)
LONG_TITLE = (
    "Domiciliary care, reablement and extra care housing support framework agreement for adults and older "
    "people across Cheshire West and Chester, Lot 2: rural wards, with an option to extend by two period"
)
assert len(LONG_BIDDER) == 150 and len(LONG_TITLE) == 200


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("layout")
    doc = json.loads(json.dumps(json.loads(DEMO.read_text(encoding="utf-8"))).replace(WINNER, LONG_BIDDER))
    doc["tender"]["title"] = LONG_TITLE
    untitled = next(q for q in doc["questions"] if q["id"] == "Q2")
    untitled.pop("title", None)
    source = folder / "long.json"
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    db = open_database(folder / "long.sqlite")
    evaluation_files.load(db, "Priya", source)
    paths: list[Path] = []
    for kind in ("evaluation", "moderation", "award"):
        paths += write_report(db, REF, kind, folder / f"{kind}.pdf")
    paths += write_report(db, REF, "summary", folder / "summaries")
    db.dispose()
    assert len(paths) == 7
    return paths


def test_the_running_header_is_shortened_never_overprinted(documents):
    for path in documents:
        text = pdf_text(path)
        pages = text.split("\f")[:-1]
        assert pages, path.name
        for number, page in enumerate(pages, start=1):
            header = next(line for line in page.splitlines() if line.strip())
            # the reference and the title (cut, with an ellipsis), a clear gap, then the report's name:
            # interleaved characters from two strings drawn over each other would break this shape
            m = re.fullmatch(rf"\s*{REF} — (.+?)…\s{{2,}}(\S.*?)\s*", header)
            assert m, (path.name, number, header)
            assert LONG_TITLE.startswith(m.group(1).rstrip()), (path.name, number, header)
            assert m.group(2).startswith(("Evaluation report", "Moderation report", "Award", "Assessment summary")), (
                path.name,
                header,
            )
        assert LONG_TITLE in squash(text), path.name  # whole, on the cover


def test_the_pdf_title_holds_the_whole_title_and_supplier(documents):
    for path in documents:
        title = PdfReader(path).metadata.title
        assert LONG_TITLE in title and REF in title, (path.name, title)
    winner_summary = next(p for p in documents if "summary-01" in p.name)
    assert LONG_BIDDER in PdfReader(winner_summary).metadata.title


def test_no_doubled_codes_no_dash_points_and_the_acts_word(documents):
    for path in documents:
        text = squash(pdf_text(path))
        for code in ("Q1", "Q2", "Q3", "Q4", "SV1"):
            assert f"{code} {code}" not in text, (path.name, code)
        assert "earned –" not in text and "– points" not in text, path.name
        # svdesk's own words (a panel's rationale may still say "excluded": that is their text)
        assert not re.search(r"\bis excluded:|was excluded from|\bExcluded\b", text), path.name
    evaluation = squash(pdf_text(documents[0]))
    assert "Sandstone Support Services is disqualified: Q1 scored 1, below the minimum of 2" in evaluation
    # the question with no title is named by its text
    assert "Q2 Describe how you will keep adults at risk safe" in evaluation
    sandstone = squash(pdf_text(next(p for p in documents if "Sandstone" in p.name)))
    assert "Your tender was disqualified: Q1 scored 1, below the minimum of 2" in sandstone
    assert "Not scored: your tender was disqualified" in sandstone


def test_one_format_per_kind_of_number(documents):
    evaluation = squash(pdf_text(documents[0]))
    # quantities with thousands separators and their unit: the demo's NT18 pledge reduced 310000 -> 180000
    assert "£310,000" in evaluation and "£180,000" in evaluation and "310000" not in evaluation
    assert re.search(r"\b156 no\. weeks\b", evaluation)
    for path in documents:
        text = squash(pdf_text(path))
        # every "N points" is in the points format: 2 decimal places, never "40 points" beside "40.00"
        shown = re.findall(r"(?<![\d.,£])(\d[\d,]*(?:\.\d+)?) points\b", text)
        assert shown or path.name in ("moderation.pdf", "award.pdf"), path.name  # these say "N of M" instead
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d", n) for n in shown), (path.name, shown)
        assert "(40 points)" not in text and "of 40," not in text, path.name


def test_the_formats():
    assert money(1234.5) == "£1,234.50" and money(None) == "–"
    assert points(40) == "40.00" and points(3.14159) == "3.14"
    assert score(4.0) == "4" and score(3.5) == "3.5"
    assert quantity(310000, "hours") == "310,000 hours" and quantity(310000, "£") == "£310,000"
    assert quantity(12.25, "") == "12.25"
    assert rate(30782) == "£30,782.00" and rate(0.963812) == "£0.963812" and rate(12.5) == "£12.50"
