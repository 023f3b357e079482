"""Members' passphrases in tests: the demo (and every tender a test builds) has its members
unenrolled, so a test that signs enrols the signer first, through the use case, as a person would."""

from __future__ import annotations

DEMO_PANEL = ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield")


def passphrase_of(member: str) -> str:
    """The passphrase each test member chooses (long enough, and not their name)."""
    return f"{member} keeps this passphrase"


def enrol(db, reference, members=DEMO_PANEL, actor="Priya") -> None:
    """Each member enrols with `passphrase_of(member)` (refused if already enrolled)."""
    from svdesk.app import identity

    for member in members:
        identity.enrol(db, actor, reference, member, passphrase_of(member))


def signed_in(db, reference, member):
    """`member` signed in to the tender, enrolled first if they have not been."""
    from svdesk.app import identity

    if not any(k.member == member and not k.retired for k in identity.enrolment(db, reference)):
        identity.enrol(db, "Priya", reference, member, passphrase_of(member))
    return identity.sign_in(db, reference, member, passphrase_of(member))


def sign(db, reference, member) -> None:
    """`member` signs the tender through the model's workflow, in a transaction of its own."""
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.tenders import get_tender

    signer = signed_in(db, reference, member)
    with db.transaction() as s:
        wf.sign(s, get_tender(s, reference), signer)
