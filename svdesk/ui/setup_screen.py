"""Setup: the tender's details, weights (validated live, with the policy's suggestion) and scale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import parties
from svdesk.app import setup as su
from svdesk.app.setup import SetupView, Weights, weights_problem
from svdesk.ui import palette
from svdesk.ui.detail_fields import parties_locked
from svdesk.ui.fitted_scroll import FittedScroll
from svdesk.ui.money_box import MoneyBox
from svdesk.ui.procurement_details import ProcurementDetails
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen


def _spin(maximum: float, decimals: int = 1, prefix: str = "", suffix: str = "", name: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, maximum)
    box.setDecimals(decimals)
    box.setPrefix(prefix)
    box.setSuffix(suffix)
    box.setAccessibleName(name)
    box.setKeyboardTracking(False)  # save on Enter / leaving the field, not on every digit typed
    return box


DESCRIPTOR_ROWS = 3  # the score scale's rows always on show (0-5 has six)


def _rows_height(table: QTableWidget, rows: int) -> int:
    """Room for the header and `rows` rows of the default height."""
    return (
        table.horizontalHeader().sizeHint().height()
        + rows * table.verticalHeader().defaultSectionSize()
        + 2 * table.frameWidth()
    )


class SetupScreen(TenderScreen):
    refresh_policy = Refresh.ALWAYS  # small, and may show a value svdesk refused

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self._suggested: float | None = None
        self._loading = False
        self.reference_label = QLabel(objectName="setupReference")
        self.title = QLineEdit(objectName="setupTitle")
        self.title.setAccessibleName("Tender title")
        self.contract_value = MoneyBox("setupContractValue", "Contract value")
        self.contract_value.setKeyboardTracking(False)  # save on Enter / leaving the field
        self.contract_value.refused.connect(lambda said: self.show_message(said, error=True))
        self.hide_prices = QCheckBox("Hide prices from quality evaluators while they score", objectName="hidePrices")
        details = QFormLayout()
        details.addRow("Reference", self.reference_label)
        details.addRow("Title", self.title)
        details.addRow("Contract value", self.contract_value)
        details.addRow("", self.hide_prices)
        details_box = QGroupBox("Tender")
        details_box.setLayout(details)

        self.price = _spin(100, name="Price weight")
        self.quality = _spin(100, name="Quality weight")
        self.social = _spin(100, name="Social value weight")
        for box, name in ((self.price, "weightPrice"), (self.quality, "weightQuality"), (self.social, "weightSV")):
            box.setObjectName(name)
            box.setSuffix(" %")
            box.setToolTip("Its % of the total score; the three weights must sum to 100 (saved on Enter, in the log)")
        self.weights_state = QLabel(objectName="weightsState")
        self.suggestion = QLabel(objectName="svSuggestion", wordWrap=True)
        self.use_suggestion = QPushButton("Use the suggestion", objectName="useSuggestion")
        self.share = _spin(100, 0, suffix=" % of the social value weight", name="Share on pledged value")
        self.share.setObjectName("svShare")
        self.share.setToolTip("How much of the social value weight goes on pledged £; the rest on the answers")
        self.method = QComboBox(objectName="svMethod")
        self.method.setAccessibleName("How pledged value is scored")
        self.method.addItem("Relative value (accepted £ against the best)", "relative_value")
        self.method.addItem("Relative value per £ of price", "relative_ratio")
        weights = QFormLayout()
        row = QHBoxLayout()
        for label, box in (("Price", self.price), ("Quality", self.quality), ("Social value", self.social)):
            row.addWidget(QLabel(label))
            row.addWidget(box)
        row.addStretch(1)
        weights.addRow("Weights", row)
        self.confirm_weights = QPushButton("&Confirm these weights", objectName="confirmWeights")
        self.confirm_weights.setToolTip(
            "Record the weights as this tender's: the Setup stage is done once they are chosen, even when "
            "they are the ones a new tender starts with"
        )
        self.confirm_weights.clicked.connect(self.save_weights)
        state = QHBoxLayout()
        state.addWidget(self.weights_state, 1)
        state.addWidget(self.use_suggestion)
        state.addWidget(self.confirm_weights)
        weights.addRow("", state)
        # a field of its own: a word-wrapped label in a row's box layout was cut to one line (H3)
        weights.addRow("Policy", self.suggestion)
        weights.addRow("Pledged value", self.share)
        weights.addRow("Scored as", self.method)
        weights_box = QGroupBox("Weights")
        weights_box.setLayout(weights)

        self.preset = QComboBox(objectName="scalePreset")
        self.preset.setAccessibleName("Score scale")
        for name in su.SCALE_PRESETS:
            self.preset.addItem(name, name)
        self.apply_preset = QPushButton("Use this scale", objectName="applyScale")
        self.descriptors = QTableWidget(0, 2, objectName="scaleDescriptors")
        self.descriptors.setAccessibleName("Score descriptors")
        self.descriptors.setHorizontalHeaderLabels(["Score", "Descriptor"])
        self.descriptors.horizontalHeader().setStretchLastSection(True)
        self.descriptors.verticalHeader().setVisible(False)
        scale = QVBoxLayout()
        prow = QHBoxLayout()
        prow.addWidget(self.preset)
        prow.addWidget(self.apply_preset)
        prow.addStretch(1)
        scale.addLayout(prow)
        scale.addWidget(self.descriptors)
        scale_box = QGroupBox("Score scale")
        scale_box.setLayout(scale)

        self.procurement_details = ProcurementDetails(self)
        top = QHBoxLayout()
        top.addWidget(details_box, 1)
        top.addWidget(self.procurement_details, 1)
        # At 1366 x 768 with a laptop's larger font the form is taller than the screen: it scrolls,
        # each field at its own height, rather than squeezing spin boxes and laying the procurement
        # hint over the fields (H3).
        self.descriptors.setMinimumHeight(_rows_height(self.descriptors, DESCRIPTOR_ROWS))
        form = QWidget(objectName="setupForm")
        layout = QVBoxLayout(form)
        layout.addLayout(top)
        layout.addWidget(weights_box)
        layout.addWidget(scale_box, 1)
        layout.addWidget(self.message)
        self.form_area = FittedScroll(form, "setupScroll")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.form_area)

        self.title.editingFinished.connect(self.save_details)
        self.contract_value.valueChanged.connect(lambda _v: self.save_details())
        self.hide_prices.toggled.connect(lambda _v: self.save_details())
        for box in (self.price, self.quality, self.social, self.share):
            box.valueChanged.connect(lambda _v: self.save_weights())
        for box in (self.price, self.quality, self.social):  # checked as typed, saved once left (README)
            box.lineEdit().textChanged.connect(lambda _t: self._loading or self._show_weights_state())
        self.method.currentIndexChanged.connect(lambda _i: self.save_weights())
        self.use_suggestion.clicked.connect(self.apply_suggestion)
        self.apply_preset.clicked.connect(self.save_scale)
        self.descriptors.itemChanged.connect(lambda _item: self.save_descriptors())

    def load(self) -> None:
        if self.reference is None:
            return
        self.procurement_details.flush()  # what was typed and not yet left is saved before it is read again
        view = su.setup_view(self.db, self.reference)
        locked = self.locked()
        # completed after sign-off too, until the award decision (svdesk.app.parties)
        details_locked = parties_locked(self.db, self.reference)
        self.procurement_details.show_procurement(parties.procurement(self.db, self.reference), details_locked)
        self._loading = True
        try:
            self.reference_label.setText(view.reference)
            self.title.setText(view.title)
            self.contract_value.setValue(view.contract_value)
            self.hide_prices.setChecked(view.hide_prices_from_quality)
            self.price.setValue(view.weights.price)
            self.quality.setValue(view.weights.quality)
            self.social.setValue(view.weights.social_value)
            self.share.setValue(view.share)
            self.method.setCurrentIndex(max(self.method.findData(view.method), 0))
            self.descriptors.setRowCount(0)
            for point, label in sorted(view.descriptors.items()):
                r = self.descriptors.rowCount()
                self.descriptors.insertRow(r)
                item = QTableWidgetItem(f"{point:g}")
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.descriptors.setItem(r, 0, item)
                self.descriptors.setItem(r, 1, QTableWidgetItem(label))
            self._show_suggestion(view)
        finally:
            self._loading = False
        self._show_weights_state()
        for widget in (
            self.title,
            self.contract_value,
            self.hide_prices,
            self.price,
            self.quality,
            self.social,
            self.share,
            self.method,
            self.apply_preset,
            self.descriptors,
            self.use_suggestion,
            self.confirm_weights,
        ):
            widget.setEnabled(locked is None)
        # the published weights and method are frozen once scoring opens (svdesk.model.services.setup)
        frozen = view.status != "draft"
        for widget in (self.price, self.quality, self.social, self.share, self.method, self.apply_preset):
            widget.setEnabled(locked is None and not frozen)
            widget.setToolTip(
                "Frozen since scoring opened: the tenders were invited on these (Procurement Act 2023 ss.23-24)"
                if frozen
                else widget.toolTip()
            )
        self.use_suggestion.setEnabled(self.use_suggestion.isEnabled() and not frozen)
        self.confirm_weights.setEnabled(self.confirm_weights.isEnabled() and not frozen)
        if locked:
            still = "" if details_locked else ". The procurement and award details can still be completed"
            self.show_message(f"Read only: {locked}{still}")

    def _weights(self) -> Weights:
        """The weights as typed: a box being typed in holds its new value only once left."""
        return Weights(*(box.valueFromText(box.cleanText()) for box in (self.price, self.quality, self.social)))

    def _show_weights_state(self) -> bool:
        problem = weights_problem(self._weights())
        self.weights_state.setText(f"\u2717 {problem}" if problem else "\u2714 The weights sum to 100.")
        self.weights_state.setStyleSheet(palette.text_style(palette.ERROR_TEXT if problem else palette.OK_TEXT))
        return problem is None

    def save_details(self) -> None:
        if self._loading or self.reference is None:
            return
        self.edit(
            lambda: su.update_details(
                self.db,
                self.actor,
                self.reference,
                title=self.title.text(),
                contract_value=self.contract_value.value(),
                hide_prices_from_quality=self.hide_prices.isChecked(),
            )
        )
        self.reload_suggestion()

    def reload_suggestion(self) -> None:
        self._show_suggestion(su.setup_view(self.db, self.reference))

    def _show_suggestion(self, view: SetupView) -> None:
        """The policy's suggestion follows the contract value."""
        self._suggested = view.suggested_sv_weight
        self.suggestion.setText(
            f"Suggested social value weight: <b>{view.suggested_sv_weight:g}</b> \u2014 {view.suggestion_reason}"
            if view.suggested_sv_weight is not None
            else view.suggestion_reason
        )
        self.use_suggestion.setEnabled(view.suggested_sv_weight is not None)

    def save_weights(self) -> None:
        if self._loading or self.reference is None:
            return
        if not self._show_weights_state():
            return  # nothing saved until they sum to 100; the label says why
        self.edit(
            lambda: su.set_weights(
                self.db, self.actor, self.reference, self._weights(), self.share.value(), self.method.currentData()
            ),
            "Weights saved.",
        )

    def apply_suggestion(self) -> None:
        if self._suggested is None:
            return
        difference = self._suggested - self.social.value()
        self._loading = True
        self.social.setValue(self._suggested)
        self.quality.setValue(max(0.0, self.quality.value() - difference))
        self._loading = False
        self.save_weights()

    def save_scale(self) -> None:
        scale_max, step, labels = su.SCALE_PRESETS[self.preset.currentData()]
        self.edit(lambda: su.set_scale(self.db, self.actor, self.reference, scale_max, step, labels), "Scale saved.")
        self.reload()

    def save_descriptors(self) -> None:
        if self._loading or self.reference is None:
            return
        view = su.setup_view(self.db, self.reference)
        labels = {}
        for r in range(self.descriptors.rowCount()):
            point = float(self.descriptors.item(r, 0).text())
            cell = self.descriptors.item(r, 1)
            labels[point] = cell.text() if cell is not None else ""
        self.edit(
            lambda: su.set_scale(self.db, self.actor, self.reference, view.scale_max, view.scale_step, labels),
            "Descriptors saved.",
        )
