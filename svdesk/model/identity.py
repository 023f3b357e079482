"""Members who prove who they are: passphrases, their keys, and the seal of a signature.

Each person enrols once by choosing their own passphrase. Enrolment makes an Ed25519 key pair; the
public half is part of the record, the private half is kept only sealed (AES-GCM) under a key
derived from the passphrase with scrypt, a memory-hard KDF (its parameters are stored with the
key as text, so they can be raised later without breaking older keys). svdesk never stores the
passphrase. Signing in unseals the private key: a wrong passphrase fails the GCM tag.

A sign-off is sealed by the member's key over `seal_message` (the tender, the member, what was
signed and when); `svdesk verify` checks the seal against the key enrolled for that member.

Pure functions over plain values (no ORM, no Qt); the ORM side is `services/identity.py`. The
cryptography is the `cryptography` package's, not ours.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from svdesk.model.audit import canonical_json
from svdesk.model.errors import ValidationError, WorkflowError

MIN_PASSPHRASE = 10
KDF_N, KDF_R, KDF_P = 2**15, 8, 1  # about 0.1 s and 32 MiB per derivation
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
# After this many wrong passphrases in a row, each further one locks the key for 2**(n-3) s.
SLOW_FROM = 3
SLOW_CAP = timedelta(minutes=15)
SEAL_FORMAT = "svdesk sign-off seal/1"  # a domain tag: a seal is never valid as anything else


class WrongPassphrase(WorkflowError):
    """The passphrase does not unseal the member's key: nothing was done."""

    def __init__(self, member: str, retry: str = ""):
        self.member, self.retry = member, retry
        message = f"the passphrase for {member} is not right; nothing was done"
        super().__init__(f"{message}. {retry}" if retry else message)

    def __reduce__(self) -> tuple[type[WrongPassphrase], tuple[str, str]]:  # as raised, from the helper process
        return (WrongPassphrase, (self.member, self.retry))


class SignInLocked(WorkflowError):
    """Too many wrong passphrases: the member's key is slowed until `until`."""


class NotEnrolled(WorkflowError):
    """The member has no key: they enrol first (choosing their own passphrase)."""


# --- passphrases and the key derivation -------------------------------------------------------------


def passphrase_problem(passphrase: str, member: str) -> str | None:
    """What is wrong with a passphrase a member chooses, or None: at least 10 characters, not their name."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"{member}'s passphrase must be at least {MIN_PASSPHRASE} characters long"
    squashed = re.sub(r"\W+", "", passphrase).casefold()
    name = re.sub(r"\W+", "", member).casefold()
    if name and squashed in {name, name[::-1]}:
        return f"{member}'s passphrase must not be their name"
    return None


def kdf_text(n: int = KDF_N, r: int = KDF_R, p: int = KDF_P) -> str:
    """The KDF and its parameters, as stored with a key (MemberKey.kdf)."""
    return f"scrypt n={n} r={r} p={p}"


def parse_kdf(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(r"scrypt n=(\d+) r=(\d+) p=(\d+)", text.strip())
    if match is None:
        raise WorkflowError(f"this key was sealed with a key derivation svdesk does not know ({text!r})")
    n, r, p = (int(g) for g in match.groups())
    return n, r, p


def derive_key(passphrase: str, salt: bytes, kdf: str) -> bytes:
    """The 32-byte sealing key derived from a passphrase (scrypt with the parameters in `kdf`)."""
    n, r, p = parse_kdf(kdf)
    needs = 128 * r * (n + 2 + p)  # scrypt's working memory (OpenSSL refuses more than maxmem)
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=needs + 2**20)


# --- keys --------------------------------------------------------------------------------------------


def key_fingerprint(public_key: bytes) -> str:
    """SHA-256 of the raw 32-byte public key, hex."""
    return hashlib.sha256(public_key).hexdigest()


def shown_fingerprint(fingerprint: str) -> str:
    """The first 16 hex digits in groups of 4, as printed for a person to compare: 'ab12 cd34 ef56 7890'."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4))


def public_key_of(private_key: bytes) -> str:
    """The hex public key of a raw 32-byte Ed25519 private key."""
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw().hex()


def _associated_data(public_key: str) -> bytes:
    """What the sealed private key is bound to: its own public key (a sealed blob moved onto another
    key's row does not open)."""
    return f"svdesk member key/1 {public_key}".encode()


@dataclass(frozen=True)
class NewKey:
    """A key pair made at enrolment: the public values for the record, the sealed private key."""

    public_key: str  # hex of the raw 32 bytes
    key_fingerprint: str  # SHA-256 of the raw public key, hex
    sealed_private_key: bytes = field(repr=False)  # nonce + AES-GCM ciphertext (with its tag)
    kdf: str
    salt: bytes = field(repr=False)
    private_key: bytes = field(repr=False)  # in memory only: it signs its own enrolment, then is dropped


def make_key(member: str, passphrase: str) -> NewKey:
    """A fresh Ed25519 key pair for `member`, its private half sealed under `passphrase` (about 0.1 s).

    Refused (ValidationError, nothing made) when the passphrase breaks the rules."""
    problem = passphrase_problem(passphrase, member)
    if problem:
        raise ValidationError(problem)
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    salt, nonce, kdf = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES), kdf_text()
    sealing = AESGCM(derive_key(passphrase, salt, kdf))
    sealed = nonce + sealing.encrypt(nonce, private.private_bytes_raw(), _associated_data(public.hex()))
    return NewKey(public.hex(), key_fingerprint(public), sealed, kdf, salt, private.private_bytes_raw())


@dataclass(frozen=True)
class SealedKey:
    """What signing in needs of a member's key, read from the database as plain values."""

    key_id: int
    member: str
    role: str
    public_key: str
    key_fingerprint: str
    sealed_private_key: bytes = field(repr=False)
    kdf: str
    salt: bytes = field(repr=False)
    failed_attempts: int


def unseal(key: SealedKey, passphrase: str) -> bytes:
    """The raw private key, or WrongPassphrase (the GCM tag does not check out)."""
    nonce, sealed = key.sealed_private_key[:NONCE_BYTES], key.sealed_private_key[NONCE_BYTES:]
    try:
        private = AESGCM(derive_key(passphrase, key.salt, key.kdf)).decrypt(
            nonce, sealed, _associated_data(key.public_key)
        )
    except InvalidTag:
        raise WrongPassphrase(key.member) from None
    if not hmac.compare_digest(public_key_of(private), key.public_key):  # sealed with another key's pair
        raise WorkflowError(f"{key.member}'s sealed key does not belong to their public key: re-enrol them")
    return private


@dataclass(frozen=True)
class SignedIn:
    """A member who has proved who they are: their unsealed private key, in memory only.

    Plain values (it pickles, so the helper process can sign with it); never written anywhere. The
    sign-off checks the key against the one enrolled for the member before it seals anything.
    """

    member: str
    role: str
    reference: str  # the tender signed in to
    key_id: int
    key_fingerprint: str
    private_key: bytes = field(repr=False)  # the raw 32 bytes of the Ed25519 private key

    @property
    def shown_fingerprint(self) -> str:
        return shown_fingerprint(self.key_fingerprint)


# --- the throttle ------------------------------------------------------------------------------------


def locked_until_after(failed_attempts: int, now: datetime) -> datetime | None:
    """When a key may be tried again after `failed_attempts` wrong passphrases in a row (None: at once).

    From the 3rd on, 2**(n-3) seconds: 1 s, 2 s, 4 s, ... at most 15 minutes."""
    if failed_attempts < SLOW_FROM:
        return None
    exponent = failed_attempts - SLOW_FROM
    wait = SLOW_CAP if exponent >= 10 else min(SLOW_CAP, timedelta(seconds=2**exponent))
    return now + wait


def when_to_retry(until: datetime, now: datetime) -> str:
    """'try again in 4 s (at 12:00:04 UTC)'."""
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    wait = f"{seconds} s" if seconds < 120 else f"{(seconds + 59) // 60} minutes"
    return f"try again in {wait} (at {until:%H:%M:%S} UTC)"


def still_locked(locked_until: str, now: datetime) -> datetime | None:
    """The time a key is slowed until, if that is still to come."""
    if not locked_until:
        return None
    until = datetime.fromisoformat(locked_until)
    return until if until > now else None


# --- the seal of a sign-off --------------------------------------------------------------------------


def seal_message(reference: str, member: str, fingerprint: str, audit_head: str, signed_at: str) -> bytes:
    """The exact bytes a member's key signs when they sign off: the tender's reference, the member's
    name, the content fingerprint and the audit head they signed, and when (canonical JSON, UTF-8).

    Defined here only: the signing (`services/workflow.sign`) and `verify` both call it."""
    return canonical_json(
        {
            "format": SEAL_FORMAT,
            "tender": reference,
            "member": member,
            "fingerprint": fingerprint,
            "audit_head": audit_head,
            "signed_at": signed_at,
        }
    ).encode("utf-8")


def make_seal(private_key: bytes, message: bytes) -> str:
    """The Ed25519 signature of `message` (hex of its 64 bytes)."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message).hex()


def seal_verifies(public_key: str, seal: str, message: bytes) -> bool:
    """True when `seal` is the signature of `message` by the key `public_key` (both hex)."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(bytes.fromhex(seal), message)
    except (InvalidSignature, ValueError):
        return False
    return True
