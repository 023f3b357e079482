"""The persisted domain: catalogue, tenders and everything a panel records about them.

Typed SQLAlchemy 2.0 mappings. Nothing here is SQLite-specific: the same mappings run on
PostgreSQL. Money and quantities are floats (IEEE double, 15-16 significant digits, far above
pence on any contract value); rounding to 2 dp happens only where a figure is reported.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The stored enums live, with their labels, in svdesk.model.kinds (importable without the ORM);
# re-exported here, where the mappings use them.
from svdesk.model.kinds import QuantitativeMethod as QuantitativeMethod
from svdesk.model.kinds import Role as Role
from svdesk.model.kinds import Section as Section
from svdesk.model.kinds import TenderStatus as TenderStatus

# Explicit constraint names so alembic revisions are reproducible on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings (no native ENUM type): adding a value never needs a type migration.
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


# --- catalogue ---------------------------------------------------------------------------------


class Framework(Base):
    """A measure catalogue: the National TOMs, or a council's own framework."""

    __tablename__ = "framework"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    themes: Mapped[list[Theme]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="Theme.position"
    )
    __table_args__ = (UniqueConstraint("name", "version"),)


class Theme(Base):
    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    framework: Mapped[Framework] = relationship(back_populates="themes")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", order_by="Outcome.position"
    )


class Outcome(Base):
    __tablename__ = "outcome"
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    theme: Mapped[Theme] = relationship(back_populates="outcomes")
    measures: Mapped[list[Measure]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="Measure.position"
    )


class Measure(Base):
    __tablename__ = "measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)  # None records a gap in the source, never invented
    question: Mapped[str | None] = mapped_column(Text)  # the full question put to bidders, when known
    unit: Mapped[str | None] = mapped_column(String(200))
    proxy_value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")  # where text, unit and proxy came from
    notes: Mapped[str] = mapped_column(Text, default="")  # recorded gaps
    position: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[Outcome] = relationship(back_populates="measures")
    tags: Mapped[list[MeasureTag]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="MeasureTag.id"
    )
    __table_args__ = (UniqueConstraint("framework_id", "ref"),)


class MeasureTag(Base):
    """A local priority a measure serves, e.g. kind 'CWB priority', value 'Progressive Procurement'."""

    __tablename__ = "measure_tag"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(300))
    measure: Mapped[Measure] = relationship(back_populates="tags")


# --- tender --------------------------------------------------------------------------------------


class Tender(Base):
    __tablename__ = "tender"
    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable identity for the audit chain: it outlives renames of the reference.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    contract_value: Mapped[float] = mapped_column(Float, default=0.0)
    weight_price: Mapped[float] = mapped_column(Float)
    weight_quality: Mapped[float] = mapped_column(Float)
    weight_social_value: Mapped[float] = mapped_column(Float)
    sv_quantitative_share: Mapped[float] = mapped_column(Float, default=50.0)
    quantitative_method: Mapped[QuantitativeMethod] = mapped_column(
        _enum(QuantitativeMethod, "quantitative_method"), default=QuantitativeMethod.RELATIVE_VALUE
    )
    scale_max: Mapped[float] = mapped_column(Float, default=5.0)
    scale_step: Mapped[float] = mapped_column(Float, default=1.0)
    status: Mapped[TenderStatus] = mapped_column(_enum(TenderStatus, "tender_status"), default=TenderStatus.DRAFT)
    hide_prices_from_quality: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    descriptors: Mapped[list[ScaleDescriptor]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="ScaleDescriptor.score"
    )
    measures: Mapped[list[TenderMeasure]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="TenderMeasure.position"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Question.position"
    )
    bidders: Mapped[list[Bidder]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="Bidder.position"
    )
    panel: Mapped[list[PanelMember]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="PanelMember.position"
    )
    __mapper_args__ = {"version_id_col": version}


class ScaleDescriptor(Base):
    __tablename__ = "scale_descriptor"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(Text)
    tender: Mapped[Tender] = relationship(back_populates="descriptors")
    __table_args__ = (UniqueConstraint("tender_id", "score"),)


class TenderMeasure(Base):
    """A measure chosen for a tender: a frozen copy, so later catalogue edits never change it."""

    __tablename__ = "tender_measure"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    # Provenance only; SET NULL so deleting a catalogue never touches a tender.
    catalogue_measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="SET NULL"))
    ref: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(200), default="")
    proxy_value: Mapped[float] = mapped_column(Float)
    catalogue_proxy_value: Mapped[float | None] = mapped_column(Float)  # proxy when selected
    proxy_override_reason: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    tender: Mapped[Tender] = relationship(back_populates="measures")
    __table_args__ = (UniqueConstraint("tender_id", "ref"),)


class Question(Base):
    __tablename__ = "question"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # the user's id, e.g. "Q1"
    section: Mapped[Section] = mapped_column(_enum(Section, "question_section"))
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")  # short name for grids
    text: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(Float)
    minimum_score: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    tender: Mapped[Tender] = relationship(back_populates="questions")
    __table_args__ = (UniqueConstraint("tender_id", "code"),)


class Bidder(Base):
    __tablename__ = "bidder"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    price: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    tender: Mapped[Tender] = relationship(back_populates="bidders")
    pledges: Mapped[list[Pledge]] = relationship(back_populates="bidder", cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("tender_id", "name"),)


class Pledge(Base):
    """A bidder's pledged quantity against one of the tender's measures."""

    __tablename__ = "pledge"
    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    tender_measure_id: Mapped[int] = mapped_column(ForeignKey("tender_measure.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[float] = mapped_column(Float)
    # Set when the panel adjusts the pledge (reduce or reject = 0); None means accepted as pledged.
    accepted_quantity: Mapped[float | None] = mapped_column(Float)
    adjustment_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    bidder: Mapped[Bidder] = relationship(back_populates="pledges")
    measure: Mapped[TenderMeasure] = relationship()
    __table_args__ = (UniqueConstraint("bidder_id", "tender_measure_id"),)
    __mapper_args__ = {"version_id_col": version}


class PanelMember(Base):
    __tablename__ = "panel_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "panel_role"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    tender: Mapped[Tender] = relationship(back_populates="panel")
    __table_args__ = (UniqueConstraint("tender_id", "name"),)


class Score(Base):
    """One panel member's individual score of one bid against one question."""

    __tablename__ = "score"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    member: Mapped[PanelMember] = relationship()
    bidder: Mapped[Bidder] = relationship()
    question: Mapped[Question] = relationship()
    __table_args__ = (
        UniqueConstraint("member_id", "bidder_id", "question_id"),
        # covers the moderation grid's per-cell aggregate, so its 80,000 rows are read from the index
        Index("ix_score_cell", "bidder_id", "question_id", "member_id", "score"),
    )
    __mapper_args__ = {"version_id_col": version}


class ModeratedScore(Base):
    """The panel's consensus score for one bid and question, with its written rationale."""

    __tablename__ = "moderated_score"
    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    bidder: Mapped[Bidder] = relationship()
    question: Mapped[Question] = relationship()
    __table_args__ = (UniqueConstraint("bidder_id", "question_id"),)
    __mapper_args__ = {"version_id_col": version}


# --- the record ----------------------------------------------------------------------------------


class AuditEntry(Base):
    """Append-only, hash-chained log of every change to a tender.

    Deliberately no foreign key to tender: the log must survive the tender being replaced or
    deleted, and the database refuses UPDATE and DELETE on these rows (see the migration).
    """

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_uid: Mapped[str] = mapped_column(String(36), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str] = mapped_column(Text, default="null")  # canonical JSON
    after: Mapped[str] = mapped_column(Text, default="null")
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The actor's Ed25519 signature over the entry's hash (audit.entry_message), and the fingerprint
    # of the key that made it; empty for an entry made before anyone on the tender enrolled.
    signed_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    signature: Mapped[str] = mapped_column(String(128), default="", server_default="")
    # A second writer racing for the same seq fails instead of forking the chain. The keys' index
    # lets a history filtered by bid or question scan 100,000 keys without reading their values.
    __table_args__ = (
        UniqueConstraint("tender_uid", "seq"),
        Index("ix_audit_entry_entity", "tender_uid", "entity", "seq"),
    )


class Declaration(Base):
    """A panel member's conflict-of-interest declaration about one bidder, made before seeing bids."""

    __tablename__ = "declaration"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    conflict: Mapped[bool] = mapped_column(Boolean)
    details: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    member: Mapped[PanelMember] = relationship()
    bidder: Mapped[Bidder] = relationship()
    __table_args__ = (UniqueConstraint("member_id", "bidder_id"),)


class Signature(Base):
    """One member's sign-off: the fingerprint of the content and the audit head they signed."""

    __tablename__ = "signature"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("panel_member.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))  # kept even if the member row goes
    role: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    audit_head: Mapped[str] = mapped_column(String(64))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)  # set when the tender is reopened


class MemberDetail(Base):
    """What the panel set-up records of a member beyond name and role: how to reach them, and a
    withdrawal (a member who has acted is withdrawn with a reason, never removed)."""

    __tablename__ = "member_detail"
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[str] = mapped_column(String(40), default="")


class MemberKey(Base):
    """A person's enrolment: the Ed25519 key pair made when they chose their own passphrase.

    The public key is part of the record (and printed in the reports' sign-off block); the private
    key is kept only sealed under a key derived from the passphrase, which svdesk never stores. A
    re-enrolment (a forgotten passphrase) retires the old key, which still verifies what it signed.
    """

    __tablename__ = "member_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # hex of the 32-byte Ed25519 public key
    key_fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the public key, hex
    enrolled_at: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")  # why a person was enrolled again
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # the secret half, never part of the record
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # nonce + AES-GCM ciphertext
    kdf: Mapped[str] = mapped_column(String(100))  # e.g. "scrypt n=32768 r=8 p=1"
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str] = mapped_column(String(40), default="")  # slowed after failed attempts


class SignatureSeal(Base):
    """The member's Ed25519 signature over what a sign-off signed (its fingerprint and audit head),
    made with the key enrolled for them at the time."""

    __tablename__ = "signature_seal"
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id", ondelete="CASCADE"), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("member_key.id", ondelete="RESTRICT"), index=True)
    seal: Mapped[str] = mapped_column(String(128))  # hex of the 64-byte signature


class PackIssue(Base):
    """An offline scoring pack as issued: a random pack id and the key of its MAC, which binds the
    pack's Meta sheet and rows to this tender, member and export. The key never leaves the
    database (the pack carries only the MAC); a pack is imported once."""

    __tablename__ = "pack_issue"
    id: Mapped[int] = mapped_column(primary_key=True)
    pack_uid: Mapped[str] = mapped_column(String(64), unique=True)  # the random pack id in the Meta sheet
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[str] = mapped_column(String(40))
    mac_key: Mapped[bytes] = mapped_column(LargeBinary)  # 32 random bytes, the pack's own: a secret
    imported_at: Mapped[str | None] = mapped_column(String(40), nullable=True, default=None)
    imported_by: Mapped[str] = mapped_column(String(200), default="")


class ProxyEntry(Base):
    """A member's individual score typed in by the officer from the member's signed paper form or
    offline pack (issue 13: proxy entry, honestly recorded): who entered it, from what, when, and
    when the member confirmed it as theirs (signed in; "" until then). One row per score, keyed as
    the score is; entered again (a correction), it is unconfirmed again."""

    __tablename__ = "proxy_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    entered_by: Mapped[str] = mapped_column(String(200))  # the officer, by name
    source: Mapped[str] = mapped_column(Text)  # "paper form signed by Tom Ellis, dated 3 Dec" / "offline pack <sha256>"
    entered_at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC
    confirmed_at: Mapped[str] = mapped_column(String(40), default="")  # "" until the member confirms
    __table_args__ = (UniqueConstraint("member_id", "bidder_id", "question_id"),)


class PledgeReview(Base):
    """One panel member's view of one pledge while scoring: accept, reduce to a quantity, or reject.

    The panel reconciles these views in moderation into the pledge's accepted quantity.
    """

    __tablename__ = "pledge_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(10))  # accept | reduce | reject
    accepted_quantity: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("member_id", "pledge_id"),)
    __mapper_args__ = {"version_id_col": version}


# --- issue 15: the parties as the law names them, disclosure and the award stage -----------------


class AuthorityProfile(Base):
    """The contracting authority this database belongs to: one row (id 1) per database.

    Printed in every document (the law's "contracting authority"); copied into a tender's record
    when its award decision is recorded (`AwardRecord.authority_name`), so a later change of
    profile never rewrites what an awarded tender said. The markings are the authority's own
    choice: one for internal reports, another for what goes to a supplier (issue 15 item 3).
    """

    __tablename__ = "authority_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    identifier: Mapped[str] = mapped_column(String(100), default="")  # e.g. its PPON or GB-... id
    contact: Mapped[str] = mapped_column(String(300), default="")  # a named contact or team, a phone
    internal_marking: Mapped[str] = mapped_column(String(100), default="OFFICIAL-SENSITIVE: COMMERCIAL")
    supplier_marking: Mapped[str] = mapped_column(String(100), default="OFFICIAL")
    name_evaluators: Mapped[bool] = mapped_column(Boolean, default=False)  # in supplier documents
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, default=None)  # PNG or JPEG
    updated_at: Mapped[str] = mapped_column(String(40), default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")


class SupplierDetail(Base):
    """A bidder as regulation 31(2)(a)-(c) names it: the bidder's name is its legal name; here its
    contact postal address and email, its unique identifier (Central Digital Platform supplier id,
    or Companies House number) and whether it is an SME or a VCSE (None: not yet said)."""

    __tablename__ = "supplier_detail"
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    identifier: Mapped[str] = mapped_column(String(100), default="")
    sme: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)
    vcse: Mapped[bool | None] = mapped_column(Boolean, nullable=True, default=None)


class ProcurementDetail(Base):
    """The procurement a tender belongs to: its procedure, where the full award criteria can be
    read (reg 31(2)(d)(ii)), who decides the award and under what delegated authority."""

    __tablename__ = "procurement_detail"
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), primary_key=True)
    procedure: Mapped[str] = mapped_column(String(100), default="")
    criteria_published_at: Mapped[str] = mapped_column(Text, default="")
    decision_maker: Mapped[str] = mapped_column(String(300), default="")
    delegated_authority: Mapped[str] = mapped_column(Text, default="")


class AwardRecord(Base):
    """The award stage of one tender: the decision (who, under what authority, when, approving which
    recommendation), the day the assessment summaries were sent, the day the contract award notice
    was published, the standstill's end computed from it (Act s.51) and the day the contract was
    entered into. Dates are ISO days ("2026-12-14"); "" until the step is recorded."""

    __tablename__ = "award_record"
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), primary_key=True)
    decided_on: Mapped[str] = mapped_column(String(10))
    decision_maker: Mapped[str] = mapped_column(String(300))
    delegated_authority: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(String(300))  # the bidder whose award it approves
    authority_name: Mapped[str] = mapped_column(String(300), default="")  # the profile, as it was
    authority_identifier: Mapped[str] = mapped_column(String(100), default="")
    summaries_sent_on: Mapped[str] = mapped_column(String(10), default="")
    notice_published_on: Mapped[str] = mapped_column(String(10), default="")
    standstill_ends_on: Mapped[str] = mapped_column(String(10), default="")
    contract_entered_on: Mapped[str] = mapped_column(String(10), default="")


class Redaction(Base):
    """A passage of one bid's consensus explanation withheld from the other suppliers' assessment
    summaries as commercially sensitive, with the officer's reason. The bidder's own summary shows
    it whole; the internal reports list every redaction (issue 15 item 3)."""

    __tablename__ = "redaction"
    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    passage: Mapped[str] = mapped_column(Text)  # exactly as it appears in the explanation
    reason: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(200))
    made_at: Mapped[str] = mapped_column(String(40))


# --- issue 16: the moderation meeting on the record ----------------------------------------------


class Meeting(Base):
    """A moderation meeting of a tender's panel: when, where (a room, or a call), who chaired it and
    the notes of the discussion. Who attended and who sent apologies are its `MeetingMember` rows;
    the consensus scores agreed in it are its `MeetingItem` rows (`services/meetings`)."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[str] = mapped_column(String(10))  # ISO day, "2026-01-14"
    mode: Mapped[str] = mapped_column(String(10), default="room")  # "room" | "call"
    place: Mapped[str] = mapped_column(Text, default="")  # the room, or the call's service
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("panel_member.id", ondelete="SET NULL"), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class MeetingMember(Base):
    """One panel member at one meeting: present, or absent with apologies (the reason optional)."""

    __tablename__ = "meeting_member"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("panel_member.id", ondelete="CASCADE"), primary_key=True)
    present: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")


class MeetingItem(Base):
    """The meeting in which the consensus score of one bid and question was agreed. A row of its own,
    keyed as the consensus is, so that consensus scores recorded before meetings were (and those a
    file loads without one) simply have none, and their record stays as it was."""

    __tablename__ = "meeting_item"
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)


# --- issue 16: explanations that hold up --------------------------------------------------------


class RationaleOverride(Base):
    """One flag of the rationale check (`svdesk.model.rationale`) set aside for one rationale, with
    the reason, by whom and when. `member_id` None: the panel's consensus rationale. It holds for
    the text it was made on only (`text_hash`, SHA-256 of the rationale as stored): once the text
    changes, the flag is looked at afresh, and the row stays as the record of what was decided."""

    __tablename__ = "rationale_override"
    id: Mapped[int] = mapped_column(primary_key=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_member.id", ondelete="CASCADE"), nullable=True, index=True
    )
    code: Mapped[str] = mapped_column(String(30))  # rationale.CODES
    text_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    made_by: Mapped[str] = mapped_column(String(200))
    made_at: Mapped[str] = mapped_column(String(40))


# --- issue 18: the bidders' response documents in the record ------------------------------------


class BidDocument(Base):
    """One document of a bidder's response, as imported: its SHA-256 (the bytes are in the document
    store, `svdesk.model.document_store`, never in this row, so the database stays small to open
    and to back up), its file name, size and page count (None: not a PDF, opened with the desktop's
    application and not citable by page). Frozen once scoring opens: a late clarification is a new
    document with its reason, never a replacement (Procurement Act 2023 s.98: the record explains
    what the panel evaluated)."""

    __tablename__ = "bid_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("bidder.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))  # hex of the file's bytes: its address in the store
    name: Mapped[str] = mapped_column(String(300))  # the file name as imported
    title: Mapped[str] = mapped_column(String(300))  # the stem, as citations name it: "Method statement"
    size: Mapped[int] = mapped_column(Integer)  # bytes
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: not a PDF
    media: Mapped[str] = mapped_column(String(10))  # "pdf" | "other"
    commercial: Mapped[bool] = mapped_column(Boolean, default=False)  # hidden from quality evaluators with prices
    late_reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # a clarification after scoring opened
    added_at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC
    added_by: Mapped[str] = mapped_column(String(200))  # the person acting, by name
    __table_args__ = (UniqueConstraint("tender_id", "bidder_id", "sha256"),)


class DocumentPart(Base):
    """Which part of a document answers one question: pages `first_page`..`last_page` (1-based,
    inclusive), or the whole file (both None)."""

    __tablename__ = "document_part"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("bid_document.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    first_page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (UniqueConstraint("document_id", "question_id"),)


class DocumentBlob(Base):
    """The bytes of a stored document (and of its page-text sidecar, key '<sha>.text') on PostgreSQL,
    in 1 MiB chunks; on SQLite they are files beside the database and this table stays empty.
    Content-addressed and never deleted (`document_store`)."""

    __tablename__ = "document_blobs"
    blob_key: Mapped[str] = mapped_column(String(80), primary_key=True)  # "<sha256>" or "<sha256>.text"
    chunk: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
