"""Bidders' PDFs through PDFium in a limited child process (issue 18): the facts of a real document,
a clear refusal of every hostile one within the time limit, and the reader's long-lived renderer
(pages, text, search, selections), which survives a stalled or killed child."""

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from svdesk.model.errors import ValidationError
from svdesk.model.pdf_facts import (
    MAX_PAGES,
    TIMEOUT_S,
    check_named_media,
    inspect_pdf,
    inspect_pdf_limited,
    sniff_media,
)
from svdesk.model.pdf_renderer import PdfRenderer, TextBox
from tests.hostile_pdfs import HOSTILE_PDFS, build_hostile, deep_page_tree, many_pages, realistic_method_statement

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 20  # the sandbox stops PDFium at 60 s; nothing here may come near it

# What each hostile file must give: a message containing these words, or None for "read safely".
EXPECTED: dict[str, tuple[str, ...] | None] = {
    "encrypted": ("is encrypted (password protected)", "unprotected copy"),
    "truncated": ("is damaged or not a PDF pypdfium could read",),
    "deep page tree": ("is damaged or not a PDF pypdfium could read", "page 1"),
    "deep array": None,  # PDFium caps its parser's nesting: the page reads, blank
    "2,000 pages": ("has 2,000 pages", f"{MAX_PAGES:,}", "split it into parts"),
    "javascript": None,  # read as text and pages; nothing runs it (no form environment, no engine)
    "zip named .pdf": ("is named .pdf but is not a PDF", "zip archive"),
    "exe named .pdf": ("is named .pdf but is not a PDF", "Windows program"),
    "pdf named .docx": ("is named .docx but is a PDF",),
}


@pytest.fixture(scope="module")
def method_statement(tmp_path_factory) -> tuple[Path, dict[int, str]]:
    path = tmp_path_factory.mktemp("pdf") / "method-statement.pdf"
    return path, realistic_method_statement(path)


@pytest.fixture(scope="module")
def renderer(method_statement):
    path, _phrases = method_statement
    reader = PdfRenderer()
    assert reader.open(path) == 6
    yield reader
    reader.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone too
        return stat.read().split()[2] != "Z"


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


# --- the facts of a PDF -----------------------------------------------------------------------


def test_the_facts_of_a_real_method_statement(method_statement):
    path, phrases = method_statement
    facts = inspect_pdf_limited(path)
    assert facts.pages == 6 and len(facts.texts) == 6
    for page, phrase in phrases.items():
        assert phrase in facts.texts[page], f"page {page}"
        others = [n for n, text in enumerate(facts.texts) if phrase in text]
        assert others == [page], f"{phrase!r} must be on page {page} only"
    assert all("\r" not in text for text in facts.texts)
    assert facts.texts[1].splitlines()[0] == "1. Employment and skills"


def test_the_header_is_looked_for_where_readers_look():
    assert sniff_media(b"%PDF-1.7\n") == "pdf"
    assert sniff_media(b"\x00" * 1000 + b"%PDF-1.4") == "pdf"  # junk before the header, within 1024 bytes
    assert sniff_media(b"\x00" * 1024 + b"%PDF-1.4") == "other"
    assert sniff_media(b"PK\x03\x04rest") == "other"
    check_named_media("bid.pdf", b"%PDF-1.7")
    check_named_media("bid.docx", b"PK\x03\x04")
    with pytest.raises(ValidationError, match=r"bid.docx: is named .docx but is not one: it looks like a PNG image"):
        check_named_media("bid.docx", b"\x89PNG\r\n")
    with pytest.raises(ValidationError, match=r"empty.pdf: is named .pdf but is not a PDF: it looks like an empty"):
        check_named_media("empty.pdf", b"")


@pytest.mark.parametrize("name", list(HOSTILE_PDFS))
def test_every_hostile_pdf_is_refused_clearly_or_read_safely(name, tmp_path):
    path = build_hostile(name, tmp_path)
    started = time.monotonic()
    expected = EXPECTED[name]
    if expected is None:
        facts = inspect_pdf_limited(path)
        assert facts.pages >= 1 and len(facts.texts) == facts.pages
    else:
        with pytest.raises(ValidationError) as caught:
            inspect_pdf_limited(path)
        message = str(caught.value)
        assert caught.value.source == path.name
        assert message.startswith(f"{path.name}: ")
        for words in expected:
            assert words in message, message
        assert "Traceback" not in message
    elapsed = time.monotonic() - started
    assert elapsed < LIMIT_S < TIMEOUT_S, f"{name} took {elapsed:.1f} s"


def test_javascript_is_read_as_a_document_and_never_run(tmp_path):
    path = build_hostile("javascript", tmp_path)
    assert b"/JavaScript" in path.read_bytes()  # the scripts really are in the file
    facts = inspect_pdf_limited(path)
    assert facts.pages == 6 and "twelve apprenticeships for local residents" in facts.texts[1]
    reader = PdfRenderer()
    try:
        assert reader.open(path) == 6
        assert reader.render(0, 0.5).width == math.ceil(reader.page_size(0)[0] * 0.5)
        assert reader.search("pwned") == []  # the script is not text on a page
    finally:
        reader.close()


def test_the_page_limit_is_a_parameter_of_the_facts(tmp_path):
    path = many_pages(tmp_path / "twelve.pdf", pages=12)
    assert inspect_pdf(str(path)).pages == 12
    with pytest.raises(ValidationError, match=r"twelve.pdf: has 12 pages, more than the 10 a document may have"):
        inspect_pdf(str(path), max_pages=10)


# --- the renderer -----------------------------------------------------------------------------


def test_a_page_is_rendered_at_the_asked_scale(renderer):
    width, height = renderer.page_size(0)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    page = renderer.render(0, 1.5)
    assert page.page == 0
    assert (page.width, page.height) == (math.ceil(width * 1.5), math.ceil(height * 1.5))
    assert page.stride >= page.width * 4
    assert len(page.data) == page.stride * page.height
    blue, green, red = page.data[0], page.data[1], page.data[2]
    assert (blue, green, red) == (255, 255, 255)  # the white page, BGRx
    assert min(page.data) < 64  # and the black text on it: a real rendering, not a blank bitmap
    small = renderer.render(0, 0.5)
    assert small.width == math.ceil(width * 0.5)


def test_search_finds_each_phrase_on_its_page_with_boxes_on_the_page(renderer, method_statement):
    _path, phrases = method_statement
    for page, phrase in phrases.items():
        hits = renderer.search(phrase.upper())  # case-insensitive
        assert [hit.page for hit in hits] == [page], phrase
        hit = hits[0]
        assert phrase.lower() in hit.context.lower()
        width, height = renderer.page_size(page)
        assert hit.boxes
        for box in hit.boxes:
            assert 0 <= box.x0 < box.x1 <= width and 0 <= box.y0 < box.y1 <= height
        # each lead sentence is at the top of its page: the origin is the page's top-left
        assert hit.boxes[0].y0 < height / 3
        selected = " ".join(renderer.text_in_box(page, box) for box in hit.boxes)
        assert phrase in selected, (phrase, selected)


def test_many_hits_come_in_page_order_and_stop_at_the_limit(renderer):
    hits = renderer.search("the service will be delivered")
    assert [hit.page for hit in hits] == sorted(hit.page for hit in hits)
    assert len(hits) == 6 * 3  # three filler paragraphs on each page
    assert len(renderer.search("the service will be delivered", max_hits=4)) == 4
    assert renderer.search("   ") == []
    assert renderer.search("no such words anywhere") == []


def test_text_of_a_page_and_of_a_selection(renderer, method_statement):
    _path, phrases = method_statement
    assert phrases[3] in renderer.page_text(3)
    assert "\r" not in renderer.page_text(3)
    width, height = renderer.page_size(3)
    assert renderer.text_in_box(3, TextBox(0, 0, width, height)).startswith("3. Environment")
    assert renderer.text_in_box(3, TextBox(0, height - 5, 5, height)) == ""  # an empty corner
    with pytest.raises(ValidationError, match=r"method-statement.pdf: page 9 is not in the document \(it has 6"):
        renderer.page_text(8)
    with pytest.raises(ValidationError, match="the zoom must be a positive number"):
        renderer.render(0, 0)
    with pytest.raises(ValidationError, match="zoom out"):
        renderer.render(0, 100)


def test_a_refused_document_leaves_the_renderer_usable(tmp_path, method_statement):
    path, phrases = method_statement
    reader = PdfRenderer()
    try:
        with pytest.raises(ValidationError, match="no PDF is open"):
            reader.page_text(0)
        with pytest.raises(ValidationError, match=r"encrypted.pdf: is encrypted \(password protected\)"):
            reader.open(build_hostile("encrypted", tmp_path))
        with pytest.raises(ValidationError, match="no PDF is open"):
            reader.render(0, 1)
        with pytest.raises(ValidationError, match=r"has 2,000 pages"):
            reader.open(build_hostile("2,000 pages", tmp_path))
        deep = deep_page_tree(tmp_path / "deep.pdf")
        assert reader.open(deep) == 1  # the count is read; the page itself is not
        with pytest.raises(ValidationError, match=r"deep.pdf: is damaged or not a PDF pypdfium could read \(page 1"):
            reader.render(0, 1)
        assert reader.open(path) == 6
        assert phrases[2] in reader.page_text(2)
    finally:
        reader.close()


def test_a_stalled_request_is_stopped_and_the_next_call_restarts_the_child(tmp_path):
    path = many_pages(tmp_path / "long.pdf", pages=1200)
    reader = PdfRenderer(timeout_s=10)
    try:
        assert reader.open(path) == 1200
        first = reader.process
        assert first is not None and first.is_alive()
        reader.timeout_s = 0  # no answer can come in no time: the search over 1,200 pages stalls
        started = time.monotonic()
        with pytest.raises(
            ValidationError, match=r"long.pdf: searching for 'filler' took longer than 0 s and was stopped"
        ):
            reader.search("filler")
        assert time.monotonic() - started < 5
        assert not first.is_alive()  # killed, not left running
        reader.timeout_s = 10
        assert reader.page_text(1199) == "Filler page text"  # a new child, the document opened again
        second = reader.process
        assert second is not None and second.is_alive() and second.pid != first.pid
        assert len(reader.search("filler", max_hits=50)) == 50
    finally:
        reader.close()


def test_a_child_killed_from_outside_is_replaced_transparently(renderer, method_statement):
    _path, phrases = method_statement
    renderer.start()
    process = renderer.process
    assert process is not None and process.pid is not None
    os.kill(process.pid, signal.SIGKILL)  # out of memory, or crashed by a page
    process.join(10)
    assert phrases[4] in renderer.page_text(4)
    assert renderer.process is not None and renderer.process.pid != process.pid


def test_close_ends_the_child_and_is_idempotent(method_statement):
    path, _phrases = method_statement
    reader = PdfRenderer()
    assert reader.process is None  # nothing started until asked
    reader.start()
    reader.start()
    process = reader.process
    assert process is not None and process.is_alive()
    assert reader.process is process  # start is idempotent
    assert reader.open(path) == 6
    reader.close()
    assert not process.is_alive() and reader.process is None
    reader.close()
    with pytest.raises(ValidationError, match="no PDF is open"):
        reader.page_text(0)


PARENT = """
import os, sys, time
from svdesk.model.pdf_renderer import PdfRenderer
if __name__ == "__main__":
    reader = PdfRenderer()
    reader.start()
    print(reader.process.pid, flush=True)
    time.sleep(60)
"""


def test_the_child_leaves_when_the_app_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    child = int(parent.stdout.readline())
    time.sleep(0.5)  # the child is up and watching
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)  # no clean-up at all, as in a crash
    parent.wait()
    assert _wait_gone(child), "the renderer process outlived the app"
