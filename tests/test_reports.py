"""The PDF reports, read back with pdftotext: complete, consistent with the database, safe."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from svdesk.cli import main
from svdesk.export.assessment_summary import REDACTED
from svdesk.export.reports import write_report
from svdesk.model.demo import load_demo
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.report_data import report_data
from svdesk.model.services.tenders import get_tender, set_moderated
from tests.hostile import HOSTILE_STRINGS, doc_with_string
from tests.hostile.texts import name_safe
from tests.keys import sign

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")
REF = "CWAC-2026-0142"
PANEL = ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield")


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    db = open_svdesk_database(folder / "r.sqlite")
    load_demo(db)
    with db.transaction() as s:
        # a consensus rationale that names another losing bidder: the summaries must redact it
        set_moderated(
            s,
            get_tender(s, REF),
            "Alan Whitfield",
            "Dee Community Care CIC",
            "Q4",
            4,
            "Appendix F is a week-by-week plan with named leads; clearer than Northgate Homecare Ltd's.",
        )
    for member in PANEL:
        sign(db, REF, member)
    with db.reader() as s:
        data = report_data(s, get_tender(s, REF))
    yield db, data, folder
    db.dispose()


def test_evaluation_report_is_complete_and_matches_the_record(signed):
    db, data, folder = signed
    (path,) = write_report(data, "evaluation", folder / "evaluation.pdf")
    raw = pdf_text(path)
    text = squash(raw)
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages >= 5 and f"Page {pages} of {pages}" in text
    assert text.count("OFFICIAL-SENSITIVE: COMMERCIAL") == pages
    assert data.fingerprint in text and data.audit_head in text
    assert "PROVISIONAL" not in text and "signed off and locked" in text
    for name in PANEL:
        assert re.search(rf"{name}\s+\w+\s+20\d\d-\d\d-\d\d", raw), name
    # the sign-off block names the key each signature was sealed with, as a person compares it
    for sig in data.signatures:
        assert sig.key_fingerprint, sig.name
        shown = " ".join(sig.key_fingerprint[i : i + 4] for i in range(0, 16, 4))
        assert shown in text, sig.name
    assert len({sig.key_fingerprint for sig in data.signatures}) == len(data.signatures)
    assert "CONFLICT: Employed by Northgate Homecare Ltd" in text
    assert "Sandstone Support Services is disqualified: Q1 scored 1, below the minimum of 2" in text
    assert "The panel recommends award to Weaver Valley Care Ltd" in text
    for b in data.results.bidders:
        if b.total is not None:
            assert f"{b.total:.2f}" in text
        assert f"£{b.accepted_value:,.2f}" in text
    for p in data.pledges:
        if p.adjusted:
            assert p.reason.split(";")[0][:40] in text
    for q in data.questions:
        assert q.code in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])


def test_moderation_report_lists_high_spread_first(signed):
    _db, data, folder = signed
    (path,) = write_report(data, "moderation", folder / "moderation.pdf")
    text = squash(pdf_text(path))
    minutes = text.index("The panel met 2 times to moderate")  # the report is the minutes of its meetings
    first = text.index("Q1 Recruitment, retention and workforce development — Weaver Valley Care Ltd — HIGH SPREAD")
    low = text.index("Q3 Continuity of care and call monitoring — Weaver Valley Care Ltd")  # spread 1
    assert minutes < first < low  # in its meeting, the highest spread first
    assert "Tom Ellis: 2, Gwen Roberts: 4, Sam" in text  # the summary table (its cell wraps)
    item = text[first : text.index("Consensus: 4 / 5 (Good)", first)]
    assert all(f"{m} {n}" in item for m, n in (("Tom Ellis", 2), ("Gwen Roberts", 4), ("Sam Okafor", 5)))


def test_award_justification_names_the_winner_and_compares_each_bid(signed):
    _db, data, folder = signed
    (path,) = write_report(data, "award", folder / "award.pdf")
    text = squash(pdf_text(path))
    assert "to Weaver Valley Care Ltd" in text and "86.03" in text
    assert "How each other bid compares" in text
    for other in ("Northgate Homecare Ltd", "Dee Community Care CIC", "Sandstone Support Services"):
        assert other in text


def test_assessment_summaries_name_no_other_losing_bidder(signed):
    _db, data, folder = signed
    paths = write_report(data, "summary", folder / "summaries")
    assert len(paths) == 4
    losers = [b for b in data.bidders if b != "Weaver Valley Care Ltd"]
    for path, supplier in zip(paths, data.bidders, strict=True):
        text = squash(pdf_text(path))
        assert f"For: {supplier}" in text
        for other in losers:
            if other != supplier:
                assert other not in text, (supplier, other)
                assert other.split()[0] not in text, (supplier, other)
        assert "The most advantageous tender's scores" in text or supplier == "Weaver Valley Care Ltd"
    dee = squash(pdf_text(paths[2]))
    assert f"clearer than {REDACTED}" in dee
    sandstone = squash(pdf_text(paths[3]))
    assert "Your tender was disqualified: Q1 scored 1, below the minimum of 2" in sandstone
    weaver = squash(pdf_text(paths[0]))
    assert "Your tender is the most advantageous tender, ranked 1st with 86.03" in weaver


def test_provisional_reports_say_so(tmp_path):
    db = open_svdesk_database(tmp_path / "p.sqlite")
    load_demo(db)
    with db.reader() as s:
        data = report_data(s, get_tender(s, REF))
    db.dispose()
    (path,) = write_report(data, "evaluation", tmp_path / "e.pdf", marking="OFFICIAL")
    text = squash(pdf_text(path))
    assert "PROVISIONAL — not signed off" in text
    assert "OFFICIAL-SENSITIVE" not in text and "OFFICIAL" in text


@pytest.mark.parametrize("name", list(HOSTILE_STRINGS))
def test_hostile_text_prints_literally_in_every_report(name, tmp_path):
    value = HOSTILE_STRINGS[name]
    db = open_svdesk_database(tmp_path / "h.sqlite")
    with db.transaction() as s:
        # a name refused (bidi, invisible) is tested in test_names_and_numbers; the text still reaches every report
        write_evaluation(s, parse_document(name_safe(doc_with_string(value)), measures_by_ref(s)), "tester")
    with db.reader() as s:
        data = report_data(s, get_tender(s, "T-001"))
    db.dispose()
    for kind in ("evaluation", "moderation", "award", "summary"):
        out = tmp_path / kind if kind == "summary" else tmp_path / f"{kind}.pdf"
        paths = write_report(data, kind, out)
        assert all(p.stat().st_size > 1000 for p in paths)
    text = squash(pdf_text(tmp_path / "evaluation.pdf"))
    if "markup" in name or "CVE" in name:
        assert "<font color=" in text or "<img src=" in text  # printed, not obeyed
    if name == "html entities":
        assert "&lt;b&gt; &amp;" in text
    assert not Path("/tmp/svdesk-pwned").exists()


def test_cli_report_errors(tmp_path, capsys, signed):
    db, _data, folder = signed
    code = main(
        ["report", "--kind", "summary", "--bidder", "Nobody", "--db", str(db.path), "--out", str(tmp_path / "x.pdf")]
    )
    assert code == 2 and "no bidder named 'Nobody'" in capsys.readouterr().err
    code = main(["report", "--kind", "award", "--db", str(db.path), "--out", str(tmp_path / "no" / "x.pdf")])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    code = main(["report", "--kind", "evaluation", "--db", str(db.path), "--out", str(tmp_path / "e.pdf")])
    assert code == 0 and (tmp_path / "e.pdf").read_bytes().startswith(b"%PDF")


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_every_pdf_agrees_with_svdesk_results_to_the_penny(signed, capsys, tmp_path):
    import json as _json

    db, _data, _folder = signed
    assert main(["results", "--db", str(db.path), "--json"]) == 0
    results = _json.loads(capsys.readouterr().out)
    out = tmp_path / "all"
    for kind in ("evaluation", "moderation", "award"):
        assert (
            main(["report", "--kind", kind, "--db", str(db.path), "--out", str(out.with_suffix(f".{kind}.pdf"))]) == 0
        )
    assert main(["report", "--kind", "summary", "--db", str(db.path), "--out", str(out)]) == 0
    capsys.readouterr()
    evaluation = out.with_suffix(".evaluation.pdf")
    internal = [evaluation, out.with_suffix(".moderation.pdf"), out.with_suffix(".award.pdf")]
    for path in [*internal, *out.glob("*.pdf")]:
        text = squash(pdf_text(path))
        pages = pdf_pages(path)
        assert f"Page {pages} of {pages}" in text and "Page 1 of" in text, path.name
        for name in PANEL:  # a supplier's letter names no evaluator unless the authority chooses to
            assert (name in text) == (path in internal), (path.name, name)
    eval_text = squash(pdf_text(evaluation))
    award_text = squash(pdf_text(out.with_suffix(".award.pdf")))
    for b in results["bidders"]:
        for text in (eval_text, award_text):
            assert f"£{b['price']:,.2f}" in text
            assert f"£{b['accepted_value']:,.2f}" in text
            for key in ("price_score", "quality_score", "sv_quantitative_score", "sv_qualitative_score", "total"):
                if b[key] is not None:
                    assert f"{b[key]:.2f}" in text, (b["name"], key)
        assert f"£{b['pledged_value']:,.2f}" in eval_text
    for path in out.glob("*.pdf"):
        text = squash(pdf_text(path))
        mine = next(b for b in results["bidders"] if f"For: {b['name']}" in text)
        assert f"£{mine['accepted_value']:,.2f}" in text and f"£{mine['price']:,.2f}" in text
        for key in ("price_score", "quality_score", "sv_quantitative_score", "sv_qualitative_score", "total"):
            if mine[key] is not None:
                assert f"{mine[key]:.2f}" in text, (mine["name"], key)


def test_unicode_names_render(tmp_path):
    from tests.factory import minimal_doc

    db = open_svdesk_database(tmp_path / "u.sqlite")
    doc = minimal_doc()
    doc["panel"][0]["name"] = "Zoë Ñúñez"
    for s in doc["scores"]:
        if s["evaluator"] == "Tom":
            s["evaluator"] = "Zoë Ñúñez"
    with db.transaction() as s:
        write_evaluation(s, parse_document(doc, measures_by_ref(s)), "tester")
    with db.reader() as s:
        data = report_data(s, get_tender(s, "T-001"))
    db.dispose()
    for kind in ("evaluation", "moderation"):
        (path,) = write_report(data, kind, tmp_path / f"{kind}.pdf")
        text = squash(pdf_text(path))
        assert "Zoë Łukasz Ó Súilleabháin Ltd" in text and "Zoë Ñúñez" in text


def _laid_text(block) -> list[str]:
    return [
        " ".join(w if isinstance(w, str) else "".join(t for _f, t in w) for w in words) for _x, words in block._laid[1]
    ]


def _paragraph_lines(paragraph) -> list[str]:
    bl = paragraph.blPara
    if bl.kind == 0:
        return [" ".join(words) for _x, words in bl.lines]
    return ["".join(getattr(w, "text", "") for w in line.words).strip() for line in bl.lines]


@pytest.mark.parametrize("width", [60, 141.7, 481.9])
def test_text_blocks_break_lines_exactly_where_paragraphs_do(width):
    """TextBlock (the fast path for text) against reportlab's Paragraph: same lines, same height."""
    from reportlab.platypus import Paragraph

    from svdesk.export.pdf_base import STYLES, TextBlock
    from svdesk.export.pdf_base import text as escaped

    samples = [v for v in HOSTILE_STRINGS.values() if len(v) < 5000] + [
        "The panel agreed: Appendix C evidences 27 local FTE posts with job descriptions; the method statement "
        "gives a week-by-week mobilisation plan with named staff (section 4.2), £1,234,567.89 in all.",
        "x" * 700,
        "short " + "y" * 500 + " tail words here",
        "first line\n\nthird line\n",
        "",
        "   ",
    ]
    for style in ("body", "cell", "cell_right", "cell_head", "small", "h3"):
        for value in samples:
            p = Paragraph(escaped(value), STYLES[style])
            p.wrap(width, 1e6)
            block = TextBlock.plain(value, STYLES[style])
            assert block.wrap(width, 1e6)[1] == pytest.approx(p.height), (style, value[:40])
            assert _laid_text(block) == _paragraph_lines(p), (style, value[:40])
    for label, rest in [("Q1 Recruitment, retention and workforce development", ": 4 / 5 (Good)"), ("Tie", " at 2")]:
        p = Paragraph(f"<b>{escaped(label)}</b>{escaped(rest)}", STYLES["body"])
        p.wrap(width, 1e6)
        block = TextBlock.from_runs([(label, True), (rest, False)], STYLES["body"])
        block.wrap(width, 1e6)
        assert _laid_text(block) == _paragraph_lines(p)


def test_markup_is_parsed_only_in_the_form_svdesk_writes():
    from reportlab.platypus import Paragraph

    from svdesk.export.pdf_base import TextBlock, markup, rich, text

    hostile = HOSTILE_STRINGS["reportlab CVE-2023-33733"]
    assert isinstance(markup(f"<b>{text(hostile)}</b> is excluded."), TextBlock)
    assert isinstance(markup("Some <i>other</i> markup"), Paragraph)  # reportlab handles anything else
    assert isinstance(markup("a bare & ampersand"), Paragraph)
    block = rich([(hostile, True), ("\nline two", False)])
    assert block.getPlainText().startswith("<para><font color=") and block.getPlainText().endswith("line two")


def test_a_table_row_taller_than_a_page_continues_on_the_next(tmp_path):
    """reportlab's Table stops with a LayoutError here; a long reason must still print in full."""
    from svdesk.export.pdf_base import Column, PageInfo, build_pdf, tables

    reason = " ".join(f"word{i}" for i in range(6000)) + " THE-END"
    story = tables([Column("Ref", 20), Column("Reason", 150)], [("NT1", "short"), ("NT2", reason), ("NT3", "after")])
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(build_pdf(story, PageInfo("R", "T", "Report", "OFFICIAL", "now", "f" * 64, "")))
    text = squash(pdf_text(pdf))
    assert pdf_pages(pdf) > 1 and "word0 word1" in text and "word5999 THE-END" in text and "NT3 after" in text
    assert text.count("Ref Reason") == pdf_pages(pdf)  # the header repeats on every page of the table
