"""Measures: the catalogue as Theme -> Outcome -> Measure with search; the tender's frozen list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import catalogue as cat
from svdesk.app import measures as ms
from svdesk.app.unit import Outcome
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen

RefRole = Qt.ItemDataRole.UserRole + 1
SearchRole = Qt.ItemDataRole.UserRole + 2


class MeasuresScreen(TenderScreen):
    refresh_policy = Refresh.ALWAYS  # small, and may show what svdesk refused

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.catalogue = QStandardItemModel(self)
        self.catalogue.setHorizontalHeaderLabels(["Catalogue", "Unit", "Proxy £", "Local priorities"])
        self.filter = QSortFilterProxyModel(self)
        self.filter.setSourceModel(self.catalogue)
        self.filter.setRecursiveFilteringEnabled(True)
        self.filter.setFilterRole(SearchRole)
        self.filter.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit(objectName="measureSearch")
        self.search.setPlaceholderText("Search by ref or words, e.g. NT10 or apprentice")
        self.search.setAccessibleName("Search the catalogue")
        self.search.textChanged.connect(self._search)
        self.tree = QTreeView(objectName="catalogueTree")
        self.tree.setAccessibleName("Measure catalogue")
        self.tree.setModel(self.filter)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.doubleClicked.connect(lambda _i: self.add_selected())
        self.tree.installEventFilter(self)  # Enter adds the measures chosen, as a double-click does
        self.add = QPushButton("Add to the tender \u2192", objectName="addMeasure")
        self.add.clicked.connect(self.add_selected)
        self.add.setToolTip("Copy the selected measures and their proxies into this tender's list (or double-click)")
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.search)
        lv.addWidget(self.tree, 1)
        lv.addWidget(self.add)

        self.chosen = QTableWidget(0, 6, objectName="tenderMeasures")
        self.chosen.setAccessibleName("The tender's measures")
        self.chosen.setHorizontalHeaderLabels(["Ref", "Measure", "Unit", "Proxy £", "Proxy note", "Theme"])
        self.chosen.verticalHeader().setVisible(False)
        self.chosen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.chosen.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.chosen.horizontalHeader().setStretchLastSection(True)
        self.remove = QPushButton("Remove", objectName="removeMeasure")
        self.override = QPushButton("Change proxy…", objectName="overrideProxy")
        self.remove.clicked.connect(self.remove_selected)
        self.override.clicked.connect(self.override_selected)
        self.remove.setToolTip("Take the selected measure out of this tender's list")
        self.override.setToolTip("Another proxy value (£ per unit) for this tender only, with a reason on the record")
        buttons = QHBoxLayout()
        buttons.addWidget(self.override)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel("<b>The tender's measures</b> (a frozen copy: catalogue edits never change them)"))
        rv.addWidget(self.chosen, 1)
        rv.addLayout(buttons)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([520, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self._catalogue_loaded = False

    def database_changed(self) -> None:
        super().database_changed()
        self._catalogue_loaded = False  # another database has its own catalogue

    def _load_catalogue(self) -> None:
        measures = cat.measures(self.db)
        self.catalogue.removeRows(0, self.catalogue.rowCount())
        themes: dict[str, QStandardItem] = {}
        outcomes: dict[tuple[str, str], QStandardItem] = {}
        for m in measures:
            theme = themes.get(m.theme)
            if theme is None:
                theme = themes[m.theme] = QStandardItem(m.theme)
                theme.setData(m.theme, SearchRole)
                self.catalogue.appendRow([theme, QStandardItem(), QStandardItem(), QStandardItem()])
            outcome = outcomes.get((m.theme, m.outcome))
            if outcome is None:
                outcome = outcomes[(m.theme, m.outcome)] = QStandardItem(m.outcome)
                outcome.setData(m.outcome, SearchRole)
                theme.appendRow([outcome, QStandardItem(), QStandardItem(), QStandardItem()])
            text = m.text or f"(no measure text in the source: {m.notes})"
            item = QStandardItem(f"{m.ref}  {text}")
            item.setData(m.ref, RefRole)
            item.setData(f"{m.ref} {text} {m.question or ''}", SearchRole)
            tags = "\n".join(f"{k}: {v}" for k, v in m.tags)
            item.setToolTip(f"{m.question or text}\n\nSource: {m.source}\n{tags}".strip())
            proxy = QStandardItem("" if m.proxy_value is None else f"{m.proxy_value:,.6g}")
            local = "; ".join(v for k, v in m.tags if not k.startswith("Corporate priority"))
            outcome.appendRow([item, QStandardItem(m.unit or ""), proxy, QStandardItem(local)])
        self.tree.expandToDepth(0)
        self.tree.setColumnWidth(0, 380)
        self._catalogue_loaded = True

    def _search(self, text: str) -> None:
        self.filter.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()

    def load(self) -> None:
        if not self._catalogue_loaded:
            self._load_catalogue()
        if self.reference is None:
            return
        measures = ms.tender_measures(self.db, self.reference)
        self.proxies = {m.ref: m.proxy_value for m in measures}  # what "Change proxy…" opens at
        self.chosen.setRowCount(len(measures))
        for r, m in enumerate(measures):
            note = m.override_reason
            if m.catalogue_proxy_value is not None and m.catalogue_proxy_value != m.proxy_value:
                note = f"catalogue {m.catalogue_proxy_value:,.6g}; {note}"
            for c, value in enumerate((m.ref, m.description, m.unit, f"{m.proxy_value:,.6g}", note, m.theme)):
                self.chosen.setItem(r, c, QTableWidgetItem(value))
        self.chosen.resizeColumnToContents(0)
        self.chosen.setColumnWidth(1, 320)
        locked = self.locked()
        for widget in (self.add, self.remove, self.override):
            widget.setEnabled(locked is None)
        if locked:
            self.show_message(f"Read only: {locked}")

    def selected_refs(self) -> list[str]:
        refs: list[str] = []
        for index in self.tree.selectionModel().selectedRows(0):
            ref = index.data(RefRole)
            if ref:
                refs.append(ref)
        return refs

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.tree
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.add.isEnabled()
        ):
            self.add_selected()
            return True
        return super().eventFilter(watched, event)

    def add_selected(self) -> None:
        refs = self.selected_refs()
        if not refs:
            self.show_message("Choose one or more measures (not a theme or outcome) to add.", error=True)
            return
        by_ref = ms.catalogue_by_ref(self.db)
        added: list[str] = []
        said: list[str] = []  # the warnings and refusals, each once, after the measures added
        refused = False
        for ref in refs:
            proxy = None
            reason = ""
            known = by_ref.get(ref.upper())
            if known is not None and known.proxy_value is None:
                prompt = f"{ref} has no proxy value in the catalogue. £ per {known.unit or 'unit'}:"
                value, ok = QInputDialog.getDouble(self, f"Proxy value for {ref}", prompt, 0, 0, 1e9, 4)
                if not ok:
                    continue
                proxy, reason = value, "proxy set for this tender (none in the catalogue)"
            outcome = self._add(ref, proxy, reason)
            if outcome is None:
                refused = True
                said.append(f"{ref}: {self.message.text()}")
            else:
                added.append(ref)
                said.extend(outcome.warnings)
        if added:  # one message naming every measure added, not only the last (issue 17)
            text = " ".join((f"Added {_and(added)}.", *said))
            self.show_message(text, error=refused, warning=bool(said) and not refused)
        elif len(said) > 1:
            self.show_message(" ".join(said), error=True)
        self.reload()

    def _add(self, ref: str, proxy: float | None, reason: str) -> Outcome[None] | None:
        return self.edit(
            lambda: ms.add_measure(self.db, self.actor, self.reference, ref, proxy, reason), f"Added {ref}."
        )

    def _selected_chosen(self) -> str | None:
        row = self.chosen.currentRow()
        return self.chosen.item(row, 0).text() if row >= 0 and self.chosen.item(row, 0) else None

    def remove_selected(self) -> None:
        ref = self._selected_chosen()
        if ref:
            self.edit(
                lambda: ms.remove_measure(self.db, self.actor, self.reference, ref), f"Removed {ref} (and its pledges)."
            )
            self.reload()

    def override_selected(self) -> None:
        ref = self._selected_chosen()
        if not ref:
            return
        value, ok = QInputDialog.getDouble(
            self, f"Proxy value for {ref}", "New proxy value (£ per unit):", self.proxies.get(ref) or 0, 0, 1e9, 6
        )
        if not ok:
            return
        reason, ok = QInputDialog.getText(self, f"Why change {ref}'s proxy?", "Reason (recorded in the audit log):")
        if ok:
            self.edit(
                lambda: ms.override_proxy(self.db, self.actor, self.reference, ref, value, reason),
                f"Proxy of {ref} changed.",
            )
            self.reload()


def _and(refs: list[str]) -> str:
    """The refs as a sentence lists them: NT1, NT3 and NT18."""
    return refs[0] if len(refs) == 1 else f"{', '.join(refs[:-1])} and {refs[-1]}"
