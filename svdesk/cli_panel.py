"""`svdesk panel list|add|remove|withdraw` (who is on the tender's panel, and how far each has got)
and `svdesk declare` (a member's conflict-of-interest declaration about one bidder).

An action of `svdesk panel` is a function `cmd_panel_<name>(args) -> int` and one `action(...)`
line in `register`, naming the options it takes from `OPTIONS`. Bad input (an unknown member or
role, a malformed email, a member who has acted and so cannot be removed, a withdrawal without a
reason) exits 2 with the message naming the member, and writes nothing.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from svdesk.cli import EXIT_OK, _actor, _open

if TYPE_CHECKING:
    from svdesk.app.panel import PanelRow

Command = Callable[[argparse.Namespace], int]

# The options an action may take: name -> (flags, add_argument keywords).
OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "member": (("--member",), {"required": True, "metavar": "NAME", "help": "the panel member"}),
    "member?": (("--member",), {"metavar": "NAME", "help": "only this panel member"}),
    "role": (
        ("--role",),
        {"default": "evaluator", "help": "evaluator (the default), moderator, chair or officer"},
    ),
    "email": (("--email",), {"default": "", "help": "the member's email address"}),
    "reason": (("--reason",), {"required": True, "metavar": "WHY", "help": "why, for the record"}),
    "json": (("--json",), {"action": "store_true", "help": "print JSON"}),
}


def action(actions: Any, common: argparse.ArgumentParser, name: str, func: Command, help: str, *options: str) -> None:
    """One `svdesk panel NAME` action: --tender, and the `OPTIONS` named."""
    p = actions.add_parser(name, parents=[common], help=help)
    p.add_argument("--tender", metavar="REF", help="tender reference (optional when the database holds one)")
    for option in options:
        flags, keywords = OPTIONS[option]
        p.add_argument(*flags, **keywords)
    p.set_defaults(func=func)


def register(sub: Any, common: argparse.ArgumentParser) -> Any:
    """Add `panel` (with its actions) and `declare` to the sub-commands `sub`; the `panel` actions'
    sub-parsers are returned, for actions registered elsewhere (`svdesk.cli_identity.register`)."""
    p = sub.add_parser("panel", parents=[common], help="the tender's panel: list, add, remove or withdraw members")
    actions = p.add_subparsers(metavar="ACTION", required=True)
    action(actions, common, "list", cmd_panel_list, "each member: role, email, progress, enrolled", "member?", "json")
    action(actions, common, "add", cmd_panel_add, "add a member (--role, --email)", "member", "role", "email", "json")
    action(actions, common, "remove", cmd_panel_remove, "remove a member who has done nothing yet", "member", "json")
    action(
        actions, common, "withdraw", cmd_panel_withdraw, "withdraw a member, with a reason", "member", "reason", "json"
    )

    d = sub.add_parser(
        "declare", parents=[common], help="a member's declaration of conflicts of interest with a bidder"
    )
    d.add_argument("--tender", metavar="REF")
    d.add_argument("--member", required=True, metavar="NAME", help="the panel member declaring")
    d.add_argument("--bidder", required=True, metavar="NAME")
    said = d.add_mutually_exclusive_group(required=True)
    said.add_argument("--none", action="store_true", help="no conflict of interest with this bidder")
    said.add_argument("--conflict", metavar="TEXT", help="the conflict of interest, described")
    d.set_defaults(func=cmd_declare)
    return actions


# --- the actions ---------------------------------------------------------------------------------------


def cmd_panel_list(args: argparse.Namespace) -> int:
    from svdesk.app import panel
    from svdesk.app.errors import NotFoundError
    from svdesk.app.names import matching, quoted

    with _open(args) as db:
        view = panel.panel_view(db, args.tender)
    reference, rows = view.reference, view.rows
    if args.member is not None:
        named = matching(args.member, (r.name for r in rows))  # "Zoë" in any Unicode form
        rows = [r for r in rows if r.name == named]
        if not rows:
            raise NotFoundError(f"{quoted(args.member)} is not on the panel of tender {reference}")
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    else:
        print(render_panel(reference, rows))
    return EXIT_OK


def cmd_panel_add(args: argparse.Namespace) -> int:
    from svdesk.app import panel

    with _open(args, write=True) as db:
        panel.add_member(db, _actor(args, db), args.tender, args.member, args.role, args.email)
        return _said(args, db, f"added {args.member.strip()} ({args.role.strip().lower()})", args.member.strip())


def cmd_panel_remove(args: argparse.Namespace) -> int:
    from svdesk.app import panel

    with _open(args, write=True) as db:
        reference = panel.panel_view(db, args.tender).reference
        panel.remove_member(db, _actor(args, db), args.tender, args.member)
    if args.json:
        print(json.dumps({"tender": reference, "removed": args.member}, ensure_ascii=False))
    else:
        print(f"removed {args.member} from the panel of {reference}")
    return EXIT_OK


def cmd_panel_withdraw(args: argparse.Namespace) -> int:
    from svdesk.app import panel

    with _open(args, write=True) as db:
        panel.withdraw_member(db, _actor(args, db), args.tender, args.member, args.reason)
        return _said(args, db, f"withdrew {args.member} ({args.reason.strip()}); what they did stays in the record")


def cmd_declare(args: argparse.Namespace) -> int:
    from svdesk.app import scoring

    conflict = args.conflict is not None
    with _open(args, write=True) as db:
        scoring.declare(
            db,
            _actor(args, db, person=args.member),
            args.tender,
            args.member,
            [(args.bidder, conflict, args.conflict or "")],
        )
    said = (
        f"a conflict of interest with {args.bidder}: {args.conflict.strip()}"
        if conflict
        else f"no conflict with {args.bidder}"
    )
    print(f"{args.member} declared {said}")
    return EXIT_OK


# --- output ---------------------------------------------------------------------------------------------


def _said(args: argparse.Namespace, db: Any, text: str, member: str | None = None) -> int:
    """The member's row after the change, as JSON, or a line saying what was done."""
    from svdesk.app import panel

    name = member or args.member
    view = panel.panel_view(db, args.tender)
    if args.json:
        row = next(r for r in view.rows if r.name == name)
        print(json.dumps({"tender": view.reference, **row.as_dict()}, indent=2, ensure_ascii=False))
    else:
        print(f"{view.reference}: {text}")
    return EXIT_OK


def progress(row: PanelRow) -> tuple[str, str]:
    """('4 of 6', '2 of 2'): scores given of those expected ('-' for who does not score), declarations."""
    scoring = row.role == "evaluator" and not row.withdrawn
    scores = f"{row.scores_given} of {row.scores_expected}" if scoring else str(row.scores_given or "-")
    return scores, f"{row.declarations} of {row.bidders}"


def render_panel(reference: str, rows: list[PanelRow]) -> str:
    if not rows:
        return f"{reference}: no one on the panel yet (svdesk panel add --member NAME --role ROLE)"
    head = ("Name", "Role", "Email", "Scores", "Declared", "Enrolled", "May not see", "Status")
    table = []
    for r in rows:
        scores, declared = progress(r)
        status = f"withdrawn {r.withdrawn_at[:10]}: {r.withdrawal_reason}" if r.withdrawn else "active"
        enrolled = "yes" if r.enrolled else "no"
        table.append((r.name, r.role, r.email, scores, declared, enrolled, ", ".join(r.conflicts), status))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *table, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    active = sum(1 for r in rows if not r.withdrawn)
    out = [f"{reference}: {active} member{'' if active == 1 else 's'} on the panel", "", line(head)]
    out.append(line(tuple("-" * w for w in widths)))
    return "\n".join(out + [line(t) for t in table])
