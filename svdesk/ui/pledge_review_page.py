"""The Scoring screen's Pledges tab: each pledge the member reviews, with their view, and the
buttons to accept, reduce or reject the selected one (the questions asked of the member are here;
the screen saves the view as the person signed in)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from svdesk.app.scoring import PledgeItem
from svdesk.ui.models import RowsModel

REASONS = ["Deliverability: ", "Relevance: ", "Double counting: ", "Evidence: "]


class PledgeReviewPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RowsModel(("Bid", "Ref", "Measure", "Unit", "Quantity", "Value", "Your view"), self)
        self.table = QTableView(objectName="pledgeReviews")
        self.table.setAccessibleName("Pledges to review")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.accept = QPushButton("Accept", objectName="reviewAccept")
        self.reduce = QPushButton("Reduce to…", objectName="reviewReduce")
        self.reject = QPushButton("Reject…", objectName="reviewReject")
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Your view of the selected pledge:"))
        for b in self.buttons():
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Each pledge with its measure, unit, quantity and £. Accept it, reduce it to what the "
                "evidence supports, or reject it, with a reason (deliverability, relevance, double "
                "counting, evidence). The panel reconciles the views in moderation.",
                wordWrap=True,
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton]:
        return self.accept, self.reduce, self.reject

    def show_pledges(self, items: list[PledgeItem], editable: bool) -> None:
        self.model.set_rows(items, pledge_texts)  # formatted when shown: 12,000 on a framework
        if len(items) <= 500:
            self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, 300)
        for b in self.buttons():
            b.setEnabled(editable)

    def ask_quantity(self, p: PledgeItem) -> float | None:
        """The quantity the member would accept (None: they cancelled)."""
        quantity, ok = QInputDialog.getDouble(
            self,
            f"Reduce {p.ref} for {p.bidder}",
            f"Quantity you would accept (pledged {p.quantity:g}):",
            p.quantity if p.accepted is None else p.accepted,  # opens at the member's view so far
            0,
            p.quantity,
            4,
        )
        return quantity if ok else None

    def ask_reason(self) -> str | None:
        """Why (None: they cancelled)."""
        reason, ok = QInputDialog.getItem(self, "Reason", "Why?", REASONS, 3, True)
        return reason if ok else None


def pledge_texts(p: PledgeItem) -> tuple[str, ...]:
    view = {"accept": "accepted", "reject": "rejected", "reduce": f"reduced to {p.accepted or 0:g}"}.get(
        p.decision or "", "\u2013 not reviewed"
    )
    if p.reason:
        view += f": {p.reason}"
    return (p.bidder, p.ref, p.description, p.unit, f"{p.quantity:,.6g}", f"£{p.value:,.2f}", view)
