"""The main window: the database's tenders, the selected tender's stages, results and record."""

from __future__ import annotations

import getpass
import importlib
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from svdesk import __version__
from svdesk.model.db import Database
from svdesk.model.errors import SvdeskError
from svdesk.model.evaluation_file import read_evaluation_file, write_evaluation
from svdesk.model.services import workflow
from svdesk.model.services.history import history_size, tender_history
from svdesk.model.services.overview import STAGES, accepted_value_by_theme, tender_overview
from svdesk.model.services.record_version import RecordVersion, record_version
from svdesk.model.services.results import tender_results
from svdesk.model.services.setup import create_tender
from svdesk.model.services.tenders import (
    bidder_names,
    get_tender,
    list_tenders,
    lock_reason,
    question_codes,
)
from svdesk.ui.background import run_with_progress
from svdesk.ui.database_menu import DatabaseMenu
from svdesk.ui.lazy_tabs import LazyTabs
from svdesk.ui.models import ObjectRole, StageListModel, TenderListModel
from svdesk.ui.new_tender import NewTenderDialog
from svdesk.ui.opening import OpenDatabase
from svdesk.ui.record_views import DeclarationsPanel, HistoryPanel
from svdesk.ui.report_actions import ReportActions
from svdesk.ui.results_panel import ResultsPanel
from svdesk.ui.screen_base import TenderScreen

HISTORY_SHOWN = 2000  # changes listed when the history is not filtered

SETUP, MEASURES, QUESTIONS, BIDS, SCORING, MODERATION, RESULTS, SIGNOFF, REPORTS = range(len(STAGES))
# the stage screens built when first needed: tab index -> (module, class)
LAZY_SCREENS = {
    SETUP: ("svdesk.ui.setup_screen", "SetupScreen"),
    MEASURES: ("svdesk.ui.measures_screen", "MeasuresScreen"),
    QUESTIONS: ("svdesk.ui.questions_screen", "QuestionsScreen"),
    BIDS: ("svdesk.ui.bids_screen", "BidsScreen"),
    SCORING: ("svdesk.ui.scoring_screen", "ScoringScreen"),
    MODERATION: ("svdesk.ui.moderation_screen", "ModerationScreen"),
    SIGNOFF: ("svdesk.ui.signoff_screen", "SignOffScreen"),
}


class MainWindow(DatabaseMenu, QMainWindow):
    def __init__(self, db: Database | OpenDatabase, settings: QSettings | None = None) -> None:
        super().__init__()
        self.opened = db if isinstance(db, OpenDatabase) else OpenDatabase(db, None)
        self.settings = settings or QSettings()
        self.current_reference: str | None = None
        self.summary_version: RecordVersion | None = None  # the record as the heading and results show it
        self.closing = {}  # databases being closed in the background (see DatabaseMenu)
        self.setMinimumSize(760, 500)

        self.tenders_model = TenderListModel(self)
        self.tender_list = QListView(objectName="tenderList")
        self.tender_list.setAccessibleName("Tenders in this database")
        self.tender_list.setModel(self.tenders_model)
        self.tender_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tender_list.setSpacing(2)
        self.tender_list.selectionModel().currentChanged.connect(self._on_tender_changed)

        self.heading = QLabel("No tender selected", objectName="tenderHeading")
        heading_font = QFont()
        heading_font.setPointSize(heading_font.pointSize() + 4)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.heading.setWordWrap(True)
        self.subheading = QLabel("")
        self.subheading.setWordWrap(True)
        self.banner = QLabel("", objectName="lockBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff4e5; border: 1px solid #e0b070; padding: 6px; }")
        self.banner.hide()

        self.stages_model = StageListModel(self)
        self.stage_list = QListView(objectName="stageList")
        self.stage_list.setAccessibleName("Stages of the evaluation")
        self.stage_list.setModel(self.stages_model)
        self.stage_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.results_box = ResultsPanel()
        # the panel's parts, by the names the rest of the window (and its tests) use
        self.results_model, self.results_table = self.results_box.model, self.results_box.table
        self.results_caption, self.exclusions = self.results_box.caption, self.results_box.exclusions

        self.history = HistoryPanel()
        self.history.filter_changed.connect(lambda *_: self._refresh_history())
        self.declarations = DeclarationsPanel()
        self.actor = login_name()
        self.reports = ReportActions(self)
        self.reports_panel = _reports_panel(self)
        self.undo_stack = QUndoStack(self)
        self.tabs = LazyTabs(objectName="tenderTabs")
        self.tabs.built.connect(self._wire_screen)
        # tabs in the order of the stages on the left; History and Declarations after them
        for index, name in enumerate(STAGES):
            title = name.replace("&", "&&")
            if index == RESULTS:
                self.tabs.addTab(self.results_box, title)
            elif index == REPORTS:
                self.tabs.addTab(self.reports_panel, title)
            else:
                module, cls = LAZY_SCREENS[index]
                self.tabs.add_lazy(partial(self._build_screen, module, cls), title)
        self.tabs.addTab(self.history, "History")
        self.tabs.addTab(self.declarations, "Declarations")
        self.tabs.setCurrentIndex(RESULTS)
        self.tabs.currentChanged.connect(lambda _i: self._on_tab_changed())
        for signal in (self.stage_list.clicked, self.stage_list.activated):  # mouse, or Enter on the keyboard
            signal.connect(lambda index: self.tabs.setCurrentIndex(index.row()))

        right = QWidget()
        layout = QVBoxLayout(right)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)

        navigation = QWidget()
        nav = QVBoxLayout(navigation)
        nav.setContentsMargins(6, 6, 0, 6)
        nav.addWidget(_caption("Tenders"))
        nav.addWidget(self.tender_list, 2)
        nav.addWidget(_caption("Stages"))
        nav.addWidget(self.stage_list, 3)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(navigation)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 1000])
        self.setCentralWidget(self.splitter)

        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self._restore_geometry()
        self._show_database()

    @property
    def db(self) -> Database:
        return self.opened.db

    # The stage screens, built when first shown or asked for (see LazyTabs).
    setup = property(lambda self: self.tabs.screen(SETUP))
    measures = property(lambda self: self.tabs.screen(MEASURES))
    questions = property(lambda self: self.tabs.screen(QUESTIONS))
    bids = property(lambda self: self.tabs.screen(BIDS))
    scoring = property(lambda self: self.tabs.screen(SCORING))
    moderation = property(lambda self: self.tabs.screen(MODERATION))
    signoff = property(lambda self: self.tabs.screen(SIGNOFF))
    record = property(lambda self: self.signoff.record)

    def _build_screen(self, module: str, name: str) -> QWidget:
        """A stage screen, its module imported only now, on the database open now."""
        return getattr(importlib.import_module(module), name)(self.db, self.actor)

    def _wire_screen(self, screen: QWidget) -> None:
        """A stage screen just built: the window's database, tender, undo stack and refreshes."""
        screen.db = self.db
        screen.reference = self.current_reference
        screen.stale = True
        screen.loaded_version = None
        if hasattr(screen, "undo_stack"):
            screen.undo_stack = self.undo_stack
        if isinstance(screen, TenderScreen):
            screen.saved.connect(self.refresh_summary)
        elif self.current_reference is None:  # scoring and moderation show that there is no tender
            screen.set_tender(None)

    # --- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(
            QAction("&New tender…", self, shortcut=QKeySequence.StandardKey.New, triggered=self.new_tender)
        )
        file_menu.addAction(
            QAction("&Open database…", self, shortcut=QKeySequence.StandardKey.Open, triggered=self.choose_database)
        )
        file_menu.addAction(QAction("New &database…", self, triggered=self.choose_new_database))
        file_menu.addAction(QAction("Open &shared (PostgreSQL) database…", self, triggered=self.choose_server))
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        file_menu.addAction(
            QAction(
                "&Import evaluation file…", self, shortcut=QKeySequence("Ctrl+I"), triggered=self.choose_evaluation_file
            )
        )
        file_menu.addAction(QAction("Import &pledge sheet…", self, triggered=self.import_pledge_sheet))
        file_menu.addSeparator()
        file_menu.addAction(QAction("&Back up now", self, triggered=self.back_up_now))
        file_menu.addAction(QAction("Re&store from backup…", self, triggered=self.restore_backup))
        file_menu.addSeparator()
        file_menu.addAction(QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close))
        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        report_menu = self.menuBar().addMenu("&Reports")
        self.reports.populate(report_menu)
        tender_menu = self.menuBar().addMenu("&Tender")
        tender_menu.addAction(
            QAction("&Verify the record", self, shortcut=QKeySequence("Ctrl+Shift+V"), triggered=self.verify_now)
        )
        tender_menu.addAction(
            QAction(
                "Change &history",
                self,
                shortcut=QKeySequence("Ctrl+H"),
                triggered=lambda: self.tabs.setCurrentWidget(self.history),
            )
        )
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(QAction("&About svdesk", self, triggered=self.show_about))

    def _on_tab_changed(self) -> None:
        if self.tabs.currentWidget() is self.results_box:
            self.refresh_summary()  # results may have changed on another screen
        self._refresh_current_tab()

    def _screens(self) -> list:
        """The stage screens built so far (the others are wired up when they are built)."""
        return [screen for screen in self.tabs.built_screens() if screen is not self.results_box]

    def _refresh_current_tab(self) -> None:
        """The shown screen is (re)read from the database when the record has changed since it was read.

        Another user may have changed it; what has not changed is not read again (on a framework a
        screen is 8,000 cells). Setup and Questions are small and may show a value svdesk refused,
        the catalogue is not part of a tender's record, and sign-off verifies the record each time
        it is shown: those four are always read.
        """
        if self.current_reference is None:
            return
        index, current = self.tabs.currentIndex(), self.tabs.currentWidget()
        version = self._record_version()
        up_to_date = version is not None and getattr(current, "loaded_version", None) == version
        if index in (SCORING, MODERATION):
            if getattr(current, "stale", True):
                current.set_tender(self.current_reference)
            elif index == MODERATION and not up_to_date:
                current.refresh(keep_selection=True)
                current.refresh_pledges_if_shown()
            current.stale = False
        elif index in (SETUP, MEASURES, QUESTIONS, SIGNOFF):
            # small, and may hold what the user typed and svdesk refused: shown as saved again
            current.reload()
            current.stale = False
        elif index == BIDS:
            if getattr(current, "stale", True) or not up_to_date:
                current.reload()
            current.stale = False
        elif current is self.history:
            if getattr(self, "history_stale", True) or not up_to_date:
                self._refresh_history()
            self.history_stale = False
        elif current is self.declarations and (getattr(self, "declarations_stale", True) or not up_to_date):
            self._refresh_declarations()
        if current is not None:
            current.loaded_version = version
        if index < len(STAGES):
            self.stage_list.setCurrentIndex(self.stages_model.index(index))

    def _record_version(self) -> RecordVersion | None:
        if self.current_reference is None:
            return None
        try:
            with self.db.reader() as session:
                return record_version(session, get_tender(session, self.current_reference))
        except SvdeskError:  # the tender went (replaced or deleted elsewhere): read everything
            return None

    def _show_database(self) -> None:
        """A database is shown from its home, as at start-up: the Results of its newest tender."""
        self.tabs.setCurrentIndex(RESULTS)
        self.summary_version = None  # another database: nothing shown so far stands for it
        self.declarations_stale = self.history_stale = True
        for screen in self._screens():
            screen.db = self.db
            screen.loaded_version = None
        read_only = f" [read-only: {self.db.read_only_reason}]" if self.db.read_only else ""
        self.setWindowTitle(f"svdesk \u2014 {Path(self.db.display_name).name}{read_only}")
        self.db_label.setText(f"Database: {self.db.display_name}{read_only}")
        self._remember(self.db.display_name)
        self._refresh_recent_menu()
        self.refresh_tenders()

    def new_tender(self) -> None:
        dialog = NewTenderDialog(self)
        if dialog.exec() == NewTenderDialog.DialogCode.Accepted:
            self.create_tender(*dialog.values())

    def create_tender(self, reference: str, title: str, contract_value: float) -> bool:
        try:
            with self.db.transaction() as session:
                create_tender(session, login_name(), reference, title, contract_value)
        except SvdeskError as exc:
            self.show_error("The tender was not created", str(exc))
            return False
        self.refresh_tenders(select=reference)
        self.tabs.setCurrentWidget(self.setup)
        return True

    def choose_evaluation_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import evaluation file", str(Path.home()), "Evaluation files (*.json);;All files (*)"
        )
        if path:
            self.import_in_background(Path(path))

    def import_in_background(self, path: Path):
        """A large evaluation file takes seconds: the window stays responsive, with progress."""
        db = self.db

        def job() -> str:
            with db.transaction() as session:
                doc = read_evaluation_file(session, path)
                return write_evaluation(session, doc, login_name(), source=path.name).reference

        def done(reference: str) -> None:
            self.statusBar().showMessage(f"Imported {reference} from {path.name}", 5000)
            self.refresh_tenders(select=reference)

        def failed(message: str) -> None:
            self.show_error("The evaluation file was not imported", f"{message}\n\nNothing was changed.")

        self.import_worker = run_with_progress(self, f"Importing {path.name}…", job, done, failed)
        return self.import_worker

    def import_evaluation_file(self, path: Path) -> bool:
        try:
            with self.db.transaction() as session:
                doc = read_evaluation_file(session, path)
                tender = write_evaluation(session, doc, login_name(), source=path.name)
                reference = tender.reference
        except SvdeskError as exc:
            self.show_error("The evaluation file was not imported", f"{exc}\n\nNothing was changed.")
            return False
        self.statusBar().showMessage(f"Imported {reference} from {path.name}", 5000)
        self.refresh_tenders(select=reference)
        return True

    def import_pledge_sheet(self) -> None:
        if self.current_reference is None:
            self.show_error("Import pledge sheet", "Choose or create a tender first.")
            return
        self.tabs.setCurrentWidget(self.bids)
        self.bids.choose_sheet()

    def refresh_tenders(self, select: str | None = None) -> None:
        with self.db.reader() as session:
            tenders = list_tenders(session)
        self.tenders_model.set_tenders(tenders)
        target = select or self.current_reference or (tenders[0].reference if tenders else None)
        row = self.tenders_model.row_of(target) if target else -1
        if row >= 0:
            selection = self.tender_list.selectionModel()
            selection.blockSignals(True)  # show the tender once, below, not again from the selection
            self.tender_list.setCurrentIndex(self.tenders_model.index(row))
            selection.blockSignals(False)
            self.tender_list.viewport().update()
            self.show_tender(target)
        else:
            self.show_tender(None)

    def _on_tender_changed(self, current, _previous) -> None:
        summary = current.data(ObjectRole) if current.isValid() else None
        self.show_tender(summary.reference if summary else None)

    def show_tender(self, reference: str | None) -> None:
        changed = reference != self.current_reference
        self.current_reference = reference
        self.reports.set_enabled(reference is not None)
        if reference is None:
            self.summary_version = None  # the summary is cleared: whatever comes next is read
            self.heading.setText("No tender yet")
            self.subheading.setText(
                "Create one (File \u2192 New tender…) or import an evaluation file "
                "(File \u2192 Import evaluation file…)."
            )
            self.banner.hide()
            self.stages_model.set_stages([])
            self.results_box.clear()
            self.history.set_rows([])
            self.declarations.set_rows([])
            for screen in self._screens():
                screen.reference = None
                screen.stale = True
                if not isinstance(screen, TenderScreen):  # scoring and moderation
                    screen.set_tender(None)
            return
        self.refresh_summary()
        if changed or any(screen.reference != reference for screen in self._screens()):
            # Only the screen on show is loaded now; the others when they are opened. On a framework
            # with 200 bids, loading every screen up front took seconds.
            for screen in self._screens():
                screen.reference = reference
                screen.stale = True
                screen.loaded_version = None
            with self.db.reader() as session:
                tender = get_tender(session, reference)
                self.history.set_choices(bidder_names(session, tender), question_codes(session, tender))
            self.history_stale = True
        self._refresh_current_tab()

    def refresh_summary(self) -> None:
        """Heading, stages, results and the lock banner: after every edit, when the record has changed."""
        reference = self.current_reference
        if reference is None:
            return
        with self.db.reader() as session:
            tender = get_tender(session, reference)
            version = record_version(session, tender)
            if version == self.summary_version:
                return
            overview = tender_overview(session, tender)
            results = tender_results(session, tender)
            locked = lock_reason(session, tender)
            themes, by_bidder = accepted_value_by_theme(session, tender)
            weights = (
                tender.weight_price,
                tender.weight_quality,
                tender.weight_social_value,
                tender.sv_quantitative_share,
            )
        self.heading.setText(f"{overview.reference} \u2014 {overview.title}")
        self.subheading.setText(
            f"Contract value £{overview.contract_value:,.0f}  \u00b7  Status: {overview.status.replace('_', ' ')}  "
            f"\u00b7  Weights: price {weights[0]:g}, quality {weights[1]:g}, social value {weights[2]:g} "
            f"({weights[3]:g}% of it on pledged value)"
        )
        banner = locked or (f"Read-only: {self.db.read_only_reason}" if self.db.read_only else "")
        self.banner.setText(f"\U0001f512 {banner}" if banner else "")
        self.banner.setVisible(bool(banner))
        self.stages_model.set_stages(overview.stages)
        self.results_box.show_results(results, themes, by_bidder)
        self.declarations_stale = True
        if self.tabs.currentWidget() is self.declarations:
            self._refresh_declarations()
        self.summary_version = version

    def _refresh_declarations(self) -> None:
        if self.current_reference is None:
            return
        with self.db.reader() as session:
            rows = workflow.declarations(session, get_tender(session, self.current_reference))
        self.declarations.set_rows(rows)
        self.declarations_stale = False

    def _refresh_history(self) -> None:
        if self.current_reference is None:
            return
        bidder = self.history.bidder_filter.currentData() or None
        question = self.history.question_filter.currentData() or None
        # A framework scored in svdesk logs some 100,000 changes: unfiltered, the newest are shown;
        # one bid's or one question's history is shown whole.
        newest = None if bidder or question else HISTORY_SHOWN
        with self.db.reader() as session:
            tender = get_tender(session, self.current_reference)
            rows = tender_history(session, tender, bidder, question, newest=newest)
            total = history_size(session, tender) if newest is not None and len(rows) == newest else len(rows)
        self.history.set_rows(rows, total)

    def verify_now(self) -> None:
        if self.current_reference is None:
            return
        if self.tabs.currentIndex() == SIGNOFF:
            self.signoff.reload()
        else:
            self.tabs.setCurrentIndex(SIGNOFF)  # which reloads it

    # --- misc -------------------------------------------------------------------------------------

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About svdesk",
            f"<b>svdesk {__version__}</b><br>Social value tender evaluation, offline.<br><br>"
            f"Database: {_html(self.db.display_name)}",
        )

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("mainWindow/geometry")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(geometry)
        else:  # first run: most of the screen, which is what a panel on a projector wants
            available = self.screen().availableGeometry()
            self.resize(int(available.width() * 0.95), int(available.height() * 0.92))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("mainWindow/geometry", self.saveGeometry())
        super().closeEvent(event)


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _reports_panel(window: MainWindow) -> QWidget:
    panel = QWidget(objectName="reportsPanel")
    layout = QVBoxLayout(panel)
    layout.addWidget(
        QLabel(
            "Each report is written where you choose; every PDF carries the evaluation's "
            "fingerprint. Reports of an evaluation not yet signed off say PROVISIONAL.",
            wordWrap=True,
        )
    )
    for label, slot in (
        ("Evaluation report (PDF)…", lambda: window.reports.pdf("evaluation", "evaluation-report")),
        ("Moderation report (PDF)…", lambda: window.reports.pdf("moderation", "moderation-report")),
        ("Award justification (PDF)…", lambda: window.reports.pdf("award", "award-justification")),
        ("Assessment summaries, one per supplier (PDF)…", window.reports.summaries),
        ("Evaluation workbook for audit (xlsx)…", window.reports.workbook),
    ):
        button = QPushButton(label)
        button.clicked.connect(slot)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    window.reports.last_written = QLabel("", objectName="lastReport", openExternalLinks=True)
    layout.addWidget(window.reports.last_written)
    layout.addStretch(1)
    return panel


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown user"
