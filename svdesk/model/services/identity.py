"""Members' keys in the database: enrolment, re-enrolment, signing in, and the seal of a signature.

The cryptography is `svdesk.model.identity` (pure functions); here are the rows. An enrolment
and a re-enrolment are audited with the key's public values only (`state.key_value`), so `verify`
replays them; the sealed private key, the salt and the throttle are never part of the record.

A wrong passphrase counts against the key (`note_failure`, committed by the caller in a small
transaction of its own even though the sign-in fails); from the third in a row each further
attempt waits 2**(n-3) seconds, at most 15 minutes; the right passphrase resets the count. This
slows guessing at the app; it cannot slow someone who copied the database file (the KDF's cost
is what protects a sealed key there).

A key that came with an evaluation file (`evaluation_write`) has no sealed half here: it verifies
what its member signed, and nobody signs in with it. To act in this database the member is enrolled
again (`reenrol`, with the reason); when nobody signed in here can sign that for them (every key of
the tender came with the file), the new key, which only the member holds, signs its own enrolment
and the retirement of the carried key, as a first enrolment is signed.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model import identity as crypto
from svdesk.model.entities import MemberKey, PanelMember, Signature, SignatureSeal, Tender
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.tenders import find_member, require_acting


def utc_now() -> datetime:
    """The clock of the throttle and of enrolment (tests may replace it)."""
    return datetime.now(UTC)


def came_with_file(key: MemberKey) -> bool:
    """True for a key loaded from an evaluation file: its public values only, no sealed private half."""
    return not key.sealed_private_key


def _carried_key_said(name: str) -> str:
    return (
        f"{name}'s key came with an evaluation file: it verifies what {name} signed; to act in this database "
        f"the officer enrols {name} again, with the reason (svdesk panel reset --member {name!r} --reason WHY, "
        "or the Panel screen)"
    )


def active_key(session: Session, member: PanelMember) -> MemberKey | None:
    """The member's current key (not retired), if they have enrolled."""
    return session.scalars(
        select(MemberKey).where(MemberKey.member_id == member.id, MemberKey.retired.is_(False)).order_by(MemberKey.id)
    ).first()


# --- enrolment ---------------------------------------------------------------------------------------


def check_can_enrol(session: Session, tender: Tender, member_name: str, *, again: bool) -> str:
    """The member's name as on the panel, once it is clear that they may enrol (`again`: re-enrol).

    Asked before the key is made (the KDF takes a tenth of a second), and again when it is saved."""
    member = find_member(session, tender, member_name)
    require_acting(session, member, "enrol", officer_may=True)
    current = active_key(session, member)
    if not again and current is not None and came_with_file(current):
        raise WorkflowError(_carried_key_said(member.name))
    if not again and current is not None:
        raise WorkflowError(
            f"{member.name} is already enrolled (key {crypto.shown_fingerprint(current.key_fingerprint)}); "
            "the officer re-enrols them with a reason"
        )
    if again and current is None:
        raise WorkflowError(f"{member.name} has not enrolled yet: they enrol themselves, choosing their passphrase")
    return member.name


def _add_key(
    session: Session, tender: Tender, actor: str, member: PanelMember, new: crypto.NewKey, kind: ChangeKind, reason: str
) -> MemberKey:
    key = MemberKey(
        member_id=member.id,
        public_key=new.public_key,
        key_fingerprint=new.key_fingerprint,
        enrolled_at=utc_now().isoformat(timespec="seconds"),
        reason=reason,
        retired=False,
        sealed_private_key=new.sealed_private_key,
        kdf=new.kdf,
        salt=new.salt,
        failed_attempts=0,
        locked_until="",
    )
    session.add(key)
    session.flush()
    audit.record(session, tender.uid, actor, kind, state.key_key(key), None, state.key_value(key), reason=reason)
    return key


def enrol(session: Session, tender: Tender, actor: str, member_name: str, new: crypto.NewKey) -> MemberKey:
    """The member's first key. Refused if they have one (the officer re-enrols them) or were withdrawn."""
    name = check_can_enrol(session, tender, member_name, again=False)
    return _add_key(session, tender, actor, find_member(session, tender, name), new, ChangeKind.KEY_ENROL, "")


def reenrol(
    session: Session, tender: Tender, actor: str, member_name: str, new: crypto.NewKey, reason: str
) -> MemberKey:
    """A new key for a member who forgot their passphrase: the old key is retired (kept: it still
    verifies what it sealed) and the new one added, both with the reason on the record."""
    why = (reason or "").strip()
    if not why:
        raise ValidationError(f"enrolling {member_name} again needs a reason, for the record")
    name = check_can_enrol(session, tender, member_name, again=True)
    member = find_member(session, tender, name)
    old = active_key(session, member)
    assert old is not None  # check_can_enrol(again=True) made sure
    if came_with_file(old) and audit.signer_in_effect() is None:
        # Nobody signed in here to sign it, and nothing is recorded unsigned once keys are in force:
        # the new key signs its enrolment, then the carried key's retirement (`entry_signatures`
        # lets a member's own key supersede a carried one).
        with audit.signing(audit.KeySigner(member.name, new.key_fingerprint, new.private_key)):
            key = _add_key(session, tender, member.name, member, new, ChangeKind.KEY_REENROL, why)
            _retire(session, tender, member.name, old, why)
        return key
    _retire(session, tender, actor, old, why)
    return _add_key(session, tender, actor, member, new, ChangeKind.KEY_REENROL, why)


def _retire(session: Session, tender: Tender, actor: str, old: MemberKey, why: str) -> None:
    before = state.key_value(old)
    old.retired = True
    session.flush()
    audit.record(
        session, tender.uid, actor, ChangeKind.KEY_RETIRE, state.key_key(old), before, state.key_value(old), reason=why
    )


@dataclass(frozen=True)
class KeyRow:
    member: str
    role: str
    key_fingerprint: str
    enrolled_at: str
    retired: bool
    reason: str  # why the member was enrolled again ("" for a first enrolment)


def key_row(session: Session, key: MemberKey) -> KeyRow:
    member = session.get(PanelMember, key.member_id)
    assert member is not None  # a key belongs to a member (a foreign key)
    return KeyRow(member.name, member.role.value, key.key_fingerprint, key.enrolled_at, key.retired, key.reason)


def enrolment(session: Session, tender: Tender) -> list[KeyRow]:
    """Every key of the tender's panel, current and retired, in panel order then enrolment order."""
    rows = session.execute(
        select(
            PanelMember.name,
            PanelMember.role,
            MemberKey.key_fingerprint,
            MemberKey.enrolled_at,
            MemberKey.retired,
            MemberKey.reason,
        )
        .join(PanelMember, MemberKey.member_id == PanelMember.id)
        .where(PanelMember.tender_id == tender.id)
        .order_by(PanelMember.position, MemberKey.id)
    ).all()
    return [KeyRow(name, role.value, fp, at, bool(retired), reason) for name, role, fp, at, retired, reason in rows]


# --- signing in -----------------------------------------------------------------------------------------


def sealed_key(session: Session, tender: Tender, member_name: str, now: datetime) -> crypto.SealedKey:
    """What signing in as the member needs; refused when they are withdrawn, not enrolled, or slowed."""
    member = find_member(session, tender, member_name)
    require_acting(session, member, "sign in", officer_may=True)
    key = active_key(session, member)
    if key is None:
        raise crypto.NotEnrolled(
            f"{member.name} has not enrolled: they enrol first, choosing their own passphrase "
            f"(svdesk panel enrol --member {member.name!r}, or the Panel screen)"
        )
    if came_with_file(key):
        raise crypto.NotEnrolled(_carried_key_said(member.name))
    until = crypto.still_locked(key.locked_until, now)
    if until is not None:
        raise crypto.SignInLocked(
            f"{member.name}: {key.failed_attempts} wrong passphrases in a row; "
            f"{crypto.when_to_retry(until, now)}; nothing was done"
        )
    return crypto.SealedKey(
        key.id,
        member.name,
        member.role.value,
        key.public_key,
        key.key_fingerprint,
        key.sealed_private_key,
        key.kdf,
        key.salt,
        key.failed_attempts,
    )


def note_failure(session: Session, key_id: int, now: datetime) -> datetime | None:
    """One more wrong passphrase against the key; when it may be tried again (None: at once)."""
    session.execute(
        update(MemberKey).where(MemberKey.id == key_id).values(failed_attempts=MemberKey.failed_attempts + 1)
    )
    attempts = session.scalar(select(MemberKey.failed_attempts).where(MemberKey.id == key_id)) or 0
    until = crypto.locked_until_after(attempts, now)
    if until is not None:
        session.execute(
            update(MemberKey)
            .where(MemberKey.id == key_id)
            .values(locked_until=until.isoformat(timespec="microseconds"))
        )
    return until


def note_success(session: Session, key_id: int) -> None:
    session.execute(update(MemberKey).where(MemberKey.id == key_id).values(failed_attempts=0, locked_until=""))


# --- the seal of a signature ----------------------------------------------------------------------------


def signing_key(session: Session, tender: Tender, signer: crypto.SignedIn) -> tuple[PanelMember, MemberKey]:
    """The member and the enrolled key a sign-off by `signer` uses, once it is clear the signed-in
    key is that member's current key of this tender (the private key must match its public half)."""
    if signer.reference != tender.reference:
        raise WorkflowError(
            f"{signer.member} is signed in to tender {signer.reference}, not {tender.reference}: "
            "sign in to this tender; nothing was done"
        )
    member = find_member(session, tender, signer.member)
    key = session.get(MemberKey, signer.key_id)
    if key is None or key.member_id != member.id:
        raise WorkflowError(f"the key {signer.shown_fingerprint} is not {member.name}'s; nothing was done")
    if key.retired:
        raise WorkflowError(
            f"{member.name}'s key {signer.shown_fingerprint} was replaced when they were enrolled again: "
            "sign in with the new passphrase; nothing was done"
        )
    if not hmac.compare_digest(crypto.public_key_of(signer.private_key), key.public_key):
        raise WorkflowError(f"the signed-in key does not match the key enrolled for {member.name}; nothing was done")
    return member, key


def seal_signature(session: Session, tender: Tender, sig: Signature, signer: crypto.SignedIn, key: MemberKey) -> None:
    """The member's Ed25519 seal over what `sig` signed, stored and audited (after the signature's entry)."""
    message = crypto.seal_message(tender.reference, sig.name, sig.fingerprint, sig.audit_head, sig.signed_at)
    seal = SignatureSeal(signature_id=sig.id, key_id=key.id, seal=crypto.make_seal(signer.private_key, message))
    session.add(seal)
    session.flush()
    audit.record(
        session, tender.uid, sig.name, ChangeKind.SIGNATURE_SEAL, state.seal_key(seal), None, state.seal_value(seal)
    )


def sealing_keys(session: Session, signature_ids: Iterable[int]) -> dict[int, str]:
    """Signature id -> the fingerprint of the key that sealed it (unsealed signatures are left out)."""
    ids = list(signature_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(SignatureSeal.signature_id, MemberKey.key_fingerprint)
        .join(MemberKey, SignatureSeal.key_id == MemberKey.id)
        .where(SignatureSeal.signature_id.in_(ids))
    ).all()
    return {sid: fp for sid, fp in rows}


UNSEALED = "unsealed: signed before svdesk asked for keys"


@dataclass(frozen=True)
class SealCheck:
    state: str  # "verifies", "unsealed" or "does not verify"
    key_fingerprint: str  # of the key the seal names ("" when unsealed)
    problem: str = ""  # why verify fails ("" when it does not)

    @property
    def said(self) -> str:
        return UNSEALED if self.state == "unsealed" else f"seal {self.state}"


def check_seals(reference: str, signatures: Iterable[Signature], keys: list[Any], seals: list[Any]) -> list[SealCheck]:
    """Each signature's seal checked against the key enrolled for its member (`keys` and `seals` are
    the record's rows: `state.Record.keys`, `.seals`).

    A signature with no seal was made before svdesk sealed signatures, and verifies as before, said
    so; unless its member had already enrolled a key by then: svdesk seals every signature made with
    a key, so one without is not svdesk's."""
    by_id = {row[0]: row for row in keys}  # id, member_id, public_key, key_fingerprint, enrolled_at, reason, retired
    seal_of = {row[0]: row for row in seals}  # signature_id, key_id, seal
    return [_check(reference, sig, by_id, seal_of.get(sig.id)) for sig in signatures]


def _check(reference: str, sig: Signature, keys: dict[int, Any], sealed: Any) -> SealCheck:
    who = f"signature of {sig.name} ({sig.signed_at})"
    if sealed is None:
        earlier = [k for k in keys.values() if k[1] == sig.member_id and k[4] <= sig.signed_at]
        if earlier:
            shown = crypto.shown_fingerprint(earlier[0][3])
            return SealCheck(
                "does not verify",
                "",
                f"{who}: not sealed, though {sig.name} had enrolled a key ({shown}) before signing: "
                "svdesk seals every signature made with a key",
            )
        return SealCheck("unsealed", "")
    _signature_id, key_id, seal = sealed
    key = keys.get(key_id)
    if key is None or key[1] != sig.member_id:
        return SealCheck(
            "does not verify", "", f"{who}: its seal names a key (#{key_id}) that is not one enrolled for {sig.name}"
        )
    _id, _member_id, public_key, fingerprint, enrolled_at, _reason, _retired = key
    shown = crypto.shown_fingerprint(fingerprint)
    try:
        printed = crypto.key_fingerprint(bytes.fromhex(public_key))
    except ValueError:  # not hex at all
        printed = ""
    if printed != fingerprint:
        return SealCheck("does not verify", fingerprint, f"{who}: the key {shown} is not the key its fingerprint names")
    if enrolled_at > sig.signed_at:
        return SealCheck(
            "does not verify", fingerprint, f"{who}: sealed with the key {shown}, enrolled later ({enrolled_at})"
        )
    message = crypto.seal_message(reference, sig.name, sig.fingerprint, sig.audit_head, sig.signed_at)
    if not crypto.seal_verifies(public_key, seal, message):
        return SealCheck(
            "does not verify",
            fingerprint,
            f"{who}: its seal does not verify with {sig.name}'s key {shown}: "
            "the signature, what it signed, or the seal was altered",
        )
    return SealCheck("verifies", fingerprint)
