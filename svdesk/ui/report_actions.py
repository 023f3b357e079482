"""The Reports menu: each PDF (and the audit workbook) written where the officer chooses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox

from svdesk.app import reports
from svdesk.app.files import safe_filename
from svdesk.ui import file_dialogs
from svdesk.ui.background import Worker, run_with_progress

if TYPE_CHECKING:
    from svdesk.ui.main_window import MainWindow

PDF_REPORTS = (
    ("evaluation", "&Evaluation report…", "evaluation-report"),
    ("moderation", "&Moderation report…", "moderation-report"),
    ("award", "&Award justification…", "award-justification"),
)


class ReportActions:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.actions: list[QAction] = []
        self.last_written = QLabel("", objectName="lastReport", openExternalLinks=True)  # on the Reports tab
        self.worker: Worker | None = None
        self.written_box: QMessageBox | None = None  # "Wrote …" with Open, after each export

    def populate(self, menu: QMenu) -> None:
        for kind, label, stem in PDF_REPORTS:
            action = QAction(label, self.window, triggered=lambda _=False, k=kind, s=stem: self.pdf(k, s))
            menu.addAction(action)
            self.actions.append(action)
        summaries = QAction("Assessment &summaries (one per supplier)…", self.window, triggered=self.summaries)
        menu.addAction(summaries)
        self.actions.append(summaries)
        menu.addSeparator()
        workbook = QAction("Evaluation &workbook (xlsx)…", self.window, triggered=self.workbook)
        menu.addAction(workbook)
        self.actions.append(workbook)

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions:
            action.setEnabled(enabled)

    def _default_folder(self) -> str:
        return str(self.window.settings.value("reports/folder", str(Path.home())))

    def pdf(self, kind: str, stem: str) -> Worker | None:
        reference = self.window.current_reference
        suggested = Path(self._default_folder()) / f"{safe_filename(reference or 'tender')}-{stem}.pdf"
        path, _ = file_dialogs.get_save_file_name(self.window, "Save report", str(suggested), "PDF (*.pdf)")
        if not path:
            return None
        return self._write(kind, Path(path))

    def summaries(self) -> Worker | None:
        folder = file_dialogs.get_existing_directory(
            self.window, "Folder for the assessment summaries", self._default_folder()
        )
        if not folder:
            return None
        return self._write("summary", Path(folder))

    def workbook(self) -> Worker | None:
        reference = self.window.current_reference
        suggested = Path(self._default_folder()) / f"{safe_filename(reference or 'tender')}-evaluation.xlsx"
        path, _ = file_dialogs.get_save_file_name(self.window, "Save workbook", str(suggested), "Excel (*.xlsx)")
        if not path:
            return None
        return self._write("workbook", Path(path))

    def _link(self, path: Path) -> None:
        """A clickable link to what was written, on the Reports tab."""
        url = QUrl.fromLocalFile(str(path)).toString()
        self.last_written.setText(f"Written: <a href='{url}'>{path}</a>")

    def _offer_to_open(self, path: Path) -> None:
        """Say what was written and offer to open it with the desktop's application for it (a
        folder of summaries: the folder). Not modal: the officer may carry on instead."""
        box = QMessageBox(QMessageBox.Icon.Information, "Written", f"Wrote {path}", parent=self.window)
        box.setObjectName("writtenBox")
        opener = box.addButton("&Open", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setModal(False)
        opener.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
        if self.written_box is not None:
            self.written_box.close()
        self.written_box = box
        box.show()

    def _write(self, kind: str, out: Path) -> Worker:
        """Write in the background (the window stays responsive); returns the worker."""
        reference, db, actor = self.window.current_reference, self.window.db, self.window.actor

        def job() -> list[Path]:  # reportlab and openpyxl load here, on first use, not at start-up
            if kind == "workbook":
                return [reports.write_workbook(db, reference, out)]
            return reports.write_report(db, reference, kind, out, actor=actor)  # its issue on the record

        def done(written: list[Path]) -> None:
            self.window.settings.setValue("reports/folder", str(out if out.is_dir() else out.parent))
            self.window.statusBar().showMessage(
                f"Wrote {written[0]}" if len(written) == 1 else f"Wrote {len(written)} reports to {out}", 8000
            )
            self._link(written[0] if len(written) == 1 else out)
            self._offer_to_open(written[0] if len(written) == 1 else out)
            self.window.refresh_summary()  # the Reports stage counts what was issued

        def failed(message: str) -> None:
            self.window.show_error("The report was not written", message)

        self.worker = run_with_progress(self.window, f"Writing {out.name}…", job, done, failed)
        return self.worker
