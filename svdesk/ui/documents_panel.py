"""The bidders' response documents of one tender (issue 18), on the Bids screen: import them (files
one by one, a bidder's folder, or a portal's export of a folder per bidder), say which part of
which document answers each question, open one with the desktop's application, remove one.

Why it matters: the panel's reasons must point at the bid (Procurement Regulations 2024 reg 31:
the assessment summary explains the scores "by reference to relevant information in the tender"),
and the record keeps what the panel was given to read (Procurement Act 2023 s.98). So once scoring
has opened the documents are frozen: a late clarification is a new document with the reason it was
accepted, never a replacement, and none is removed (`svdesk.model.services.documents`).

An import inspects every file first (a PDF in a limited child process: seconds for a long bid), so
it runs off the event loop with a busy bar (`background.run_with_progress`). Every refusal is shown
in the panel's message line, naming the file and the problem; nothing is ever half imported.

The file dialogs are the methods `choose_files` and `choose_folder`: a test replaces them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import documents, questions, reads
from svdesk.app.documents import DocumentView, PartView
from svdesk.app.errors import NotSignedIn, SvdeskError
from svdesk.app.unit import Outcome
from svdesk.ui import file_dialogs, palette
from svdesk.ui.award_dialogs import FormDialog
from svdesk.ui.background import Worker, run_with_progress
from svdesk.ui.confirm_box import ask
from svdesk.ui.screen_base import NOT_SIGNED_IN, TenderScreen

ALL_BIDDERS = "All bidders"
NOT_A_PDF = "not a PDF"
COLUMNS = ("Bidder", "Title", "Pages", "Size", "Commercial", "Late: reason", "Added", "Answers")
FROZEN = (
    "Scoring has opened, so the documents are frozen: none is replaced or removed. Only a late "
    "clarification can be added, as a new document, with the reason it was accepted."
)
NOT_CITABLE = "Kept as imported and opened with the desktop's application; not a PDF, so it cannot be cited by page."


def size_text(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def part_text(part: PartView) -> str:
    """'Q1 pp. 3–5', 'Q2 p. 4', 'Q3 whole'."""
    if part.first_page is None:
        return f"{part.question_code} whole"
    if part.first_page == part.last_page:
        return f"{part.question_code} p. {part.first_page}"
    return f"{part.question_code} pp. {part.first_page}\u2013{part.last_page}"


def added_text(iso: str) -> str:
    """The moment added, in the desktop's time zone ('3 Mar 2026 14:05')."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%-d %b %Y %H:%M")
    except ValueError:
        return iso


def _short(text: str, limit: int = 70) -> str:
    """A question's title (or the start of its text) for a choice list."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _files_in(folder: Path) -> list[Path]:
    """The files a folder gives an import (as `documents.import_documents` expands it)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file())


class PartDialog(FormDialog):
    """Which part of the selected document answers a question: the whole file, or pages from–to
    (bounded by its page count). A document that is not a PDF can only answer whole."""

    def __init__(
        self,
        document: DocumentView,
        question_list: Sequence[tuple[str, str]],
        save: Callable[[PartDialog], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"{document.title}: which part answers a question", "partDialog", parent)
        self.document = document
        self.question = QComboBox(objectName="partQuestion")
        self.question.setAccessibleName("The question this document answers")
        self.question.setToolTip("The tender's question that this part of the document answers")
        for code, title in question_list:
            self.question.addItem(f"{code}: {title}" if title else code, code)
        self.whole = QRadioButton("The &whole document", objectName="partWhole")
        self.range = QRadioButton("&Pages", objectName="partRange")
        self.whole.setToolTip("The whole file answers the question")
        self.range.setToolTip("Only these pages answer the question (first and last page, inclusive)")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.whole)
        self.choice.addButton(self.range)
        pages = document.pages or 1
        self.first = QSpinBox(objectName="partFirst", minimum=1, maximum=pages)
        self.last = QSpinBox(objectName="partLast", minimum=1, maximum=pages)
        self.first.setAccessibleName("First page that answers the question")
        self.last.setAccessibleName("Last page that answers the question")
        self.first.setToolTip(f"The first page (1 to {pages})")
        self.last.setToolTip(f"The last page ({pages} at most); the same as the first for one page")
        # the range stays a range: the last page never before the first
        self.first.valueChanged.connect(lambda v: self.last.setValue(v) if self.last.value() < v else None)
        self.last.valueChanged.connect(lambda v: self.first.setValue(v) if self.first.value() > v else None)
        pages_row = QHBoxLayout()
        pages_row.addWidget(self.range)
        pages_row.addWidget(self.first)
        pages_row.addWidget(QLabel("to"))
        pages_row.addWidget(self.last)
        pages_row.addWidget(QLabel(f"of {document.pages}" if document.citable else ""))
        pages_row.addStretch(1)
        self.note = QLabel(objectName="partNote", wordWrap=True)
        self.range.toggled.connect(self._range_chosen)
        self.question.currentIndexChanged.connect(lambda _i: self._show_mapped())
        what = f"{document.pages} pages" if document.citable else NOT_A_PDF
        self.form.addRow(
            "Document", QLabel(f"{escape(document.title)} ({escape(document.name)}, {what}), {escape(document.bidder)}")
        )
        self.form.addRow("&Question", self.question)
        self.form.addRow("Answered by", self.whole)
        self.form.addRow("", pages_row)
        self.form.addRow(self.note)
        self.finish_form()
        if not document.citable:
            self.range.setEnabled(False)
            self.note.setText(
                f"{escape(document.name)} is not a PDF, so it can only answer a question whole: it cannot be "
                "cited by page."
            )
        self.whole.setChecked(True)
        self._show_mapped()
        self.submit = lambda: save(self)

    def _range_chosen(self, on: bool) -> None:
        self.first.setEnabled(on)
        self.last.setEnabled(on)

    def _show_mapped(self) -> None:
        """A question already answered by this document: its part as recorded, to change."""
        code = self.question.currentData()
        part = next((p for p in self.document.parts if p.question_code == code), None)
        if part is not None and part.first_page is not None and self.document.citable:
            self.range.setChecked(True)
            self.first.setValue(part.first_page)
            self.last.setValue(part.last_page or part.first_page)
        else:
            self.whole.setChecked(True)
        self._range_chosen(self.range.isChecked())

    def code(self) -> str:
        return str(self.question.currentData() or "")

    def pages(self) -> tuple[int, int] | None:
        return (self.first.value(), self.last.value()) if self.range.isChecked() else None


class DocumentsPanel(QGroupBox):
    """Bid documents: the table (filterable by bidder), adding, mapping to questions, opening and
    removing. Built with the screen that shows it (as `MeetingPanel` is); `load()` reads it for the
    screen's tender. `imported` is emitted when an import has finished (saved or refused)."""

    imported = Signal()

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__("Bid documents", parent)
        self.setObjectName("documentsPanel")
        self.owner = screen
        self.rows: list[DocumentView] = []  # every document of the tender, as the person may see them
        self.shown: list[DocumentView] = []  # the table's rows (the filter applied)
        self.bidders: list[str] = []
        self.question_list: list[tuple[str, str]] = []
        self.frozen = False
        self.busy = False
        self.worker: Worker | None = None
        self.dialog: PartDialog | None = None
        self.confirm: QMessageBox | None = None

        self.banner = QLabel(FROZEN, objectName="documentsFrozen", wordWrap=True)
        palette.follow(self.banner, lambda: palette.banner_style(palette.LOCKED_BANNER))
        self.banner.hide()

        self.bidder = QComboBox(objectName="documentsBidder")
        self.bidder.setAccessibleName("The bidder whose documents are added")
        self.bidder.setToolTip("Whose documents Add documents… and Add a bidder's folder… import")
        self.bidder.setMinimumContentsLength(18)
        self.add_files = self._button(
            "Add &documents\u2026", "addDocuments", "Choose one or more of the chosen bidder's files to import"
        )
        self.add_folder = self._button(
            "Add a bidder's &folder\u2026",
            "addBidderFolder",
            "Import every file in a folder (hidden files skipped) as the chosen bidder's documents",
        )
        self.add_export = self._button(
            "Import &portal export\u2026",
            "importPortalExport",
            "A folder with one sub-folder per bidder, named as the bid (as e-tendering portals export them); "
            "you see which sub-folders match a bid before anything is imported",
        )
        self.commercial = QCheckBox("&Commercial", objectName="documentsCommercial")
        self.commercial.setAccessibleName("The documents being added are commercial")
        self.commercial.setToolTip(
            "Prices and other commercial documents: hidden from quality evaluators while prices are hidden from them"
        )
        self.reason_label = QLabel("&Reason:")
        self.reason = QLineEdit(objectName="documentsReason")
        self.reason.setAccessibleName("Why a late clarification was accepted")
        self.reason.setPlaceholderText("Clarification received on \u2026 (the request, its date, why it was accepted)")
        self.reason.setToolTip(
            "After scoring has opened a document is added only as a late clarification, with the reason it was "
            "accepted; kept in the record with it"
        )
        self.reason_label.setBuddy(self.reason)
        self.filter = QComboBox(objectName="documentsFilter")
        self.filter.setAccessibleName("Show the documents of")
        self.filter.setToolTip("Show every bidder's documents, or one bidder's")
        self.filter.setMinimumContentsLength(18)
        self.filter.currentIndexChanged.connect(lambda _i: self._filtered())

        self.table = QTableWidget(0, len(COLUMNS), objectName="documentsTable")
        self.table.setAccessibleName("The bidders' documents and the questions each answers")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())

        self.map_part = self._button(
            "&Answers question\u2026",
            "mapDocumentPart",
            "Say which question the selected document answers: the whole file or a range of its pages",
        )
        self.unmap_part = self._button(
            "Remove from &question\u2026",
            "removeDocumentPart",
            "The selected document no longer answers a question (the document itself stays)",
        )
        self.open_button = self._button(
            "&Open", "openDocument", "Open the selected document with the desktop's application (checked first)"
        )
        self.remove = self._button(
            "Remove document\u2026",
            "removeDocument",
            "Remove the selected document (asked first); only before scoring opens, after that the record keeps it",
        )
        self.message = QLabel(objectName="documentsMessage", wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.add_files.clicked.connect(self.add_documents)
        self.add_folder.clicked.connect(self.add_bidder_folder)
        self.add_export.clicked.connect(self.import_portal_export)
        self.map_part.clicked.connect(self.open_part_dialog)
        self.unmap_part.clicked.connect(lambda: self.remove_from_question())
        self.open_button.clicked.connect(self.open_selected)
        self.remove.clicked.connect(self.ask_remove)

        adding = QHBoxLayout()
        adding.addWidget(QLabel("Add for"))
        adding.addWidget(self.bidder, 1)
        adding.addWidget(self.add_files)
        adding.addWidget(self.add_folder)
        adding.addStretch(1)
        adding.addWidget(self.add_export)
        marks = QHBoxLayout()
        marks.addWidget(self.commercial)
        marks.addWidget(self.reason_label)
        marks.addWidget(self.reason, 1)
        # the documents travel beside the evaluation file as an archive (svdesk documents pack/unpack)
        self.save_archive = self._button(
            "Save archive\u2026",
            "saveDocumentsArchive",
            "Write every document of this tender to one zip, named by SHA-256, to travel beside its evaluation file",
        )
        self.load_archive = self._button(
            "Load archive\u2026",
            "loadDocumentsArchive",
            "Put the documents of an archive into this database (each checked against its SHA-256 first)",
        )
        self.save_archive.clicked.connect(lambda: self.write_archive())
        self.load_archive.clicked.connect(lambda: self.read_archive())
        showing = QHBoxLayout()
        showing.addWidget(QLabel("Show"))
        showing.addWidget(self.filter)
        showing.addStretch(1)
        showing.addWidget(self.save_archive)
        showing.addWidget(self.load_archive)
        selected = QHBoxLayout()
        selected.addWidget(QLabel("Selected document:"))
        for b in (self.map_part, self.unmap_part, self.open_button, self.remove):
            selected.addWidget(b)
        selected.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(adding)
        layout.addLayout(marks)
        layout.addLayout(showing)
        layout.addWidget(self.table, 1)
        layout.addLayout(selected)
        layout.addWidget(self.message)
        self._enable()

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("\u2026"))
        return button

    # --- reading --------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the screen's tender's documents, bidders and questions; the selection and filter kept."""
        keep = self.selected()
        reference = self.owner.reference
        self.rows, self.bidders, self.question_list, self.frozen = [], [], [], False
        if reference is not None:
            person = self.owner.person
            try:
                choices = reads.tender_choices(self.owner.db, reference)
                self.question_list = [
                    (q.code, _short(q.title or q.text))
                    for q in questions.questions_view(self.owner.db, reference).questions
                ]
                # as the person signed in may see them: a commercial document is hidden from a quality
                # evaluator while prices are (the service's rule)
                self.rows = documents.documents(self.owner.db, reference, person.member if person else None)
                self.frozen = documents.scoring_opened(self.owner.db, reference)
                self.bidders = choices.bidders
            except SvdeskError as exc:
                self.say(str(exc), error=True)
        self._refill(self.bidder, self.bidders)
        self._refill(self.filter, [ALL_BIDDERS, *self.bidders])
        self.banner.setVisible(self.frozen)
        # the reason is asked only of a late clarification (a document added after scoring opened)
        self.reason.setVisible(self.frozen)
        self.reason_label.setVisible(self.frozen)
        if not self.frozen:
            self.reason.clear()
        if reference is not None and not self.rows and not self.message.text():
            self.say(
                "No documents yet: choose the bidder under Add for, then Add documents… (or import a portal's export)."
            )
        self._filtered(keep.id if keep is not None else None)

    @staticmethod
    def _refill(combo: QComboBox, items: list[str]) -> None:
        wanted = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(items)
        combo.setCurrentIndex(max(0, combo.findText(wanted)))
        combo.blockSignals(False)

    def _filtered(self, keep: int | None = None) -> None:
        if keep is None and (chosen := self.selected()) is not None:
            keep = chosen.id
        who = self.filter.currentText()
        if who and who != ALL_BIDDERS:
            self.bidder.setCurrentIndex(max(0, self.bidder.findText(who)))  # adding follows the bidder shown
        self.shown = [d for d in self.rows if who in ("", ALL_BIDDERS) or d.bidder == who]
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setRowCount(len(self.shown))
        for r, d in enumerate(self.shown):
            values = (
                d.bidder,
                d.title,
                str(d.pages) if d.pages is not None else NOT_A_PDF,
                size_text(d.size),
                "commercial" if d.commercial else "",
                d.late_reason or "",
                added_text(d.added_at),
                "; ".join(part_text(p) for p in d.parts),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setToolTip(f"{d.name}\nSHA-256 {d.sha256}")
                elif c == 2 and not d.citable:
                    item.setToolTip(NOT_CITABLE)
                elif c == 4 and d.commercial:
                    item.setToolTip("Hidden from quality evaluators while prices are hidden from them")
                elif c in (5, 7) and value:
                    item.setToolTip(value)
                if c in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)  # the questions answered fill the width
        for c in (1, 5):  # a long title or reason is read in full in its tooltip
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 280))
        row = next((r for r, d in enumerate(self.shown) if d.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)
        self._enable()

    def selected(self) -> DocumentView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.shown):
            return None
        return self.shown[rows[0].row()]

    def _enable(self) -> None:
        may = self.owner.reference is not None and self.owner.locked() is None and not self.busy
        chosen = self.selected()
        for w in (self.add_files, self.add_folder, self.bidder):
            w.setEnabled(may and bool(self.bidders))
        self.add_export.setEnabled(may and bool(self.bidders))
        self.commercial.setEnabled(may)
        self.map_part.setEnabled(may and chosen is not None and bool(self.question_list))
        self.unmap_part.setEnabled(may and chosen is not None and bool(chosen.parts))
        self.remove.setEnabled(may and chosen is not None)
        self.open_button.setEnabled(chosen is not None and not self.busy)

    # --- messages and edits --------------------------------------------------------------------------

    def say(self, text: str, error: bool = False, warning: bool = False) -> None:
        self.message.setText(text)
        role = palette.ERROR_TEXT if error else palette.WARNING_TEXT if warning else palette.OK_TEXT
        self.message.setStyleSheet(palette.text_style(role))

    def _refused(self, exc: Exception) -> None:
        if isinstance(exc, NotSignedIn):
            self.say(NOT_SIGNED_IN, error=True)
            self.owner.desk.presence.sign_in_wanted.emit()
        else:
            self.say(str(exc), error=True)

    def _saved(self, outcome: Outcome[object]) -> None:
        self.owner.keep_current(outcome)
        self.owner.saved.emit()

    def _edit(self, call: Callable[[], Outcome[object]], done: str) -> bool:
        """One use case, saved at once; the outcome (or the refusal) in the message line; read again."""
        try:
            outcome = call()
        except SvdeskError as exc:
            self._refused(exc)
            self.load()
            return False
        self._saved(outcome)
        self.load()
        self.say(" ".join((done, *outcome.warnings)), warning=bool(outcome.warnings))
        return True

    # --- adding --------------------------------------------------------------------------------------

    def choose_files(self, bidder: str) -> list[Path]:
        """The file dialog (a test replaces this method): the files chosen, [] when cancelled."""
        chosen, _filter = file_dialogs.get_open_file_names(
            self, f"Add {bidder}'s documents", str(Path.home()), "All files (*);;PDF (*.pdf)"
        )
        return [Path(p) for p in chosen]

    def choose_folder(self, title: str) -> Path | None:
        """The folder dialog (a test replaces this method): the folder chosen, None when cancelled."""
        chosen = file_dialogs.get_existing_directory(self, title, str(Path.home()))
        return Path(chosen) if chosen else None

    def _may_add(self) -> str | None:
        """Why nothing can be added now (said in the message line), or None."""
        if self.busy:
            return "An import is still running; wait for it to finish."
        if (locked := self.owner.locked()) is not None:
            return f"Read only: {locked}. Nothing was imported."
        if not self.bidders:
            return "Register the bids first: documents are imported for a bid. Nothing was imported."
        if self.frozen and not self.reason.text().strip():
            return (
                "Reason: scoring has opened, so the documents are frozen; a late clarification is added as a new "
                "document with the reason it was accepted (e.g. \u201cClarification received on 3 March, answering "
                "the panel's question of 1 March\u201d). Give the reason; nothing was imported."
            )
        return None

    def add_documents(self) -> None:
        bidder = self.bidder.currentText()
        if (why := self._may_add()) is not None:
            self.say(why, error=True)
            return
        paths = self.choose_files(bidder)
        if paths:
            self.start_import([(bidder, paths)])

    def add_bidder_folder(self) -> None:
        bidder = self.bidder.currentText()
        if (why := self._may_add()) is not None:
            self.say(why, error=True)
            return
        folder = self.choose_folder(f"Choose {bidder}'s folder of documents")
        if folder is not None:
            self.start_import([(bidder, [folder])])

    def start_import(self, batches: Sequence[tuple[str, Sequence[Path]]]) -> Worker | None:
        """Import each bidder's files (each bidder all or nothing) off the event loop; the outcome in the
        message line. `imported` is emitted when it has finished."""
        if (why := self._may_add()) is not None:
            self.say(why, error=True)
            return None
        db, actor, reference = self.owner.db, self.owner.actor, self.owner.reference
        commercial, reason = self.commercial.isChecked(), self.reason.text().strip() or None
        work = [(b, list(p)) for b, p in batches]

        def job() -> list[tuple[str, Outcome[list[DocumentView]] | SvdeskError]]:
            out: list[tuple[str, Outcome[list[DocumentView]] | SvdeskError]] = []
            for bidder, paths in work:
                try:
                    outcome = documents.import_documents(
                        db, actor, reference, bidder, paths, commercial=commercial, reason=reason
                    )
                except NotSignedIn as exc:
                    out.append((bidder, exc))
                    break  # every later import would be refused the same way
                except SvdeskError as exc:
                    out.append((bidder, exc))
                else:
                    out.append((bidder, outcome))
            return out

        self.busy = True
        self._enable()
        files = sum(len(p) for _b, p in work)
        label = f"Reading and checking {'the folders' if len(work) > 1 else 'the documents'}\u2026"
        self.say(f"Importing: checking {files} {'item' if files == 1 else 'items'}\u2026")
        self.worker = run_with_progress(self, label, job, self._imported, self._import_failed)
        return self.worker

    def _finished(self) -> None:
        self.busy = False
        self.worker = None
        self.load()
        self.imported.emit()

    def _import_failed(self, message: str) -> None:
        self._finished()
        self.say(f"{message}\nNothing was imported.", error=True)

    def _imported(self, results: list[tuple[str, Outcome[list[DocumentView]] | SvdeskError]]) -> None:
        said: list[str] = []
        refused = False
        for bidder, result in results:
            if isinstance(result, NotSignedIn):
                self._finished()
                self._refused(result)
                return
            if isinstance(result, SvdeskError):
                refused = True
                said.append(f"{bidder}: nothing was imported:\n{result}")
                continue
            self._saved(result)
            names = []
            for d in result.value:
                names.append(f"{d.name} ({d.pages} pages)" if d.citable else f"{d.name} ({NOT_A_PDF}: {NOT_CITABLE})")
            count = len(result.value)
            said.append(f"Imported {count} document{'' if count == 1 else 's'} for {bidder}: {'; '.join(names)}.")
        imported_any = any(not isinstance(r, SvdeskError) for _b, r in results)
        if imported_any:
            self.commercial.setChecked(False)  # each import marks its own documents, never the next's
            self.reason.clear()
        self._finished()
        self.say("\n".join(said), error=refused and not imported_any, warning=refused and imported_any)

    # --- a portal's export: a folder per bidder ------------------------------------------------------

    def import_portal_export(self) -> None:
        if (why := self._may_add()) is not None:
            self.say(why, error=True)
            return
        folder = self.choose_folder("Choose the portal's export: a folder with one sub-folder per bidder")
        if folder is not None:
            self.plan_portal_export(folder)

    def plan_portal_export(self, folder: Path) -> QMessageBox | None:
        """Match the export's sub-folders to the bids (names compared case-insensitively) and ask before
        importing: the unmatched ones listed, nothing imported from them."""
        try:
            subs = sorted(
                (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name
            )
            loose = [p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
            counts = {p: len(_files_in(p)) for p in subs}
        except OSError as exc:
            self.say(f"{folder}: cannot be read ({exc.strerror or exc}); nothing was imported.", error=True)
            return None
        bids = {b.casefold().strip(): b for b in self.bidders}
        matched: dict[str, Path] = {}
        unmatched: list[str] = []
        for sub in subs:
            bid = bids.get(sub.name.casefold().strip())
            if bid is None:
                unmatched.append(f"\u201c{sub.name}\u201d: no bid of that name")
            elif bid in matched:
                unmatched.append(f"\u201c{sub.name}\u201d: \u201c{matched[bid].name}\u201d already matches {bid}")
            else:
                matched[bid] = sub
        if not matched:
            said = (
                f"{folder}: no sub-folder is named as a bid, so nothing was imported."
                if subs
                else f"{folder}: holds no sub-folders; a portal's export has one folder per bidder, named as the bid "
                "(for one bidder's folder use Add a bidder's folder\u2026). Nothing was imported."
            )
            if unmatched:
                said += "\nSub-folders: " + "; ".join(unmatched) + "."
            self.say(said + f"\nThe bids are: {', '.join(self.bidders)}.", error=True)
            return None
        plan = [
            f"{bid} \u2190 {sub.name} ({counts[sub]} file{'' if counts[sub] == 1 else 's'})"
            for bid, sub in matched.items()
        ]
        detail = "Each bidder's files are imported all or nothing:\n" + "\n".join(f"  {line}" for line in plan)
        if unmatched:
            detail += "\n\nNot matched to a bid; NOTHING is imported from them:\n" + "\n".join(
                f"  {line}" for line in unmatched
            )
            detail += f"\n\nThe bids are: {', '.join(self.bidders)}. Rename a folder to its bid's name to import it."
        if loose:
            detail += f"\n\nFiles not in a bidder's folder, not imported: {', '.join(sorted(loose))}"
        if self.commercial.isChecked():
            detail += "\n\nAll of them are marked commercial."
        n = len(matched)
        text = f"Import the documents of {n} bid{'' if n == 1 else 's'} from {folder.name}?" + (
            f" {len(unmatched)} sub-folder{' matches' if len(unmatched) == 1 else 's match'} no bid."
            if unmatched
            else ""
        )
        batches = [(bid, [sub]) for bid, sub in matched.items()]

        def then(yes: bool) -> None:
            self.confirm = None
            if yes:
                self.start_import(batches)
            else:
                self.say("Portal export not imported; nothing was written.")

        self.confirm = ask(self, "portalConfirm", "Import the portal's export", text, detail, "Import", then)
        return self.confirm

    # --- the selected document -----------------------------------------------------------------------

    def _chosen(self) -> DocumentView | None:
        chosen = self.selected()
        if chosen is None:
            self.say("Select a document in the table first.", error=True)
        return chosen

    def open_part_dialog(self) -> PartDialog | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        self.dialog = PartDialog(chosen, self.question_list, self.save_part, self)
        self.dialog.open()
        return self.dialog

    def save_part(self, dialog: PartDialog) -> str | None:
        """The dialog's OK: the refusal to show in it, or None (saved)."""
        document, code, pages = dialog.document, dialog.code(), dialog.pages()
        try:
            outcome = documents.set_part(
                self.owner.db, self.owner.actor, self.owner.reference, document.id, code, pages
            )
        except NotSignedIn:
            self.owner.desk.presence.sign_in_wanted.emit()
            return NOT_SIGNED_IN
        except SvdeskError as exc:
            return str(exc)
        self._saved(outcome)
        self.load()
        part = next((p for p in outcome.value.parts if p.question_code == code), None)
        said = part.label if part is not None else "saved"
        self.say(f"{document.name} answers {code}: {said}.")
        return None

    def remove_from_question(self, question: str | None = None) -> bool:
        """The selected document no longer answers `question` (None: asked when it answers several)."""
        chosen = self._chosen()
        if chosen is None:
            return False
        codes = [p.question_code for p in chosen.parts]
        if not codes:
            self.say(f"{chosen.name} answers no question yet.", error=True)
            return False
        if question is None and len(codes) == 1:
            question = codes[0]
        if question is None:
            labels = [part_text(p) for p in chosen.parts]
            picked, ok = QInputDialog.getItem(
                self, "Remove from a question", f"{chosen.title} no longer answers:", labels, 0, False
            )
            if not ok:
                return False
            question = codes[labels.index(picked)]
        code = question
        return self._edit(
            lambda: documents.remove_part(self.owner.db, self.owner.actor, self.owner.reference, chosen.id, code),
            f"{chosen.name} no longer answers {code}.",
        )

    def ask_remove(self) -> QMessageBox | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        mapped = f" It answers {', '.join(part_text(p) for p in chosen.parts)}; those go too." if chosen.parts else ""

        def then(yes: bool) -> None:
            self.confirm = None
            if yes:
                self._edit(
                    lambda: documents.remove_document(self.owner.db, self.owner.actor, self.owner.reference, chosen.id),
                    f"Removed {chosen.name} ({chosen.bidder}).",
                )

        self.confirm = ask(
            self,
            "removeDocumentConfirm",
            "Remove a document",
            f"Remove {chosen.name} from {chosen.bidder}'s documents?",
            f"The removal is recorded in the audit log.{mapped} Only before scoring opens.",
            "Remove",
            then,
            destructive=True,
        )
        return self.confirm

    def open_selected(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            return
        try:  # the stored copy is checked against its SHA-256 before it is opened
            path = documents.document_path(self.owner.db, self.owner.reference, chosen.sha256, openable=True)
        except SvdeskError as exc:
            self.say(f"{chosen.name}: cannot be opened: {exc}", error=True)
            return
        if self.launch(path):
            self.say(f"Opened {chosen.name} with the desktop's application.")
        else:
            self.say(f"{chosen.name}: the desktop has no application to open it (the copy is {path}).", error=True)

    def choose_archive(self, save: bool) -> Path | None:
        """The archive's file dialog (a test replaces this method); None when cancelled."""
        title, kind = "Documents archive", "Documents archive (*.zip)"
        if save:
            suggested = Path.home() / f"{self.owner.reference or 'tender'} documents.zip"
            chosen, _ = file_dialogs.get_save_file_name(self, title, str(suggested), kind)
        else:
            chosen, _ = file_dialogs.get_open_file_name(self, title, str(Path.home()), kind)
        return Path(chosen) if chosen else None

    def write_archive(self) -> Worker | None:
        """Every document of the tender, re-hashed as it is written, into one zip (off the event loop)."""
        out = self.choose_archive(save=True)
        if out is None or self.owner.reference is None:
            return None
        db, reference = self.owner.db, self.owner.reference

        def done(packed: documents.Packed) -> None:
            self.say(f"Wrote {packed.documents} document{'' if packed.documents == 1 else 's'} to {packed.path}.")

        self.worker = run_with_progress(
            self,
            "Writing the documents archive\u2026",
            lambda: documents.pack(db, reference, out),
            done,
            lambda message: self.say(message, error=True),
        )
        return self.worker

    def read_archive(self) -> Worker | None:
        """An archive's documents into this database's store, every one checked first (all or nothing)."""
        path = self.choose_archive(save=False)
        if path is None:
            return None
        db = self.owner.db

        def done(unpacked: documents.Unpacked) -> None:
            self.say(
                f"Loaded {unpacked.documents} document{'' if unpacked.documents == 1 else 's'} of "
                f"{unpacked.reference} from {path.name}, each checked against its SHA-256."
            )
            self.load()

        self.worker = run_with_progress(
            self,
            "Checking the documents archive\u2026",
            lambda: documents.unpack(db, path),
            done,
            lambda message: self.say(message, error=True),
        )
        return self.worker

    def launch(self, path: Path) -> bool:
        """Hand `path` to the desktop's application for its type (a test replaces this method)."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
