"""Layout with the longest names a council sends (issue 15 item 7): a 121-character bidder name with
accents, a long tender title, questions with no title. The running header is shortened and never
overprinted, the names print whole where they stand in the text and in the PDF's title, numbers
keep one format per kind."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from svdesk.app import evaluation_files
from svdesk.app.database import open_database
from svdesk.app.reports import write_report
from tests.factory import minimal_doc, write_doc

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")
LONG_NAME = (
    "Zoë Łukasz Ó Súilleabháin Community Interest Company for Social Care, Highways, Housing Repairs and "
    "Grounds Maintenance in Cheshire West and Chester"
)
LONG_TITLE = (
    "Highways maintenance, winter gritting, street lighting and grounds maintenance term service contract for "
    "Cheshire West and Chester, Lot 3"
)
REF = "T-001"


def pdf_text(path: Path, mode: str = "-layout") -> str:
    return subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("long-names")
    doc = minimal_doc()
    doc["tender"]["title"] = LONG_TITLE
    doc["bidders"][1]["name"] = LONG_NAME
    db = open_database(folder / "long.sqlite")
    evaluation_files.load(db, "Priya", write_doc(folder / "long.json", doc))
    out = {
        kind: write_report(db, REF, kind, folder / f"{kind}.pdf")[0] for kind in ("evaluation", "moderation", "award")
    }
    for path in write_report(db, REF, "summary", folder / "summaries"):
        out["summary " + ("long" if "Zo" in path.name else "acme")] = path
    db.dispose()
    return out


def test_the_header_is_cut_to_fit_on_every_page(documents):
    for kind, path in documents.items():
        for number, page in enumerate(pdf_text(path).split("\f")[:-1], start=1):
            header = next(line for line in page.splitlines() if line.strip())
            # the reference and the title (cut, with an ellipsis), a clear gap, then the report's name
            m = re.fullmatch(rf"\s*{REF} — (.+?)…\s{{2,}}(\S.*?)\s*", header)
            assert m, (kind, number, header)
            assert LONG_TITLE.startswith(m.group(1).rstrip()), (kind, number, header)
            if kind == "summary long":
                assert m.group(2).startswith("Assessment summary: Zoë Łukasz") and m.group(2).endswith("…")


def test_long_names_print_whole_in_the_text_and_the_pdf_title(documents):
    for kind, path in documents.items():
        text = squash(pdf_text(path, "-raw"))
        assert LONG_TITLE in text, kind
        title = PdfReader(path).metadata.title
        assert LONG_TITLE in title and REF in title, (kind, title)
        if kind != "summary acme":
            assert LONG_NAME in text, kind
    assert LONG_NAME in PdfReader(documents["summary long"]).metadata.title
    letter = squash(pdf_text(documents["summary long"], "-raw"))
    assert f"For: {LONG_NAME}" in letter


def test_untitled_questions_are_named_by_their_text_and_numbers_have_one_format(documents):
    for kind, path in documents.items():
        text = squash(pdf_text(path, "-raw"))
        for code in ("Q1", "Q2", "SV1"):
            assert f"{code} {code}" not in text, (kind, code)
        assert "earned –" not in text and "– points" not in text, kind
        shown = re.findall(r"(?<![\d.,£])(\d[\d,]*(?:\.\d+)?) points\b", text)
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d", n) for n in shown), (kind, shown)
    letter = squash(pdf_text(documents["summary acme"], "-raw"))
    assert "Q1 Method" in letter and "SV1 Delivery of SV" in letter
    # Acme's pledges: quantities with thousands separators (NT18 is counted in pounds)
    assert "£100,000" in letter and "100000" not in letter
    assert "NT1 3 no. people FTE 2 no. people FTE" in letter
