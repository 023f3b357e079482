"""The Sign-off screen's "Before the award" panel: what regulation 31 of the Procurement Regulations
2024 (SI 2024/692) asks the assessment summaries to hold, and the award decision needs, that is not
recorded yet (`svdesk.app.checks.open_items`), grouped per supplier, each with where it is fixed.

The award decision is refused while any is open (`award_stage.decide`); the panel says so first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.ui import palette

WHOLE_TENDER = "The tender"  # the group of the items about the tender as a whole (supplier "")


class Item(Protocol):
    """An open item as `svdesk.app.checks.OpenItem` gives it."""

    @property
    def kind(self) -> str: ...  # "reg31" | "award"
    @property
    def supplier(self) -> str: ...  # "" for the tender as a whole
    @property
    def paragraph(self) -> str: ...
    @property
    def item(self) -> str: ...
    @property
    def text(self) -> str: ...


def where_fixed(item: Item) -> str:
    """Where in svdesk the item is recorded, from what it names (`reg31_check`'s wording)."""
    words = item.item.lower()
    if " rationale for " in words:  # the rationale check's: fixed where it is written, or overridden below
        return (
            "Moderation screen, or Override\u2026" if "consensus rationale" in words else "Scoring, or Override\u2026"
        )
    if "explanation" in words or "consensus score" in words:
        return "Moderation screen"
    if "title of criterion" in words:
        return "Questions screen"
    if "contracting authority" in words:
        return "File > Authority profile\u2026"
    if "ranks no single bid first" in words:
        return "Results screen"
    if item.supplier:
        return "Bids & pledges screen"
    return "Setup screen"  # where the criteria are published, the scale, the decision-maker and authority


def shown_item(item: Item) -> str:
    """The item under its supplier's heading: "reg 31(2)(b): postal address" (not the name again)."""
    what = item.item
    if item.supplier and what.startswith(f"{item.supplier}'s "):
        what = what.removeprefix(f"{item.supplier}'s ")
    return f"{item.paragraph}: {what}" if item.paragraph else what


class OpenItemsPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Before the award", parent)
        self.setObjectName("openItemsBox")
        self.summary = QLabel(objectName="openItemsSummary", wordWrap=True)
        self.tree = QTreeWidget(objectName="openItems")
        self.tree.setAccessibleName("What is still to record before the award")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Still to record", "Where"])
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setRootIsDecorated(True)
        self.tree.setMinimumHeight(150)
        self.tree.setWordWrap(True)  # an item in full, over two lines if need be
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.count = 0
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 100)
        layout.addStretch(1)  # nothing open (the tree hidden): the line stays at the top

    def show_items(self, items: Sequence[Item]) -> None:
        self.count = len(items)
        self.tree.clear()
        if not items:
            self.summary.setText(
                "Nothing is open: every item regulation 31 of the Procurement Regulations 2024 asks the "
                "assessment summaries to hold, and the award decision needs, is recorded."
            )
            self.summary.setStyleSheet(palette.text_style(palette.OK_TEXT))
            self.tree.hide()
            return
        self.summary.setText(
            f"<b>{len(items)} item{'s are' if len(items) != 1 else ' is'} open</b>: the award decision is "
            "refused until each is recorded (regulation 31, Procurement Regulations 2024)."
        )
        self.summary.setStyleSheet(palette.text_style(palette.WARNING_TEXT))
        groups: dict[str, list[Item]] = {}
        for item in items:  # in the check's order: the tender first, then each supplier as listed
            groups.setdefault(item.supplier, []).append(item)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for supplier, found in groups.items():
            top = QTreeWidgetItem([f"{supplier or WHOLE_TENDER} ({len(found)})", ""])
            top.setFont(0, bold)
            for item in found:
                child = QTreeWidgetItem([shown_item(item), where_fixed(item)])
                child.setToolTip(0, item.text)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.expandAll()
        self.tree.show()

    def shown_rows(self) -> list[tuple[str, str, str]]:
        """(group, item, where) for each item shown, as a person reads the tree."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            assert top is not None
            for j in range(top.childCount()):
                child = top.child(j)
                assert child is not None
                rows.append((top.text(0), child.text(0), child.text(1)))
        return rows
