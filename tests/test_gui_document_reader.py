"""The document reader (issue 18 part 2) on real widgets, with the real renderer and a real PDF."""

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from svdesk.ui.document_reader import NOT_A_PDF, CiteRequest, DocumentReader, ReaderSource

SHA = "a" * 64
OTHER_SHA = "b" * 64
WAIT_MS = 20_000  # the first render waits for the child process to start (spawned, not forked)


def _make_pdf(path: Path, pages: list[list[str]]) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        pdf.setFont("Helvetica", 14)
        y = A4[1] - 90
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 24
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def method_statement(tmp_path):
    return _make_pdf(
        tmp_path / "method.pdf",
        [
            ["Method statement", "Section 1: overview of how the service is delivered."],
            ["Section 2: local employment", "We will create twelve apprenticeships for Wrexham residents."],
            ["Section 3: environment", "Our fleet based in Wrexham goes fully electric by 2027."],
        ],
    )


@pytest.fixture
def reader(qtbot):
    widget = DocumentReader()
    qtbot.addWidget(widget)
    widget.resize(520, 740)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_renderer()


def _source(path: Path, first: int | None = 1, last: int | None = 3, sha: str = SHA, title: str = "Method statement"):
    return ReaderSource(title, sha, path, "pdf", first, last, 3)


def _shown(qtbot, reader: DocumentReader, page: int) -> None:
    qtbot.waitUntil(lambda: reader.shown_page == page and reader.stack.currentIndex() == 0, timeout=WAIT_MS)


def _ink(image: QImage) -> int:
    """How many of a coarse grid of pixels are not white: a blank render has none."""
    dark = 0
    for x in range(0, image.width(), 4):
        for y in range(0, image.height() // 3, 4):  # the text is in the top third
            if image.pixelColor(x, y).lightness() < 128:
                dark += 1
    return dark


def _search(qtbot, reader: DocumentReader, words: str) -> None:
    reader.search_box.setFocus()
    reader.search_box.clear()
    qtbot.keyClicks(reader.search_box, words)
    qtbot.keyClick(reader.search_box, Qt.Key.Key_Return)


def test_opens_the_first_page_and_turns_to_the_next(reader, qtbot, method_statement):
    reader.set_sources([_source(method_statement, first=1, last=2)])
    _shown(qtbot, reader, 1)
    assert reader.current_page() == 1
    assert reader.documents.itemText(0) == "Method statement — pp. 1–2"
    assert reader.page_of.text() == "of 3"
    assert reader.range_note.text() == "p. 1 (question's pages 1–2)"
    assert reader.view.image is not None and _ink(reader.view.image) > 0
    # Fit width: the page fills the view's width (rendered again once the layout settles).
    qtbot.waitUntil(lambda: abs(reader.view.width() - reader.scroll_area.viewport().width()) <= 2, timeout=WAIT_MS)

    qtbot.mouseClick(reader.next_page, Qt.MouseButton.LeftButton)
    _shown(qtbot, reader, 2)
    assert reader.current_page() == 2 and reader.page_box.value() == 2

    qtbot.mouseClick(reader.next_page, Qt.MouseButton.LeftButton)  # beyond the question's pages: said so
    _shown(qtbot, reader, 3)
    assert reader.range_note.text() == "p. 3: outside the question's pages 1–2"
    assert not reader.next_page.isEnabled()


def test_a_quick_run_of_page_turns_ends_on_the_last_asked(reader, qtbot, method_statement):
    reader.set_sources([_source(method_statement)])
    _shown(qtbot, reader, 1)
    reader.go_to(2)
    reader.go_to(3)
    reader.go_to(1)
    reader.go_to(3)
    _shown(qtbot, reader, 3)
    qtbot.wait(400)  # a stale render arriving late must not replace it
    assert reader.shown_page == 3 and reader.page_box.value() == 3


def test_keys_turn_pages_and_zoom(reader, qtbot, method_statement):
    reader.set_sources([_source(method_statement)])
    _shown(qtbot, reader, 1)
    reader.activateWindow()
    qtbot.waitActive(reader)
    reader.view.setFocus()
    qtbot.keyClick(reader.view, Qt.Key.Key_PageDown)
    _shown(qtbot, reader, 2)
    fitted = reader.view.width()
    qtbot.keyClick(reader.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reader.status.text() == "", timeout=WAIT_MS)
    assert reader.view.width() > fitted * 1.2 and not reader.fit.isChecked()
    qtbot.mouseClick(reader.fit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: abs(reader.view.width() - fitted) <= 2, timeout=WAIT_MS)
    qtbot.keyClick(reader.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert reader.search_box.hasFocus()


def test_search_highlights_the_hit_on_its_page(reader, qtbot, method_statement):
    reader.set_sources([_source(method_statement)])
    _shown(qtbot, reader, 1)
    _search(qtbot, reader, "apprenticeships")
    qtbot.waitUntil(lambda: reader.hits_label.text() == "1 hit", timeout=WAIT_MS)
    _shown(qtbot, reader, 2)
    assert [current for _box, current in reader.view.hits] == [True]
    box = reader.view.hits[0][0]
    assert 0 < box.x0 < box.x1 < A4[0] and 0 < box.y0 < box.y1 < A4[1] / 3  # near the top, where it was drawn

    _search(qtbot, reader, "wrexham")  # case-insensitive, on pages 2 and 3
    qtbot.waitUntil(lambda: reader.hits_label.text() == "2 hits", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: reader.hit == 0)
    assert reader.shown_page == 2 and [c for _b, c in reader.view.hits] == [True]
    reader.search_box.setFocus()
    qtbot.keyClick(reader.search_box, Qt.Key.Key_F3)  # the next hit, on the next page
    _shown(qtbot, reader, 3)
    assert reader.hit == 1 and [c for _b, c in reader.view.hits] == [True]
    qtbot.keyClick(reader.search_box, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    _shown(qtbot, reader, 2)

    _search(qtbot, reader, "nowhere-in-this-file")
    qtbot.waitUntil(lambda: reader.hits_label.text() == "No hits", timeout=WAIT_MS)
    assert reader.view.hits == []


def test_a_dragged_selection_is_cited_with_its_page_and_words(reader, qtbot, method_statement):
    reader.set_sources([_source(method_statement)])
    _shown(qtbot, reader, 1)
    assert not reader.cite_selection.isEnabled() and reader.cite_page.isEnabled()
    _search(qtbot, reader, "apprenticeships")
    qtbot.waitUntil(lambda: reader.hits_label.text() == "1 hit", timeout=WAIT_MS)
    _shown(qtbot, reader, 2)
    rect = reader.view.box_rect(reader.hits[0].boxes[0])
    start = (rect.topLeft() - QPointF(2, 2)).toPoint()
    end = (rect.bottomRight() + QPointF(2, 2)).toPoint()
    QTest.mousePress(reader.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(reader.view, rect.center().toPoint())
    QTest.mouseMove(reader.view, end)
    QTest.mouseRelease(reader.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(reader.cite_selection.isEnabled, timeout=WAIT_MS)
    assert "apprenticeships" in reader.selection_label.text()

    with qtbot.waitSignal(reader.cite_requested) as cited:
        qtbot.mouseClick(reader.cite_selection, Qt.MouseButton.LeftButton)
    request = cited.args[0]
    assert isinstance(request, CiteRequest)
    assert (request.title, request.sha256, request.page) == ("Method statement", SHA, 2)
    assert "apprenticeships" in request.quote and "Wrexham residents" not in request.quote

    with qtbot.waitSignal(reader.cite_requested) as cited:
        qtbot.mouseClick(reader.cite_page, Qt.MouseButton.LeftButton)
    assert cited.args[0] == CiteRequest("Method statement", SHA, 2, "")

    # A click (no drag) clears the selection: nothing left to cite but the page.
    QTest.mouseClick(reader.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(30, 30))
    assert not reader.cite_selection.isEnabled()

    reader.set_cite_enabled(False)  # scoring closed: read, not cite
    assert not reader.cite_page.isEnabled() and not reader.cite_selection.isEnabled()
    assert "read-only" in reader.cite_page.toolTip()


def test_open_page_jumps_to_the_cited_document_and_page(reader, qtbot, method_statement, tmp_path):
    plan = _make_pdf(tmp_path / "plan.pdf", [["Social value plan"], ["Volunteering: 400 hours a year."]])
    plan_source = ReaderSource("Social value plan", OTHER_SHA, plan, "pdf", None, None, 2)
    reader.set_sources([_source(method_statement, 2, 2), plan_source])
    _shown(qtbot, reader, 2)
    assert reader.documents.itemText(1) == "Social value plan — whole file"
    assert reader.open_page(SHA, 3)
    _shown(qtbot, reader, 3)
    assert reader.open_page(OTHER_SHA, 2)
    qtbot.waitUntil(lambda: reader.documents.currentIndex() == 1)
    _shown(qtbot, reader, 2)
    assert reader.page_of.text() == "of 2"
    assert reader.open_page(SHA, 1)
    qtbot.waitUntil(lambda: reader.documents.currentIndex() == 0)
    _shown(qtbot, reader, 1)
    assert not reader.open_page("c" * 64, 1)


def test_a_broken_pdf_says_so_in_the_reader(reader, qtbot, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> trailer garbage")
    with qtbot.waitSignal(reader.failed, timeout=WAIT_MS) as failure:
        reader.set_sources([_source(broken, None, None, title="Broken appendix")])
    assert "could not be opened" in failure.args[0] and "Broken appendix" in failure.args[0]
    assert reader.stack.currentIndex() == 1
    assert "could not be opened" in reader.message.text()
    assert not reader.cite_page.isEnabled() and not reader.next_page.isEnabled()

    missing = ReaderSource("Lost annex", SHA, tmp_path / "gone.pdf", "pdf", None, None, None)
    reader.set_sources([missing])
    assert "not on this computer" in reader.message.text()


def test_a_file_that_is_not_a_pdf_offers_the_desktop_application(reader, qtbot, tmp_path):
    sheet = tmp_path / "prices.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook")
    reader.set_sources([ReaderSource("Price schedule", SHA, sheet, "other", None, None, None)])
    assert reader.stack.currentIndex() == 1
    assert reader.message_title.text() == "Price schedule"
    assert reader.message.text() == NOT_A_PDF
    assert reader.open_button.isVisible() and reader.open_button.toolTip()
    assert not reader.cite_page.isEnabled()


def test_no_document_shows_the_message(reader, qtbot):
    reader.set_sources([], message_if_empty="Bidder B gave no document for Q3.")
    assert reader.message.text() == "Bidder B gave no document for Q3."
    assert not reader.open_button.isVisible() and not reader.documents.isVisible()


def test_every_control_is_named_and_explained_and_it_fits_beside_a_form(reader):
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    assert reader.minimumWidth() <= 440 and reader.minimumSizeHint().width() <= 440
    for button in reader.findChildren(QAbstractButton):
        if isinstance(button.parent(), QLineEdit):
            continue  # the search box's own clear button
        assert button.toolTip(), button.text()
        assert button.accessibleName(), button.text()


def test_screenshot_of_a_page_shown(reader, qtbot, method_statement):
    reader.set_sources([_source(method_statement, 2, 3)])
    _shown(qtbot, reader, 2)
    _search(qtbot, reader, "Wrexham")
    qtbot.waitUntil(lambda: reader.hits_label.text() == "2 hits", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: abs(reader.view.width() - reader.scroll_area.viewport().width()) <= 2, timeout=WAIT_MS)
    assert not reader.scroll_area.horizontalScrollBar().isVisible()  # fit width: no sideways scrolling
    assert reader.status.text() == "Hit 1 of 2, p. 2: “…twelve apprenticeships for Wrexham residents.”"
    assert reader.grab().save("/tmp/reader.png")


def test_a_renderer_out_of_time_says_so_and_the_reader_stays_usable(qtbot, method_statement):
    slow = DocumentReader(timeout_s=0.0005)  # no PDF opens that fast: the renderer's time limit stops it
    qtbot.addWidget(slow)
    slow.show()
    try:
        with qtbot.waitSignal(slow.failed, timeout=WAIT_MS) as failure:
            slow.set_sources([_source(method_statement)])
        assert "took longer than" in failure.args[0]
        assert slow.stack.currentIndex() == 1 and "could not be opened" in slow.message.text()
        slow.worker.renderer.timeout_s = 10.0  # the file is fine: with time enough it opens
        slow.set_sources([_source(method_statement)])
        _shown(qtbot, slow, 1)
    finally:
        slow.close_renderer()
