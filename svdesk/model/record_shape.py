"""The record, described once: every audited kind of row, its key, its fields and how each is written.

The audit log stores each change as (key, before, after) in exactly these shapes; `verify` replays
the log and compares it with the record read from the database; the sign-off fingerprint is the
SHA-256 of the record keyed by names. All three are derived from this description (`state.py`,
`state_encoding.py`; the vocabulary is `record_spec.py`), so they cannot drift apart.

Keys use database ids (stable under renames); values carry the names a person reads. Every
mapped column of every entity is accounted for here: part of the record, or listed with the reason
it is not (tests/test_record_shape.py holds the description to the mappings).

Changing what a kind records changes the fingerprint of every record signed before: existing
signatures would no longer verify. Add a field only with a migration of the recorded prints.
"""

from __future__ import annotations

from svdesk.model.entities import (
    AuditEntry,
    AuthorityProfile,
    AwardRecord,
    Bidder,
    BidDocument,
    Declaration,
    DocumentBlob,
    DocumentPart,
    Framework,
    Measure,
    MeasureTag,
    Meeting,
    MeetingItem,
    MeetingMember,
    MemberDetail,
    MemberKey,
    ModeratedScore,
    Outcome,
    PackIssue,
    PanelMember,
    Pledge,
    PledgeReview,
    ProcurementDetail,
    ProxyEntry,
    Question,
    RationaleOverride,
    Redaction,
    ScaleDescriptor,
    Score,
    Signature,
    SignatureSeal,
    SupplierDetail,
    Tender,
    TenderMeasure,
    Theme,
)
from svdesk.model.record_spec import Codec, Field, KeyPart, Kind, Part, Readable, Scope

TEXT, NUMBER, OPTIONAL_NUMBER = Codec.TEXT, Codec.NUMBER, Codec.OPTIONAL_NUMBER
FLAG, CHOICE, OPTIONAL_ID = Codec.FLAG, Codec.CHOICE, Codec.OPTIONAL_ID

ID = "the database id: the row's key"
OF_TENDER = "the tender the row belongs to: the record is one tender's"
POSITION = "display order, set when the row is added and never edited; not part of the evaluation"
VERSION = "the optimistic-lock counter of concurrent edits, not content"
WHEN = "when the row was written: the audit entry of the change records who and when"

TENDER = Kind(
    name="tender",
    entity=Tender,
    key=(KeyPart("tender", Tender.id),),
    fields=(
        Field("reference", Tender.reference, TEXT),
        Field("title", Tender.title, TEXT),
        Field("contract_value", Tender.contract_value, NUMBER),
        Field("weight_price", Tender.weight_price, NUMBER),
        Field("weight_quality", Tender.weight_quality, NUMBER),
        Field("weight_social_value", Tender.weight_social_value, NUMBER),
        Field("sv_quantitative_share", Tender.sv_quantitative_share, NUMBER),
        Field("quantitative_method", Tender.quantitative_method, CHOICE),
        Field("scale_max", Tender.scale_max, NUMBER),
        Field("scale_step", Tender.scale_step, NUMBER),
        Field("hide_prices_from_quality", Tender.hide_prices_from_quality, FLAG),
        Field("status", Tender.status, CHOICE, fingerprinted=False),  # the workflow's own step
    ),
    parts=(
        Part(
            name="descriptors",
            rows="descriptors",
            relationship=Tender.descriptors,
            key=ScaleDescriptor.score,
            value=ScaleDescriptor.label,
            scope=Scope(ScaleDescriptor.tender_id, "tender"),
            order_by=(ScaleDescriptor.score,),
            not_recorded={"id": "a descriptor is keyed by its score"},
        ),
    ),
    rows=None,  # the tender is read as the object itself
    scope=None,
    readable=Readable.KIND,
    not_recorded={
        "uid": "the audit chain's identity of the tender: the log is kept under it, not in it",
        "created_at": WHEN,
        "version": VERSION,
    },
)

MEASURE = Kind(
    name="measure",
    entity=TenderMeasure,
    key=(KeyPart("measure", TenderMeasure.id),),
    fields=(
        Field("ref", TenderMeasure.ref, TEXT),
        Field("description", TenderMeasure.description, TEXT),
        Field("unit", TenderMeasure.unit, TEXT),
        Field("proxy_value", TenderMeasure.proxy_value, NUMBER),
        Field("catalogue_proxy_value", TenderMeasure.catalogue_proxy_value, OPTIONAL_NUMBER),
        Field("proxy_override_reason", TenderMeasure.proxy_override_reason, TEXT),
    ),
    rows="measures",
    scope=Scope(TenderMeasure.tender_id, "tender"),
    order_by=(TenderMeasure.position, TenderMeasure.id),
    also_read=(TenderMeasure.theme, TenderMeasure.position),
    named_by="ref",
    not_recorded={
        "catalogue_measure_id": "provenance only: the catalogue row it was copied from (set null if deleted)",
        "theme": "the catalogue's heading, copied with the measure for the reports; never edited in a tender",
        "position": POSITION,
    },
)

QUESTION = Kind(
    name="question",
    entity=Question,
    key=(KeyPart("question", Question.id),),
    fields=(
        Field("code", Question.code, TEXT),
        Field("section", Question.section, CHOICE),
        Field("title", Question.title, TEXT),
        Field("text", Question.text, TEXT),
        Field("guidance", Question.guidance, TEXT),
        Field("weight", Question.weight, NUMBER),
        Field("minimum_score", Question.minimum_score, OPTIONAL_NUMBER),
    ),
    rows="questions",
    scope=Scope(Question.tender_id, "tender"),
    order_by=(Question.position, Question.id),
    also_read=(Question.position,),
    named_by="code",
    not_recorded={"position": POSITION},
)

BIDDER = Kind(
    name="bidder",
    entity=Bidder,
    key=(KeyPart("bidder", Bidder.id),),
    fields=(Field("name", Bidder.name, TEXT), Field("price", Bidder.price, NUMBER)),
    rows="bidders",
    scope=Scope(Bidder.tender_id, "tender"),
    order_by=(Bidder.position, Bidder.id),
    also_read=(Bidder.position,),
    named_by="name",
    not_recorded={"position": POSITION},
)

MEMBER = Kind(
    name="member",
    entity=PanelMember,
    key=(KeyPart("member", PanelMember.id),),
    fields=(Field("name", PanelMember.name, TEXT), Field("role", PanelMember.role, CHOICE)),
    rows="members",
    scope=Scope(PanelMember.tender_id, "tender"),
    order_by=(PanelMember.position, PanelMember.id),
    also_read=(PanelMember.position,),
    named_by="name",
    not_recorded={"position": POSITION},
)

PLEDGE = Kind(
    name="pledge",
    entity=Pledge,
    key=(KeyPart("bidder", Pledge.bidder_id), KeyPart("measure", Pledge.tender_measure_id)),
    fields=(
        Field("quantity", Pledge.quantity, NUMBER),
        Field("accepted", Pledge.accepted_quantity, OPTIONAL_NUMBER),
        Field("reason", Pledge.adjustment_reason, TEXT),
    ),
    rows="pledges",
    scope=Scope(Pledge.bidder_id, "bidder"),
    bulk=True,
    not_recorded={"id": "a pledge is keyed by its bidder and measure", "version": VERSION},
)

SCORE = Kind(
    name="score",
    entity=Score,
    key=(
        KeyPart("bidder", Score.bidder_id),
        KeyPart("question", Score.question_id),
        KeyPart("member", Score.member_id),
    ),
    fields=(Field("score", Score.score, NUMBER), Field("rationale", Score.rationale, TEXT)),
    rows="scores",
    scope=Scope(Score.member_id, "member"),
    bulk=True,
    not_recorded={"id": "a score is keyed by its bid, question and member", "updated_at": WHEN, "version": VERSION},
)

MODERATED = Kind(
    name="moderated",
    entity=ModeratedScore,
    key=(KeyPart("bidder", ModeratedScore.bidder_id), KeyPart("question", ModeratedScore.question_id)),
    fields=(Field("score", ModeratedScore.score, NUMBER), Field("rationale", ModeratedScore.rationale, TEXT)),
    rows="moderated",
    scope=Scope(ModeratedScore.bidder_id, "bidder"),
    bulk=True,
    not_recorded={"id": "a consensus score is keyed by its bid and question", "updated_at": WHEN, "version": VERSION},
)

DECLARATION = Kind(
    name="declaration",
    entity=Declaration,
    key=(KeyPart("member", Declaration.member_id), KeyPart("bidder", Declaration.bidder_id)),
    fields=(Field("conflict", Declaration.conflict, FLAG), Field("details", Declaration.details, TEXT)),
    rows="declarations",
    scope=Scope(Declaration.member_id, "member"),
    not_recorded={"id": "a declaration is keyed by its member and bidder", "declared_at": WHEN},
)

REVIEW = Kind(
    name="review",
    entity=PledgeReview,
    key=(
        KeyPart("member", PledgeReview.member_id),
        KeyPart("bidder", Pledge.bidder_id),
        KeyPart("measure", Pledge.tender_measure_id),
    ),
    fields=(
        Field("decision", PledgeReview.decision, TEXT),
        Field("accepted", PledgeReview.accepted_quantity, OPTIONAL_NUMBER),
        Field("reason", PledgeReview.reason, TEXT),
    ),
    rows="reviews",
    scope=Scope(Pledge.bidder_id, "bidder"),
    join=(Pledge, PledgeReview.pledge_id == Pledge.id),
    not_recorded={
        "id": "a review is keyed by its member and the pledge's bidder and measure",
        "pledge_id": "the pledge, named in the key by its bidder and measure",
        "version": VERSION,
    },
)

SIGNATURE = Kind(
    name="signature",
    entity=Signature,
    key=(KeyPart("signature", Signature.id),),
    fields=(
        Field("member_id", Signature.member_id, OPTIONAL_ID),
        Field("name", Signature.name, TEXT),
        Field("role", Signature.role, TEXT),
        Field("signed_at", Signature.signed_at, TEXT),
        Field("fingerprint", Signature.fingerprint, TEXT),
        Field("audit_head", Signature.audit_head, TEXT),
        Field("withdrawn", Signature.withdrawn, FLAG),
    ),
    rows="signatures",
    scope=Scope(Signature.tender_id, "tender"),
    order_by=(Signature.id,),
    readable=Readable.IDS,
    fingerprinted=False,  # a signature is of the content: it cannot be part of it
)

# Issue 13's kinds (panel set-up and identity). Old records have no rows of them, so adding them
# leaves every earlier snapshot and fingerprint as it was.
MEMBER_DETAIL = Kind(
    name="detail",
    entity=MemberDetail,
    key=(KeyPart("member", MemberDetail.member_id),),
    fields=(
        Field("email", MemberDetail.email, TEXT),
        Field("withdrawn", MemberDetail.withdrawn, FLAG),
        Field("withdrawal_reason", MemberDetail.withdrawal_reason, TEXT),
        Field("withdrawn_at", MemberDetail.withdrawn_at, TEXT),
    ),
    rows="member_details",
    scope=Scope(MemberDetail.member_id, "member"),
)

KEY = Kind(
    name="key",
    entity=MemberKey,
    key=(KeyPart("key", MemberKey.id),),
    fields=(
        Field("member_id", MemberKey.member_id, OPTIONAL_ID),
        Field("public_key", MemberKey.public_key, TEXT),
        Field("key_fingerprint", MemberKey.key_fingerprint, TEXT),
        Field("enrolled_at", MemberKey.enrolled_at, TEXT),
        Field("reason", MemberKey.reason, TEXT),
        Field("retired", MemberKey.retired, FLAG),
    ),
    rows="keys",
    scope=Scope(MemberKey.member_id, "member"),
    order_by=(MemberKey.id,),
    readable=Readable.IDS,
    fingerprinted=False,  # who may sign, not what is signed: enrolling after a signature changes nothing signed
    not_recorded={
        "sealed_private_key": "the secret half, sealed under the member's passphrase: never in the record",
        "kdf": "how the sealing key is derived from the passphrase: part of the secret half",
        "salt": "part of the secret half",
        "failed_attempts": "the throttle of wrong passphrases, not the evaluation",
        "locked_until": "the throttle of wrong passphrases, not the evaluation",
    },
)

SEAL = Kind(
    name="seal",
    entity=SignatureSeal,
    key=(KeyPart("signature", SignatureSeal.signature_id),),
    fields=(
        Field("key_id", SignatureSeal.key_id, OPTIONAL_ID),
        Field("seal", SignatureSeal.seal, TEXT),
    ),
    rows="seals",
    scope=Scope(SignatureSeal.signature_id, "signature"),
    readable=Readable.IDS,
    fingerprinted=False,  # of a signature, which is not part of the content either
)

PACK = Kind(
    name="pack",
    entity=PackIssue,
    key=(KeyPart("pack", PackIssue.id),),
    fields=(
        Field("pack_uid", PackIssue.pack_uid, TEXT),
        Field("member_id", PackIssue.member_id, OPTIONAL_ID),
        Field("issued_at", PackIssue.issued_at, TEXT),
        Field("imported_at", PackIssue.imported_at, TEXT),  # None until imported
        Field("imported_by", PackIssue.imported_by, TEXT),
    ),
    rows="packs",
    scope=Scope(PackIssue.tender_id, "tender"),
    order_by=(PackIssue.id,),
    readable=Readable.IDS,
    fingerprinted=False,  # which packs were handed out, not what was evaluated
    not_recorded={"mac_key": "the secret the pack's MAC is made with: never in the record, nor in the pack"},
)

# Issue 13 item 6: a member's scores typed in by the officer from their signed paper form or
# offline pack, and the member's confirmation. Fingerprinted: a score's provenance is part of what
# the panel signs (a sign-off attests that these scores were entered by proxy, from this source,
# and whether the member had confirmed them); changing the source, or confirming, after anyone
# signed changes the content, so it is refused until the tender is reopened, like any score.
# Keyed as the score it is about, and bulk: a panel that scored a framework on paper has one per score.
PROXY = Kind(
    name="proxy",
    entity=ProxyEntry,
    key=(
        KeyPart("bidder", ProxyEntry.bidder_id),
        KeyPart("question", ProxyEntry.question_id),
        KeyPart("member", ProxyEntry.member_id),
    ),
    fields=(
        Field("entered_by", ProxyEntry.entered_by, TEXT),
        Field("source", ProxyEntry.source, TEXT),
        Field("entered_at", ProxyEntry.entered_at, TEXT),
        Field("confirmed_at", ProxyEntry.confirmed_at, TEXT),  # "" until the member confirms
    ),
    rows="proxies",
    scope=Scope(ProxyEntry.member_id, "member"),
    bulk=True,
    not_recorded={"id": "a proxy entry is keyed by its score's bid, question and member"},
)

# Issue 15's kinds: the parties as the law names them, what is withheld from whom, and the award
# stage. None is fingerprinted: they say who the suppliers are, where the criteria were published
# and what was decided after the evaluation, not how the bids were evaluated, and they are
# completed after sign-off (before the award) without withdrawing any signature. Old records have
# no rows of them, so adding them leaves every earlier snapshot and fingerprint as it was.
SUPPLIER = Kind(
    name="supplier",
    entity=SupplierDetail,
    key=(KeyPart("bidder", SupplierDetail.bidder_id),),
    fields=(
        Field("address", SupplierDetail.address, TEXT),
        Field("email", SupplierDetail.email, TEXT),
        Field("identifier", SupplierDetail.identifier, TEXT),
        Field("sme", SupplierDetail.sme, FLAG),  # None until said
        Field("vcse", SupplierDetail.vcse, FLAG),
    ),
    rows="suppliers",
    scope=Scope(SupplierDetail.bidder_id, "bidder"),
    fingerprinted=False,
)

PROCUREMENT = Kind(
    name="procurement",
    entity=ProcurementDetail,
    key=(KeyPart("tender", ProcurementDetail.tender_id),),
    fields=(
        Field("procedure", ProcurementDetail.procedure, TEXT),
        Field("criteria_published_at", ProcurementDetail.criteria_published_at, TEXT),
        Field("decision_maker", ProcurementDetail.decision_maker, TEXT),
        Field("delegated_authority", ProcurementDetail.delegated_authority, TEXT),
    ),
    rows="procurement",
    scope=Scope(ProcurementDetail.tender_id, "tender"),
    readable=Readable.KIND,
    fingerprinted=False,
)

AWARD = Kind(
    name="award",
    entity=AwardRecord,
    key=(KeyPart("tender", AwardRecord.tender_id),),
    fields=(
        Field("decided_on", AwardRecord.decided_on, TEXT),
        Field("decision_maker", AwardRecord.decision_maker, TEXT),
        Field("delegated_authority", AwardRecord.delegated_authority, TEXT),
        Field("recommendation", AwardRecord.recommendation, TEXT),
        Field("authority_name", AwardRecord.authority_name, TEXT),
        Field("authority_identifier", AwardRecord.authority_identifier, TEXT),
        Field("summaries_sent_on", AwardRecord.summaries_sent_on, TEXT),
        Field("notice_published_on", AwardRecord.notice_published_on, TEXT),
        Field("standstill_ends_on", AwardRecord.standstill_ends_on, TEXT),
        Field("contract_entered_on", AwardRecord.contract_entered_on, TEXT),
    ),
    rows="awards",
    scope=Scope(AwardRecord.tender_id, "tender"),
    readable=Readable.KIND,
    fingerprinted=False,
)

REDACTION = Kind(
    name="redaction",
    entity=Redaction,
    key=(KeyPart("redaction", Redaction.id),),
    fields=(
        Field("bidder_id", Redaction.bidder_id, OPTIONAL_ID),
        Field("question_id", Redaction.question_id, OPTIONAL_ID),
        Field("passage", Redaction.passage, TEXT),
        Field("reason", Redaction.reason, TEXT),
        Field("made_by", Redaction.made_by, TEXT),
        Field("made_at", Redaction.made_at, TEXT),
    ),
    rows="redactions",
    scope=Scope(Redaction.bidder_id, "bidder"),
    order_by=(Redaction.id,),
    readable=Readable.IDS,
    fingerprinted=False,
)

# Issue 16's kinds: the moderation meetings, who attended or sent apologies, and the meeting each
# consensus score was agreed in. The minutes of how a consensus was reached are kept and printed
# (the moderation report) because a court asks for them: Lancashire Care NHS Foundation Trust v
# Lancashire County Council (High Court, Stuart-Smith J, June 2018) set an award aside for the
# council's record of its moderation, which did not show how the consensus scores were reached;
# Woods Building Services v Milton Keynes Council [2015] EWHC 2011 (TCC), for evaluation notes that
# did not explain the scores. The Procurement Act 2023 s.98(1) asks for records "sufficient to
# explain" each material decision. Not fingerprinted: who met where is the procedure the panel
# followed, not how the bids were scored (the consensus scores and rationales, which are, stay
# fingerprinted); the rows hold ids (the chair, the meeting), which the fingerprint, keyed by names,
# cannot carry; and old records have no rows of them, so their prints stay as they were. They are
# locked with the tender all the same (`services/meetings`), and `verify` replays them like any row.
MEETING = Kind(
    name="meeting",
    entity=Meeting,
    key=(KeyPart("meeting", Meeting.id),),
    fields=(
        Field("held_on", Meeting.held_on, TEXT),
        Field("mode", Meeting.mode, TEXT),
        Field("place", Meeting.place, TEXT),
        Field("chair_id", Meeting.chair_id, OPTIONAL_ID),
        Field("notes", Meeting.notes, TEXT),
    ),
    rows="meetings",
    scope=Scope(Meeting.tender_id, "tender"),
    order_by=(Meeting.id,),
    readable=Readable.IDS,
    fingerprinted=False,
)

ATTENDANCE = Kind(
    name="attendance",
    entity=MeetingMember,
    key=(KeyPart("meeting", MeetingMember.meeting_id), KeyPart("member", MeetingMember.member_id)),
    fields=(Field("present", MeetingMember.present, FLAG), Field("reason", MeetingMember.reason, TEXT)),
    rows="attendance",
    scope=Scope(MeetingMember.meeting_id, "meeting"),
    order_by=(MeetingMember.meeting_id, MeetingMember.member_id),
    readable=Readable.IDS,
    fingerprinted=False,
)

MINUTE = Kind(
    name="minute",
    entity=MeetingItem,
    key=(KeyPart("bidder", MeetingItem.bidder_id), KeyPart("question", MeetingItem.question_id)),
    fields=(Field("meeting_id", MeetingItem.meeting_id, OPTIONAL_ID),),
    rows="minutes",
    scope=Scope(MeetingItem.bidder_id, "bidder"),
    fingerprinted=False,
)

# Issue 16: a flag of the rationale check set aside, with the reason. Not fingerprinted: it is a
# judgement about an explanation, recorded up to the award decision (which it gates), not how a bid
# was scored; the rationale it was made on is fingerprinted, and a change to it lapses the override.
OVERRIDE = Kind(
    name="override",
    entity=RationaleOverride,
    key=(KeyPart("override", RationaleOverride.id),),
    fields=(
        Field("bidder_id", RationaleOverride.bidder_id, OPTIONAL_ID),
        Field("question_id", RationaleOverride.question_id, OPTIONAL_ID),
        Field("member_id", RationaleOverride.member_id, OPTIONAL_ID),  # None: the consensus rationale
        Field("code", RationaleOverride.code, TEXT),
        Field("text_hash", RationaleOverride.text_hash, TEXT),
        Field("reason", RationaleOverride.reason, TEXT),
        Field("made_by", RationaleOverride.made_by, TEXT),
        Field("made_at", RationaleOverride.made_at, TEXT),
    ),
    rows="overrides",
    scope=Scope(RationaleOverride.bidder_id, "bidder"),
    order_by=(RationaleOverride.id,),
    readable=Readable.IDS,
    fingerprinted=False,
)

# Issue 18: the bidders' response documents and which part of which answers each question. Not
# fingerprinted, following the meetings' precedent: the rows hold ids (the bidder, the document,
# the question) which the fingerprint, keyed by names, cannot carry, and old records have no rows
# of them, so their prints stay as they were. The document itself is held by its SHA-256 (the
# store re-hashes it on every read), it is frozen once scoring opens (`services/documents`), and
# `verify` replays these rows like any other (Procurement Act 2023 s.98: what was evaluated).
DOCUMENT = Kind(
    name="document",
    entity=BidDocument,
    key=(KeyPart("document", BidDocument.id),),
    fields=(
        Field("bidder_id", BidDocument.bidder_id, OPTIONAL_ID),
        Field("sha256", BidDocument.sha256, TEXT),
        Field("name", BidDocument.name, TEXT),
        Field("title", BidDocument.title, TEXT),
        Field("size", BidDocument.size, OPTIONAL_ID),  # a whole number, written as it is
        Field("pages", BidDocument.pages, OPTIONAL_ID),  # None: not a PDF
        Field("media", BidDocument.media, TEXT),
        Field("commercial", BidDocument.commercial, FLAG),
        Field("late_reason", BidDocument.late_reason, TEXT),  # None: imported before scoring opened
        Field("added_at", BidDocument.added_at, TEXT),
        Field("added_by", BidDocument.added_by, TEXT),
    ),
    rows="documents",
    scope=Scope(BidDocument.tender_id, "tender"),
    order_by=(BidDocument.id,),
    readable=Readable.IDS,
    fingerprinted=False,
)

DOCUMENT_PART = Kind(
    name="part",
    entity=DocumentPart,
    key=(KeyPart("document", DocumentPart.document_id), KeyPart("question", DocumentPart.question_id)),
    fields=(
        Field("first_page", DocumentPart.first_page, OPTIONAL_ID),  # both None: the whole file
        Field("last_page", DocumentPart.last_page, OPTIONAL_ID),
    ),
    rows="document_parts",
    scope=Scope(DocumentPart.document_id, "document"),
    order_by=(DocumentPart.document_id, DocumentPart.question_id),
    readable=Readable.IDS,
    fingerprinted=False,
    not_recorded={"id": "a part is keyed by its document and question"},
)

# In the order of the state: the small kinds as listed, then the bulk kinds as listed (`state.state_of`).
KINDS: tuple[Kind, ...] = (
    TENDER,
    MEASURE,
    QUESTION,
    BIDDER,
    MEMBER,
    PLEDGE,
    SCORE,
    MODERATED,
    DECLARATION,
    REVIEW,
    SIGNATURE,
    MEMBER_DETAIL,
    KEY,
    SEAL,
    PACK,
    PROXY,
    SUPPLIER,
    PROCUREMENT,
    AWARD,
    REDACTION,
    MEETING,
    ATTENDANCE,
    MINUTE,
    OVERRIDE,
    DOCUMENT,
    DOCUMENT_PART,
)

# The mapped entities that are not part of any tender's record.
NOT_AUDITED: dict[type, str] = {
    Framework: "the measure catalogue: a tender's measures are frozen copies (measure/...)",
    Theme: "the measure catalogue",
    Outcome: "the measure catalogue",
    Measure: "the measure catalogue",
    MeasureTag: "the measure catalogue",
    AuditEntry: "the audit log itself: the record is what it describes",
    AuthorityProfile: "the database's own profile, not one tender's: an award copies its name and identifier",
    DocumentBlob: "the bytes of bid documents, content-addressed: the record holds each one's SHA-256 (document/...)",
}
