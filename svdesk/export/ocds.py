"""The award notice as open data (issue 15 item 5): one tender as it stands, as an Open Contracting
Data Standard 1.1 release package, for the officer to check against what the contract award notice
on the Central Digital Platform (Find a Tender) asks for.

A pure function from plain data (`OcdsInput`, filled by svdesk.app.open_data) to a dict; it knows no
database. What was read, and used, to place each field:

- OCDS 1.1.5 core (https://standard.open-contracting.org/1.1/en/schema/reference/): parties, buyer,
  tender (value, tenderers, numberOfTenderers, awardCriteria "ratedCriteria", awardCriteriaDetails,
  procurementMethod), awards (status from the closed awardStatus codelist), contracts.dateSigned.
  Dates without a time: "23:59:59" in the publisher's time zone, and "00:00:00" for a start
  (reference.md, "Date"); UK time is used (GMT, or BST under the Summer Time Act 1972 as amended).
- Lots extension: a process not divided into lots "should nonetheless add a single, virtual lot";
  the award criteria breakdown lives on the lot (tender.lots[].awardCriteria.criteria, with
  numbers {number, weight "percentageExact"} and {number, threshold "minimumScore"}).
- Organization scale extension: parties[].details.scale "sme" or "large".
- OCDS for the United Kingdom (cabinetoffice/ocds_uk_extension, the extension Find a Tender's own
  packages declare): parties[].details.vcse, awards[].assessmentSummariesDateSent,
  awards[].standstillPeriod, and AwardCriteria.description.
- Identifiers: "GB-COH" for a Companies House number (OCDS identifiers guidance); "GB-PPON" for the
  Public Procurement Organisation Number the Central Digital Platform issues (the scheme Find a
  Tender's releases use for it). Party ids are "{scheme}-{id}", as those releases build them.

The ocid: Find a Tender's registered prefix is "ocds-h6vhtk" (data.open-contracting.org publication
41), but Find a Tender mints the identifier after it ("ocds-h6vhtk-04abcd"); OCDS says a prefix
belongs to the publisher that registered it. So an ocid the officer gives (the one Find a Tender
shows for the procurement) is used as it is; without one, "ocds-h6vhtk-<tender reference>" stands in
until the platform assigns the real one. (A gap: svdesk has no registered prefix of its own.)

Award status (awardStatus codelist): "pending" = "proposed, but not yet in force ... due to a
cooling off period", which is what an award decision under the Procurement Act 2023 is until the
standstill (s.51) ends and the contract is entered into (the contract award notice says the authority
"intends to enter into a public contract": Cabinet Office guidance on contract award notices and
standstill, para 1); so "pending" from the panel's signed-off
recommendation through the decision and standstill, "active" once the contract is entered into.

Gaps recorded, left for the officer on the platform: CPV codes and the main procurement category,
the contract's dates and period, whether prices include VAT (svdesk holds one price), the buyer's
address split into its parts (svdesk holds it as one text), the competitive flexible procedure's
OCDS procurementMethod (only procurementMethodDetails is given), and disqualified bids (the core
has no field for a bid's status without the bid extension).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from svdesk.export.ocds_schema import EXTENSION_URLS, OCDS_VERSION, check

FIND_A_TENDER_PREFIX = "ocds-h6vhtk"
CURRENCY = "GBP"
LOT_ID = "1"  # the single, virtual lot (lots extension guidance)
AWARD_ID = "1"


@dataclass(frozen=True)
class OcdsQuestion:
    code: str
    section: str  # "quality" | "social_value"
    title: str
    share: float  # points out of 100 the question carries
    minimum_score: float | None


@dataclass(frozen=True)
class OcdsBidder:
    name: str
    price: float
    address: str = ""
    email: str = ""
    identifier: str = ""
    sme: bool | None = None
    vcse: bool | None = None


@dataclass(frozen=True)
class OcdsInput:
    reference: str
    title: str
    status: str  # TenderStatus value
    contract_value: float
    weight_price: float
    weight_quality: float
    weight_social_value: float
    sv_quantitative_weight: float  # points out of 100 for the bids' quantified commitments
    scale_max: float
    questions: tuple[OcdsQuestion, ...]
    bidders: tuple[OcdsBidder, ...]  # in registration order
    last_change: str  # ISO date-time of the newest change to what is exported
    authority_name: str = ""
    authority_address: str = ""
    authority_email: str = ""
    authority_identifier: str = ""
    authority_contact: str = ""
    procedure: str = ""
    criteria_published_at: str = ""
    recommended: str = ""  # the bid the signed-off evaluation ranks first ("" none yet, or a tie)
    decided_on: str = ""  # ISO days, "" until recorded
    summaries_sent_on: str = ""
    notice_published_on: str = ""
    standstill_ends_on: str = ""
    contract_entered_on: str = ""
    ocid: str = ""  # the one Find a Tender assigned, when the officer has it


# --- identifiers and dates ---------------------------------------------------------------------------

_COMPANIES_HOUSE = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")  # eight characters: digits, or a two-letter prefix
_PPON = re.compile(r"^P[A-Z]{3}-\d{4}-[A-Z]{4}$")  # as Find a Tender publishes them, e.g. PBCP-5168-ZDGP


def identifier_scheme(identifier: str) -> str:
    """The OCDS scheme of a Companies House number or a PPON; "" for anything else."""
    value = identifier.strip().upper()
    if _COMPANIES_HOUSE.match(value):
        return "GB-COH"
    if _PPON.match(value):
        return "GB-PPON"
    return ""


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _uk_offset(local: datetime) -> str:
    """GMT or BST for a UK wall-clock time: BST from 01:00 GMT on the last Sunday in March to 01:00
    GMT on the last Sunday in October (Summer Time Act 1972 s.1, as amended by SI 2002/262)."""
    starts = datetime.combine(_last_sunday(local.year, 3), datetime.min.time()) + timedelta(hours=1)
    ends = datetime.combine(_last_sunday(local.year, 10), datetime.min.time()) + timedelta(hours=1)
    as_bst_in_gmt = local - timedelta(hours=1)
    return "+01:00" if starts <= as_bst_in_gmt < ends else "+00:00"


def day_time(day: str, *, end: bool = True) -> str:
    """An ISO day as an OCDS date-time: the end of the day (23:59:59), or its start, UK time."""
    local = datetime.combine(date.fromisoformat(day), datetime.max.time() if end else datetime.min.time())
    local = local.replace(microsecond=0)
    return f"{local.isoformat()}{_uk_offset(local)}"


def utc_time(stamp: str) -> str:
    """A stored ISO date-time (with its offset) in UTC, as precise as stored (two changes a second apart
    or less still give two dates)."""
    when = datetime.fromisoformat(stamp)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.replace(tzinfo=None).isoformat(timespec="microseconds" if when.microsecond else "seconds") + "Z"


def _amount(value: float) -> float | int:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


# --- the parts of the release ------------------------------------------------------------------------


def _identifier(raw: str) -> tuple[dict[str, str] | None, str]:
    """(the identifier block, the scheme-built party id or "")."""
    value = raw.strip()
    if not value:
        return None, ""
    scheme = identifier_scheme(value)
    if not scheme:
        return {"id": value}, ""  # the scheme is not one svdesk recognises: the officer names it
    value = value.upper()
    return {"scheme": scheme, "id": value}, f"{scheme}-{value}"


def _address(text: str) -> dict[str, str] | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return {"streetAddress": ", ".join(lines)} if lines else None


def _party(name: str, local_id: str, roles: list[str], identifier: str, address: str, **contact: str) -> dict[str, Any]:
    block, built = _identifier(identifier)
    party: dict[str, Any] = {"id": built or local_id}
    if name:  # never a made-up name: an authority profile not yet filled in leaves it out
        party["name"] = name
    if block:
        party["identifier"] = block
    if where := _address(address):
        party["address"] = where
    if point := {"name" if k == "contact_name" else k: v for k, v in contact.items() if v}:
        party["contactPoint"] = point
    party["roles"] = roles
    return party


def _criteria(inp: OcdsInput) -> dict[str, Any]:
    """The award criteria breakdown: price, each question, the quantified social value."""
    rows: list[tuple[str, str, float, float | None]] = [("price", "Price", inp.weight_price, None)]
    for q in inp.questions:
        what = "Social value" if q.section == "social_value" else "Quality"
        name = f"{q.code} {q.title}".strip() if q.title else q.code
        rows.append(("quality", f"{what}: {name}", q.share, q.minimum_score))
    if inp.sv_quantitative_weight > 0:
        rows.append(
            ("quality", "Social value: quantified commitments (proxy values)", inp.sv_quantitative_weight, None)
        )
    total = sum(share for _t, _n, share, _m in rows)
    weight = "percentageExact" if abs(total - 100) < 0.01 else "pointsExact"  # percentages must sum to 100
    criteria = []
    for kind, name, share, minimum in rows:
        numbers: list[dict[str, Any]] = [{"number": _amount(share), "weight": weight}]
        if minimum is not None:
            numbers.append({"number": _amount(minimum), "threshold": "minimumScore"})
        criteria.append({"type": kind, "name": name, "numbers": numbers})
    social = inp.weight_social_value
    description = (
        f"Price {inp.weight_price:g}%, quality {inp.weight_quality:g}%, social value {social:g}%. "
        f"Each question is scored 0 to {inp.scale_max:g}; a minimum score, where set, is on that scale "
        "and a tender scoring below it is disqualified."
    )
    if inp.criteria_published_at:
        description += f" The full award criteria: {inp.criteria_published_at}."
    return {"criteria": criteria, "description": description}


def _awarded(inp: OcdsInput) -> bool:
    return inp.status == "awarded" and bool(inp.decided_on)


def _award(inp: OcdsInput, winner: OcdsBidder, winner_id: str) -> dict[str, Any]:
    award: dict[str, Any] = {
        "id": AWARD_ID,
        "status": "active" if inp.contract_entered_on else "pending",
        "value": {"amount": _amount(winner.price), "currency": CURRENCY},
        "suppliers": [{"id": winner_id, "name": winner.name}],
        "relatedLots": [LOT_ID],
    }
    if _awarded(inp):
        award["date"] = day_time(inp.decided_on)
    if inp.summaries_sent_on:
        award["assessmentSummariesDateSent"] = day_time(inp.summaries_sent_on)
    if inp.notice_published_on and inp.standstill_ends_on:
        # s.51: eight working days beginning with the day the notice is published
        award["standstillPeriod"] = {
            "startDate": day_time(inp.notice_published_on, end=False),
            "endDate": day_time(inp.standstill_ends_on),
        }
    return award


def _tender(inp: OcdsInput, tenderers: list[dict[str, str]]) -> dict[str, Any]:
    tender: dict[str, Any] = {
        "id": inp.reference,
        "title": inp.title,
        "status": "complete" if _awarded(inp) else "active",
    }
    if inp.contract_value > 0:
        tender["value"] = {"amount": _amount(inp.contract_value), "currency": CURRENCY}
    if inp.procedure == "Open procedure":
        tender["procurementMethod"] = "open"  # Procurement Act 2023 s.20(2)(a)
    if inp.procedure:
        tender["procurementMethodDetails"] = inp.procedure
    criteria = _criteria(inp)
    tender["awardCriteria"] = "ratedCriteria"
    tender["awardCriteriaDetails"] = criteria["description"]
    if inp.criteria_published_at:  # reg 31(2)(d)(ii) of SI 2024/692: where the full criteria can be read
        document: dict[str, Any] = {"id": "award-criteria", "documentType": "evaluationCriteria"}
        if re.match(r"^https?://\S+$", inp.criteria_published_at):
            document["url"] = inp.criteria_published_at
        else:
            document["description"] = inp.criteria_published_at
        tender["documents"] = [document]
    tender["numberOfTenderers"] = len(tenderers)
    tender["tenderers"] = tenderers
    tender["lots"] = [{"id": LOT_ID, "status": tender["status"], "awardCriteria": criteria}]
    return tender


def ocds_release(inp: OcdsInput) -> dict[str, Any]:
    """The release: the same input gives the same release, id and date included."""
    ocid = inp.ocid or f"{FIND_A_TENDER_PREFIX}-{inp.reference}"
    buyer = _party(
        inp.authority_name,
        "buyer",
        ["buyer"],
        inp.authority_identifier,
        inp.authority_address,
        contact_name=inp.authority_contact,
        email=inp.authority_email,
    )
    ids: dict[str, str] = {}
    parties = [buyer]
    for n, b in enumerate(inp.bidders, 1):
        roles = ["tenderer", "supplier"] if _awarded(inp) and b.name == inp.recommended else ["tenderer"]
        party = _party(b.name, f"tenderer-{n}", roles, b.identifier, b.address, email=b.email)
        if party["id"] in ids.values() or party["id"] == buyer["id"]:
            party["id"] = f"tenderer-{n}"  # two parties quoting one identifier stay two parties
        details: dict[str, Any] = {}
        if b.sme is not None:
            details["scale"] = "sme" if b.sme else "large"
        if b.vcse is not None:
            details["vcse"] = b.vcse
        if details:
            party["details"] = details
        ids[b.name] = party["id"]
        parties.append(party)
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": "",
        "date": utc_time(inp.last_change),
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": {k: v for k, v in buyer.items() if k in ("id", "name")},
        "tender": _tender(inp, [{"id": ids[b.name], "name": b.name} for b in inp.bidders]),
    }
    winner = next((b for b in inp.bidders if b.name == inp.recommended), None)
    if winner is not None and inp.status in ("signed_off", "awarded"):
        award = _award(inp, winner, ids[winner.name])
        release["awards"] = [award]
        release["tag"] = ["award"]
        if inp.contract_entered_on:
            release["contracts"] = [
                {
                    "id": "1",
                    "awardID": AWARD_ID,
                    "status": "active",
                    "value": award["value"],
                    "dateSigned": day_time(inp.contract_entered_on),
                }
            ]
            release["tag"] = ["award", "contract"]
    # the id names the content: the same state gives the same id, any change another
    digest = hashlib.sha256(json.dumps(release, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    release["id"] = f"{inp.reference}-{digest[:16]}"
    return release


def ocds_package(inp: OcdsInput, uri: str) -> dict[str, Any]:
    """A release package holding the release (a package is where OCDS names its extensions), checked
    against the schema: OcdsSchemaError, a bug, when it does not validate. `uri` identifies the
    package (the file it is written to)."""
    release = ocds_release(inp)
    package: dict[str, Any] = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSION_URLS),
        "publishedDate": release["date"],  # generated on demand: the date of the last change (package schema)
        "publisher": {"name": inp.authority_name or "svdesk"},
        "releases": [release],
    }
    scheme = identifier_scheme(inp.authority_identifier)
    if scheme:
        package["publisher"].update({"scheme": scheme, "uid": inp.authority_identifier.strip().upper()})
    check(package)
    return package


def ocds_bytes(package: dict[str, Any]) -> bytes:
    return (json.dumps(package, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
