"""Members' passphrases in tests: the demo (and every tender a test builds) has its members
unenrolled, so a test that signs enrols the signer first, through the use case, as a person would."""

from __future__ import annotations

from contextlib import contextmanager

DEMO_PANEL = ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield")


def passphrase_of(member: str) -> str:
    """The passphrase each test member chooses (long enough, and not their name)."""
    return f"{member} keeps this passphrase"


OFFICER = "Priya"  # the procurement officer of every test tender, once anyone on it enrols


def _enrolled(db, reference, member) -> bool:
    from svdesk.app import identity

    return any(k.member == member and not k.retired for k in identity.enrolment(db, reference))


def officer(db, reference):
    """The officer, signed in: put on the panel (role officer) and enrolled first if need be.

    Once anyone on a tender has enrolled, every change is signed by the person making it, so the
    officer's set-up steps (opening scoring, awarding, reopening) need her signed in too."""
    from svdesk.app import identity, panel

    name = officer_of(db, reference)
    if name is None:
        name = OFFICER
        panel.add_member(db, "Priya", reference, name, "officer")  # refused once anyone enrolled
    if not _enrolled(db, reference, name):
        identity.enrol(db, name, reference, name, passphrase_of(name))
    return identity.sign_in(db, reference, name, passphrase_of(name))


def officer_of(db, reference):
    """The tender's procurement officer on its panel (the demo's is Priya Shah), if it has one."""
    from svdesk.app import panel

    return next((m.name for m in panel.members(db, reference) if m.role == "officer"), None)


def enrol(db, reference, members=DEMO_PANEL, actor="Priya") -> None:
    """The officer, then each member, enrols with `passphrase_of(member)` (refused if already enrolled)."""
    from svdesk.app import identity

    officer(db, reference)
    for member in members:
        identity.enrol(db, actor, reference, member, passphrase_of(member))


def signed_in(db, reference, member):
    """`member` signed in to the tender, enrolled first if they have not been (the officer first of all)."""
    from svdesk.app import identity

    if member != officer_of(db, reference):
        officer(db, reference)
    if not _enrolled(db, reference, member):
        identity.enrol(db, "Priya", reference, member, passphrase_of(member))
    return identity.sign_in(db, reference, member, passphrase_of(member))


def sign(db, reference, member) -> None:
    """`member` signs the tender through the model's workflow, in a transaction of its own."""
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.tenders import get_tender

    signer = signed_in(db, reference, member)
    with db.transaction() as s:
        wf.sign(s, get_tender(s, reference), signer)


@contextmanager
def as_person(db, reference, member):
    """A transaction in which `member` acts signed in (enrolled first if need be): every entry the
    model's services record in it is signed with their key, as the unit of work does."""
    from svdesk.model import audit

    person = signed_in(db, reference, member)
    with db.transaction() as session, audit.signing(person):
        yield session
