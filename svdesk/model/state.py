"""The evaluation's canonical content, as a flat map of entity key -> value.

What "the record" is, is described once, in `record_shape.py`; this module derives from it:
- the writers' values: the audit log stores each change as (key, before, after) in exactly these
  shapes (`tender_value`, `pledge_key`, ... : the names the services call);
- the snapshot: `read_record` reads a tender's rows, `state_of` makes the map `verify` compares
  with the replayed log, so an edit made behind the app's back (e.g. with the sqlite3 shell) is
  named precisely;
- the sign-off fingerprint: the SHA-256 of this map keyed by names (without what is not
  fingerprinted: signatures and the workflow status). `state_encoding` writes the same bytes fast.

Keys use database ids (stable under renames); values carry the names a person reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from svdesk.model import record_shape as shape
from svdesk.model.audit import canonical_json
from svdesk.model.entities import (
    AwardRecord,
    Bidder,
    BidDocument,
    Declaration,
    DocumentPart,
    Meeting,
    MeetingMember,
    MemberDetail,
    MemberKey,
    PackIssue,
    PanelMember,
    Pledge,
    PledgeReview,
    ProcurementDetail,
    ProxyEntry,
    Question,
    RationaleOverride,
    Redaction,
    Signature,
    SignatureSeal,
    SupplierDetail,
    Tender,
    TenderMeasure,
)
from svdesk.model.record_spec import Kind, Part, Readable
from svdesk.model.rows import plain_rows

SMALL: tuple[Kind, ...] = tuple(k for k in shape.KINDS if not k.bulk)
BULK: tuple[Kind, ...] = tuple(k for k in shape.KINDS if k.bulk)
# Parts of the state that change by the workflow itself, not the evaluation's content.
NOT_FINGERPRINTED: tuple[str, ...] = tuple(f"{k.name}/" for k in shape.KINDS if not k.fingerprinted)
UNPRINTED_FIELDS: dict[str, frozenset[str]] = {k.name: k.unprinted for k in shape.KINDS if k.unprinted}
# The kinds of entity whose key carries ids of other entities, and which kinds those ids are.
KEY_PARTS: dict[str, tuple[str, ...]] = {
    k.name: tuple(p.kind for p in k.key) for k in shape.KINDS if k.readable is Readable.NAMES
}
NAMED_BY: dict[str, str] = {k.name: k.named_by for k in shape.KINDS if k.named_by is not None}
_READS_AS_KIND = frozenset(k.name for k in shape.KINDS if k.readable is Readable.KIND)


# --- the writers' values (what the services record in the audit log) --------------------------------


def value_of(kind: Kind, obj: Any, parts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The value of a mapped object of `kind`; `parts` may give a part's map already read."""
    value = kind.value(obj)
    for part in kind.parts:
        value[part.name] = parts[part.name] if parts is not None and part.name in parts else part.of_object(obj)
    return value


def tender_key(t: Tender) -> str:
    return shape.TENDER.key_of(t.id)


def tender_value(t: Tender, descriptors: dict[str, str] | None = None) -> dict[str, Any]:
    return value_of(shape.TENDER, t, None if descriptors is None else {"descriptors": descriptors})


def measure_key(m: TenderMeasure) -> str:
    return shape.MEASURE.key_of(m.id)


def measure_value(m: TenderMeasure) -> dict[str, Any]:
    return shape.MEASURE.value(m)


def question_key(q: Question) -> str:
    return shape.QUESTION.key_of(q.id)


def question_value(q: Question) -> dict[str, Any]:
    return shape.QUESTION.value(q)


def bidder_key(b: Bidder) -> str:
    return shape.BIDDER.key_of(b.id)


def bidder_value(b: Bidder) -> dict[str, Any]:
    return shape.BIDDER.value(b)


def member_key(m: PanelMember) -> str:
    return shape.MEMBER.key_of(m.id)


def member_value(m: PanelMember) -> dict[str, Any]:
    return shape.MEMBER.value(m)


def detail_key(member_id: int) -> str:
    return shape.MEMBER_DETAIL.key_of(member_id)


def detail_value(d: MemberDetail) -> dict[str, Any]:
    return shape.MEMBER_DETAIL.value(d)


def pledge_key(bidder_id: int, measure_id: int) -> str:
    return shape.PLEDGE.key_of(bidder_id, measure_id)


def pledge_value(p: Pledge) -> dict[str, Any]:
    return shape.PLEDGE.value(p)


def score_key(bidder_id: int, question_id: int, member_id: int) -> str:
    return shape.SCORE.key_of(bidder_id, question_id, member_id)


def score_value(score: float, rationale: str) -> dict[str, Any]:
    """The value of a score or a consensus score (the two kinds record the same fields)."""
    return shape.SCORE.value_of_columns(score, rationale)


def moderated_key(bidder_id: int, question_id: int) -> str:
    return shape.MODERATED.key_of(bidder_id, question_id)


def declaration_key(member_id: int, bidder_id: int) -> str:
    return shape.DECLARATION.key_of(member_id, bidder_id)


def declaration_value(d: Declaration) -> dict[str, Any]:
    return shape.DECLARATION.value(d)


def review_key(member_id: int, bidder_id: int, measure_id: int) -> str:
    return shape.REVIEW.key_of(member_id, bidder_id, measure_id)


def review_value(r: PledgeReview) -> dict[str, Any]:
    return shape.REVIEW.value(r)


def signature_key(s: Signature) -> str:
    return shape.SIGNATURE.key_of(s.id)


def signature_value(s: Signature) -> dict[str, Any]:
    return shape.SIGNATURE.value(s)


def key_key(k: MemberKey) -> str:
    return shape.KEY.key_of(k.id)


def key_value(k: MemberKey) -> dict[str, Any]:
    """The public values of an enrolled key (never its sealed private half: `record_shape.KEY`)."""
    return shape.KEY.value(k)


def seal_key(s: SignatureSeal) -> str:
    return shape.SEAL.key_of(s.signature_id)


def seal_value(s: SignatureSeal) -> dict[str, Any]:
    return shape.SEAL.value(s)


def pack_key(p: PackIssue) -> str:
    return shape.PACK.key_of(p.id)


def pack_value(p: PackIssue) -> dict[str, Any]:
    """What the record keeps of an issued pack (never its MAC key: `record_shape.PACK`)."""
    return shape.PACK.value(p)


def proxy_key(bidder_id: int, question_id: int, member_id: int) -> str:
    return shape.PROXY.key_of(bidder_id, question_id, member_id)


def proxy_value(p: ProxyEntry) -> dict[str, Any]:
    return shape.PROXY.value(p)


def supplier_key(bidder_id: int) -> str:
    return shape.SUPPLIER.key_of(bidder_id)


def supplier_value(d: SupplierDetail) -> dict[str, Any]:
    return shape.SUPPLIER.value(d)


def procurement_key(tender_id: int) -> str:
    return shape.PROCUREMENT.key_of(tender_id)


def procurement_value(d: ProcurementDetail) -> dict[str, Any]:
    return shape.PROCUREMENT.value(d)


def award_key(tender_id: int) -> str:
    return shape.AWARD.key_of(tender_id)


def award_value(a: AwardRecord) -> dict[str, Any]:
    return shape.AWARD.value(a)


def redaction_key(r: Redaction) -> str:
    return shape.REDACTION.key_of(r.id)


def redaction_value(r: Redaction) -> dict[str, Any]:
    return shape.REDACTION.value(r)


def override_key(o: RationaleOverride) -> str:
    return shape.OVERRIDE.key_of(o.id)


def override_value(o: RationaleOverride) -> dict[str, Any]:
    return shape.OVERRIDE.value(o)


def meeting_key(m: Meeting) -> str:
    return shape.MEETING.key_of(m.id)


def meeting_value(m: Meeting) -> dict[str, Any]:
    return shape.MEETING.value(m)


def attendance_key(meeting_id: int, member_id: int) -> str:
    return shape.ATTENDANCE.key_of(meeting_id, member_id)


def attendance_value(a: MeetingMember) -> dict[str, Any]:
    return shape.ATTENDANCE.value(a)


def minute_key(bidder_id: int, question_id: int) -> str:
    return shape.MINUTE.key_of(bidder_id, question_id)


def minute_value(meeting_id: int) -> dict[str, Any]:
    return shape.MINUTE.value_of_columns(meeting_id)


def document_key(d: BidDocument) -> str:
    return shape.DOCUMENT.key_of(d.id)


def document_value(d: BidDocument) -> dict[str, Any]:
    return shape.DOCUMENT.value(d)


def document_part_key(p: DocumentPart) -> str:
    return shape.DOCUMENT_PART.key_of(p.document_id, p.question_id)


def document_part_value(p: DocumentPart) -> dict[str, Any]:
    return shape.DOCUMENT_PART.value(p)


# --- the snapshot ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """The rows of one tender's record, read once with plain-column SELECTs (no ORM objects).

    Everything that reads the whole record (`current_state`, `verify`, the report data) starts
    from this, so a report reads the 80,000 scores once. Each attribute holds the rows of the kind
    (or part) of `record_shape` whose `rows` names it, laid out as its `columns`: key ids, fields,
    then the columns read for the reports; the small tables in position order.
    """

    descriptors: list[Any]  # (score, label) by score
    # (id, ref, description, unit, proxy_value, catalogue_proxy_value, proxy_override_reason, theme, position)
    measures: list[Any]
    # (id, code, section, title, text, guidance, weight, minimum_score, position)
    questions: list[Any]
    bidders: list[Any]  # (id, name, price, position)
    members: list[Any]  # (id, name, role, position)
    pledges: list[Any]  # (bidder_id, measure_id, quantity, accepted_quantity, adjustment_reason)
    scores: list[Any]  # (bidder_id, question_id, member_id, score, rationale)
    moderated: list[Any]  # (bidder_id, question_id, score, rationale)
    declarations: list[Any]  # (member_id, bidder_id, conflict, details)
    reviews: list[Any]  # (member_id, bidder_id, measure_id, decision, accepted_quantity, reason)
    # (id, member_id, name, role, signed_at, fingerprint, audit_head, withdrawn) by id
    signatures: list[Any]
    member_details: list[Any]  # (member_id, email, withdrawn, withdrawal_reason, withdrawn_at)
    keys: list[Any]  # (id, member_id, public_key, key_fingerprint, enrolled_at, reason, retired) by id
    seals: list[Any]  # (signature_id, key_id, seal)
    # (id, pack_uid, member_id, issued_at, imported_at, imported_by) by id; a default, as records built
    # by hand before packs were recorded hold none
    packs: list[Any] = field(default_factory=list)
    # (bidder_id, question_id, member_id, entered_by, source, entered_at, confirmed_at): scores
    # entered by proxy; a default for the same reason
    proxies: list[Any] = field(default_factory=list)
    # issue 15 (defaults for the same reason): (bidder_id, address, email, identifier, sme, vcse)
    suppliers: list[Any] = field(default_factory=list)
    # (tender_id, procedure, criteria_published_at, decision_maker, delegated_authority): 0 or 1 row
    procurement: list[Any] = field(default_factory=list)
    awards: list[Any] = field(default_factory=list)  # (tender_id, decided_on, ...): 0 or 1 row
    # (id, bidder_id, question_id, passage, reason, made_by, made_at) by id
    redactions: list[Any] = field(default_factory=list)
    # issue 16 (defaults for the same reason): (id, held_on, mode, place, chair_id, notes) by id
    meetings: list[Any] = field(default_factory=list)
    attendance: list[Any] = field(default_factory=list)  # (meeting_id, member_id, present, reason)
    minutes: list[Any] = field(default_factory=list)  # (bidder_id, question_id, meeting_id)
    # (id, bidder_id, question_id, member_id, code, text_hash, reason, made_by, made_at) by id
    overrides: list[Any] = field(default_factory=list)
    # issue 18 (defaults for the same reason): (id, bidder_id, sha256, name, title, size, pages, media,
    # commercial, late_reason, added_at, added_by) by id; (document_id, question_id, first_page, last_page)
    documents: list[Any] = field(default_factory=list)
    document_parts: list[Any] = field(default_factory=list)


def _reads() -> tuple[Kind | Part, ...]:
    """What `read_record` reads, the tender's own rows first (the others are found by their ids)."""
    reads: list[Kind | Part] = [part for kind in shape.KINDS for part in kind.parts]
    reads += [kind for kind in shape.KINDS if kind.rows is not None]
    return tuple(sorted(reads, key=lambda r: r.scope is None or r.scope.of != "tender"))


READS = _reads()
_SCOPES = frozenset(r.scope.of for r in READS if r.scope is not None) - {"tender"}


def rows_name(read: Kind | Part) -> str:
    """The `Record` attribute holding the rows of a kind or part."""
    if read.rows is None:
        raise TypeError(f"{read.name} is not read as rows")
    return read.rows


def rows_of(record: Record, read: Kind | Part) -> list[Any]:
    rows: list[Any] = getattr(record, rows_name(read))
    return rows


def read_record(session: Session, tender: Tender) -> Record:
    """Read the whole record of one tender: one SELECT of plain columns per table."""
    ids: dict[str, Any] = {"tender": tender.id}
    rows: dict[str, list[Any]] = {}
    for read in READS:
        got = rows[rows_name(read)] = plain_rows(session, read.statement(ids))
        if isinstance(read, Kind) and read.name in _SCOPES:
            ids[read.name] = [r[0] for r in got] or [-1]
    return Record(**rows)


def small_state(tender: Tender, record: Record) -> dict[str, Any]:
    """The state of everything but the bulk kinds (pledges, scores, moderated scores)."""
    state: dict[str, Any] = {}
    for kind in SMALL:
        if kind.rows is None:  # the tender itself
            parts = {part.name: part.of_rows(rows_of(record, part)) for part in kind.parts}
            state[kind.key_of(tender.id)] = value_of(kind, tender, parts)
        else:
            kind.fill(rows_of(record, kind), state)
    return state


def state_of(tender: Tender, record: Record) -> dict[str, Any]:
    """The canonical state map of a record read by `read_record` (the writers' shapes)."""
    state = small_state(tender, record)
    for kind in BULK:
        kind.fill(rows_of(record, kind), state)
    return state


def current_state(session: Session, tender: Tender) -> dict[str, Any]:
    """Read the whole record of one tender with one query per table."""
    return state_of(tender, read_record(session, tender))


# --- names and the fingerprint ---------------------------------------------------------------------------


def names_for(state: dict[str, Any]) -> dict[str, dict[str, str]]:
    """id -> readable name for each kind that names rows, from the state itself."""
    names: dict[str, dict[str, str]] = {kind: {} for kind in NAMED_BY}
    for key, value in state.items():
        kind, _, ident = key.partition("/")
        if kind in names and isinstance(value, dict):
            names[kind][ident] = str(value.get(NAMED_BY[kind], ident))
    return names


def readable_key(key: str, names: dict[str, dict[str, str]]) -> str:
    """'score/3/7/2' -> 'score/Weaver Valley Care Ltd/Q1/Tom Ellis' (ids replaced by names)."""
    kind, *ids = key.split("/")
    order = KEY_PARTS.get(kind)
    if kind in _READS_AS_KIND:
        return kind
    if order is None or len(order) != len(ids):
        return key
    return "/".join([kind, *(names[k].get(i, f"#{i}") for k, i in zip(order, ids, strict=True))])


def readable_keys(keys: list[str], names: dict[str, dict[str, str]]) -> list[str]:
    """`readable_key` of many keys at once (the fingerprint renames every key of the record)."""
    lookups = {kind: [names[k] for k in order] for kind, order in KEY_PARTS.items()}
    out = []
    for key in keys:
        kind, *ids = key.split("/")
        parts = lookups.get(kind)
        if kind in _READS_AS_KIND:
            out.append(kind)
        elif parts is None or len(parts) != len(ids):
            out.append(key)
        else:
            out.append("/".join([kind, *[n.get(i, f"#{i}") for n, i in zip(parts, ids, strict=True)]]))
    return out


def unprinted_fields(key: str) -> frozenset[str] | None:
    """The fields of this key's value that the fingerprint leaves out, if any."""
    kind, slash, _ = key.partition("/")
    return UNPRINTED_FIELDS.get(kind) if slash else None


def content_fingerprint(state: dict[str, Any]) -> str:
    """SHA-256 of the evaluation's content: everything fingerprinted (not signatures nor the status).

    Keyed by names, not database ids, so the same evaluation loaded elsewhere has the same print.
    """
    keys = [key for key in state if not key.startswith(NOT_FINGERPRINTED)]
    values = []
    for key in keys:
        drop = unprinted_fields(key)
        values.append({k: v for k, v in state[key].items() if k not in drop} if drop else state[key])
    content = dict(zip(readable_keys(keys, names_for(state)), values, strict=True))
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
