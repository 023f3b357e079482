"""`svdesk verify`: is the record exactly what the app wrote?

Three checks, each naming the first thing that no longer matches:
1. the audit chain: every entry present, in order, unaltered (SHA-256 links);
2. the replay: the audit log, replayed from the load/creation snapshot, gives exactly the
   content in the database (so an edit made behind the app's back is caught even before sign-off);
3. the signatures: each one's fingerprint equals the content's fingerprint now, and its audit
   head is an entry of the chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import Tender
from svdesk.model.services.tenders import active_signatures

SNAPSHOT_ACTIONS = ("tender.load", "tender.create")


@dataclass
class VerifyReport:
    tender: str
    entries: int
    audit_head: str
    fingerprint: str
    signatures: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "tender": self.tender,
            "ok": self.ok,
            "audit_entries": self.entries,
            "audit_head": self.audit_head,
            "fingerprint": self.fingerprint,
            "signatures": self.signatures,
            "problems": self.problems,
        }


def replay(entries: list) -> dict[str, Any]:
    expected: dict[str, Any] = {}
    for e in entries:
        after = json.loads(e.after)
        if e.action in SNAPSHOT_ACTIONS:
            expected = dict(after["state"])
        elif e.entity:
            if after is None:
                expected.pop(e.entity, None)
            else:
                expected[e.entity] = after
    return expected


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 160 else text[:157] + "..."


def _differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    names = state.names_for({**expected, **actual})
    out = []
    for key in sorted(set(expected) | set(actual), key=lambda k: (k.split("/")[0], k)):
        want, have = expected.get(key), actual.get(key)
        if want == have:
            continue
        where = state.readable_key(key, names)
        if want is None:
            out.append(f"{where}: in the database but never recorded in the audit log ({_show(have)})")
        elif have is None:
            out.append(f"{where}: recorded in the audit log but missing from the database")
        else:
            fields = (
                sorted(k for k in set(want) | set(have) if want.get(k) != have.get(k))
                if isinstance(want, dict) and isinstance(have, dict)
                else []
            )
            detail = (
                "; ".join(
                    f"{f}: the database holds {_show(have.get(f))}, the audit log {_show(want.get(f))}" for f in fields
                )
                or f"database {_show(have)}, audit log {_show(want)}"
            )
            out.append(f"{where}: {detail}")
    return out


def verify_tender(session: Session, tender: Tender) -> VerifyReport:
    chain = audit.verify_chain(session, tender.uid)
    entries = audit.history(session, tender.uid)
    actual = state.current_state(session, tender)
    fingerprint = state.content_fingerprint(actual)
    report = VerifyReport(tender.reference, chain.entries, chain.head, fingerprint)
    if not entries:
        report.problems.append("the audit log for this tender is empty")
        return report
    if not chain.ok:
        report.problems.append(chain.problem)
    if entries[0].action not in SNAPSHOT_ACTIONS:
        report.problems.append("audit entry 1 is not the tender's creation or load")
    report.problems += _differences(replay(entries), actual)
    hashes = {e.hash for e in entries}
    for sig in active_signatures(session, tender):
        ok_print = sig.fingerprint == fingerprint
        ok_head = sig.audit_head in hashes
        report.signatures.append(
            {
                "name": sig.name,
                "role": sig.role,
                "signed_at": sig.signed_at,
                "fingerprint": sig.fingerprint,
                "audit_head": sig.audit_head,
                "fingerprint_matches": ok_print,
                "audit_head_found": ok_head,
            }
        )
        if not ok_print:
            report.problems.append(
                f"signature of {sig.name} ({sig.signed_at}): the evaluation's content has "
                f"changed since it was signed (fingerprint {sig.fingerprint[:16]}... "
                f"now {fingerprint[:16]}...)"
            )
        if not ok_head:
            report.problems.append(
                f"signature of {sig.name}: the audit entry it signed ({sig.audit_head[:16]}...) is no longer in the log"
            )
    return report
