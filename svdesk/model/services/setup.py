"""Setting a tender up: details, weights, scale, measures, questions, bidders and pledges (the panel is
`panel_setup`'s; `add_member` and `remove_member` are re-exported here).

Each function is one audited edit in the caller's transaction; each refuses a locked tender.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from svdesk.model import audit, state
from svdesk.model.entities import (
    Bidder,
    Pledge,
    QuantitativeMethod,
    Question,
    ScaleDescriptor,
    Score,
    Section,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import clean_name, clean_text, magnitude_problem, normal_name, quoted
from svdesk.model.scoring import Weights, score_problem, weights_problem
from svdesk.model.services.catalogue import find_measure
from svdesk.model.services.panel_setup import add_member as add_member  # the panel: its own module
from svdesk.model.services.panel_setup import remove_member as remove_member
from svdesk.model.services.pledge_reviews import forget_reviews
from svdesk.model.services.tenders import find_bidder, find_question, require_editable
from svdesk.model.units import quantity_problem

DEFAULT_WEIGHTS = Weights(40, 50, 10)
SCALE_PRESETS: dict[str, tuple[float, float, dict[float, str]]] = {
    "0-5": (5, 1, {0: "Unacceptable", 1: "Poor", 2: "Limited", 3: "Satisfactory", 4: "Good", 5: "Excellent"}),
    "0-100 (steps of 20)": (
        100,
        20,
        {0: "Unacceptable", 20: "Poor", 40: "Limited", 60: "Satisfactory", 80: "Good", 100: "Excellent"},
    ),
}


def _number(value: Any, what: str, minimum: float = 0.0, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{what}: {quoted(value)} is not a number")
    if problem := magnitude_problem(value):  # before any float(): a 400-digit integer overflows it
        raise ValidationError(f"{what}: {problem}")
    if positive and value <= 0:
        raise ValidationError(f"{what}: must be more than 0")
    if value < minimum:
        raise ValidationError(f"{what}: must be {minimum:g} or more")
    return float(value)


def _next_position(session: Session, position: InstrumentedAttribute[int], *where: ColumnElement[bool]) -> int:
    """One past the highest position among these rows (0 for the first): an aggregate is always one row."""
    return session.execute(select(func.coalesce(func.max(position), -1)).where(*where)).scalar_one() + 1


def _text(value: str, what: str, max_len: int = 100_000, required: bool = True) -> str:
    return clean_text(value or "", what, max_len, required=required)


def _tender_audit(
    session: Session, tender: Tender, actor: str, action: ChangeKind, before: dict[str, Any], reason: str = ""
) -> None:
    session.flush()
    audit.record(
        session, tender.uid, actor, action, state.tender_key(tender), before, state.tender_value(tender), reason=reason
    )


def create_tender(
    session: Session,
    actor: str,
    reference: str,
    title: str,
    contract_value: float,
    weights: Weights = DEFAULT_WEIGHTS,
    share: float = 50.0,
    scale: str = "0-5",
) -> Tender:
    reference = clean_name(reference or "", "reference", 100)
    if session.scalars(select(Tender.id).where(Tender.reference == reference)).first() is not None:
        raise ValidationError(f"reference: a tender {quoted(reference)} already exists")
    problem = weights_problem(weights)
    if problem:
        raise ValidationError(problem)
    scale_max, step, labels = SCALE_PRESETS[scale]
    tender = Tender(
        reference=reference,
        title=_text(title, "title", 500),
        contract_value=_number(contract_value, "contract value"),
        weight_price=weights.price,
        weight_quality=weights.quality,
        weight_social_value=weights.social_value,
        sv_quantitative_share=share,
        scale_max=scale_max,
        scale_step=step,
    )
    tender.descriptors = [ScaleDescriptor(score=k, label=v) for k, v in labels.items()]
    session.add(tender)
    session.flush()
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.TENDER_CREATE,
        "tender",
        None,
        {"state": state.current_state(session, tender)},
    )
    return tender


def update_details(
    session: Session,
    tender: Tender,
    actor: str,
    *,
    title: str | None = None,
    contract_value: float | None = None,
    hide_prices_from_quality: bool | None = None,
) -> None:
    require_editable(session, tender)
    before = state.tender_value(tender)
    if title is not None:
        tender.title = _text(title, "title", 500)
    if contract_value is not None:
        tender.contract_value = _number(contract_value, "contract value")
    if hide_prices_from_quality is not None:
        tender.hide_prices_from_quality = bool(hide_prices_from_quality)
    _tender_audit(session, tender, actor, ChangeKind.TENDER_DETAILS, before)


def require_methodology_open(tender: Tender) -> None:
    """The weights and how the quantitative part is scored are frozen once scoring opens.

    Procurement Act 2023 s.23(3): the assessment methodology and the criteria's relative importance
    are set out for the bidders; s.24 lets an authority refine award criteria only where the
    procurement documents provide for it and before tenders are invited. By the time the panel
    scores, the tenders are in: a change now would assess them by criteria they were not told of.
    """
    if tender.status != TenderStatus.DRAFT:
        raise WorkflowError(
            f"the weights of {tender.reference} are frozen: scoring has opened (status {tender.status.value}), "
            "and the tenders were invited on the published weights (Procurement Act 2023 ss.23-24)"
        )


def set_weights(
    session: Session,
    tender: Tender,
    actor: str,
    weights: Weights,
    share: float | None = None,
    method: str | None = None,
) -> None:
    require_editable(session, tender)
    require_methodology_open(tender)
    for what, value in (("price", weights.price), ("quality", weights.quality), ("social value", weights.social_value)):
        if isinstance(value, int | float) and (problem := magnitude_problem(value)):  # its sum would overflow
            raise ValidationError(f"the {what} weight: {problem}")
    problem = weights_problem(weights)
    if problem:
        raise ValidationError(problem)
    if share is not None and (not isinstance(share, int | float) or magnitude_problem(share) or not 0 <= share <= 100):
        raise ValidationError(f"the quantitative share must be 0-100, not {quoted(share)}")
    before = state.tender_value(tender)
    tender.weight_price, tender.weight_quality, tender.weight_social_value = (
        float(weights.price),
        float(weights.quality),
        float(weights.social_value),
    )
    if share is not None:
        tender.sv_quantitative_share = float(share)
    if method is not None:
        tender.quantitative_method = QuantitativeMethod(method)
    _tender_audit(session, tender, actor, ChangeKind.WEIGHTS_SET, before)


def set_scale(
    session: Session, tender: Tender, actor: str, scale_max: float, step: float, descriptors: dict[float, str]
) -> None:
    """Change the score scale. Refused once any score exists: scores are only meaningful on their scale."""
    require_editable(session, tender)
    scored = session.scalar(
        select(func.count())
        .select_from(Score)
        .join(Question, Score.question_id == Question.id)
        .where(Question.tender_id == tender.id)
    )
    scale_max, step = _number(scale_max, "scale maximum", positive=True), _number(step, "step", positive=True)
    if scored and (scale_max, step) != (tender.scale_max, tender.scale_step):
        # descriptors may be reworded; the points cannot move under scores already given
        raise ValidationError(f"the scale cannot change: {scored} scores have been given on the current one")
    if abs(scale_max / step - round(scale_max / step)) > 1e-9:
        raise ValidationError(f"the scale maximum {scale_max:g} is not a whole number of steps of {step:g}")
    for point in descriptors:
        if problem := score_problem(point, scale_max, step):
            raise ValidationError(f"descriptor {point:g}: {problem}")
    before = state.tender_value(tender)
    tender.scale_max, tender.scale_step = scale_max, step
    # the old descriptors are deleted before the new are inserted: the same points come back, and
    # (tender, score) is unique (the unit of work would otherwise insert first)
    tender.descriptors = []
    session.flush()
    tender.descriptors = [
        ScaleDescriptor(score=k, label=_text(v, f"descriptor {k:g}", 2000)) for k, v in sorted(descriptors.items())
    ]
    _tender_audit(session, tender, actor, ChangeKind.SCALE_SET, before)


# --- measures ---------------------------------------------------------------------------------------


def add_measure(
    session: Session, tender: Tender, actor: str, ref: str, proxy_value: float | None = None, reason: str = ""
) -> TenderMeasure:
    """Add a catalogue measure as a frozen copy; a proxy other than the catalogue's needs a reason."""
    require_editable(session, tender)
    known = find_measure(session, clean_name(ref or "", "measure ref", 40))
    if session.scalars(
        select(TenderMeasure.id).where(TenderMeasure.tender_id == tender.id, TenderMeasure.ref == known.ref)
    ).first():
        raise ValidationError(f"{known.ref} is already one of the tender's measures")
    proxy = proxy_value if proxy_value is not None else known.proxy_value
    if proxy is None:
        raise ValidationError(f"{known.ref} has no proxy value in the catalogue; give one (and the reason)")
    proxy = _number(proxy, f"{known.ref} proxy value")
    why = _text(reason, f"{known.ref}: reason for the proxy", 2000, required=False)
    if known.proxy_value is not None and proxy != known.proxy_value and not why:
        raise ValidationError(f"{known.ref}: give a reason for using a proxy other than the catalogue's")
    if known.proxy_value is None and not why:
        why = "proxy set for this tender (none in the catalogue)"
    position = _next_position(session, TenderMeasure.position, TenderMeasure.tender_id == tender.id)
    m = TenderMeasure(
        tender_id=tender.id,
        catalogue_measure_id=known.id,
        ref=known.ref,
        description=known.text or known.question or "",
        unit=known.unit or "",
        proxy_value=proxy,
        catalogue_proxy_value=known.proxy_value,
        proxy_override_reason=why,
        theme=known.theme,
        position=position,
    )
    session.add(m)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.MEASURE_ADD, state.measure_key(m), None, state.measure_value(m))
    return m


def _tender_measure(session: Session, tender: Tender, ref: str) -> TenderMeasure:
    m = session.scalars(
        select(TenderMeasure).where(
            TenderMeasure.tender_id == tender.id, TenderMeasure.ref == clean_name(ref or "", "measure ref", 40)
        )
    ).first()
    if m is None:
        raise NotFoundError(f"{quoted(ref)} is not one of the tender's measures")
    return m


def override_proxy(session: Session, tender: Tender, actor: str, ref: str, proxy_value: float, reason: str) -> None:
    require_editable(session, tender)
    m = _tender_measure(session, tender, ref)
    before = state.measure_value(m)
    m.proxy_value = _number(proxy_value, f"{ref} proxy value")
    m.proxy_override_reason = _text(reason, f"{ref}: reason for the proxy", 2000)
    session.flush()
    audit.record(
        session, tender.uid, actor, ChangeKind.MEASURE_PROXY, state.measure_key(m), before, state.measure_value(m)
    )


def remove_measure(session: Session, tender: Tender, actor: str, ref: str) -> None:
    require_editable(session, tender)
    m = _tender_measure(session, tender, ref)
    for p in session.scalars(select(Pledge).where(Pledge.tender_measure_id == m.id)).all():
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.PLEDGE_REMOVE,
            state.pledge_key(p.bidder_id, m.id),
            state.pledge_value(p),
            None,
            reason=f"measure {ref} removed",
        )
        forget_reviews(session, tender, p, actor, f"measure {ref} removed")
        session.delete(p)
    audit.record(
        session, tender.uid, actor, ChangeKind.MEASURE_REMOVE, state.measure_key(m), state.measure_value(m), None
    )
    session.delete(m)
    session.flush()


# --- questions ----------------------------------------------------------------------------------------


def save_question(
    session: Session,
    tender: Tender,
    actor: str,
    code: str,
    *,
    section: str,
    text: str,
    weight: float,
    title: str = "",
    guidance: str = "",
    minimum_score: float | None = None,
) -> Question:
    require_editable(session, tender)
    code = clean_name(code or "", "question id", 40)
    sec = Section(section)
    if minimum_score is not None and (problem := score_problem(minimum_score, tender.scale_max, tender.scale_step)):
        raise ValidationError(f"{code} minimum score: {problem}")
    q = session.scalars(select(Question).where(Question.tender_id == tender.id, Question.code == code)).first()
    before = state.question_value(q) if q else None
    if q is None:
        position = _next_position(session, Question.position, Question.tender_id == tender.id)
        q = Question(tender_id=tender.id, code=code, position=position, section=sec, text="", weight=0)
        session.add(q)
    q.section, q.text, q.weight = sec, _text(text, f"{code} text"), _number(weight, f"{code} weight")
    q.title, q.guidance = (
        _text(title, f"{code} title", required=False),
        _text(guidance, f"{code} guidance", required=False),
    )
    q.minimum_score = minimum_score
    session.flush()
    audit.record(
        session, tender.uid, actor, ChangeKind.QUESTION_SAVE, state.question_key(q), before, state.question_value(q)
    )
    return q


def remove_question(session: Session, tender: Tender, actor: str, code: str) -> None:
    require_editable(session, tender)
    q = find_question(session, tender, code)
    scored = session.scalar(select(func.count()).select_from(Score).where(Score.question_id == q.id))
    if scored:
        raise ValidationError(f"{code} has {scored} scores and cannot be removed")
    audit.record(
        session, tender.uid, actor, ChangeKind.QUESTION_REMOVE, state.question_key(q), state.question_value(q), None
    )
    session.delete(q)
    session.flush()


# --- bidders and pledges ----------------------------------------------------------------------------


def add_bidder(session: Session, tender: Tender, actor: str, name: str, price: float) -> Bidder:
    require_editable(session, tender)
    name = clean_name(name or "", "bidder name", 300)
    if session.scalars(select(Bidder.id).where(Bidder.tender_id == tender.id, Bidder.name == name)).first():
        raise ValidationError(f"a bidder named {quoted(name)} already exists")
    position = _next_position(session, Bidder.position, Bidder.tender_id == tender.id)
    b = Bidder(tender_id=tender.id, name=name, price=_number(price, f"{name} price", positive=True), position=position)
    session.add(b)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.BIDDER_ADD, state.bidder_key(b), None, state.bidder_value(b))
    return b


def update_bidder(
    session: Session, tender: Tender, actor: str, name: str, *, new_name: str | None = None, price: float | None = None
) -> Bidder:
    require_editable(session, tender)
    b = find_bidder(session, tender, name)
    before = state.bidder_value(b)
    if new_name is not None and normal_name(new_name) != b.name:
        new_name = clean_name(new_name, "bidder name", 300)
        if session.scalars(select(Bidder.id).where(Bidder.tender_id == tender.id, Bidder.name == new_name)).first():
            raise ValidationError(f"a bidder named {quoted(new_name)} already exists")
        b.name = new_name
    if price is not None:
        b.price = _number(price, f"{b.name} price", positive=True)
    session.flush()
    audit.record(
        session, tender.uid, actor, ChangeKind.BIDDER_UPDATE, state.bidder_key(b), before, state.bidder_value(b)
    )
    return b


def set_pledge(
    session: Session, tender: Tender, actor: str, bidder_name: str, ref: str, quantity: float | None
) -> None:
    """Set a bidder's pledged quantity (None removes the pledge); a changed quantity clears its adjustment."""
    require_editable(session, tender)
    b = find_bidder(session, tender, bidder_name)
    m = _tender_measure(session, tender, ref)
    p = session.scalars(select(Pledge).where(Pledge.bidder_id == b.id, Pledge.tender_measure_id == m.id)).first()
    key = state.pledge_key(b.id, m.id)
    if quantity is None:
        if p is not None:
            audit.record(session, tender.uid, actor, ChangeKind.PLEDGE_REMOVE, key, state.pledge_value(p), None)
            forget_reviews(session, tender, p, actor, "pledge removed")
            session.delete(p)
            session.flush()
        return
    quantity = _number(quantity, f"{bidder_name} {ref} quantity")
    if problem := quantity_problem(m.unit, quantity):
        raise ValidationError(f"{bidder_name} {ref}: {problem}")
    before = state.pledge_value(p) if p else None
    if p is None:
        p = Pledge(bidder_id=b.id, tender_measure_id=m.id, quantity=quantity)
        session.add(p)
    elif p.quantity != quantity:
        p.quantity, p.accepted_quantity, p.adjustment_reason = quantity, None, ""
    else:
        return
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.PLEDGE_SET, key, before, state.pledge_value(p))
