"""The bid beside the score (issue 18): the scoring form shows the question's pages of this bid, "Cite"
puts a structured reference into the rationale, it is saved and checked; Moderation shows each
member's citations as links that open the page, and the consensus can cite too."""

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest

from svdesk.app import documents, moderation, reads, scoring, signoff
from svdesk.app.database import open_database
from svdesk.model.citations import citations
from svdesk.model.demo import load_demo
from svdesk.ui.moderation_screen import ModerationScreen
from svdesk.ui.scoring_screen import ScoringScreen
from svdesk.ui.screen_base import Desk
from tests.hostile_pdfs import METHOD_STATEMENT_PHRASES, realistic_method_statement
from tests.keys import officer, signed_in

REF = "CWAC-2026-0142"
WEAVER = "Weaver Valley Care Ltd"


@pytest.fixture
def scoring_with_documents(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    signoff.reopen(db, "Priya", REF, "Tom rescores Q1 with the method statement beside him")
    pdf = tmp_path / "Method statement.pdf"
    realistic_method_statement(pdf)
    documents.import_documents(
        db, "Priya", REF, WEAVER, [pdf], question="Q1", pages=(2, 3), reason="Clarification received 1 Dec 2026"
    )
    yield db
    db.dispose()


def _shown(qtbot, cls, db, person):
    screen = cls(Desk(db, "Priya", QUndoStack()))
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    screen.desk.sign_in(signed_in(db, REF, person))
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(db, REF))
    return screen


def _page_shown(qtbot, reader, page):
    try:
        qtbot.waitUntil(lambda: reader.shown_page == page, timeout=20_000)
    except Exception:
        said = f"{reader.status.text()!r} {reader.message.text()!r}"
        raise AssertionError(f"page {reader.shown_page} shown, {said}") from None


def _drag_over(qtbot, reader, box):
    view = reader.view
    rect = view.box_rect(box).adjusted(-2, -2, 2, 2)
    QTest.mousePress(view, Qt.MouseButton.LeftButton, pos=rect.topLeft().toPoint())
    QTest.mouseMove(view, QPointF(rect.center()).toPoint())
    QTest.mouseMove(view, rect.bottomRight().toPoint())
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, pos=rect.bottomRight().toPoint())


def test_the_scorer_reads_the_questions_pages_and_cites_them_into_the_rationale(qtbot, scoring_with_documents):
    db = scoring_with_documents
    screen = _shown(qtbot, ScoringScreen, db, "Tom Ellis")
    item = next(i for i, it in enumerate(screen.items) if (it.bidder, it.question) == (WEAVER, "Q1"))
    screen.go(item)
    reader = screen.evidence
    assert screen.show_evidence.isChecked() and reader.isVisible()
    _page_shown(qtbot, reader, 2)  # the question's first page, not the document's
    assert "Method statement" in reader.documents.currentText()

    phrase = METHOD_STATEMENT_PHRASES[2]  # on page 3 (0-based 2)
    reader.search_box.setText(phrase)
    reader.search()
    qtbot.waitUntil(lambda: reader.hits_label.text() == "1 hit", timeout=20_000)
    _page_shown(qtbot, reader, 3)
    _drag_over(qtbot, reader, reader.hits[0].boxes[0])
    qtbot.waitUntil(lambda: reader.cite_selection.isEnabled(), timeout=20_000)
    screen.rationale.setPlainText("Named mobilisation lead:")
    screen.rationale.moveCursor(screen.rationale.textCursor().MoveOperation.End)
    reader.cite_selection.click()
    text = screen.rationale.toPlainText()
    [cited] = citations(text)
    assert (cited.title, cited.first_page) == ("Method statement", 3)
    assert cited.quote.casefold() == phrase.casefold()
    assert text.startswith("Named mobilisation lead: [Method statement, p. 3:")

    screen.choice.choose_index(4)
    assert screen.save_current()
    stored = scoring.own_score(db, REF, "Tom Ellis", WEAVER, "Q1")
    [kept] = citations(stored.rationale)
    doc = documents.documents(db, REF)[0]
    assert doc.sha256.startswith(kept.sha_prefix) and kept.first_page == 3


def test_moderation_opens_a_members_citation_and_the_consensus_cites_too(qtbot, scoring_with_documents):
    db = scoring_with_documents
    doc = documents.documents(db, REF)[0]
    from svdesk.model.citations import citation_token

    tom = signed_in(db, REF, "Tom Ellis")
    token = citation_token(doc.title, doc.sha256, 3, quote=METHOD_STATEMENT_PHRASES[2])
    scoring.set_score(db, tom, REF, "Tom Ellis", WEAVER, "Q1", 4, f"A named lead {token} starts early.")
    signoff.open_moderation(db, officer(db, REF), REF)

    screen = _shown(qtbot, ModerationScreen, db, "Alan Whitfield")
    row = next(r for r in range(screen.model.rowCount()) if screen.model.grid.bidders[r] == WEAVER)
    col = next(c for c, (code, _title) in enumerate(screen.model.grid.questions) if code == "Q1")
    screen.grid.setCurrentIndex(screen.model.index(row, col))
    links = screen.citation_links
    assert links.isVisibleTo(screen) and "Tom Ellis" in links.text() and "Method statement, p. 3" in links.text()
    _page_shown(qtbot, screen.evidence, 2)
    links.linkActivated.emit(f"cite:{doc.sha256[:16]}:3")
    _page_shown(qtbot, screen.evidence, 3)
    # the consensus cites the page shown, whole
    screen.choice.choose_index(4)
    screen.rationale.setPlainText("The panel agreed: the lead is named.")
    screen.rationale.moveCursor(screen.rationale.textCursor().MoveOperation.End)
    screen.evidence.cite_page.click()
    assert screen.save_consensus()
    consensus = moderation.cell_detail(db, REF, WEAVER, "Q1").consensus_rationale
    [agreed] = citations(consensus)
    assert (agreed.first_page, agreed.quote) == (3, "") and doc.sha256.startswith(agreed.sha_prefix)


def test_the_verify_button_re_hashes_the_bid_documents(qtbot, scoring_with_documents):
    import os

    from svdesk.ui.signoff_screen import SignOffScreen

    db = scoring_with_documents
    screen = SignOffScreen(Desk(db, "Priya", QUndoStack()))
    qtbot.addWidget(screen)
    screen.show()
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(db, REF))
    record = screen.record
    qtbot.waitUntil(record.verify_button.isEnabled, timeout=60_000)  # the check on opening
    assert record.verified.text().startswith("Verified"), record.verified.text()
    stored = documents.document_path(db, REF, documents.documents(db, REF)[0].sha256)
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"\n% a page added after import\n")  # altered on disk
    with qtbot.waitSignal(screen.verified, timeout=60_000):
        record.verify_button.click()
    try:
        qtbot.waitUntil(lambda: "Does not verify" in record.verified.text(), timeout=20_000)
    except Exception:
        raise AssertionError(record.verified.text()) from None
    assert "bid document" in record.verified.text() and "Method statement" in record.verified.text()
