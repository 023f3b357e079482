"""Panel: who is on the tender's panel, their role and email, and how far each has got (scores given
of those expected, declarations made, the bidders they may not see, enrolled or not).

Add a member; edit the selected member's name, role and email below the table; remove one who has
done nothing yet, or withdraw one who has, with a reason kept in the record. While scoring is open,
export an evaluator's offline scoring pack, and import a filled-in pack after a preview.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import identity, packs, panel, reads
from svdesk.app.errors import SvdeskError
from svdesk.app.files import safe_filename
from svdesk.app.packs import PackImport, PackImportPlan, ScoringPack
from svdesk.app.panel import PanelRow
from svdesk.app.status import TenderStatus
from svdesk.app.unit import name_of
from svdesk.ui import file_dialogs
from svdesk.ui.background import Worker, run_with_progress
from svdesk.ui.pack_dialogs import Keep, PackPreview, counts_text, export_message
from svdesk.ui.panel_dialogs import AddMemberDialog, EnrolDialog, WithdrawDialog, role_choice
from svdesk.ui.proxy_dialog import ProxyEntryDialog
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen

COLUMNS = ("Name", "Role", "Email", "Scores given", "Declarations", "May not see", "Enrolled", "Status")
ENROLLED = COLUMNS.index("Enrolled")
ROLE_NAMES = {"evaluator": "Evaluator", "moderator": "Moderator", "chair": "Chair", "officer": "Officer"}


def scores_text(row: PanelRow) -> str:
    if row.role == "evaluator" and not row.withdrawn:
        return f"{row.scores_given} of {row.scores_expected}"
    return str(row.scores_given) if row.scores_given else "\u2014"  # who does not score


def declarations_text(row: PanelRow) -> str:
    if row.role == "officer" and not row.declarations:
        return "\u2014"  # she may declare; sign-off does not wait for her
    return f"{row.declarations} of {row.bidders}"


def status_text(row: PanelRow) -> str:
    if row.withdrawn:
        return f"Withdrawn {row.withdrawn_at[:10]}: {row.withdrawal_reason}"
    return "Signed" if row.signed else "Active"


def panel_hint(rows: list[PanelRow]) -> str:
    """What the officer should do next on this screen ("" once everyone is on and enrolled)."""
    if not rows:
        return "No one on the panel yet: add the evaluators, the chair, and yourself as the procurement officer."
    if not any(r.role == "officer" for r in rows):
        return (
            "Add yourself too, as the procurement officer: once anyone enrols, every change to this tender is "
            "made signed in, yours included."
        )
    waiting = [r.name for r in rows if not r.enrolled and not r.withdrawn]
    if waiting:
        return (
            f"Still to enrol: {', '.join(waiting)}. Each chooses their own passphrase (Enrol\u2026 on their row); "
            "from the first enrolment on, every change is signed by the person who makes it."
        )
    return ""


class PanelScreen(TenderScreen):
    refresh_policy = Refresh.ALWAYS  # a handful of rows, and the form may show what svdesk refused

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.rows: list[PanelRow] = []
        self.add_dialog: AddMemberDialog | None = None
        self.withdraw_dialog: WithdrawDialog | None = None
        self.enrol_dialog: EnrolDialog | None = None
        self.enrol_buttons: dict[str, QPushButton] = {}  # a member not enrolled yet -> their row's Enrol… button
        self.lock: str | None = "no tender"  # why nothing can be edited now, as last read
        self.scoring_open = False  # scoring packs are issued and imported only while scoring is open
        self.pack_preview: PackPreview | None = None
        self.pack_worker: Worker | None = None
        self.pack_folder = Path.home()  # where the last pack was written or read
        self.proxy_dialog: ProxyEntryDialog | None = None
        intro = QLabel(
            "Evaluators score the bids; the moderators and the chair agree the consensus; everyone but the "
            "procurement officer signs. A member who has done anything (a score, a declaration, a pledge "
            "review, a signature, an enrolment) is withdrawn with a reason, never removed.",
            wordWrap=True,
        )
        self.table = QTableWidget(0, len(COLUMNS), objectName="panelTable")
        self.table.setAccessibleName("Panel members")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the form, as everywhere else
        self.table.setWordWrap(False)  # a long withdrawal reason is elided; its tooltip holds it whole
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.add = QPushButton("&Add member…", objectName="addMember")
        self.add.setToolTip("Add a person to the panel with their role; the addition is recorded in the audit log")
        self.add.clicked.connect(self.open_add_dialog)
        self.import_pack_button = QPushButton("&Import scoring pack…", objectName="importScoringPack")
        self.import_pack_button.clicked.connect(self.choose_pack_to_import)
        self.hint = QLabel(objectName="panelHint", wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(self.add)
        top.addWidget(self.import_pack_button)
        top.addWidget(self.hint, 1)

        self.name = QLineEdit(objectName="memberName")
        self.name.setAccessibleName("Member's name")
        self.role = role_choice("memberRole", "Member's role")
        self.role.setToolTip("Evaluators score; the chair chairs moderation; the officer neither scores nor signs")
        self.email = QLineEdit(objectName="memberEmail")
        self.email.setAccessibleName("Member's email")
        self.email.setPlaceholderText("name@council.gov.uk")
        self.save = QPushButton("&Save changes", objectName="saveMember")
        self.save.setToolTip("Save the name, role and email edited here; each change is recorded in the audit log")
        self.remove = QPushButton("&Remove", objectName="removeMember")
        self.withdraw = QPushButton("&Withdraw…", objectName="withdrawMember")
        self.remove.setToolTip("Remove a member who has done nothing yet (Delete in the table)")
        self.withdraw.setToolTip("A member who has acted stays in the record, with a reason; nothing waits for them")
        self.enrol = QPushButton("E&nrol…", objectName="enrolMember")
        self.enrol.setToolTip("The member chooses their own passphrase (the officer hands the keyboard over)")
        self.enrol.clicked.connect(lambda: self.open_enrol_dialog())
        self.export_pack_button = QPushButton("&Export scoring pack…", objectName="exportScoringPack")
        self.export_pack_button.clicked.connect(self.choose_pack_export)
        self.proxy_button = QPushButton("Enter &paper scores…", objectName="enterPaperScores")
        self.proxy_button.clicked.connect(lambda: self.open_proxy_dialog())
        self.save.clicked.connect(self.save_member)
        self.remove.clicked.connect(self.remove_member)
        self.withdraw.clicked.connect(lambda: self.open_withdraw_dialog())
        for field in (self.name, self.email):
            field.returnPressed.connect(self.save_member)
        self.table.installEventFilter(self)  # Delete on the table removes the selected member
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("R&ole", self.role)
        form.addRow("E&mail", self.email)
        buttons = QHBoxLayout()
        for b in (self.save, self.remove, self.withdraw, self.enrol, self.export_pack_button, self.proxy_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.selected = QGroupBox("Selected member", objectName="selectedMember")
        box = QVBoxLayout(self.selected)
        box.addLayout(form)
        box.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selected)
        layout.addWidget(self.message)
        order = (
            self.add,
            self.import_pack_button,
            self.table,
            self.name,
            self.role,
            self.email,
            self.save,
            self.remove,
            self.withdraw,
            self.enrol,
        )
        for first, second in zip(order, (*order[1:], self.export_pack_button), strict=True):
            QWidget.setTabOrder(first, second)  # as they are laid out: Add, the table, then the form
        QWidget.setTabOrder(self.export_pack_button, self.proxy_button)
        self._show(-1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Delete)
        ):
            self.remove_member()
            return True
        return super().eventFilter(watched, event)

    # --- reading ------------------------------------------------------------------------------------

    def load(self) -> None:
        if self.reference is None:
            self.rows, self.lock, self.scoring_open = [], "no tender", False
            self.table.setRowCount(0)
            self._show(-1)
            return
        keep = self.current_name()
        self.lock = self.locked()
        self.scoring_open = self.lock is None and any(
            t.reference == self.reference and t.status == TenderStatus.SCORING for t in reads.list_tenders(self.db)
        )
        self.rows = panel.panel_rows(self.db, self.reference)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (
                row.name,
                ROLE_NAMES.get(row.role, row.role),
                row.email,
                scores_text(row),
                declarations_text(row),
                ", ".join(row.conflicts),
                "Yes" if row.enrolled else "No",
                status_text(row),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row.withdrawn:
                    item.setForeground(self.palette().placeholderText())
                if c == 7 and row.withdrawn:
                    item.setToolTip(value)
                self.table.setItem(r, c, item)
            self.table.removeCellWidget(r, ENROLLED)
        for old in self.enrol_buttons.values():  # deleted later by Qt: hidden now
            old.hide()
        self.enrol_buttons = {}
        for r, row in enumerate(self.rows):
            if self.may_enrol(row):
                button = self.enrol_buttons[row.name] = QPushButton("Enrol…", objectName="enrolRow")
                button.setToolTip(f"{row.name} chooses a passphrase (typed twice): their key then signs all they do")
                button.setAccessibleName(f"Enrol {row.name}")
                button.clicked.connect(lambda _checked=False, name=row.name: self.open_enrol_dialog(name))
                self.table.setCellWidget(r, ENROLLED, button)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        names = [row.name for row in self.rows]
        current = names.index(keep) if keep in names else (0 if names else -1)
        if current >= 0:
            self.table.setCurrentCell(current, 0)
        self._show(current)
        self.hint.setText(panel_hint(self.rows))
        if self.lock:
            self.show_message(f"Read only: {self.lock}")

    def current_row(self) -> PanelRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def current_name(self) -> str | None:
        row = self.current_row()
        return row.name if row else None

    def _show(self, r: int) -> None:
        row = self.rows[r] if 0 <= r < len(self.rows) else None
        writable = row is not None and self.lock is None
        self.name.setText(row.name if row else "")
        self.email.setText(row.email if row else "")
        if row is not None:
            self.role.setCurrentIndex(self.role.findData(row.role))
        self.selected.setTitle(f"Selected member: {row.name}" if row else "Selected member")
        for w in (self.name, self.role, self.email, self.save):
            w.setEnabled(writable)
        for w in (self.remove, self.withdraw):  # a withdrawn member stays in the record as they are
            w.setEnabled(writable and row is not None and not row.withdrawn)
        again = row is not None and row.enrolled
        self.enrol.setText("E&nrol again\u2026" if again else "E&nrol\u2026")
        self.enrol.setToolTip(
            "A forgotten passphrase: the officer, signed in, enrols the member again with a reason; the member "
            "chooses the new passphrase (the old key is retired and still verifies what it signed)"
            if again
            else "The member chooses their own passphrase (the officer hands the keyboard over)"
        )
        self.enrol.setEnabled(row is not None and (self.may_enrol(row) or self.may_reenrol(row)))
        self.add.setEnabled(self.lock is None)
        self._show_pack_buttons(row)
        self._show_proxy_button(row)

    def may_enrol(self, row: PanelRow) -> bool:
        return self.lock is None and not row.enrolled and not row.withdrawn

    def may_reenrol(self, row: PanelRow) -> bool:
        return self.lock is None and row.enrolled and not row.withdrawn

    # --- editing ------------------------------------------------------------------------------------

    def open_add_dialog(self) -> AddMemberDialog:
        dialog = self.add_dialog = AddMemberDialog(self)
        dialog.submit = lambda: self._refusal(self.add_member(*dialog.values()))
        dialog.open()
        return dialog

    def _refusal(self, saved: bool) -> str | None:
        """What a dialog shows when its edit was refused (the screen's message says it too)."""
        return None if saved else self.message.text()

    def add_member(self, name: str, role: str, email: str) -> bool:
        done = self.edit(
            lambda: panel.add_member(self.db, self.actor, self.reference, name, role, email), f"Added {name}."
        )
        if done is not None:
            self.reload()
            self.select(name)
        return done is not None

    def select(self, name: str) -> None:
        names = [r.name for r in self.rows]
        if name in names:
            self.table.setCurrentCell(names.index(name), 0)

    def save_member(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        new_name = self.name.text().strip()
        done = self.edit(
            lambda: panel.edit_member(
                self.db,
                self.actor,
                self.reference,
                row.name,
                new_name=new_name,
                role=str(self.role.currentData()),
                email=self.email.text(),
            ),
            f"Saved {new_name or row.name}.",
        )
        if done is not None:
            self.reload()
            self.select(new_name)
        return done is not None

    def remove_member(self) -> bool:
        """Remove the selected member; one who has acted is refused, and offered withdrawal instead."""
        row = self.current_row()
        if row is None or self.lock:
            return False
        done = self.edit(
            lambda: panel.remove_member(self.db, self.actor, self.reference, row.name), f"Removed {row.name}."
        )
        if done is None:
            if row.acted:  # refused with the reason: withdrawal is offered, in the same words
                self.open_withdraw_dialog(row.name, why_not_removed=self.message.text())
            return False
        self.reload()
        return True

    def open_withdraw_dialog(self, member: str | None = None, why_not_removed: str = "") -> WithdrawDialog | None:
        name = member or self.current_name()
        if name is None:
            return None
        dialog = self.withdraw_dialog = WithdrawDialog(name, why_not_removed, parent=self)
        dialog.submit = lambda: self._refusal(self.withdraw_member(name, dialog.value()))
        dialog.open()
        return dialog

    def withdraw_member(self, name: str, reason: str) -> bool:
        done = self.edit(
            lambda: panel.withdraw_member(self.db, self.actor, self.reference, name, reason), f"Withdrew {name}."
        )
        if done is not None:
            self.reload()
            self.select(name)
        return done is not None

    def open_enrol_dialog(self, member: str | None = None) -> EnrolDialog | None:
        """The member at the keyboard chooses their passphrase, twice; it never leaves the dialog but
        to seal their new key."""
        name = member or self.current_name()
        if name is None:
            return None
        row = next((r for r in self.rows if r.name == name), None)
        again = row is not None and row.enrolled
        dialog = self.enrol_dialog = EnrolDialog(name, self, again=again)
        if again:
            dialog.submit = lambda: self._refusal(self.reenrol_member(name, dialog.value(), dialog.reason_text()))
        else:
            dialog.submit = lambda: self._refusal(self.enrol_member(name, dialog.value()))
        dialog.open()
        return dialog

    def reenrol_member(self, name: str, passphrase: str, reason: str) -> bool:
        """The officer (signed in) enrols `name` again with a reason; `name` chose the new passphrase."""
        old = next((r for r in self.rows if r.name == name), None)
        done = self.edit(
            lambda: identity.reenrol(self.db, self.actor, self.reference, name, passphrase, reason),
            f"Enrolled {name} again.",
        )
        if done is not None:
            retired = " (the old key is retired, and still verifies what it signed)" if old is not None else ""
            self.show_message(f"Enrolled {name} again: new key {done.value.shown_fingerprint}{retired}.")
            self.reload()
            self.select(name)
        return done is not None

    def enrol_member(self, name: str, passphrase: str) -> bool:
        done = self.edit(
            lambda: identity.enrol(self.db, self.actor, self.reference, name, passphrase),
            f"Enrolled {name}.",
        )
        if done is not None:
            self.show_message(f"Enrolled {name}: key {done.value.shown_fingerprint}.")
            self.reload()
            self.select(name)
        return done is not None

    # --- offline scoring packs ------------------------------------------------------------------------

    def _show_pack_buttons(self, row: PanelRow | None) -> None:
        """Export for an evaluator on the panel, import at all, only while scoring is open (the use cases
        refuse the rest, e.g. a member not declared yet: said when clicked)."""
        closed = "" if self.scoring_open else "Scoring packs are exported and imported while scoring is open"
        if closed and self.lock and self.lock != "no tender":
            closed += f" ({self.lock})"
        scores = row is not None and row.role == "evaluator" and not row.withdrawn
        self.export_pack_button.setEnabled(not closed and scores)
        if closed or row is None:
            self.export_pack_button.setToolTip(closed or "Select the evaluator whose pack to write")
        elif not scores:
            self.export_pack_button.setToolTip(f"{row.name} does not score: a scoring pack is for an evaluator")
        else:
            self.export_pack_button.setToolTip(f"Write {row.name}'s scoring pack, to score offline in Excel")
        self.import_pack_button.setEnabled(not closed)
        self.import_pack_button.setToolTip(
            closed or "Import an evaluator's filled-in offline scoring pack, after a preview"
        )

    def choose_pack_export(self) -> Worker | None:
        """Export… : where to write the selected member's pack (the file dialog), then write it."""
        name = self.current_name()
        if name is None or self.reference is None:
            return None
        suggested = self.pack_folder / f"{safe_filename(self.reference)}-{safe_filename(name)}-pack.xlsx"
        path, _ = file_dialogs.get_save_file_name(
            self, f"Save {name}'s scoring pack", str(suggested), "Excel workbook (*.xlsx)"
        )
        if not path:
            return None
        out = Path(path)
        return self.export_pack_to(out if out.suffix.lower() == ".xlsx" else out.with_name(out.name + ".xlsx"))

    def export_pack_to(self, path: Path, member: str | None = None) -> Worker | None:
        """Write `member`'s (default: the selected member's) pack to `path`, off the event loop; the
        pack is issued in the record. A refusal (not declared yet, not on the panel) is shown."""
        name = member or self.current_name()
        if name is None or self.reference is None:
            return None
        db, actor, reference = self.db, self.actor, self.reference

        def job() -> packs.PackExport:
            return packs.export_member_pack(db, actor, reference, name, path)

        def done(written: packs.PackExport) -> None:
            self.pack_folder = written.workbook.parent
            self.show_message(export_message(name, written))  # and where the bid documents' pages went
            self.saved.emit()  # the pack's issue is in the record

        def failed(message: str) -> None:
            self.show_message(f"{message}\nNo scoring pack was written.", error=True)

        self.pack_worker = run_with_progress(self, f"Writing {path.name}…", job, done, failed)
        return self.pack_worker

    def choose_pack_to_import(self) -> Worker | None:
        """Import… : which pack (the file dialog), then read, preview and import it."""
        path, _ = file_dialogs.get_open_file_name(
            self, "Import a scoring pack", str(self.pack_folder), "Excel workbook (*.xlsx)"
        )
        return self.import_pack_from(Path(path)) if path else None

    def import_pack_from(self, path: Path) -> Worker | None:
        """Read the pack (an untrusted file, parsed in a limited child process) and plan its import,
        off the event loop; then the preview (`self.pack_preview`), where Import writes it."""
        if self.reference is None:
            return None
        db, actor, reference = self.db, self.actor, self.reference

        def job() -> tuple[ScoringPack, PackImportPlan]:
            pack = packs.read_scoring_pack(path)
            return pack, packs.import_pack(db, actor, reference, pack, dry_run=True).plan

        def done(read: tuple[ScoringPack, PackImportPlan]) -> None:
            self.pack_folder = path.parent
            self.preview_pack(path, *read)

        self.pack_worker = run_with_progress(
            self, f"Reading {path.name}…", job, done, lambda message: self._pack_refused(path, message)
        )
        return self.pack_worker

    def _pack_refused(self, path: Path, message: str) -> None:
        named = message if str(path) in message else f"{path}: {message}"
        self.show_message(f"{named}\nNothing was imported.", error=True)

    def preview_pack(self, path: Path, pack: ScoringPack, plan: PackImportPlan) -> PackPreview:
        dialog = self.pack_preview = PackPreview(path, plan, self, importer=name_of(self.actor))
        dialog.accepted.connect(lambda: self.apply_pack(path, pack, plan, dialog.keep()))
        dialog.rejected.connect(lambda: self.show_message("Import cancelled; nothing was written."))
        dialog.open()
        return dialog

    def apply_pack(self, path: Path, pack: ScoringPack, previewed: PackImportPlan, keep: Keep | None) -> Worker | None:
        """Import the pack as previewed, all or nothing, after a backup, off the event loop; `keep`
        settles every conflict one way."""
        if self.reference is None:
            return None
        db, actor, reference = self.db, self.actor, self.reference

        def job() -> PackImport:
            # The choice was made on what the preview showed: if the scores held moved since, it no longer holds.
            now = packs.import_pack(db, actor, reference, pack, dry_run=True).plan
            if now.rows != previewed.rows:
                raise SvdeskError("the scores held changed since the preview; import the pack again to see them")
            return packs.import_pack(db, actor, reference, pack, keep=keep if previewed.conflicts else None)

        def failed(message: str) -> None:
            self._pack_refused(path, message)
            self.mark_stale()

        self.pack_worker = run_with_progress(
            self, f"Importing {path.name}…", job, lambda done: self._pack_imported(path, done), failed
        )
        return self.pack_worker

    def _pack_imported(self, path: Path, done: PackImport) -> None:
        outcome = done.outcome
        assert outcome is not None  # not a dry run
        written = len(outcome.written)
        said = (
            f"Imported {done.plan.member}'s scoring pack from {path.name} ({counts_text(done.plan)}): "
            f"saved {written} score{'' if written == 1 else 's'}"
            + (f"; kept {outcome.kept_existing} held score(s) as they were" if outcome.kept_existing else "")
            + "."
            + (  # imported by the officer: said as the record says it
                f" Recorded as entered by proxy from {outcome.proxy_source}, until {done.plan.member} confirms them."
                if outcome.proxy_source and written
                else ""
            )
        )
        self.show_message(" ".join((said, *outcome.warnings)), warning=bool(outcome.warnings))
        self.saved.emit()
        self.reload()

    # --- scores entered by proxy ------------------------------------------------------------------------

    def _show_proxy_button(self, row: PanelRow | None) -> None:
        """Enter paper scores… for an evaluator while scoring is open (the officer signs in to use it)."""
        scores = row is not None and row.role == "evaluator" and not row.withdrawn
        self.proxy_button.setEnabled(self.scoring_open and scores)
        if not self.scoring_open:
            self.proxy_button.setToolTip("A member's paper scores are entered while scoring is open")
        elif row is None or not scores:
            self.proxy_button.setToolTip("Select the evaluator whose signed paper form to type in")
        else:
            self.proxy_button.setToolTip(
                f"Type in {row.name}'s scores from their signed paper form, recorded as entered by proxy"
            )

    def open_proxy_dialog(self, member: str | None = None) -> ProxyEntryDialog | None:
        """The officer, signed in, types the selected evaluator's scores in from their paper form."""
        name = member or self.current_name()
        if name is None or self.reference is None:
            return None
        person = self.person
        if person is None or person.role != "officer":
            who = "No one is signed in" if person is None else f"{person.member} is signed in"
            self.show_message(
                f"{who}: the procurement officer signs in (Ctrl+L) to enter {name}'s paper scores, which are "
                "recorded as entered by proxy by them. Nothing was entered.",
                error=True,
            )
            if person is None:
                self.desk.presence.sign_in_wanted.emit()
            return None
        dialog = self.proxy_dialog = ProxyEntryDialog(self.db, person, self.reference, name, self)
        dialog.saved.connect(self.saved.emit)  # the window's stages and progress follow each score
        dialog.finished.connect(lambda _result: self.reload())
        dialog.open()
        return dialog
