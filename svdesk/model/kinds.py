"""The kinds of change a tender's record logs, and the statuses and roles it holds: each an enum
whose value is what is stored, with its human label here and nowhere else.

The audit log is hash-chained, so a `ChangeKind`'s value is exactly the action string every entry
written before this module existed holds: values never change (a new kind is a new member); only
labels may. The other enums are stored as plain strings too (`entities._enum`).

No SQLAlchemy and no ORM here: the screens may import this module for labels.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Labelled(enum.StrEnum):
    """A stored value with its human label, the value's words: 'signed_off' -> 'signed off'.

    Lower case, to sit inside a sentence ("the tender is in signed off"); `.capitalize()` heads a
    column or a cell ("Signed off").
    """

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class TenderStatus(Labelled):
    DRAFT = "draft"
    SCORING = "scoring"
    MODERATION = "moderation"
    SIGNED_OFF = "signed_off"
    AWARDED = "awarded"


class Section(Labelled):
    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"


class QuantitativeMethod(Labelled):
    RELATIVE_VALUE = "relative_value"
    RELATIVE_RATIO = "relative_ratio"


class Role(Labelled):
    EVALUATOR = "evaluator"
    MODERATOR = "moderator"
    CHAIR = "chair"
    OFFICER = "officer"  # the procurement officer who sets the tender up: neither scores nor signs


class ImportStatus(Labelled):
    """What a pledge-sheet import does with one row (`services.pledges`)."""

    OK = "ok"  # on the tender; the value agrees with the sheet's own figure
    MISMATCH = "mismatch"  # on the tender; the sheet's £ differs from answer x proxy
    BLANK = "blank"  # no answer given
    NOT_IN_TENDER = "not_in_tender"  # not among the tender's measures: skipped
    ADDED = "added"  # added to the tender from the sheet


class ChangeKind(enum.StrEnum):
    """The action of an audit entry: what kind of change it records."""

    TENDER_LOAD = "tender.load"
    TENDER_CREATE = "tender.create"
    TENDER_DETAILS = "tender.details"
    WEIGHTS_SET = "weights.set"
    SCALE_SET = "scale.set"
    MEASURE_ADD = "measure.add"
    MEASURE_REMOVE = "measure.remove"
    MEASURE_PROXY = "measure.proxy"
    QUESTION_SAVE = "question.save"
    QUESTION_REMOVE = "question.remove"
    BIDDER_ADD = "bidder.add"
    BIDDER_UPDATE = "bidder.update"
    PLEDGE_SET = "pledge.set"
    PLEDGE_REMOVE = "pledge.remove"
    PLEDGE_ADJUST = "pledge.adjust"
    PLEDGE_REVIEW = "pledge.review"
    PLEDGE_REVIEW_REMOVE = "pledge.review.remove"
    MEMBER_ADD = "member.add"
    MEMBER_REMOVE = "member.remove"
    MEMBER_UPDATE = "member.set"
    MEMBER_WITHDRAW = "member.withdraw"
    DETAIL_SET = "detail.set"
    DETAIL_REMOVE = "detail.remove"
    SCORE_SET = "score.set"
    SCORE_WITHDRAW = "score.withdraw"  # issue 17: a first score undone, back to "not yet scored"
    MODERATED_SET = "moderated.set"
    DECLARATION_SET = "declaration.set"
    DECLARATION_REMOVE = "declaration.remove"
    SIGNATURE_ADD = "signature.add"
    SIGNATURE_WITHDRAW = "signature.withdraw"
    SIGNATURE_SEAL = "signature.seal"  # the member's Ed25519 seal over what a signature signed
    KEY_ENROL = "key.enrol"  # a person's first key, made when they chose their passphrase
    KEY_REENROL = "key.reenrol"  # a new key after a forgotten passphrase (with the reason)
    KEY_RETIRE = "key.retire"  # the key a re-enrolment replaced: kept, it verifies what it signed
    PACK_ISSUE = "pack.issue"  # an offline scoring pack exported, bound to its member and tender
    PACK_IMPORT = "pack.import"  # an issued pack imported (once)
    PROXY_ENTER = "proxy.enter"  # a member's score typed in by the officer from their paper form or pack
    PROXY_CONFIRM = "proxy.confirm"  # the member, signed in, accepted a score entered for them as theirs
    SUPPLIER_SET = "supplier.set"  # a bidder's legal details (reg 31(2)(b), (c)), SME and VCSE
    PROCUREMENT_SET = "procurement.set"  # procedure, where the criteria are published, who decides
    REDACTION_ADD = "redaction.add"  # a passage withheld from the other suppliers, with the reason
    REDACTION_REMOVE = "redaction.remove"
    AWARD_DECIDE = "award.decide"  # the award decision: who, under what authority, when, approving what
    AWARD_SUMMARIES_SENT = "award.summaries_sent"  # the day the assessment summaries were sent (s.50(3))
    AWARD_NOTICE = "award.notice"  # the contract award notice published: the standstill starts (s.51)
    AWARD_CONTRACT = "award.contract"  # the contract entered into, after the standstill
    AWARD_WITHDRAW = "award.withdraw"  # a reopening withdrew the decision (the log keeps it)
    MEETING_ADD = "meeting.add"  # a moderation meeting recorded: date, place, chair, attendance
    MEETING_UPDATE = "meeting.update"  # its details or attendance changed
    MEETING_REMOVE = "meeting.remove"  # one in which no consensus was agreed
    MEETING_ITEM = "meeting.item"  # the meeting a consensus score was agreed in
    RATIONALE_OVERRIDE = "rationale.override"  # a flag of the rationale check set aside, with the reason
    RATIONALE_OVERRIDE_REMOVE = "rationale.override_remove"
    DOCUMENT_ADD = "document.add"  # a bidder's response document imported (late: with the reason)
    DOCUMENT_REMOVE = "document.remove"  # before scoring opens only; its bytes stay in the store
    DOCUMENT_PART = "document.part"  # which pages of a document answer a question (or the whole file)
    DOCUMENT_PART_REMOVE = "document.part.remove"
    # issue 17: a report written from the record (kind, file, the fingerprint it was made from)
    REPORT_EXPORT = "report.export"
    # 'status.<status>': one member per TenderStatus (a test checks there is one for each)
    STATUS_DRAFT = "status.draft"
    STATUS_SCORING = "status.scoring"
    STATUS_MODERATION = "status.moderation"
    STATUS_SIGNED_OFF = "status.signed_off"
    STATUS_AWARDED = "status.awarded"

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self]

    @classmethod
    def status(cls, status: TenderStatus) -> ChangeKind:
        """The kind of change that moves a tender into `status`."""
        return cls(f"status.{status.value}")


CHANGE_LABELS: dict[ChangeKind, str] = {
    ChangeKind.TENDER_LOAD: "Loaded from file",
    ChangeKind.TENDER_CREATE: "Tender created",
    ChangeKind.TENDER_DETAILS: "Details changed",
    ChangeKind.WEIGHTS_SET: "Weights changed",
    ChangeKind.SCALE_SET: "Scale changed",
    ChangeKind.MEASURE_ADD: "Measure added",
    ChangeKind.MEASURE_REMOVE: "Measure removed",
    ChangeKind.MEASURE_PROXY: "Proxy changed",
    ChangeKind.QUESTION_SAVE: "Question saved",
    ChangeKind.QUESTION_REMOVE: "Question removed",
    ChangeKind.BIDDER_ADD: "Bidder added",
    ChangeKind.BIDDER_UPDATE: "Bidder changed",
    ChangeKind.PLEDGE_SET: "Pledge set",
    ChangeKind.PLEDGE_REMOVE: "Pledge removed",
    ChangeKind.PLEDGE_ADJUST: "Pledge adjusted",
    ChangeKind.PLEDGE_REVIEW: "Pledge reviewed",
    ChangeKind.PLEDGE_REVIEW_REMOVE: "Pledge review removed",
    ChangeKind.MEMBER_ADD: "Panel member added",
    ChangeKind.MEMBER_REMOVE: "Panel member removed",
    ChangeKind.MEMBER_UPDATE: "Panel member changed",
    ChangeKind.MEMBER_WITHDRAW: "Panel member withdrawn",
    ChangeKind.DETAIL_SET: "Panel member's email set",
    ChangeKind.DETAIL_REMOVE: "Panel member's details removed",
    ChangeKind.SCORE_SET: "Score",
    ChangeKind.SCORE_WITHDRAW: "Score withdrawn",
    ChangeKind.MODERATED_SET: "Consensus score",
    ChangeKind.DECLARATION_SET: "Declaration",
    ChangeKind.DECLARATION_REMOVE: "Declaration removed",
    ChangeKind.SIGNATURE_ADD: "Signed",
    ChangeKind.SIGNATURE_WITHDRAW: "Signature withdrawn",
    ChangeKind.SIGNATURE_SEAL: "Signature sealed",
    ChangeKind.KEY_ENROL: "Key enrolled",
    ChangeKind.KEY_REENROL: "Key enrolled again",
    ChangeKind.KEY_RETIRE: "Key retired",
    ChangeKind.PACK_ISSUE: "Scoring pack issued",
    ChangeKind.PACK_IMPORT: "Scoring pack imported",
    ChangeKind.PROXY_ENTER: "Score entered by proxy",
    ChangeKind.PROXY_CONFIRM: "Proxy-entered score confirmed",
    ChangeKind.SUPPLIER_SET: "Supplier's details set",
    ChangeKind.PROCUREMENT_SET: "Procurement details set",
    ChangeKind.REDACTION_ADD: "Passage withheld",
    ChangeKind.REDACTION_REMOVE: "Withholding removed",
    ChangeKind.AWARD_DECIDE: "Award decided",
    ChangeKind.AWARD_SUMMARIES_SENT: "Assessment summaries sent",
    ChangeKind.AWARD_NOTICE: "Contract award notice published",
    ChangeKind.AWARD_CONTRACT: "Contract entered into",
    ChangeKind.AWARD_WITHDRAW: "Award decision withdrawn",
    ChangeKind.MEETING_ADD: "Meeting recorded",
    ChangeKind.MEETING_UPDATE: "Meeting changed",
    ChangeKind.MEETING_REMOVE: "Meeting removed",
    ChangeKind.MEETING_ITEM: "Agreed in meeting",
    ChangeKind.RATIONALE_OVERRIDE: "Rationale flag overridden",
    ChangeKind.RATIONALE_OVERRIDE_REMOVE: "Rationale override removed",
    ChangeKind.DOCUMENT_ADD: "Bid document imported",
    ChangeKind.DOCUMENT_REMOVE: "Bid document removed",
    ChangeKind.DOCUMENT_PART: "Document part mapped to a question",
    ChangeKind.DOCUMENT_PART_REMOVE: "Document part unmapped",
    ChangeKind.REPORT_EXPORT: "Report written",
    ChangeKind.STATUS_DRAFT: "Status: draft",
    ChangeKind.STATUS_SCORING: "Status: scoring",
    ChangeKind.STATUS_MODERATION: "Status: moderation",
    ChangeKind.STATUS_SIGNED_OFF: "Status: signed off",
    ChangeKind.STATUS_AWARDED: "Status: awarded",
}


_LABEL_OF_ACTION = {kind.value: label for kind, label in CHANGE_LABELS.items()}  # History reads 100,000


def change_label(action: str) -> str:
    """The human label of a stored action; the action itself if it is no kind this version knows."""
    return _LABEL_OF_ACTION.get(action, action)


# The entries that hold the whole record (`verify` replays the log from the last of them).
SNAPSHOTS: frozenset[ChangeKind] = frozenset({ChangeKind.TENDER_LOAD, ChangeKind.TENDER_CREATE})

# Changes that leave the members' scores and the moderation grid's bids, questions and scale as
# they were: after only these, the grid re-reads its consensus scores instead of everything.
CONSENSUS_ONLY: frozenset[ChangeKind] = frozenset(
    {
        ChangeKind.MODERATED_SET,
        ChangeKind.PLEDGE_ADJUST,
        ChangeKind.PLEDGE_REVIEW,
        ChangeKind.PLEDGE_REVIEW_REMOVE,
        ChangeKind.SIGNATURE_ADD,
        ChangeKind.SIGNATURE_WITHDRAW,
        ChangeKind.SIGNATURE_SEAL,
        # the meetings: the grid shows none of them
        ChangeKind.MEETING_ADD,
        ChangeKind.MEETING_UPDATE,
        ChangeKind.MEETING_REMOVE,
        ChangeKind.MEETING_ITEM,
    }
)


def only_consensus_changed(kinds: Iterable[str]) -> bool:
    """True when every kind of change in `kinds` (e.g. `record_version.changes_since`) is one of
    CONSENSUS_ONLY, so a moderation grid read before them needs only its consensus scores again.
    An action this version does not know is not consensus-only (the grid is read whole)."""
    return all(kind in CONSENSUS_ONLY for kind in kinds)
