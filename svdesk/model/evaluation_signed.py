"""Version 2 of the evaluation file (`svdesk-evaluation/2`): what a signed record needs to travel.

The members' details (email, withdrawal), their keys (public values only), the signatures in
force, the source database's chain (`record`) and the scores entered by proxy (`proxy_entries`,
part of the signed content). Each signature is checked here against the file itself: its key is
one of the file's keys of that member (whose fingerprint is the SHA-256 of its public key),
enrolled no later than the signature, and the seal verifies over `identity.seal_message`. That the
file's content is what was signed (the fingerprint) can only be told once it is written:
`evaluation_write` checks it in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from svdesk.model import identity as crypto
from svdesk.model.entities import Role
from svdesk.model.evaluation_fields import hex_text, known, when
from svdesk.model.names import quoted
from svdesk.model.services.proxy_entries import MAX_SOURCE
from svdesk.model.validation import Checker

MEMBER_DETAIL_KEYS = ("email", "withdrawn", "withdrawal_reason", "withdrawn_at")
KEY_KEYS = ("member", "public_key", "key_fingerprint", "enrolled_at")
KEY_OPTIONAL = ("reason", "retired")
SIGNATURE_KEYS = ("member", "role", "signed_at", "fingerprint", "audit_head", "key_fingerprint", "seal")
RECORD_KEYS = ("tender_uid", "audit_head", "entries")
PROXY_KEYS = ("member", "bidder", "question", "entered_by", "source", "entered_at")
PROXY_OPTIONAL = ("confirmed_at",)  # "" (left out) until the member confirms
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


@dataclass(frozen=True)
class MemberDetailDoc:
    email: str
    withdrawn: bool
    withdrawal_reason: str
    withdrawn_at: str


@dataclass(frozen=True)
class KeyDoc:
    """A member's key as the file gives it: its public values only."""

    member: str
    public_key: str
    key_fingerprint: str
    enrolled_at: str
    reason: str
    retired: bool


@dataclass(frozen=True)
class SignatureDoc:
    """A signature in force, its key and seal already checked against the file's keys."""

    where: str  # "signatures[2] (Gwen Roberts)": how a problem with it is named
    member: str
    role: str
    signed_at: str
    fingerprint: str
    audit_head: str  # an entry of the source database's chain
    key_fingerprint: str
    seal: str


@dataclass(frozen=True)
class ProxyEntryDoc:
    """A score entered by proxy, as the file gives it: exactly the fields the fingerprint covers."""

    member: str
    bidder: str
    question: str
    entered_by: str
    source: str
    entered_at: str
    confirmed_at: str  # "" until the member confirms


def member_detail(c: Checker, p: dict[str, object], path: str) -> MemberDetailDoc | None:
    email = c.text(p.get("email", ""), f"{path}.email", required=False, max_len=320)
    if email and (any(ch.isspace() for ch in email) or "@" not in email.strip("@")):
        c.add(f"{path}.email", f"{quoted(email)} is not an email address")
        email = None
    withdrawn = p.get("withdrawn", False)
    if not isinstance(withdrawn, bool):
        c.add(f"{path}.withdrawn", "expected true or false")
        return None
    reason = c.text(p.get("withdrawal_reason", ""), f"{path}.withdrawal_reason", required=withdrawn, max_len=2000)
    at = when(c, p.get("withdrawn_at", ""), f"{path}.withdrawn_at", required=withdrawn)
    if email is None or reason is None or at is None:
        return None
    return MemberDetailDoc(email, withdrawn, reason, at)


def parse_keys(c: Checker, raw_keys: object, member_names: Container[str]) -> list[KeyDoc]:
    out: list[KeyDoc] = []
    fingerprints: set[str] = set()
    current: set[str] = set()  # members with a key in force (not retired)
    for i, raw in enumerate(c.array(raw_keys, "keys")):
        path = f"keys[{i}]"
        k = c.obj(raw, path, KEY_KEYS, KEY_OPTIONAL)  # a sealed private half, salt or KDF is an unknown key
        if k is None:
            continue
        member = known(c, k.get("member"), f"{path}.member", member_names, "panel member")
        if member is None:
            continue
        public = hex_text(c, k.get("public_key"), f"{path}.public_key", _HEX64, "a 32-byte Ed25519 public key")
        printed = hex_text(c, k.get("key_fingerprint"), f"{path}.key_fingerprint", _HEX64, "a SHA-256 fingerprint")
        enrolled_at = when(c, k.get("enrolled_at"), f"{path}.enrolled_at")
        reason = c.text(k.get("reason", ""), f"{path}.reason", required=False, max_len=2000)
        retired = k.get("retired", False)
        if not isinstance(retired, bool):
            c.add(f"{path}.retired", "expected true or false")
            continue
        if public is None or printed is None or enrolled_at is None or reason is None:
            continue
        if crypto.key_fingerprint(bytes.fromhex(public)) != printed:
            c.add(
                f"{path}.key_fingerprint",
                f"{member}'s key {crypto.shown_fingerprint(printed)} is not the SHA-256 of its public key",
            )
            continue
        if printed in fingerprints:
            c.add(path, f"the key {crypto.shown_fingerprint(printed)} is listed twice")
            continue
        if not retired and member in current:
            c.add(path, f"a second key in force for {member}: a member's earlier keys are retired")
            continue
        fingerprints.add(printed)
        if not retired:
            current.add(member)
        out.append(KeyDoc(member, public, printed, enrolled_at, reason, retired))
    return out


def parse_signatures(
    c: Checker,
    raw_signatures: object,
    reference: str,
    panel: list[tuple[str, str]],
    keys: list[KeyDoc],
    member_names: Container[str],
) -> list[SignatureDoc]:
    """Each signature in force, checked against the file's own keys (the fingerprint is checked
    once the content is written: `evaluation_write`)."""
    roles = dict(panel)
    out: list[SignatureDoc] = []
    signed: set[str] = set()
    for i, raw in enumerate(c.array(raw_signatures, "signatures")):
        s = c.obj(raw, f"signatures[{i}]", SIGNATURE_KEYS)
        if s is None:
            continue
        member = known(c, s.get("member"), f"signatures[{i}].member", member_names, "panel member")
        if member is None:
            continue
        where = f"signatures[{i}] ({member})"
        role = s.get("role")
        signed_at = when(c, s.get("signed_at"), f"{where}.signed_at")
        fingerprint = hex_text(c, s.get("fingerprint"), f"{where}.fingerprint", _HEX64, "a content fingerprint")
        head = hex_text(c, s.get("audit_head"), f"{where}.audit_head", _HEX64, "an audit head")
        seal, key_print = s.get("seal"), s.get("key_fingerprint")
        if signed_at is None or fingerprint is None or head is None:
            continue
        if member in signed:
            c.add(where, f"{member} signs twice")
            continue
        signed.add(member)
        if member in roles and role != roles[member]:
            c.add(f"{where}.role", f"{member} is on the panel as {roles[member]}, not {quoted(role)}")
            continue
        if roles.get(member) == Role.OFFICER.value:
            c.add(where, f"{member} is the procurement officer, who does not sign")
            continue
        if seal == "" and key_print == "":
            c.add(
                where,
                f"{member}'s signature is not sealed (made before svdesk sealed signatures): svdesk cannot check "
                "it outside the database it was made in; reopen the tender there and sign again before dumping it",
            )
            continue
        seal = hex_text(c, seal, f"{where}.seal", _HEX128, "a 64-byte Ed25519 signature")
        key_print = hex_text(c, key_print, f"{where}.key_fingerprint", _HEX64, "a key fingerprint")
        if seal is None or key_print is None:
            continue
        shown = crypto.shown_fingerprint(key_print)
        key = next((k for k in keys if k.member == member and k.key_fingerprint == key_print), None)
        if key is None:
            c.add(where, f"its key {shown} is not one of {member}'s keys in the file's 'keys'")
            continue
        if key.enrolled_at > signed_at:
            c.add(
                where,
                f"sealed with the key {shown}, enrolled later ({key.enrolled_at}) than it was signed ({signed_at})",
            )
            continue
        message = crypto.seal_message(reference, member, fingerprint, head, signed_at)
        if not crypto.seal_verifies(key.public_key, seal, message):
            c.add(
                where,
                f"its seal does not verify with the key {shown}: "
                "the signature, what it signed, or the seal was altered",
            )
            continue
        out.append(SignatureDoc(where, member, roles.get(member, ""), signed_at, fingerprint, head, key_print, seal))
    return out


def parse_record(c: Checker, raw: object) -> dict[str, Any] | None:
    r = c.obj(raw, "record", RECORD_KEYS)
    if r is None:
        return None
    uid = c.text(r.get("tender_uid"), "record.tender_uid", max_len=64)
    head = hex_text(c, r.get("audit_head"), "record.audit_head", _HEX64, "an audit head")
    entries = c.number(r.get("entries"), "record.entries", minimum=0)
    if entries is not None and entries != int(entries):
        c.add("record.entries", f"{entries:g} is not a whole number")
        return None
    if uid is None or head is None or entries is None:
        return None
    return {"tender_uid": uid, "audit_head": head, "entries": int(entries)}


def parse_proxy_entries(
    c: Checker,
    raw_entries: object,
    member_names: Container[str],
    bidder_names: Container[str],
    question_codes: Container[str],
    scores: Container[tuple[str, str, str]],
) -> list[ProxyEntryDoc]:
    """The scores entered by proxy: each about a score the file has (its member's, for that bid and
    question), once. Taken as written: the fields are part of the signed content, so a load must
    write exactly what the source held (`record_shape.PROXY`)."""
    out: list[ProxyEntryDoc] = []
    seen: set[tuple[str, str, str]] = set()
    for i, raw in enumerate(c.array(raw_entries, "proxy_entries")):
        path = f"proxy_entries[{i}]"
        p = c.obj(raw, path, PROXY_KEYS, PROXY_OPTIONAL)
        if p is None:
            continue
        names = []
        for key, pool, what in (
            ("member", member_names, "panel member"),
            ("bidder", bidder_names, "bidder"),
            ("question", question_codes, "question"),
        ):
            if (value := known(c, p.get(key), f"{path}.{key}", pool, what)) is not None:
                names.append(value)
        entered_by = c.text(p.get("entered_by"), f"{path}.entered_by", max_len=200)
        source = c.text(p.get("source"), f"{path}.source", max_len=MAX_SOURCE)
        entered_at = when(c, p.get("entered_at"), f"{path}.entered_at")
        confirmed_at = when(c, p.get("confirmed_at", ""), f"{path}.confirmed_at", required=False)
        if len(names) != 3 or not entered_by or not source or not entered_at or confirmed_at is None:
            continue
        member, bidder, question = names
        if (member, bidder, question) not in scores:
            c.add(path, f"the file has no score of {question} for {bidder} by {member} for it to be entered by proxy")
        elif (member, bidder, question) in seen:
            c.add(path, f"{member}'s score of {question} for {bidder} is entered by proxy twice")
        elif entered_by == member:
            c.add(f"{path}.entered_by", f"{member}'s own scores are theirs, not entered by proxy")
        else:
            seen.add((member, bidder, question))
            out.append(ProxyEntryDoc(member, bidder, question, entered_by, source, entered_at, confirmed_at))
    return out
