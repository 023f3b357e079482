"""The parties in the evaluation file (issue 15): the contracting authority, each supplier's legal
details and the procurement's own details. Read, written into the database, and dumped.

What regulation 31(2) of the Procurement Regulations 2024 (SI 2024/692) asks an assessment summary
to say of a supplier: (a) its name, (b) a contact postal address and email address, (c) its unique
identifier, and (d)(ii) where the full award criteria can be accessed. All optional in the file:
they are needed only before the award stage, which `services/reg31_check` checks.

  top level  "authority": {"name", "address", "email", "identifier", "contact"}
  tender     "procedure" (one of `parties.PROCEDURES`), "criteria_published_at", "decision_maker",
             "delegated_authority"
  bidder     "address", "email", "identifier" (text), "sme", "vcse" (true, false, or null: not said)

Each value is checked as the services check it (`contact.checked_email`, `checked_text`, the same
limits), and a refusal names its JSON path. A dump leaves out what is empty, so a file without the
parties dumps as it did before.

The authority's profile belongs to the database, not to the tender (one per database): a load
takes the file's authority when the database has none; when it has one, the file's values fill
its empty fields, and a field the database has with another value refuses the load (naming it,
with both values) unless the load replaces (`replace`: the file's values win), as a tender already
in the database is refused unless replaced. The built-in demo never changes a profile that is set
(`keep`). What a load changed in the profile is recorded in the load's audit entry
(`sourced_authority`); the supplier and procurement rows are part of the tender's record, so the
load's snapshot holds them like every other row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from svdesk.model.contact import checked_email, checked_text
from svdesk.model.entities import Bidder, ProcurementDetail, SupplierDetail, Tender
from svdesk.model.errors import Problem, ValidationError
from svdesk.model.names import quoted
from svdesk.model.services import parties
from svdesk.model.validation import Checker

# the limits are the services' (`parties._AUTHORITY_TEXT`, ...) and the columns'
AUTHORITY_KEYS = ("name", "address", "email", "identifier", "contact")
_AUTHORITY_LIMITS = {"name": 300, "address": 1000, "email": 320, "identifier": 100, "contact": 300}
PROCUREMENT_KEYS = ("procedure", "criteria_published_at", "decision_maker", "delegated_authority")
_PROCUREMENT_LIMITS = {
    "procedure": 100,
    "criteria_published_at": 1000,
    "decision_maker": 300,
    "delegated_authority": 1000,
}
SUPPLIER_KEYS = ("address", "email", "identifier", "sme", "vcse")
_SUPPLIER_LIMITS = {"address": 1000, "email": 320, "identifier": 100}
# The load entry's member naming what the load set in the authority's profile: sorted (canonical
# JSON) after the marks `carried_signatures` reads and before "state", which stays the last.
SOURCED_AUTHORITY = "sourced_authority"


@dataclass(frozen=True)
class AuthorityDoc:
    name: str = ""
    address: str = ""
    email: str = ""
    identifier: str = ""
    contact: str = ""

    def given(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class ProcurementDoc:
    procedure: str = ""
    criteria_published_at: str = ""
    decision_maker: str = ""
    delegated_authority: str = ""

    def given(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class SupplierDoc:
    address: str = ""
    email: str = ""
    identifier: str = ""
    sme: bool | None = None
    vcse: bool | None = None

    def given(self) -> dict[str, Any]:
        """What is said, in the file's order: false (not an SME) is said, null is not."""
        return {k: v for k, v in asdict(self).items() if v is not None and v != ""}


# --- reading --------------------------------------------------------------------------------------


def _checked(c: Checker, path: str, check: Callable[[str], str], value: str) -> str | None:
    """A service's check of `value`, its refusal added at `path` (the check names the field itself)."""
    try:
        return check(value)
    except ValidationError as exc:
        for p in exc.problems:
            c.add(path, p.message.removeprefix(f"{path}: "))
        return None


def _text(c: Checker, raw: dict[str, object], key: str, path: str, limit: int, *, lines: bool = False) -> str | None:
    where = f"{path}.{key}" if path else key
    text = c.text(raw.get(key, ""), where, required=False, max_len=limit)
    if text is None:
        return None
    if key == "email":
        return _checked(c, where, lambda v: checked_email(v, where), text)
    return _checked(c, where, lambda v: checked_text(v, where, limit, lines=lines), text)


def _flag(c: Checker, raw: dict[str, object], key: str, path: str) -> tuple[bool, bool | None]:
    """(valid, value): true, false, or null/absent (not said); "yes" or 1 is refused, not guessed."""
    value = raw.get(key)
    if value is None or isinstance(value, bool):
        return True, value
    c.add(f"{path}.{key}", f"expected true, false or null (not said), found {quoted(value)}")
    return False, None


def parse_authority(c: Checker, raw: object) -> AuthorityDoc | None:
    a = c.obj(raw, "authority", (), AUTHORITY_KEYS)
    if a is None:
        return None
    values = {
        key: _text(c, a, key, "authority", _AUTHORITY_LIMITS[key], lines=key == "address") for key in AUTHORITY_KEYS
    }
    if any(v is None for v in values.values()):
        return None
    return AuthorityDoc(**{k: v or "" for k, v in values.items()})


def parse_procurement(c: Checker, tender: dict[str, object]) -> ProcurementDoc | None:
    """The procurement's details, given among the tender's keys; None when none is given (or one is bad)."""
    if not any(key in tender for key in PROCUREMENT_KEYS):
        return None
    values: dict[str, str | None] = {}
    for key in PROCUREMENT_KEYS:
        values[key] = _text(c, tender, key, "tender", _PROCUREMENT_LIMITS[key])
    procedure = values["procedure"]
    # the competitive tendering procedures of the Procurement Act 2023, s.20(2)
    if procedure and procedure not in parties.PROCEDURES:
        c.add("tender.procedure", f"{quoted(procedure)} is not one of " + ", ".join(map(repr, parties.PROCEDURES)))
        return None
    if any(v is None for v in values.values()):
        return None
    return ProcurementDoc(**{k: v or "" for k, v in values.items()})


def parse_supplier(c: Checker, bidder: dict[str, object], path: str) -> SupplierDoc | None:
    """A bidder's legal details, given among its keys; None when none is given (or one is bad)."""
    if not any(key in bidder for key in SUPPLIER_KEYS):
        return None
    address = _text(c, bidder, "address", path, _SUPPLIER_LIMITS["address"], lines=True)
    email = _text(c, bidder, "email", path, _SUPPLIER_LIMITS["email"])
    identifier = _text(c, bidder, "identifier", path, _SUPPLIER_LIMITS["identifier"])
    sme_ok, sme = _flag(c, bidder, "sme", path)
    vcse_ok, vcse = _flag(c, bidder, "vcse", path)
    if address is None or email is None or identifier is None or not sme_ok or not vcse_ok:
        return None
    # upper case, as `parties.set_supplier` stores it: "sc123456" is Companies House's SC123456
    return SupplierDoc(address, email, identifier.upper(), sme, vcse)


# --- writing --------------------------------------------------------------------------------------


def _table(entity: type[Any]) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)  # a declarative class maps one Table
    return table


def write_procurement(session: Session, tender: Tender, doc: ProcurementDoc | None) -> None:
    if doc is not None and doc.given():
        session.add(ProcurementDetail(tender_id=tender.id, **asdict(doc)))


def write_suppliers(session: Session, bidders: dict[str, Bidder], details: dict[str, SupplierDoc]) -> None:
    """The bidders' legal details in one insert (a file can hold hundreds of bidders); a bidder the
    file says nothing of has no row, as one entered in svdesk has none until its details are."""
    rows = [{"bidder_id": bidders[name].id, **asdict(d)} for name, d in details.items() if d.given()]
    if rows:
        session.execute(insert(_table(SupplierDetail)), rows)


def _same(key: str, held: str, given: str) -> bool:
    return held.casefold() == given.casefold() if key == "email" else held == given


def take_authority(
    session: Session, doc: AuthorityDoc | None, actor: str, *, replace: bool, keep: bool, source: str
) -> dict[str, str]:
    """Set the database's authority profile from the file (the rule: this module's docstring);
    returns the fields set, {} when nothing changed. A conflict refuses, naming each field."""
    if doc is None or not doc.given():
        return {}
    held = parties.authority(session)
    held_values = {key: str(getattr(held, key)) for key in AUTHORITY_KEYS}
    if keep and any(held_values.values()):
        return {}  # the demo: a profile that is set is the database's own
    given = doc.given()
    conflicts = {k: v for k, v in given.items() if held_values[k] and not _same(k, held_values[k], v)}
    if conflicts and not replace:
        raise ValidationError(
            [
                Problem(
                    f"authority.{key}",
                    f"this database's authority has {quoted(held_values[key])}, the file {quoted(value)}: "
                    "one database is one authority's; correct the file or the authority's profile "
                    "(File > Authority profile…, or `svdesk authority set`), or load it in the tender's place "
                    "(Replace in the window, `--replace` on the command line), which takes the file's",
                )
                for key, value in conflicts.items()
            ],
            source or None,
        )
    changed = {k: v for k, v in given.items() if not _same(k, held_values[k], v)}
    if changed:
        parties.set_authority(session, actor, **changed)
    return changed


# --- dumping --------------------------------------------------------------------------------------


def authority_entry(session: Session) -> dict[str, str] | None:
    """The database's authority as the file gives it: its non-empty fields; None when none is set."""
    held = parties.authority(session)
    entry = {key: str(getattr(held, key)) for key in AUTHORITY_KEYS if getattr(held, key)}
    return entry or None


def procurement_entry(session: Session, tender: Tender) -> dict[str, str]:
    """The procurement's non-empty details, to go among the tender's keys."""
    detail = parties.procurement(session, tender)
    return {f.name: getattr(detail, f.name) for f in fields(detail) if getattr(detail, f.name)}


def supplier_entries(session: Session, tender: Tender) -> dict[str, dict[str, Any]]:
    """Bidder name -> its non-empty details (sme and vcse when said, false included)."""
    out: dict[str, dict[str, Any]] = {}
    for s in parties.suppliers(session, tender):
        entry = SupplierDoc(s.address, s.email, s.identifier, s.sme, s.vcse).given()
        if entry:
            out[s.name] = entry
    return out
