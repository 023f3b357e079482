"""The main window: the database's tenders, the selected tender's stages and its results."""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from svdesk import __version__
from svdesk.model.db import Database
from svdesk.model.errors import SvdeskError
from svdesk.model.evaluation_file import read_evaluation_file, write_evaluation
from svdesk.model.services.overview import tender_overview
from svdesk.model.services.results import tender_results
from svdesk.model.services.tenders import get_tender, list_tenders
from svdesk.ui.models import ObjectRole, ResultsTableModel, StageListModel, TenderListModel

MAX_RECENT = 8


class MainWindow(QMainWindow):
    def __init__(self, db: Database, settings: QSettings | None = None) -> None:
        super().__init__()
        self.db = db
        self.settings = settings or QSettings()
        self.current_reference: str | None = None
        self.setWindowTitle("svdesk - social value evaluation")
        self.setMinimumSize(760, 500)

        self.tenders_model = TenderListModel(self)
        self.tender_list = QListView()
        self.tender_list.setObjectName("tenderList")
        self.tender_list.setModel(self.tenders_model)
        self.tender_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tender_list.setSpacing(2)
        self.tender_list.selectionModel().currentChanged.connect(self._on_tender_changed)

        self.heading = QLabel("No tender selected")
        self.heading.setObjectName("tenderHeading")
        heading_font = QFont()
        heading_font.setPointSize(heading_font.pointSize() + 4)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.heading.setWordWrap(True)
        self.subheading = QLabel("")
        self.subheading.setWordWrap(True)

        self.stages_model = StageListModel(self)
        self.stage_list = QListView()
        self.stage_list.setObjectName("stageList")
        self.stage_list.setModel(self.stages_model)
        self.stage_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.results_caption = QLabel("")
        self.results_caption.setObjectName("resultsCaption")
        self.results_model = ResultsTableModel(self)
        self.results_table = QTableView()
        self.results_table.setObjectName("resultsTable")
        self.results_table.setModel(self.results_model)
        self.results_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_table.verticalHeader().setVisible(False)
        self.results_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.results_table.horizontalHeader().setStretchLastSection(False)
        self.results_table.setWordWrap(False)
        self.exclusions = QLabel("")
        self.exclusions.setObjectName("exclusions")
        self.exclusions.setWordWrap(True)

        results_box = QWidget()
        rl = QVBoxLayout(results_box)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.results_caption)
        rl.addWidget(self.results_table, 1)
        rl.addWidget(self.exclusions)

        right = QWidget()
        layout = QVBoxLayout(right)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(results_box, 1)

        # The navigation column: the database's tenders above, the chosen tender's stages below.
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
        self.set_database(db)

    # --- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction(
            "&Open database…", self, shortcut=QKeySequence.StandardKey.Open, triggered=self.choose_database
        )
        self.load_action = QAction(
            "&Import evaluation file…", self, shortcut=QKeySequence("Ctrl+I"), triggered=self.choose_evaluation_file
        )
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        file_menu.addAction(self.load_action)
        file_menu.addSeparator()
        file_menu.addAction(QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit, triggered=self.close))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(QAction("&About svdesk", self, triggered=self.show_about))

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            self.recent_menu.addAction(path, lambda p=path: self.open_database_path(p))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _recent(self) -> list[str]:
        value = self.settings.value("recentDatabases", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: str) -> None:
        recent = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue("recentDatabases", recent[:MAX_RECENT])

    # --- database ---------------------------------------------------------------------------------

    def set_database(self, db: Database) -> None:
        self.db = db
        self.db_label.setText(f"Database: {db.display_name}")
        self._remember(db.display_name)
        self._refresh_recent_menu()
        self.refresh_tenders()

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open svdesk database", str(Path.home()), "svdesk databases (*.sqlite *.db);;All files (*)"
        )
        if path:
            self.open_database_path(path)

    def open_database_path(self, path: str) -> None:
        from svdesk.model.services import open_svdesk_database

        try:
            db = open_svdesk_database(path)
        except SvdeskError as exc:
            self.show_error("Cannot open the database", str(exc))
            return
        old = self.db
        self.current_reference = None
        self.set_database(db)
        if old is not db:
            old.dispose()

    def choose_evaluation_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import evaluation file", str(Path.home()), "Evaluation files (*.json);;All files (*)"
        )
        if path:
            self.import_evaluation_file(Path(path))

    def import_evaluation_file(self, path: Path) -> bool:
        try:
            with self.db.transaction() as session:
                doc = read_evaluation_file(session, path)
                tender = write_evaluation(session, doc, _login_name(), source=path.name)
                reference = tender.reference
        except SvdeskError as exc:
            self.show_error("The evaluation file was not imported", f"{exc}\n\nNothing was changed.")
            return False
        self.statusBar().showMessage(f"Imported {reference} from {path.name}", 5000)
        self.refresh_tenders(select=reference)
        return True

    # --- views ------------------------------------------------------------------------------------

    def refresh_tenders(self, select: str | None = None) -> None:
        with self.db.reader() as session:
            tenders = list_tenders(session)
        self.tenders_model.set_tenders(tenders)
        target = select or self.current_reference or (tenders[0].reference if tenders else None)
        row = self.tenders_model.row_of(target) if target else -1
        if row >= 0:
            self.tender_list.setCurrentIndex(self.tenders_model.index(row))
        else:
            self.show_tender(None)

    def _on_tender_changed(self, current, _previous) -> None:
        summary = current.data(ObjectRole) if current.isValid() else None
        self.show_tender(summary.reference if summary else None)

    def show_tender(self, reference: str | None) -> None:
        self.current_reference = reference
        if reference is None:
            self.heading.setText("No tender yet")
            self.subheading.setText("Import an evaluation file (File \u2192 Import evaluation file…) to begin.")
            self.stages_model.set_stages([])
            self.results_model.set_results([])
            self.results_caption.setText("")
            self.exclusions.setText("")
            return
        with self.db.reader() as session:
            tender = get_tender(session, reference)
            overview = tender_overview(session, tender)
            results = tender_results(session, tender)
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
        self.stages_model.set_stages(overview.stages)
        self.results_model.set_results(results.bidders)
        self.results_caption.setText(
            "<b>Results: final</b>"
            if results.final
            else "<b>Results: PROVISIONAL</b> \u2014 some consensus scores are missing; the mean of the individual "
            "scores stands in for them"
        )
        excluded = [
            f"<b>{b.name}</b> is excluded: {'; '.join(b.exclusion_reasons)}" for b in results.bidders if b.excluded
        ]
        self.exclusions.setText("<br>".join(excluded))

    # --- misc -------------------------------------------------------------------------------------

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About svdesk",
            f"<b>svdesk {__version__}</b><br>Social value tender evaluation, offline.<br><br>"
            f"Database: {self.db.display_name}",
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


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown user"
