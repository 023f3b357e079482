"""The record is described once (svdesk/model/record_shape.py), and the description is complete and true.

- every mapped column of every audited entity is part of the record or listed with the reason it
  is not, and every mapped entity is either described or listed as not audited;
- the writers' values the services record are the snapshot's values, row for row;
- a record written before the description existed (tests/data/pre_shape_record.sqlite, made by
  tests/data/make_pre_shape_record.py with the earlier hand-written state.py) still verifies, and
  its fingerprint, audit head and canonical state are the ones recorded when it was made.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from svdesk.model import audit, record_shape, state, state_encoding
from svdesk.model.entities import (
    AuditEntry,
    Base,
    Declaration,
    ModeratedScore,
    Pledge,
    PledgeReview,
    Score,
    Signature,
)
from svdesk.model.record_spec import KEY_PATTERN, Kind, Part, Readable
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.tenders import get_tender
from svdesk.model.services.verify import verify_tender

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "pre_shape_record.sqlite"
RECORDED = json.loads((DATA / "pre_shape_record.json").read_text(encoding="utf-8"))["tenders"]
KINDS = {kind.name: kind for kind in record_shape.KINDS}
# kinds added after the fixture was made (the panel's details, the members' keys, packs and proxy entries): an earlier
# record has no rows of them, which is why adding them left its snapshot and fingerprint as they were
ADDED_SINCE = {"detail", "key", "seal", "pack", "proxy", "supplier", "procurement", "award", "redaction"}
ADDED_SINCE |= {"meeting", "attendance", "minute"}  # issue 16: the moderation meetings
ADDED_SINCE |= {"override"}  # issue 16: rationale flags overridden
ADDED_SINCE |= {"document", "part"}  # issue 18: the bidders' documents and the parts answering each question


# --- the description is complete ----------------------------------------------------------------------


def described() -> dict[type, list[Kind | Part]]:
    out: dict[type, list[Kind | Part]] = {}
    for kind in record_shape.KINDS:
        out.setdefault(kind.entity, []).append(kind)
        for part in kind.parts:
            out.setdefault(part.entity, []).append(part)
    return out


def recorded_columns(entry: Kind | Part) -> set[str]:
    """The entity's own columns the description uses: key ids, fields (part: key and value), scope."""
    if isinstance(entry, Part):
        columns = [entry.key, entry.value, entry.scope.column]
    else:
        columns = [k.column for k in entry.key] + [f.column for f in entry.fields]
        columns += [entry.scope.column] if entry.scope is not None else []
    return {c.key for c in columns if c.class_ is entry.entity}


def test_every_mapped_entity_is_described_or_not_audited():
    by_entity = described()
    for mapper in Base.registry.mappers:
        entity = mapper.class_
        if entity in record_shape.NOT_AUDITED:
            assert record_shape.NOT_AUDITED[entity].strip(), entity
            assert entity not in by_entity, f"{entity.__name__} is both described and not audited"
        else:
            assert len(by_entity.get(entity, [])) == 1, f"{entity.__name__}: describe it once in record_shape.py"
    assert set(by_entity) <= {m.class_ for m in Base.registry.mappers}


@pytest.mark.parametrize("entity", sorted(described(), key=lambda e: e.__name__), ids=lambda e: e.__name__)
def test_every_mapped_column_is_recorded_or_excused(entity):
    (entry,) = described()[entity]
    columns = {attr.key for attr in inspect(entity).column_attrs}
    recorded = recorded_columns(entry)
    excused = dict(entry.not_recorded)
    assert all(reason.strip() for reason in excused.values())
    assert not recorded & set(excused), f"{entity.__name__}: recorded and excused: {recorded & set(excused)}"
    assert columns - recorded - set(excused) == set(), f"{entity.__name__}: columns neither recorded nor excused"
    assert recorded | set(excused) <= columns, f"{entity.__name__}: the description names columns that do not exist"
    if isinstance(entry, Kind):
        assert {c.key for c in entry.also_read} <= set(excused), "a column read for the reports is not in the record"
        assert all(f.column.class_ is entity for f in entry.fields)


def test_the_kinds_hold_together():
    assert len(KINDS) == len(record_shape.KINDS)
    for kind in record_shape.KINDS:
        key = kind.key_of(*range(1, len(kind.key) + 1))
        assert re.fullmatch(KEY_PATTERN, key) and state_encoding.is_plain_key(key)
        assert all(part.kind in KINDS for part in kind.key)
        assert kind.named_by is None or kind.named_by in {f.name for f in kind.fields}
        names = [f.name for f in kind.fields] + [p.name for p in kind.parts]
        assert len(set(names)) == len(names)
        if kind.readable is Readable.NAMES:
            assert all(KINDS[part.kind].named_by for part in kind.key), kind.name
    # the record's attributes are exactly what is read, each once
    reads = [read.rows for read in state.READS]
    assert sorted(reads) == sorted(f.name for f in dataclasses.fields(state.Record))
    # the derived tables are the ones the rest of the app has always read
    assert state.NOT_FINGERPRINTED == (
        "signature/",
        "key/",
        "seal/",
        "pack/",
        "supplier/",
        "procurement/",
        "award/",
        "redaction/",
        "meeting/",
        "attendance/",
        "minute/",
        "override/",
        "document/",
        "part/",
    )
    assert dict(state.UNPRINTED_FIELDS) == {"tender": {"status"}}
    assert state.NAMED_BY == {"measure": "ref", "question": "code", "bidder": "name", "member": "name"}
    assert state.KEY_PARTS == {
        "pledge": ("bidder", "measure"),
        "score": ("bidder", "question", "member"),
        "moderated": ("bidder", "question"),
        "declaration": ("member", "bidder"),
        "review": ("member", "bidder", "measure"),
        "measure": ("measure",),
        "question": ("question",),
        "bidder": ("bidder",),
        "member": ("member",),
        "detail": ("member",),
        "proxy": ("bidder", "question", "member"),
        "supplier": ("bidder",),
        "minute": ("bidder", "question"),
    }
    assert [k.name for k in state.SMALL + state.BULK] == [
        *("tender", "measure", "question", "bidder", "member", "declaration", "review", "signature"),
        *("detail", "key", "seal", "pack", "supplier", "procurement", "award", "redaction"),
        *("meeting", "attendance", "minute"),
        *("override", "document", "part"),
        *("pledge", "score", "moderated", "proxy"),
    ]


# --- a record written before the description --------------------------------------------------------------


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """A copy of the committed record (opening migrates it and adds the catalogue: never the original)."""
    path = shutil.copy(FIXTURE, tmp_path_factory.mktemp("before") / "before.sqlite")
    db = open_svdesk_database(path)
    yield db
    db.dispose()


@pytest.mark.parametrize("reference", sorted(RECORDED))
def test_a_record_written_before_verifies_with_the_same_fingerprint(before, reference):
    recorded = RECORDED[reference]
    with before.reader() as s:
        tender = get_tender(s, reference)
        report = verify_tender(s, tender)
        assert report.ok, report.problems
        assert report.fingerprint == recorded["fingerprint"]
        assert report.audit_head == recorded["audit_head"] and report.entries == recorded["audit_entries"]
        assert sorted({sig["fingerprint"] for sig in report.signatures}) == recorded["signed_fingerprints"]
        assert all(sig["fingerprint_matches"] and sig["audit_head_found"] for sig in report.signatures)
        record = state.read_record(s, tender)
        snapshot = state.state_of(tender, record)
        text = audit.canonical_json(snapshot)
        assert len(snapshot) == recorded["state_keys"]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == recorded["state_sha256"]
        encoded = state_encoding.encode_state(tender, record)
        assert encoded.exact and "{" + ",".join(encoded.members) + "}" == text
        assert encoded.fingerprint == state.content_fingerprint(snapshot) == recorded["fingerprint"]


def test_the_record_written_before_covers_every_kind_and_change(before):
    """The fixture exercises every kind: each is in some snapshot, and each was changed in the log."""
    with before.reader() as s:
        kinds = set()
        for reference in RECORDED:
            kinds |= {key.split("/")[0] for key in state.current_state(s, get_tender(s, reference))}
        logged = {e.split("/")[0] for e in s.scalars(select(AuditEntry.entity)) if "/" in e}
    assert kinds == set(KINDS) - ADDED_SINCE
    assert logged == set(KINDS) - ADDED_SINCE


@pytest.mark.parametrize("reference", sorted(RECORDED))
def test_the_writers_values_are_the_snapshot(before, reference):
    """What the services record for each row (state.*_value) is that row's value in the snapshot."""
    with before.reader() as s:
        t = get_tender(s, reference)
        snapshot = state.current_state(s, t)
        bidders, members = [b.id for b in t.bidders], [m.id for m in t.panel]
        written = {state.tender_key(t): state.tender_value(t)}
        written |= {state.measure_key(m): state.measure_value(m) for m in t.measures}
        written |= {state.question_key(q): state.question_value(q) for q in t.questions}
        written |= {state.bidder_key(b): state.bidder_value(b) for b in t.bidders}
        written |= {state.member_key(m): state.member_value(m) for m in t.panel}
        for p in s.scalars(select(Pledge).where(Pledge.bidder_id.in_(bidders))):
            written[state.pledge_key(p.bidder_id, p.tender_measure_id)] = state.pledge_value(p)
        for sc in s.scalars(select(Score).where(Score.member_id.in_(members))):
            written[state.score_key(sc.bidder_id, sc.question_id, sc.member_id)] = state.score_value(
                sc.score, sc.rationale
            )
        for m in s.scalars(select(ModeratedScore).where(ModeratedScore.bidder_id.in_(bidders))):
            written[state.moderated_key(m.bidder_id, m.question_id)] = state.score_value(m.score, m.rationale)
        for d in s.scalars(select(Declaration).where(Declaration.member_id.in_(members))):
            written[state.declaration_key(d.member_id, d.bidder_id)] = state.declaration_value(d)
        for r, p in s.execute(
            select(PledgeReview, Pledge)
            .join(Pledge, PledgeReview.pledge_id == Pledge.id)
            .where(Pledge.bidder_id.in_(bidders))
        ):
            written[state.review_key(r.member_id, p.bidder_id, p.tender_measure_id)] = state.review_value(r)
        for sig in s.scalars(select(Signature).where(Signature.tender_id == t.id)):
            written[state.signature_key(sig)] = state.signature_value(sig)
        assert written == snapshot
        # and as the log holds them: canonical JSON, byte for byte
        assert audit.canonical_json(written) == audit.canonical_json(snapshot)


def test_the_logged_values_are_the_snapshot_values(before):
    """Each key's last logged value (written by the services before the description) is its value now."""
    with before.reader() as s:
        for reference in RECORDED:
            t = get_tender(s, reference)
            snapshot = state.current_state(s, t)
            last: dict[str, str] = {}
            for e in sorted(audit.read_entries(s, t.uid), key=lambda e: e.seq):
                if "/" in e.entity:
                    last[e.entity] = e.after
            assert last, reference
            for key, after in last.items():
                assert json.loads(after) == snapshot.get(key), key


def test_the_record_rows_keep_the_layout_the_reports_unpack():
    """`report_data` and `state.Record`'s comments unpack the rows by position: the description keeps them."""
    layout = {read.rows: [f"{c.class_.__name__}.{c.key}" for c in read.columns] for read in state.READS}
    assert layout == {
        "descriptors": ["ScaleDescriptor.score", "ScaleDescriptor.label"],
        "measures": [
            *("TenderMeasure.id", "TenderMeasure.ref", "TenderMeasure.description", "TenderMeasure.unit"),
            *("TenderMeasure.proxy_value", "TenderMeasure.catalogue_proxy_value"),
            *("TenderMeasure.proxy_override_reason", "TenderMeasure.theme", "TenderMeasure.position"),
        ],
        "questions": [
            *("Question.id", "Question.code", "Question.section", "Question.title", "Question.text"),
            *("Question.guidance", "Question.weight", "Question.minimum_score", "Question.position"),
        ],
        "bidders": ["Bidder.id", "Bidder.name", "Bidder.price", "Bidder.position"],
        "members": ["PanelMember.id", "PanelMember.name", "PanelMember.role", "PanelMember.position"],
        "pledges": [
            *("Pledge.bidder_id", "Pledge.tender_measure_id", "Pledge.quantity", "Pledge.accepted_quantity"),
            "Pledge.adjustment_reason",
        ],
        "scores": ["Score.bidder_id", "Score.question_id", "Score.member_id", "Score.score", "Score.rationale"],
        "moderated": [
            *("ModeratedScore.bidder_id", "ModeratedScore.question_id"),
            *("ModeratedScore.score", "ModeratedScore.rationale"),
        ],
        "declarations": [
            *("Declaration.member_id", "Declaration.bidder_id", "Declaration.conflict", "Declaration.details"),
        ],
        "reviews": [
            *("PledgeReview.member_id", "Pledge.bidder_id", "Pledge.tender_measure_id"),
            *("PledgeReview.decision", "PledgeReview.accepted_quantity", "PledgeReview.reason"),
        ],
        "signatures": [
            *("Signature.id", "Signature.member_id", "Signature.name", "Signature.role", "Signature.signed_at"),
            *("Signature.fingerprint", "Signature.audit_head", "Signature.withdrawn"),
        ],
        "member_details": [
            *("MemberDetail.member_id", "MemberDetail.email", "MemberDetail.withdrawn"),
            *("MemberDetail.withdrawal_reason", "MemberDetail.withdrawn_at"),
        ],
        "keys": [
            *("MemberKey.id", "MemberKey.member_id", "MemberKey.public_key", "MemberKey.key_fingerprint"),
            *("MemberKey.enrolled_at", "MemberKey.reason", "MemberKey.retired"),
        ],
        "seals": ["SignatureSeal.signature_id", "SignatureSeal.key_id", "SignatureSeal.seal"],
        "packs": [
            *("PackIssue.id", "PackIssue.pack_uid", "PackIssue.member_id", "PackIssue.issued_at"),
            *("PackIssue.imported_at", "PackIssue.imported_by"),
        ],
        "proxies": [
            *("ProxyEntry.bidder_id", "ProxyEntry.question_id", "ProxyEntry.member_id", "ProxyEntry.entered_by"),
            *("ProxyEntry.source", "ProxyEntry.entered_at", "ProxyEntry.confirmed_at"),
        ],
        "suppliers": [
            *("SupplierDetail.bidder_id", "SupplierDetail.address", "SupplierDetail.email"),
            *("SupplierDetail.identifier", "SupplierDetail.sme", "SupplierDetail.vcse"),
        ],
        "procurement": [
            *("ProcurementDetail.tender_id", "ProcurementDetail.procedure", "ProcurementDetail.criteria_published_at"),
            *("ProcurementDetail.decision_maker", "ProcurementDetail.delegated_authority"),
        ],
        "awards": [
            *("AwardRecord.tender_id", "AwardRecord.decided_on", "AwardRecord.decision_maker"),
            *("AwardRecord.delegated_authority", "AwardRecord.recommendation", "AwardRecord.authority_name"),
            *("AwardRecord.authority_identifier", "AwardRecord.summaries_sent_on", "AwardRecord.notice_published_on"),
            *("AwardRecord.standstill_ends_on", "AwardRecord.contract_entered_on"),
        ],
        "redactions": [
            *("Redaction.id", "Redaction.bidder_id", "Redaction.question_id", "Redaction.passage"),
            *("Redaction.reason", "Redaction.made_by", "Redaction.made_at"),
        ],
        "meetings": [
            *("Meeting.id", "Meeting.held_on", "Meeting.mode", "Meeting.place", "Meeting.chair_id", "Meeting.notes"),
        ],
        "attendance": ["MeetingMember.meeting_id", "MeetingMember.member_id", "MeetingMember.present"]
        + ["MeetingMember.reason"],
        "minutes": ["MeetingItem.bidder_id", "MeetingItem.question_id", "MeetingItem.meeting_id"],
        "overrides": [
            *("RationaleOverride.id", "RationaleOverride.bidder_id", "RationaleOverride.question_id"),
            *("RationaleOverride.member_id", "RationaleOverride.code", "RationaleOverride.text_hash"),
            *("RationaleOverride.reason", "RationaleOverride.made_by", "RationaleOverride.made_at"),
        ],
        "documents": [
            *("BidDocument.id", "BidDocument.bidder_id", "BidDocument.sha256", "BidDocument.name"),
            *("BidDocument.title", "BidDocument.size", "BidDocument.pages", "BidDocument.media"),
            *("BidDocument.commercial", "BidDocument.late_reason", "BidDocument.added_at", "BidDocument.added_by"),
        ],
        "document_parts": [
            *("DocumentPart.document_id", "DocumentPart.question_id", "DocumentPart.first_page"),
            "DocumentPart.last_page",
        ],
    }
