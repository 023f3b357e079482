"""The bid beside the score: the reader of the documents answering this question of this bid, and
the citations it makes, for the Scoring and Moderation screens (issue 18).

Regulation 31 of the Procurement Regulations 2024 asks for each score's explanation "by reference to
relevant information in the tender": "Cite" puts a structured reference (document, page, quoted
words, the document's SHA-256) into the rationale at the cursor, where the rationale check and the
reports read it (`svdesk.model.citations`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from svdesk.app import documents
from svdesk.app.database import Database
from svdesk.app.errors import SvdeskError
from svdesk.app.reader import citation_token, citations, reference_line
from svdesk.ui.document_reader import CiteRequest, DocumentReader, ReaderSource

NOTHING_IMPORTED = (
    "No document answers this question for this bid. The officer imports the bids' documents on the Bids screen."
)


class BidEvidence(DocumentReader):
    """A reader that knows the tender: `show_item(bidder, question, member)` opens what answers it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bidEvidence")
        self.db: Database | None = None
        self.reference: str | None = None
        self._paths: dict[str, Path] = {}  # each document verified against its SHA-256 once per tender
        self._shown: tuple[str, str, str | None] | None = None

    def follow(self, db: Database, reference: str | None) -> None:
        if (db, reference) != (self.db, self.reference):
            self._paths.clear()
            self._shown = None
        self.db, self.reference = db, reference

    def show_item(self, bidder: str, question: str, member: str | None) -> None:
        """The parts of this bid's documents that answer `question`, as `member` may see them."""
        if self.db is None or self.reference is None:
            return
        if self._shown == (bidder, question, member):
            return  # the same item again (a save): the reader keeps its page and search
        self._shown = (bidder, question, member)
        try:
            parts = documents.documents_for(self.db, self.reference, bidder, question, member)
            sources = [
                ReaderSource(
                    p.document.title,
                    p.document.sha256,
                    self._path(p.document.sha256),
                    p.document.media,
                    p.first_page,
                    p.last_page,
                    p.document.pages,
                )
                for p in parts
            ]
        except SvdeskError as exc:  # a stored copy altered since import: say so, show nothing of it
            self._shown = None
            self.set_sources([], message_if_empty=str(exc))
            self.failed.emit(str(exc))
            return
        self.set_sources(sources, message_if_empty=NOTHING_IMPORTED)

    def forget(self) -> None:
        """Nothing shown (no item selected); the next `show_item` opens afresh."""
        self._shown = None
        self.set_sources([], message_if_empty="Choose a bid and question to see its documents.")

    def _path(self, sha: str) -> Path:
        if sha not in self._paths:
            assert self.db is not None
            self._paths[sha] = documents.document_path(self.db, self.reference, sha)
        return self._paths[sha]

    def open_citation(self, sha_prefix: str, page: int) -> bool:
        """A citation link (`cite:<16 hex>:<page>`) opened at its page, when the document is shown."""
        for source in self.sources:
            if source.sha256.startswith(sha_prefix):
                return self.open_page(source.sha256, page)
        return False


def insert_citation(editor: QPlainTextEdit, request: CiteRequest) -> str | None:
    """The citation put into the rationale at the cursor (a space either side); None with the reason
    said by the caller when it cannot be made (quoted words too long)."""
    token = citation_token(request.title, request.sha256, request.page, quote=request.quote)
    cursor = editor.textCursor()
    if cursor.position() == 0 and editor.toPlainText() and not editor.hasFocus():
        cursor.movePosition(cursor.MoveOperation.End)  # never placed in the text: the citation follows it
    before = editor.toPlainText()[: cursor.position()]
    lead = "" if not before or before[-1].isspace() else " "
    cursor.insertText(f"{lead}{token} ")
    editor.setTextCursor(cursor)
    editor.setFocus()
    return token


class CitationLinks(QLabel):
    """Each member's citations for the cell, as links that open the page in the reader."""

    opened = Signal(str, int)  # sha prefix, page

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("citationLinks")
        self.setWordWrap(True)
        self.setAccessibleName("Citations in the members' rationales")
        self.setToolTip("Click a citation to open its page in the reader")
        self.linkActivated.connect(self._open)

    def show_rationales(self, rationales: list[tuple[str, str]]) -> None:
        """(who, rationale) pairs; hidden when none of them cites a page."""
        lines = []
        for who, text in rationales:
            links = [
                f'<a href="cite:{c.sha_prefix}:{c.first_page}">{escape(reference_line(c))}</a>' for c in citations(text)
            ]
            if links:
                lines.append(f"<b>{escape(who)}</b>: " + "; ".join(links))
        self.setText("<br>".join(lines))
        self.setVisible(bool(lines))

    def _open(self, href: str) -> None:
        _scheme, prefix, page = href.split(":", 2)
        self.opened.emit(prefix, int(page))
