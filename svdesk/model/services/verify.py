"""`svdesk verify`: is the record exactly what the app wrote?

The checks, each naming the first thing that no longer matches:
1. the audit chain: every entry present, in order, unaltered (SHA-256 links);
2. the replay: the audit log, replayed from the load/creation snapshot, gives exactly the
   content in the database (so an edit made behind the app's back is caught even before sign-off);
   shown byte for byte against the snapshot when it holds, else replayed in full to name what differs;
3. the entries' signatures: from the first enrolment on, every entry signed by its actor's key in
   force then (`entry_signatures`), so a rewritten entry and its recomputed hashes are caught;
4. the file itself (SQLite): `PRAGMA integrity_check` over the whole file, every page and every
   index against its table, so a damaged index, which would answer queries wrongly, fails verify
   (once per session: verifying several tenders in one read checks the file once);
5. the sign-offs: each one's fingerprint equals the content's fingerprint now, its audit head is
   an entry of the chain, and its seal verifies with the key enrolled for its member
   (`identity.check_seals`; a signature made before svdesk sealed signatures is reported unsealed,
   and verifies as it did). A signature loaded with a signed evaluation file was made in another
   database, so its audit head is an entry of that database's chain: it is accepted only when this
   tender's load snapshot holds that very signature and says the file's signatures were verified
   (`carried_signatures`), and reported as carried; any other head missing from the chain fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from svdesk.model import audit, file_health, state, state_encoding
from svdesk.model.db import Database
from svdesk.model.entities import Tender
from svdesk.model.kinds import SNAPSHOTS
from svdesk.model.rows import bulk_work
from svdesk.model.services import identity
from svdesk.model.services.carried_signatures import carried_signatures, loaded_from
from svdesk.model.services.entry_signatures import EntrySignatures, check_entry_signatures
from svdesk.model.services.replacements import replacements
from svdesk.model.services.tenders import active_signatures, get_tender

SNAPSHOT_ACTIONS = SNAPSHOTS  # the whole-record kinds a chain starts from


@dataclass
class VerifyReport:
    tender: str
    entries: int
    audit_head: str
    fingerprint: str
    signatures: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    replaced: list[dict[str, Any]] = field(default_factory=list)  # the tenders this one replaced (add_replacements)
    anchor: dict[str, Any] | None = None  # the --expect-head check, when one was asked for
    entry_signatures: EntrySignatures | None = None
    loaded_from: dict[str, Any] | None = None  # the file the tender was loaded from (`LoadedFrom.as_dict`)
    file_integrity: str | None = None  # "ok", or what SQLite's integrity check found; None: not checked (PostgreSQL)

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
            "replaced": self.replaced,
            "entry_signatures": self.entry_signatures.as_dict() if self.entry_signatures else None,
            "loaded_from": self.loaded_from,
            "file_integrity": self.file_integrity,
            **({"expected_head": self.anchor} if self.anchor is not None else {}),
        }


def replay(entries: list[Any]) -> dict[str, Any]:
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
    if expected == actual:  # the usual case, compared in C: nothing to name
        return []
    differing = [k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)]
    names = state.names_for({**expected, **actual})
    out = []
    for key in sorted(differing, key=lambda k: (k.split("/")[0], k)):
        want, have = expected.get(key), actual.get(key)
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


def _replay_matches(entries: list[Any], encoded: state_encoding.EncodedState) -> bool:
    """True when `replay(entries)` equals the database's state (`encoded`), shown cheaply.

    The question `_differences` answers, without decoding the snapshot and building the whole
    state twice: the log after the last snapshot is compared key by key with the database, and
    the rest of the database (those keys set back to their value before their first change after
    the snapshot) must encode to exactly the snapshot's bytes. False whenever that cannot be
    shown, whatever the reason: the caller then replays in full and names the differences.
    """
    last = max((i for i, e in enumerate(entries) if e.action in SNAPSHOT_ACTIONS), default=None)
    if last is None or not encoded.exact:
        return False
    first_before: dict[str, str] = {}
    last_after: dict[str, str] = {}
    for e in entries[last + 1 :]:
        if e.entity:
            first_before.setdefault(e.entity, e.before)
            last_after[e.entity] = e.after
    try:
        if not all(map(state_encoding.is_plain_key, last_after)):
            return False
        for key, after in last_after.items():
            have = encoded.text_of(key)
            if have == after:
                continue
            want = json.loads(after)
            if (have is not None or want is not None) and (have is None or json.loads(have) != want):
                return False
        return state_encoding.snapshot_holds(entries[last].after, encoded.text_with(first_before))
    except (ValueError, TypeError, KeyError):
        return False


_INTEGRITY = "svdesk_file_integrity"  # session.info: the file's integrity check, made once per session


def file_integrity(session: Session) -> tuple[str | None, str]:
    """("ok" or what SQLite's integrity check found; the problem to report, "" when none) for the
    database file the session reads; (None, "") on PostgreSQL, whose storage is the server's."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "sqlite":
        return None, ""
    if _INTEGRITY not in session.info:
        raw = session.connection().connection.driver_connection
        problem = file_health.integrity_problem(raw, "integrity_check")
        said = ""
        if problem:
            db = Database(engine, engine.url.render_as_string(hide_password=False), sessionmaker(engine))
            advice = file_health.restore_advice(db, file_health.newest_good_backup(db)) if db.path else ""
            said = (
                f"the database file is damaged: SQLite's integrity check says: {problem}; nothing read from it can "
                f"be trusted. {advice}"
            )
        session.info[_INTEGRITY] = (problem or "ok", said)
    found: tuple[str | None, str] = session.info[_INTEGRITY]
    return found


def add_replacements(session: Session, tender: Tender, report: VerifyReport, entries: list[Any]) -> None:
    """The tenders this one replaced (a replacing load), by whom, when and from which file; a kept
    chain that no longer checks, or changed since, is a problem. `entries`: this tender's log, read."""
    for r in replacements(session, tender.uid, entries):
        report.replaced.append(r.as_dict())
        if r.problem:
            report.problems.append(f"the tender replaced at {r.replaced_at} (chain {r.tender_uid}): {r.problem}")


def verify_in_own_connection(url: str, reference: str, documents: bool = False) -> VerifyReport:
    """Verify one tender over a read-only connection of its own, e.g. in a separate process.

    The desktop app verifies in a second process: the replay is half a second of pure Python on a
    framework, which in a thread would share the interpreter lock with the event loop and make
    every repaint wait for it. `documents`: also re-hash every stored bid document (seconds for a
    framework's gigabytes: asked for by the Verify button, not on every opening).
    """
    from svdesk.model.db import database_of_its_own

    with database_of_its_own(url, read_only=True, reason="verifying the record") as db, db.reader() as session:
        tender = get_tender(session, reference)
        report = verify_tender(session, tender)
        if documents:
            from svdesk.model.services.documents import verify_documents

            report.problems += [f"bid document: {p}" for p in verify_documents(session, tender)]
        return report


def verify_tender(
    session: Session, tender: Tender, *, record: state.Record | None = None, entries: list[Any] | None = None
) -> VerifyReport:
    """Verify one tender. `record` may pass in `state.read_record` already read in this session,
    and `entries` the audit log as `audit.read_entries` read it (the report data reads each once)."""
    with bulk_work():
        return _verify(session, tender, record, entries)


def _verify(
    session: Session, tender: Tender, record: state.Record | None, entries: list[Any] | None = None
) -> VerifyReport:
    if entries is None:
        entries = audit.read_entries(session, tender.uid)  # storage order: what the chain check walks
    chain = audit.check_chain(entries)
    if record is None:
        record = state.read_record(session, tender)
    encoded = state_encoding.encode_state(tender, record)
    fingerprint = encoded.fingerprint
    report = VerifyReport(tender.reference, chain.entries, chain.head, fingerprint)
    report.file_integrity, damage = file_integrity(session)
    if damage:
        report.problems.append(damage)
    if not entries:
        report.problems.append("the audit log for this tender is empty")
        return report
    if not chain.ok:
        report.problems.append(chain.problem)
    report.entry_signatures = signed = check_entry_signatures(entries, tender.uid)
    if signed.problem:
        more = f" (and {signed.further_failures:,} more entries after it)" if signed.further_failures else ""
        report.problems.append(signed.problem + more)
    in_order = sorted(entries, key=lambda e: e.seq)  # the replay follows the sequence, as `audit.history`
    if in_order[0].action not in SNAPSHOT_ACTIONS:
        report.problems.append("audit entry 1 is not the tender's creation or load")
    add_replacements(session, tender, report, entries)
    if not _replay_matches(in_order, encoded):
        report.problems += _differences(replay(in_order), state.state_of(tender, record))
    hashes = {e.hash for e in entries}
    loaded = loaded_from(session, tender, entries)
    report.loaded_from = loaded.as_dict() if loaded is not None else None
    carried: dict[int, dict[str, Any]] | None = None  # the snapshot's signatures, decoded only if needed
    in_force = active_signatures(session, tender)
    seals = identity.check_seals(tender.reference, in_force, record.keys, record.seals)
    for sig, seal in zip(in_force, seals, strict=True):
        ok_print = sig.fingerprint == fingerprint
        ok_head = sig.audit_head in hashes
        carried_said = ""
        if not ok_head and loaded is not None and loaded.signed and seal.state != "unsealed":
            if carried is None:
                carried = carried_signatures(in_order)
            held = carried.get(sig.id)
            if held is not None and all(
                held.get(k) == v
                for k, v in (
                    ("name", sig.name),
                    ("signed_at", sig.signed_at),
                    ("fingerprint", sig.fingerprint),
                    ("audit_head", sig.audit_head),
                )
            ):
                carried_said = (
                    f"carried from {loaded.file or 'an evaluation file'}: signed in another database "
                    f"(head {sig.audit_head[:16]}\u2026)"
                )
        report.signatures.append(
            {
                "name": sig.name,
                "role": sig.role,
                "signed_at": sig.signed_at,
                "fingerprint": sig.fingerprint,
                "audit_head": sig.audit_head,
                "fingerprint_matches": ok_print,
                # in this chain, or carried by the load of a signed file (`carried`, `audit_head_in_this_chain`)
                "audit_head_found": ok_head or bool(carried_said),
                "audit_head_in_this_chain": ok_head,
                "carried": carried_said,  # "" unless the signature came with the file this tender was loaded from
                "key_fingerprint": seal.key_fingerprint,
                "seal": seal.state,  # "verifies", "unsealed" (signed before svdesk sealed) or "does not verify"
                "seal_verifies": seal.state == "verifies",
            }
        )
        if seal.problem:
            report.problems.append(seal.problem)
        if not ok_print:
            report.problems.append(
                f"signature of {sig.name} ({sig.signed_at}): the evaluation's content has "
                f"changed since it was signed (fingerprint {sig.fingerprint[:16]}... "
                f"now {fingerprint[:16]}...)"
            )
        if not ok_head and not carried_said:
            report.problems.append(
                f"signature of {sig.name}: the audit entry it signed ({sig.audit_head[:16]}...) is no longer in the log"
            )
    return report
