"""The parties as the law names them (issue 15 item 1): the contracting authority (one profile per
database), each supplier's legal details, and the procurement's own details.

What regulation 31(2) of the Procurement Regulations 2024 (SI 2024/692) asks an assessment summary
to hold about a supplier: "(a) the name of the supplier, (b) a contact postal address and email
address for the supplier, (c) the unique identifier for the supplier"; and, where the award
criteria are only summarised, "(d)(ii) ... an indication of where the full version can be
accessed". All optional while the evaluation runs; the award stage refuses until they are given
(`reg31_check`).

Supplier and procurement details are part of the tender's record (audited, not fingerprinted: who
the suppliers are is not how their bids were evaluated) and may be completed after sign-off,
until the award decision is recorded. The authority's profile belongs to the database; an award
decision copies its name and identifier into the tender's record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.contact import checked_email, checked_text
from svdesk.model.entities import (
    AuthorityProfile,
    AwardRecord,
    Bidder,
    ProcurementDetail,
    SupplierDetail,
    Tender,
    TenderStatus,
)
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.tenders import find_bidder

DEFAULT_INTERNAL_MARKING = "OFFICIAL-SENSITIVE: COMMERCIAL"
DEFAULT_SUPPLIER_MARKING = "OFFICIAL"
LOGO_LIMIT = 2_000_000  # bytes: a letterhead logo, not a photograph
# The competitive tendering procedures of the Procurement Act 2023, s.20(2): an assessment summary
# (s.50(3)) follows an award under s.19, after one of these two, so the procedure is one of them.
PROCEDURES = ("Open procedure", "Competitive flexible procedure")


# --- the contracting authority ---------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    name: str = ""
    address: str = ""
    email: str = ""
    identifier: str = ""
    contact: str = ""
    internal_marking: str = DEFAULT_INTERNAL_MARKING
    supplier_marking: str = DEFAULT_SUPPLIER_MARKING
    name_evaluators: bool = False  # supplier documents name the panel only when the authority chooses
    logo: bytes | None = None
    updated_at: str = ""
    updated_by: str = ""


_AUTHORITY_TEXT = {"name": 300, "email": 320, "identifier": 100, "contact": 300, "address": 1000}
_MARKING_LIMIT = 100


def authority(session: Session) -> Authority:
    """The database's authority profile (the defaults when none was set)."""
    row = session.get(AuthorityProfile, 1)
    if row is None:
        return Authority()
    return Authority(
        row.name,
        row.address,
        row.email,
        row.identifier,
        row.contact,
        row.internal_marking,
        row.supplier_marking,
        bool(row.name_evaluators),
        row.logo,
        row.updated_at,
        row.updated_by,
    )


_LOGO_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def set_authority(session: Session, actor: str, **fields: object) -> Authority:
    """Change some of the profile's fields (the others stay): name, address, email, identifier,
    contact, internal_marking, supplier_marking (text), name_evaluators (bool), logo (bytes of a
    PNG or JPEG, or None to remove it)."""
    known = {*_AUTHORITY_TEXT, "internal_marking", "supplier_marking", "name_evaluators", "logo"}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ValidationError(f"the authority profile has no field {', '.join(unknown)}")
    row = session.get(AuthorityProfile, 1)
    if row is None:
        row = AuthorityProfile(id=1, name="", address="", email="", identifier="", contact="")
        row.internal_marking, row.supplier_marking, row.name_evaluators = (
            DEFAULT_INTERNAL_MARKING,
            DEFAULT_SUPPLIER_MARKING,
            False,
        )
        session.add(row)
    for name, value in fields.items():
        who = f"authority {name.replace('_', ' ')}"
        if name == "email":
            row.email = checked_email(str(value or ""), who)
        elif name in _AUTHORITY_TEXT:
            setattr(row, name, checked_text(str(value or ""), who, _AUTHORITY_TEXT[name], lines=name == "address"))
        elif name in ("internal_marking", "supplier_marking"):
            marking = checked_text(str(value or ""), who, _MARKING_LIMIT)
            if not marking:
                raise ValidationError(f"{who}: a document needs a marking (e.g. {DEFAULT_SUPPLIER_MARKING})")
            setattr(row, name, marking)
        elif name == "name_evaluators":
            row.name_evaluators = bool(value)
        elif name == "logo":
            if value is not None and not isinstance(value, bytes):
                raise ValidationError("authority logo: the bytes of a PNG or JPEG file")
            if value is not None and (len(value) > LOGO_LIMIT or not value.startswith(_LOGO_MAGIC)):
                raise ValidationError(f"authority logo: a PNG or JPEG of at most {LOGO_LIMIT // 1_000_000} MB")
            row.logo = value
    row.updated_at = datetime.now(UTC).isoformat(timespec="seconds")
    row.updated_by = actor
    session.flush()
    return authority(session)


# --- who decides, and whether the parties may still change ------------------------------------------


def require_before_award(session: Session, tender: Tender, doing: str) -> None:
    """Supplier and procurement details may change until the award decision is recorded."""
    if tender.status == TenderStatus.AWARDED or session.get(AwardRecord, tender.id) is not None:
        raise WorkflowError(
            f"{doing}: tender {tender.reference} is awarded; what the award decision relied on stays as it "
            "was (reopen it, with a reason, to change it)"
        )


# --- the suppliers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supplier:
    name: str  # the bidder's name: its legal name
    address: str = ""
    email: str = ""
    identifier: str = ""  # Central Digital Platform supplier id, or Companies House number
    sme: bool | None = None
    vcse: bool | None = None


def suppliers(session: Session, tender: Tender) -> list[Supplier]:
    """Every bidder with its legal details, in registration order."""
    rows = session.execute(
        select(Bidder.name, SupplierDetail)
        .outerjoin(SupplierDetail, SupplierDetail.bidder_id == Bidder.id)
        .where(Bidder.tender_id == tender.id)
        .order_by(Bidder.position, Bidder.id)
    ).all()
    return [
        Supplier(name) if d is None else Supplier(name, d.address, d.email, d.identifier, d.sme, d.vcse)
        for name, d in rows
    ]


_SUPPLIER_TEXT = {"address": 1000, "email": 320, "identifier": 100}


def set_supplier(session: Session, tender: Tender, actor: str, bidder_name: str, **fields: object) -> Supplier:
    """Change some of a bidder's legal details: address, email, identifier (text), sme, vcse (bool
    or None: not said)."""
    unknown = sorted(set(fields) - {*_SUPPLIER_TEXT, "sme", "vcse"})
    if unknown:
        raise ValidationError(f"a supplier has no field {', '.join(unknown)}")
    bidder = find_bidder(session, tender, bidder_name)
    require_before_award(session, tender, f"changing {bidder.name}'s details")
    detail = session.get(SupplierDetail, bidder.id)
    before = state.supplier_value(detail) if detail is not None else None
    if detail is None:
        detail = SupplierDetail(bidder_id=bidder.id, address="", email="", identifier="", sme=None, vcse=None)
        session.add(detail)
    for name, value in fields.items():
        who = f"{bidder.name}: {name}"
        if name == "email":
            detail.email = checked_email(str(value or ""), who)
        elif name == "address":
            detail.address = checked_text(str(value or ""), who, _SUPPLIER_TEXT[name], lines=True)
        elif name == "identifier":
            detail.identifier = checked_text(str(value or ""), who, _SUPPLIER_TEXT[name]).upper()
        else:
            if value is not None and not isinstance(value, bool):
                raise ValidationError(f"{who}: yes, no, or not said")
            setattr(detail, name, value)
    session.flush()
    after = state.supplier_value(detail)
    if after != before:
        audit.record(session, tender.uid, actor, ChangeKind.SUPPLIER_SET, state.supplier_key(bidder.id), before, after)
    return Supplier(bidder.name, detail.address, detail.email, detail.identifier, detail.sme, detail.vcse)


# --- the procurement --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Procurement:
    procedure: str = ""
    criteria_published_at: str = ""  # where the full award criteria can be read: a link or a document
    decision_maker: str = ""  # who decides the award (a person or a body)
    delegated_authority: str = ""  # the authority they decide under (e.g. the scheme of delegation)


_PROCUREMENT_TEXT = {
    "procedure": 100,
    "criteria_published_at": 1000,
    "decision_maker": 300,
    "delegated_authority": 1000,
}


def procurement(session: Session, tender: Tender) -> Procurement:
    d = session.get(ProcurementDetail, tender.id)
    if d is None:
        return Procurement()
    return Procurement(d.procedure, d.criteria_published_at, d.decision_maker, d.delegated_authority)


def set_procurement(session: Session, tender: Tender, actor: str, **fields: object) -> Procurement:
    """Change some of: procedure, criteria_published_at, decision_maker, delegated_authority."""
    unknown = sorted(set(fields) - set(_PROCUREMENT_TEXT))
    if unknown:
        raise ValidationError(f"the procurement has no field {', '.join(unknown)}")
    require_before_award(session, tender, "changing the procurement's details")
    detail = session.get(ProcurementDetail, tender.id)
    before = state.procurement_value(detail) if detail is not None else None
    if detail is None:
        detail = ProcurementDetail(
            tender_id=tender.id, procedure="", criteria_published_at="", decision_maker="", delegated_authority=""
        )
        session.add(detail)
    for name, value in fields.items():
        text = checked_text(str(value or ""), name.replace("_", " "), _PROCUREMENT_TEXT[name])
        if name == "procedure" and text and text not in PROCEDURES:
            raise ValidationError(f"procedure: {text!r} is not one of {', '.join(map(repr, PROCEDURES))} (s.20(2))")
        setattr(detail, name, text)
    session.flush()
    after = state.procurement_value(detail)
    if after != before:
        audit.record(
            session, tender.uid, actor, ChangeKind.PROCUREMENT_SET, state.procurement_key(tender.id), before, after
        )
    return procurement(session, tender)
