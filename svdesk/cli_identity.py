"""`svdesk panel enrol` and `svdesk panel reset`, and the passphrase every command that needs one reads.

The passphrase is asked at the terminal (not echoed), or taken from the environment variable
SVDESK_PASSPHRASE for scripts and tests; none, or a wrong one, exits 2 with nothing written (a
wrong one counts against the member's key: see `svdesk.app.identity`). The passphrase is never
an argument, which other users of the machine could read in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from svdesk.app.errors import SvdeskError
from svdesk.cli import EXIT_OK, _actor, _login, _open

PASSPHRASE_VARIABLE = "SVDESK_PASSPHRASE"
# A passphrase being chosen, when the same command also signs someone in (the officer resetting a
# member: the officer's own passphrase is SVDESK_PASSPHRASE); falls back to SVDESK_PASSPHRASE.
NEW_PASSPHRASE_VARIABLE = "SVDESK_NEW_PASSPHRASE"


def read_passphrase(member: str, *, new: bool = False) -> str:
    """`member`'s passphrase: SVDESK_PASSPHRASE if set (SVDESK_NEW_PASSPHRASE, if set, for one being
    chosen: `new`), else asked at the terminal (twice when `new`)."""
    variable = PASSPHRASE_VARIABLE
    if new and os.environ.get(NEW_PASSPHRASE_VARIABLE) is not None:
        variable = NEW_PASSPHRASE_VARIABLE
    given = os.environ.get(variable)
    if given is not None:
        if not given:
            raise SvdeskError(f"{variable} is empty: no passphrase for {member}; nothing was done")
        return given
    if not sys.stdin.isatty():
        raise SvdeskError(
            f"no passphrase for {member}: run at a terminal to be asked for it, or set {PASSPHRASE_VARIABLE}; "
            "nothing was done"
        )
    asked = getpass.getpass(f"{'Choose a passphrase' if new else 'Passphrase'} for {member}: ")
    if not asked:
        raise SvdeskError(f"no passphrase given for {member}; nothing was done")
    if new and getpass.getpass("The same again, to be sure: ") != asked:
        raise SvdeskError(f"the two passphrases for {member} differ; nothing was done")
    return asked


def cmd_panel_enrol(args: argparse.Namespace) -> int:
    """The member enrols: they choose their passphrase (the officer never learns it)."""
    from svdesk.app import identity

    passphrase = read_passphrase(args.member, new=True)  # before opening the database
    with _open(args, write=True) as db:
        key = identity.enrol(db, _login(), args.tender, args.member, passphrase).value
    print(f"enrolled {key.member}{_on(args)}: key {key.shown_fingerprint} (enrolled {key.enrolled_at})")
    return EXIT_OK


def cmd_panel_reset(args: argparse.Namespace) -> int:
    """The officer enrols a member again (a forgotten passphrase); the member chooses the new one."""
    from svdesk.app import identity

    if not (args.reason or "").strip():
        raise SvdeskError(f"reset needs --reason WHY: enrolling {args.member} again is recorded with its reason")
    passphrase = read_passphrase(args.member, new=True)
    with _open(args, write=True) as db:
        old = [k for k in identity.enrolment(db, args.tender) if k.member == args.member and not k.retired]
        key = identity.reenrol(db, _actor(args, db), args.tender, args.member, passphrase, args.reason).value
    retired = f"; the old key {old[0].shown_fingerprint} is retired (kept: it verifies what it signed)" if old else ""
    print(f"enrolled {key.member} again{_on(args)}: new key {key.shown_fingerprint}{retired}")
    return EXIT_OK


def _on(args: argparse.Namespace) -> str:
    return f" on {args.tender}" if args.tender else ""


def register(panel: Any, common: argparse.ArgumentParser) -> None:
    """Add `enrol` and `reset` to the `svdesk panel` sub-commands (`panel` is its add_subparsers())."""
    p = panel.add_parser(
        "enrol",
        parents=[common],
        help="a member enrols: they choose their passphrase (asked, or SVDESK_PASSPHRASE); makes their key",
    )
    p.add_argument("--tender", metavar="REF")
    p.add_argument("--member", required=True, metavar="NAME", help="the member enrolling")
    p.set_defaults(func=cmd_panel_enrol)
    p = panel.add_parser(
        "reset",
        parents=[common],
        help="enrol a member again after a forgotten passphrase (with --reason); the old key is kept, retired",
    )
    p.add_argument("--tender", metavar="REF")
    p.add_argument("--member", required=True, metavar="NAME", help="the member enrolled again")
    p.add_argument("--reason", required=True, metavar="WHY", help="why, for the record")
    p.set_defaults(func=cmd_panel_reset)
