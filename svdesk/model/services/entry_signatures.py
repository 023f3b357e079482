"""`svdesk verify`'s fourth check: every audit entry signed by its actor's key, in force at that time.

The keys are read from the chain itself, not from the key table: a key is in force from the entry
that enrolled it (or the snapshot that holds it) until the entry that retired it, and belongs to the
member it names, under every name that member has had in the log. From the first key in force on,
every entry must carry a signature that verifies with a key in force then, of a member the entry's
actor names. Before it (a tender set up before anyone enrolled, or written before svdesk signed
entries) entries carry none, and the report counts them.

What this adds to the hash chain: an insider who edits a row, rewrites its entry and recomputes
every hash is caught here, because each later entry's signature covers the rewritten hash and only
its actor's passphrase unseals the key that could sign it again.

A snapshot starts its chain and is due no signature of its own: a tender loaded from a signed
evaluation file holds that file's keys in its snapshot, which nobody could have signed in with here
(their private halves stayed in the source database), so signing is required from the entry after
it. Such carried keys sign nothing; a member's own key enrolled here supersedes theirs, and signs
the carried key's retirement.

What it cannot catch, said in the README: entries cut from the tail (`--expect-head` does), and a
key enrolled at the tail by someone posing as a member who never enrolled (the member, trying to
enrol, is told they already are).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from svdesk.model.audit import entry_message
from svdesk.model.identity import shown_fingerprint
from svdesk.model.kinds import SNAPSHOTS


@dataclass
class _Key:
    member_id: int
    public: Ed25519PublicKey | None  # None: its public key does not decode (reported when used)


@dataclass(frozen=True)
class EntrySignatures:
    """What the check found: how many entries are signed, how many were made before anyone enrolled,
    and the first that fails (with how many more fail after it)."""

    signed: int
    unsigned_before_enrolment: int
    problem: str = ""
    further_failures: int = 0
    signers: dict[str, int] = field(default_factory=dict)  # actor -> entries they signed

    def as_dict(self) -> dict[str, Any]:
        return {
            "signed": self.signed,
            "unsigned_before_enrolment": self.unsigned_before_enrolment,
            "first_failure": self.problem,
            "further_failures": self.further_failures,
            "signed_by": self.signers,
        }


def _public(hex_key: Any) -> Ed25519PublicKey | None:
    try:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(hex_key)))
    except ValueError:
        return None


class _Keys:
    """The keys in force and the members' names, as the log has them so far."""

    def __init__(self) -> None:
        self.in_force: dict[str, _Key] = {}  # key fingerprint -> key
        self.fingerprint_of: dict[str, str] = {}  # "key/<id>" -> its fingerprint
        self.names: dict[int, set[str]] = {}  # member id -> every name the member has had
        self.ever_enrolled = False
        # Keys that came in a snapshot (an evaluation file's, loaded): their private halves stayed
        # in the database they were made in, so nobody signs with them here; the member's own key
        # enrolled here supersedes theirs (its retirement follows, signed by the new key).
        self.carried: set[str] = set()

    def take_snapshot(self, snapshot: dict[str, Any]) -> None:
        """A snapshot's keys are in force from it on, and every entry after it must be signed."""
        self.in_force.clear()
        for key, value in snapshot.items():
            if isinstance(value, dict):
                self.note(key, value)
        self.carried = set(self.in_force)

    def note(self, key: str, value: Any) -> str:
        """A member's or a key's new value noted; what is wrong with it ("" if nothing)."""
        kind, _, ident = key.partition("/")
        if kind == "member" and ident.isdigit() and isinstance(value, dict) and "name" in value:
            self.names.setdefault(int(ident), set()).add(str(value["name"]))
        elif kind == "key" and ident.isdigit():
            gone = self.fingerprint_of.pop(key, None)
            if gone is not None:
                self.in_force.pop(gone, None)
            if not isinstance(value, dict) or value.get("retired"):
                return ""
            fingerprint, member_id = str(value.get("key_fingerprint", "")), value.get("member_id")
            if not isinstance(member_id, int):
                return ""
            held = [f for f, k in self.in_force.items() if k.member_id == member_id]
            if held and all(f in self.carried for f in held):
                for f in held:  # superseded: a carried key signs nothing here
                    del self.in_force[f]
            elif held:
                return f"a second key ({shown_fingerprint(fingerprint)}) for a member whose key was not retired"
            self.in_force[fingerprint] = _Key(member_id, _public(value.get("public_key")))
            self.fingerprint_of[key] = fingerprint
            self.ever_enrolled = True
        return ""


def _members_or_keys(entity: str) -> bool:
    return entity.startswith("member/") or entity.startswith("key/")


def _who(e: Any) -> str:
    return f"audit entry {e.seq} ({e.action} by {e.actor}, {e.at[:19]})"


def check_entry_signatures(entries: Sequence[Any], tender_uid: str) -> EntrySignatures:
    """Check each entry's signature, in sequence order (rows of `audit.read_entries`)."""
    keys = _Keys()
    signed = before = failures = 0
    problem = ""
    signers: dict[str, int] = {}
    for e in sorted(entries, key=lambda r: r.seq):
        failure: str | None = None
        after: Any = json.loads(e.after) if e.action in SNAPSHOTS or _members_or_keys(e.entity) else None
        retiring = e.entity.startswith("key/") and (after is None or (isinstance(after, dict) and after.get("retired")))
        if e.action in SNAPSHOTS:
            # A snapshot starts its chain: unsigned, it is due no signature unless keys were in force
            # before it (a tender loaded from a file that holds keys had nobody signed in to it here).
            starts = not keys.ever_enrolled and not e.signature and not e.signed_by
            state = after.get("state") if isinstance(after, dict) else None
            keys.take_snapshot(state if isinstance(state, dict) else {})
            if starts:
                before += 1
                continue
        elif _members_or_keys(e.entity) and not retiring:  # a key enrolled signs its own enrolment
            wrong = keys.note(e.entity, after)
            failure = f"{_who(e)}: {wrong}" if wrong else None
        failure = failure or _failure(e, keys, tender_uid)
        if retiring:
            keys.note(e.entity, after)  # a retired key's last entry is its own retirement
        if failure is None:
            if e.signature:
                signed += 1
                signers[e.actor] = signers.get(e.actor, 0) + 1
            else:
                before += 1
        elif not problem:
            problem = failure
        else:
            failures += 1
    return EntrySignatures(signed, before, problem, failures, signers)


def _failure(e: Any, keys: _Keys, tender_uid: str) -> str | None:
    """Why the entry's signature fails (None: it holds, or none is due before anyone enrolled)."""
    if not e.signature and not e.signed_by:
        if not keys.ever_enrolled:
            return None
        return (
            f"{_who(e)}: not signed, though the tender's panel had enrolled keys by then: "
            "svdesk signs every entry from then on, so this one is not svdesk's"
        )
    key = keys.in_force.get(e.signed_by)
    shown = shown_fingerprint(e.signed_by) if e.signed_by else "(none)"
    if key is None:
        return f"{_who(e)}: signed with a key ({shown}) that was not enrolled, or was retired, at that time"
    if e.actor not in keys.names.get(key.member_id, set()):
        return f"{_who(e)}: signed with the key {shown}, which is not {e.actor}'s"
    if key.public is None:
        return f"{_who(e)}: the key {shown} it names is not a valid public key"
    try:
        key.public.verify(bytes.fromhex(e.signature), entry_message(tender_uid, e.seq, e.hash))
    except (InvalidSignature, ValueError):
        return (
            f"{_who(e)}: its signature does not verify with {e.actor}'s key {shown}: "
            "the entry, or an entry before it, was altered"
        )
    return None
