"""The award notice as open data (`svdesk export --kind ocds`): the tender as it stands, read in one
transaction, as an OCDS 1.1 release package (svdesk.export.ocds), checked against its schema and
written atomically; nothing is written when any of that fails."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import look
from svdesk.export.files import write_atomically
from svdesk.export.ocds import OcdsBidder, OcdsInput, OcdsQuestion, ocds_bytes, ocds_package
from svdesk.export.ocds_schema import OcdsSchemaError
from svdesk.model.entities import Tender
from svdesk.model.errors import SvdeskError, ValidationError
from svdesk.model.kinds import TenderStatus
from svdesk.model.services import award_stage, parties
from svdesk.model.services.last_change import last_change_at
from svdesk.model.services.report_data import report_data

__all__ = ["OcdsInput", "OcdsSchemaError", "ocds_input", "package", "write_ocds"]

_OCID_LIMIT = 200


def _checked_ocid(ocid: str) -> str:
    ocid = ocid.strip()
    if ocid and (not ocid.startswith("ocds-") or len(ocid) > _OCID_LIMIT or any(c.isspace() for c in ocid)):
        raise ValidationError(
            f"--ocid: {ocid[:60]!r} is not an Open Contracting ID (it starts 'ocds-', e.g. the "
            "'ocds-h6vhtk-04abcd' Find a Tender shows for the procurement)"
        )
    return ocid


def _newest(*stamps: str) -> str:
    when = [datetime.fromisoformat(s) for s in stamps if s]
    return max(w if w.tzinfo else w.replace(tzinfo=UTC) for w in when).isoformat()


def _read(session: Session, tender: Tender, ocid: str) -> OcdsInput:
    data = report_data(session, tender)
    profile = parties.authority(session)
    details = parties.procurement(session, tender)
    view = award_stage.award_view(session, tender)
    supplier = {s.name: s for s in parties.suppliers(session, tender)}
    decided = tender.status == TenderStatus.AWARDED and view.decided
    if decided:
        recommended = view.recommendation  # what the decision approved
    elif tender.status == TenderStatus.SIGNED_OFF:
        recommended = data.winner() or ""  # the signed-off evaluation's first-ranked bid
    else:
        recommended = ""
    bidders = []
    for name in data.bidders:
        s = supplier.get(name, parties.Supplier(name))
        bidders.append(OcdsBidder(name, data.prices[name], s.address, s.email, s.identifier, s.sme, s.vcse))
    # the authority's profile is the database's, changed outside the tender's log: its time counts too
    stamps = (last_change_at(session, tender), profile.updated_at)
    changed = _newest(*stamps) if any(stamps) else tender.created_at.isoformat()
    return OcdsInput(
        reference=data.reference,
        title=data.title,
        status=tender.status.value,
        contract_value=data.contract_value,
        weight_price=data.weight_price,
        weight_quality=data.weight_quality,
        weight_social_value=data.weight_social_value,
        sv_quantitative_weight=data.sv_quantitative_weight,
        scale_max=data.scale_max,
        questions=tuple(
            OcdsQuestion(q.code, q.section, q.title, q.share_of_total, q.minimum_score) for q in data.questions
        ),
        bidders=tuple(bidders),
        last_change=changed,
        # after the decision, the authority as the decision recorded it
        authority_name=(view.authority_name if decided else "") or profile.name,
        authority_address=profile.address,
        authority_email=profile.email,
        authority_identifier=(view.authority_identifier if decided else "") or profile.identifier,
        authority_contact=profile.contact,
        procedure=details.procedure,
        criteria_published_at=details.criteria_published_at,
        recommended=recommended,
        decided_on=view.decided_on if decided else "",
        summaries_sent_on=view.summaries_sent_on if decided else "",
        notice_published_on=view.notice_published_on if decided else "",
        standstill_ends_on=view.standstill_ends_on if decided else "",
        contract_entered_on=view.contract_entered_on if decided else "",
        ocid=ocid,
    )


def ocds_input(db: Database, reference: str | None, ocid: str = "") -> OcdsInput:
    """What the release is made from, read in one transaction."""
    checked = _checked_ocid(ocid)
    return look(db, reference, lambda s, t: _read(s, t, checked))


def package(db: Database, reference: str | None, uri: str, ocid: str = "") -> dict[str, Any]:
    """The release package, validated (OcdsSchemaError when it does not: a bug)."""
    return ocds_package(ocds_input(db, reference, ocid), uri)


def write_ocds(db: Database, reference: str | None, out: Path, ocid: str = "") -> Path:
    """Write the release package to `out` (atomically); the package's uri is the file's."""
    out = Path(out)
    if out.is_dir():
        raise SvdeskError(f"{out}: a folder; give the file to write, e.g. {out / 'award-notice.json'}")
    data = ocds_bytes(package(db, reference, out.resolve().as_uri(), ocid))
    try:
        return write_atomically(out, data)
    except OSError as exc:  # e.g. a folder we may not write in (the temporary file is made first)
        raise SvdeskError(f"{out}: cannot write ({exc.strerror or exc})") from exc
