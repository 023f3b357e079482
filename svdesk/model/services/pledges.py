"""Importing a bidder's pledge sheet: a plan first (nothing written), then one transaction.

The use case (reading the sheet, the preview, the backup, the transaction) is
`svdesk.app.pledges`; this module plans and writes within the transaction it is given.

Value is always recomputed as answer x the tender's own (frozen) proxy; the sheet's stated £ is
only compared. Status per row:
  ok             on the tender, value agrees with the sheet's own figure (within £1)
  mismatch       on the tender, but the sheet's pledged £ differs from answer x proxy by more than £1
  blank          no answer given
  not_in_tender  ref not among the tender's measures (skipped; add it with add_measures)
  added          not in the tender, added from the sheet's proxy and units (add_measures)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import Pledge, Tender, TenderMeasure
from svdesk.model.kinds import ChangeKind, ImportStatus
from svdesk.model.pledge_sheet import PledgeSheet
from svdesk.model.scoring import round2
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.locked_record import require_open
from svdesk.model.services.pledge_reviews import forget_reviews
from svdesk.model.services.tenders import find_bidder

MISMATCH_TOLERANCE = 1.0  # pounds


@dataclass
class ImportRow:
    row: int
    ref: str
    answer: float | None
    proxy_value: float | None  # the proxy used: the tender's (or the sheet's, when added)
    value: float | None
    stated_value: float | None
    status: ImportStatus
    message: str = ""


@dataclass
class PledgeImportPlan:
    file: str
    sheet: str
    header_row: int
    tender: str
    bidder: str
    rows: list[ImportRow]
    total_value: float
    stated_total: float | None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["total_value"] = round2(self.total_value)
        for row in data["rows"]:
            for key in ("value", "stated_value"):
                if row[key] is not None:
                    row[key] = round2(row[key])
        return data

    def pledges(self) -> int:
        """How many pledges the import writes: the rows on the tender (or added to it) with an answer."""
        return sum(
            1
            for r in self.rows
            if r.status in (ImportStatus.OK, ImportStatus.MISMATCH, ImportStatus.ADDED) and r.answer is not None
        )

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out


def plan_import(
    session: Session, tender: Tender, bidder_name: str, sheet: PledgeSheet, add_measures: bool = False
) -> PledgeImportPlan:
    find_bidder(session, tender, bidder_name)
    measures = {
        m.ref.upper(): m
        for m in session.scalars(select(TenderMeasure).where(TenderMeasure.tender_id == tender.id)).all()
    }
    rows: list[ImportRow] = []
    warnings: list[str] = []
    total = 0.0
    for r in sheet.rows:
        measure = measures.get(r.ref.upper())
        if r.answer is None:
            rows.append(
                ImportRow(
                    r.row,
                    r.ref,
                    None,
                    measure.proxy_value if measure else r.proxy_value,
                    None,
                    r.stated_value,
                    ImportStatus.BLANK,
                    "no answer given",
                )
            )
            continue
        if measure is None:
            if add_measures:
                if r.proxy_value is None:
                    rows.append(
                        ImportRow(
                            r.row,
                            r.ref,
                            r.answer,
                            None,
                            None,
                            r.stated_value,
                            ImportStatus.NOT_IN_TENDER,
                            "cannot add: the sheet gives no proxy value",
                        )
                    )
                    warnings.append(f"row {r.row}: {r.ref} has no proxy value in the sheet; skipped")
                    continue
                value = r.answer * r.proxy_value
                total += value
                rows.append(
                    ImportRow(
                        r.row,
                        r.ref,
                        r.answer,
                        r.proxy_value,
                        value,
                        r.stated_value,
                        ImportStatus.ADDED,
                        f"added to the tender with the sheet's proxy {r.proxy_value:g}",
                    )
                )
            else:
                rows.append(
                    ImportRow(
                        r.row,
                        r.ref,
                        r.answer,
                        r.proxy_value,
                        None,
                        r.stated_value,
                        ImportStatus.NOT_IN_TENDER,
                        "not one of the tender's measures; skipped",
                    )
                )
                warnings.append(f"row {r.row}: {r.ref} is not one of the tender's measures; skipped")
            continue
        value = r.answer * measure.proxy_value
        total += value
        status, message = ImportStatus.OK, ""
        if r.stated_value is not None and abs(r.stated_value - value) > MISMATCH_TOLERANCE:
            status = ImportStatus.MISMATCH
            message = f"sheet states £{r.stated_value:,.2f}; {r.answer:g} x {measure.proxy_value:g} = £{value:,.2f}"
            if value and 9.5 < r.stated_value / value < 10.5:
                message += " (about 10 times too much)"
        if r.proxy_value is not None and abs(r.proxy_value - measure.proxy_value) > 1e-9:
            message = (message + "; " if message else "") + (
                f"sheet's proxy {r.proxy_value:g} differs from the tender's {measure.proxy_value:g}"
            )
        rows.append(ImportRow(r.row, r.ref, r.answer, measure.proxy_value, value, r.stated_value, status, message))
    return PledgeImportPlan(
        sheet.path,
        sheet.sheet,
        sheet.header_row,
        tender.reference,
        bidder_name,
        rows,
        total,
        sheet.stated_total,
        warnings,
    )


def apply_import(session: Session, tender: Tender, plan: PledgeImportPlan, actor: str, sheet: PledgeSheet) -> None:
    """Write the plan: the sheet becomes the bidder's whole pledge. One transaction (the caller's)."""
    require_open(session, tender, f"Importing a pledge sheet into tender {tender.reference}")
    bidder = find_bidder(session, tender, plan.bidder)
    measures = {
        m.ref.upper(): m
        for m in session.scalars(select(TenderMeasure).where(TenderMeasure.tender_id == tender.id)).all()
    }
    catalogue = measures_by_ref(session)
    by_row = {r.row: r for r in sheet.rows}
    next_position = max((m.position for m in measures.values()), default=-1) + 1
    for row in plan.rows:
        if row.status != ImportStatus.ADDED:
            continue
        src = by_row[row.row]
        known = catalogue.get(row.ref.upper())
        assert row.proxy_value is not None
        measure = TenderMeasure(
            tender_id=tender.id,
            ref=row.ref,
            description=src.question or (known.text or "" if known else ""),
            unit=src.unit or (known.unit or "" if known else ""),
            proxy_value=row.proxy_value,
            catalogue_measure_id=known.id if known else None,
            catalogue_proxy_value=known.proxy_value if known else None,
            proxy_override_reason=""
            if known is None or known.proxy_value == row.proxy_value
            else f"proxy taken from {Path(plan.file).name}",
            theme=known.theme if known else "",
            position=next_position,
        )
        next_position += 1
        session.add(measure)
        session.flush()
        measures[row.ref.upper()] = measure
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.MEASURE_ADD,
            state.measure_key(measure),
            None,
            state.measure_value(measure),
            reason=f"added from {Path(plan.file).name}",
        )

    wanted = {
        measures[r.ref.upper()].id: r.answer
        for r in plan.rows
        if r.status in (ImportStatus.OK, ImportStatus.MISMATCH, ImportStatus.ADDED) and r.answer is not None
    }
    current = {p.tender_measure_id: p for p in session.scalars(select(Pledge).where(Pledge.bidder_id == bidder.id))}
    for measure_id, dropped in current.items():
        if measure_id not in wanted:
            audit.record(
                session,
                tender.uid,
                actor,
                ChangeKind.PLEDGE_REMOVE,
                state.pledge_key(bidder.id, measure_id),
                state.pledge_value(dropped),
                None,
                reason=f"not in {Path(plan.file).name}",
            )
            forget_reviews(session, tender, dropped, actor, f"pledge removed by {Path(plan.file).name}")
            session.delete(dropped)
    for measure_id, quantity in wanted.items():
        assert quantity is not None
        pledge = current.get(measure_id)
        before = None
        if pledge is None:
            pledge = Pledge(bidder_id=bidder.id, tender_measure_id=measure_id, quantity=float(quantity))
            session.add(pledge)
        elif pledge.quantity != quantity:
            before = state.pledge_value(pledge)
            pledge.quantity = float(quantity)
            if pledge.accepted_quantity is not None:  # an adjustment of the old figure no longer applies
                pledge.accepted_quantity, pledge.adjustment_reason = None, ""
        else:
            continue
        session.flush()  # column defaults applied, so the audit holds what the database holds
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.PLEDGE_SET,
            state.pledge_key(bidder.id, measure_id),
            before,
            state.pledge_value(pledge),
            reason=f"imported from {Path(plan.file).name}",
        )
    session.flush()
