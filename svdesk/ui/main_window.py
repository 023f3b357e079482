"""The main window: the database's tenders, the selected tender's stages, results and record."""

from __future__ import annotations

import getpass
import importlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from svdesk.app import evaluation_files, reads
from svdesk.app import setup as setup_cases
from svdesk.app.database import Database
from svdesk.app.errors import SvdeskError, TenderExistsError
from svdesk.app.reads import STAGES, RecordVersion, TenderStatus
from svdesk.app.unit import Actor
from svdesk.ui import file_dialogs, palette
from svdesk.ui.background import Worker, run_with_progress
from svdesk.ui.database_menu import DatabaseMenu
from svdesk.ui.first_run import FirstRunChecklist
from svdesk.ui.fitted_scroll import FittedScroll
from svdesk.ui.help_viewer import UserGuide
from svdesk.ui.lazy_tabs import LazyTabs
from svdesk.ui.models import ObjectRole, StageListModel, TenderListModel
from svdesk.ui.new_tender import NewTenderDialog
from svdesk.ui.opening import OpenDatabase
from svdesk.ui.presence import PresenceBar
from svdesk.ui.record_views import DeclarationsPanel, HistoryPanel
from svdesk.ui.report_actions import ReportActions
from svdesk.ui.results_panel import ResultsPanel
from svdesk.ui.screen_base import Desk, TenderScreen
from svdesk.ui.window_geometry import restore_window_geometry

if TYPE_CHECKING:  # the stage screens' modules are imported when each is first shown
    from svdesk.ui.bids_screen import BidsScreen
    from svdesk.ui.measures_screen import MeasuresScreen
    from svdesk.ui.moderation_screen import ModerationScreen
    from svdesk.ui.panel_screen import PanelScreen
    from svdesk.ui.questions_screen import QuestionsScreen
    from svdesk.ui.record_views import RecordPanel
    from svdesk.ui.scoring_screen import ScoringScreen
    from svdesk.ui.setup_screen import SetupScreen
    from svdesk.ui.signoff_screen import SignOffScreen

NAV_MIN_WIDTH = 200  # the tenders and stages list: its names stay readable beside any screen
SETUP, PANEL, MEASURES, QUESTIONS, BIDS, SCORING, MODERATION, RESULTS, SIGNOFF, REPORTS = range(len(STAGES))
# the stage screens built when first needed: tab index -> (module, class)
LAZY_SCREENS = {
    SETUP: ("svdesk.ui.setup_screen", "SetupScreen"),
    PANEL: ("svdesk.ui.panel_screen", "PanelScreen"),
    MEASURES: ("svdesk.ui.measures_screen", "MeasuresScreen"),
    QUESTIONS: ("svdesk.ui.questions_screen", "QuestionsScreen"),
    BIDS: ("svdesk.ui.bids_screen", "BidsScreen"),
    SCORING: ("svdesk.ui.scoring_screen", "ScoringScreen"),
    MODERATION: ("svdesk.ui.moderation_screen", "ModerationScreen"),
    SIGNOFF: ("svdesk.ui.signoff_screen", "SignOffScreen"),
}


class MainWindow(QMainWindow):
    """The window tells its screens that the database, the tender or the record changed; each screen
    decides what to read (`TenderScreen`). It keeps only the heading, the stages and the results."""

    def __init__(self, db: Database | OpenDatabase, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.databases = DatabaseMenu(
            self, db if isinstance(db, OpenDatabase) else OpenDatabase(db, None), self.settings
        )
        self.databases.opened_another.connect(self._another_database)
        self.databases.restored.connect(self._restored)
        self.current_reference: str | None = None
        self.summary_version: RecordVersion | None = None  # the record as the heading and results show it
        self.import_worker: Worker | None = None
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
        palette.follow(self.banner, lambda: palette.banner_style(palette.LOCKED_BANNER))
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

        self.undo_stack = QUndoStack(self)
        self.desk = Desk(self.db, login_name(), self.undo_stack)
        # who is signed in (status bar, Tender > Sign in… / Sign out, the idle lock); the screens hear it from the desk
        self.presence = PresenceBar(self, self.desk, self.settings, lambda: self.current_reference)
        self.history = HistoryPanel(self.desk)
        self.declarations = DeclarationsPanel(self.desk)
        self.reports = ReportActions(self)
        self.reports_panel = _reports_panel(self)
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
        self.checklist = FirstRunChecklist(self.tenders_model, self.stages_model, lambda: self.db.display_name)
        layout.addWidget(self.checklist)  # on a database opened empty: the steps to the award, ticked as done
        layout.addWidget(self.tabs, 1)

        navigation = QWidget()
        nav = QVBoxLayout(navigation)
        nav.setContentsMargins(6, 6, 0, 6)
        nav.addWidget(_caption("Tenders"))
        nav.addWidget(self.tender_list, 2)
        nav.addWidget(_caption("Stages"))
        nav.addWidget(self.stage_list, 3)

        # The tenders and stages keep a usable width: a screen wider than what is left scrolls in its
        # own area instead of pushing this column to nothing (1280 x 720, issue H3).
        navigation.setMinimumWidth(NAV_MIN_WIDTH)
        # as high as the window leaves it (each screen taller than that scrolls itself), sideways
        # only when a screen is wider than what is left
        self.right_area = FittedScroll(right, "screenArea", upright=False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(navigation)
        self.splitter.addWidget(self.right_area)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 1000])
        self.setCentralWidget(self.splitter)

        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self._build_menus()
        self.summary_timer = QTimer(self, singleShot=True, interval=250)
        self.summary_timer.timeout.connect(self.refresh_summary)
        self._restore_geometry()
        self._show_database()

    @property
    def opened(self) -> OpenDatabase:
        return self.databases.opened

    @property
    def db(self) -> Database:
        return self.databases.db

    @property
    def actor(self) -> Actor:
        """The person signed in (to the tender shown), else the login name."""
        return self.desk.person_for(self.current_reference) or self.desk.actor

    # The stage screens, built when first shown or asked for (see LazyTabs).
    @property
    def setup(self) -> SetupScreen:
        return cast("SetupScreen", self.tabs.screen_at(SETUP))

    @property
    def panel(self) -> PanelScreen:
        return cast("PanelScreen", self.tabs.screen_at(PANEL))

    @property
    def measures(self) -> MeasuresScreen:
        return cast("MeasuresScreen", self.tabs.screen_at(MEASURES))

    @property
    def questions(self) -> QuestionsScreen:
        return cast("QuestionsScreen", self.tabs.screen_at(QUESTIONS))

    @property
    def bids(self) -> BidsScreen:
        return cast("BidsScreen", self.tabs.screen_at(BIDS))

    @property
    def scoring(self) -> ScoringScreen:
        return cast("ScoringScreen", self.tabs.screen_at(SCORING))

    @property
    def moderation(self) -> ModerationScreen:
        return cast("ModerationScreen", self.tabs.screen_at(MODERATION))

    @property
    def signoff(self) -> SignOffScreen:
        return cast("SignOffScreen", self.tabs.screen_at(SIGNOFF))

    @property
    def record(self) -> RecordPanel:
        return self.signoff.record

    def _build_screen(self, module: str, name: str) -> QWidget:
        """A stage screen, its module imported only now."""
        screen: TenderScreen = getattr(importlib.import_module(module), name)(self.desk)
        return screen

    def _wire_screen(self, screen: QWidget) -> None:
        """A stage screen just built (before it is shown): it learns the tender; its edits refresh
        the heading, stages and results."""
        if isinstance(screen, TenderScreen):
            screen.show_tender(self.current_reference)
            screen.saved.connect(self.refresh_summary)
            screen.progressed.connect(self.refresh_summary_soon)

    def refresh_summary_soon(self) -> None:
        """`refresh_summary` once a run of quick edits pauses (an evaluator saving score after score
        with Ctrl+Enter): the stages keep up without a re-read on every keystroke's save."""
        self.summary_timer.start()

    # --- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(
            QAction("&New tender…", self, shortcut=QKeySequence.StandardKey.New, triggered=self.new_tender)
        )
        self.databases.populate(file_menu)
        file_menu.addAction(QAction("&Authority profile…", self, triggered=self.edit_authority_profile))
        file_menu.addSeparator()
        file_menu.addAction(
            QAction(
                "&Import evaluation file…", self, shortcut=QKeySequence("Ctrl+I"), triggered=self.choose_evaluation_file
            )
        )
        file_menu.addAction(QAction("Import &pledge sheet…", self, triggered=self.import_pledge_sheet))
        file_menu.addSeparator()
        self.databases.populate_backups(file_menu)
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
        self.presence.populate(tender_menu)
        tender_menu.addSeparator()
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
        go_menu = self.menuBar().addMenu("&Go")  # every stage from the keyboard: Ctrl+1 ... Ctrl+0
        for index, name in enumerate(STAGES):
            if index >= 10:
                break
            key = QKeySequence(f"Ctrl+{(index + 1) % 10}")
            go_menu.addAction(
                # "&&": a bare "&" would make the next letter a mnemonic ("Bids _pledges")
                QAction(
                    name.replace("&", "&&"),
                    self,
                    shortcut=key,
                    triggered=lambda _=False, i=index: self.tabs.setCurrentIndex(i),
                )
            )
        palette.add_view_menu(self, self.settings)  # View > light / dark / the system's palette
        help_menu = self.menuBar().addMenu("&Help")
        self.guide = UserGuide(self, self.tabs, help_menu)  # F1: the guide at the current screen
        help_menu.addAction(QAction("&About svdesk", self, triggered=self.show_about))

    def _on_tab_changed(self) -> None:
        if self.tabs.currentWidget() is self.results_box:
            self.refresh_summary()  # results may have changed on another screen
        self._refresh_current_tab()

    def _screens(self) -> list[TenderScreen]:
        """The tender screens built so far (the others learn the tender when they are built)."""
        built = [screen for screen in self.tabs.built_screens() if isinstance(screen, TenderScreen)]
        return [*built, self.history, self.declarations]

    def _refresh_current_tab(self) -> None:
        """The screen on show is brought up to date with the record; it decides what to read."""
        current = self.tabs.currentWidget()
        if isinstance(current, TenderScreen):
            current.bring_up_to_date(self._record_version())
        index = self.tabs.currentIndex()
        if index < len(STAGES):
            self.stage_list.setCurrentIndex(self.stages_model.index(index))

    def _record_version(self) -> RecordVersion | None:
        if self.current_reference is None:
            return None
        try:
            return reads.version(self.db, self.current_reference)
        except SvdeskError:  # the tender went (replaced or deleted elsewhere): read everything
            return None

    def _another_database(self) -> None:
        self.desk.sign_out()  # a person signed in to a tender of the database closed
        self.desk.db = self.db
        self.current_reference = None
        self._show_database()

    def _restored(self) -> None:
        self.desk.sign_out()  # the restored record may hold other keys: everyone signs in again
        self.refresh_tenders()

    def _show_database(self) -> None:
        """A database is shown from its home, as at start-up: the Results of its newest tender."""
        self.tabs.setCurrentIndex(RESULTS)
        self.summary_version = None  # another database: nothing shown so far stands for it
        for screen in self._screens():
            screen.database_changed()
        read_only = f" [read-only: {self.db.read_only_reason}]" if self.db.read_only else ""
        self.setWindowTitle(f"svdesk \u2014 {Path(self.db.display_name).name}{read_only}")
        self.db_label.setText(f"Database: {self.db.display_name}{read_only}")
        self.databases.remember(self.db.display_name)
        self.databases.refresh_recent_menu()
        self.refresh_tenders()

    def new_tender(self) -> None:
        dialog = NewTenderDialog(self)
        if dialog.exec() == NewTenderDialog.DialogCode.Accepted:
            self.create_tender(*dialog.values())

    def create_tender(self, reference: str, title: str, contract_value: float) -> bool:
        try:
            setup_cases.create_tender(self.db, self.actor, reference, title, contract_value)
        except SvdeskError as exc:
            self.show_error("The tender was not created", str(exc))
            return False
        self.refresh_tenders(select=reference)
        self.tabs.setCurrentWidget(self.setup)
        return True

    def choose_evaluation_file(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self, "Import evaluation file", str(Path.home()), "Evaluation files (*.json);;All files (*)"
        )
        if path:
            self.import_in_background(Path(path))

    def import_in_background(self, path: Path, replace: bool = False) -> Worker:
        """A large evaluation file takes seconds: the window stays responsive, with progress. A file
        whose tender is already here is loaded in its place only once the user says so."""
        db, actor = self.db, self.actor

        def job() -> tuple[str, tuple[str, ...]] | TenderExistsError:
            try:
                loaded = evaluation_files.load(db, actor, path, replace=replace)
                return loaded.reference, tuple(loaded.notes)
            except TenderExistsError as exists:
                return exists  # not a failure: a question for the user

        def done(result: tuple[str, tuple[str, ...]] | TenderExistsError) -> None:
            if isinstance(result, TenderExistsError):
                if self.confirm_replace(result.reference, path):
                    self.import_in_background(path, replace=True)
                return
            reference, notes = result
            self.statusBar().showMessage(f"Imported {reference} from {path.name}", 5000)
            self.refresh_tenders(select=reference)
            if notes:  # bid documents the file lists that this database's store does not hold yet
                self.show_error(f"Imported {reference}: its bid documents are not here yet", "\n\n".join(notes))

        def failed(message: str) -> None:
            self.show_error("The evaluation file was not imported", f"{message}\n\nNothing was changed.")

        self.import_worker = run_with_progress(self, f"Importing {path.name}…", job, done, failed)
        return self.import_worker

    def confirm_replace(self, reference: str, path: Path) -> bool:
        """Ask before a file replaces a tender: its rows go, its audit chain is kept and named."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace the tender?",
            f"Tender {reference} is already in this database.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            f"Load {path.name} in its place? The tender's scores, pledges and panel are replaced by the "
            "file's, and so is any detail of the authority's profile the file gives differently; its audit "
            "log is kept, and the new record names the tender it replaced. A tender that has been signed is "
            "refused until it is reopened with a reason."
        )
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.replace_box = box  # tests answer it
        box.exec()
        return box.clickedButton() is replace

    def import_evaluation_file(self, path: Path) -> bool:
        try:
            reference = evaluation_files.load(self.db, self.actor, path).reference
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
        tenders = reads.list_tenders(self.db)
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

    def _on_tender_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = current.data(ObjectRole) if current.isValid() else None
        self.show_tender(summary.reference if summary else None)

    def show_tender(self, reference: str | None) -> None:
        changed = reference != self.current_reference
        self.current_reference = reference
        self.presence.tender_shown(reference)  # someone signed in to another tender is signed out
        self.reports.set_enabled(reference is not None)
        if changed or any(screen.reference != reference for screen in self._screens()):
            # Each screen reads the tender when it is next shown; on a framework with 200 bids,
            # loading every screen up front took seconds.
            for screen in self._screens():
                screen.show_tender(reference)
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
        else:
            self.refresh_summary()
        self._refresh_current_tab()

    def refresh_summary(self) -> None:
        """Heading, stages, results and the lock banner: after every edit, when the record has changed."""
        if self.current_reference is None:
            return
        standing = reads.standing(self.db, self.current_reference, since=self.summary_version)
        if standing is None:
            return
        price, quality, social, share = standing.weights
        self.heading.setText(f"{standing.reference} \u2014 {standing.title}")
        self.subheading.setText(
            f"Contract value £{standing.contract_value:,.0f}  \u00b7  Status: {TenderStatus(standing.status).label}  "
            f"\u00b7  Weights: price {price:g}, quality {quality:g}, social value {social:g} "
            f"({share:g}% of it on pledged value)"
        )
        banner = standing.locked or (f"Read-only: {self.db.read_only_reason}" if self.db.read_only else "")
        self.banner.setText(banner)  # plain words: the padlock glyph was a box in the default font (issue 17)
        self.banner.setVisible(bool(banner))
        self.stages_model.set_stages(standing.stages)
        self.results_box.show_results(standing.results, standing.themes, standing.accepted_by_theme)
        self.results_box.robustness.request(self.db.url, self.current_reference)  # in the helper process
        self.declarations.mark_stale()
        if self.tabs.currentWidget() is self.declarations:
            self.declarations.bring_up_to_date(standing.version)
        self.summary_version = standing.version

    def verify_now(self) -> None:
        if self.current_reference is None:
            return
        if self.tabs.currentIndex() == SIGNOFF:
            self.signoff.reload()
        else:
            self.tabs.setCurrentIndex(SIGNOFF)  # which reloads it

    # --- misc -------------------------------------------------------------------------------------

    def edit_authority_profile(self) -> None:
        """The contracting authority's profile: one per database, so in the File menu."""
        from svdesk.ui.authority_dialog import edit_authority_profile

        edit_authority_profile(self, self.db, self.actor)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About svdesk",
            f"<b>svdesk {__version__}</b><br>Social value tender evaluation, offline.<br><br>"
            f"Database: {_html(self.db.display_name)}",
        )

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # the File menu's database actions, by the names the window's callers (and tests) use
    def open_database_path(self, path: str) -> None:
        self.databases.open_database_path(path)

    def back_up_now(self) -> None:
        self.databases.back_up_now()

    def restore_backup(self) -> None:
        self.databases.restore_backup()

    def _restore_geometry(self) -> None:
        restore_window_geometry(self, self.settings.value("mainWindow/geometry"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible() and not self.isMinimized():  # a hidden or minimised window's size is no guide
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
