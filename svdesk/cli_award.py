"""The award stage on the command line (issue 15): `svdesk check` (what regulation 31 of the
Procurement Regulations 2024 and the award decision still need), `svdesk award
show|decide|summaries-sent|notice|contract`, and the details they rest on: `svdesk authority
show|set`, `svdesk supplier list|set`, `svdesk procurement show|set` and `svdesk redact
add|list|remove`.

Each action is a function `cmd_<group>_<action>(args) -> int`, registered in `register`. Writes act
as the person `--as` names, signed in (`svdesk.cli._actor`), as every other command does. `check`
exits 0 when nothing is open and 1 when something is; bad input (an unknown tender or bidder, a day
that is not YYYY-MM-DD, no database at the path given) exits 2 with the message, writing nothing.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svdesk.app.errors import SvdeskError
from svdesk.cli import EXIT_OK, _actor, _open

if TYPE_CHECKING:
    from svdesk.app.award import AwardView
    from svdesk.app.checks import OpenItem

EXIT_OPEN = 1  # `svdesk check`: something is still open
WHOLE_TENDER = "The tender"
_SAID = {"yes": True, "no": False, "unknown": None}


def _existing(args: argparse.Namespace) -> None:
    """A read names a database that is there: opening a path that is not would create an empty one."""
    target = getattr(args, "db", None)
    if target and "://" not in str(target) and not Path(target).exists():
        raise SvdeskError(f"no database at {target}")


def _day(value: str | None) -> str | date:
    return value if value is not None else date.today()


def _shown(day: str) -> str:
    return date.fromisoformat(day).strftime("%a %-d %b %Y") if day else "-"


def _given(args: argparse.Namespace, names: tuple[str, ...], command: str) -> dict[str, object]:
    fields = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    if not fields:
        flags = ", ".join("--" + name.replace("_", "-") for name in names)
        raise SvdeskError(f"{command}: give at least one of {flags}")
    return fields


# --- svdesk check ------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from svdesk.app import checks

    _existing(args)
    with _open(args) as db:
        found = checks.check(db, args.tender)
    if args.json:
        items = [
            {"kind": i.kind, "supplier": i.supplier, "paragraph": i.paragraph, "item": i.item}
            | ({"question": i.question, "member": i.member, "flag": i.flag} if i.kind == checks.RATIONALE else {})
            for i in found.items
        ]
        print(json.dumps({"tender": found.reference, "open": items}, indent=2, ensure_ascii=False))
    else:
        print(render_check(found.reference, found.items))
    return EXIT_OK if found.complete else EXIT_OPEN


def render_check(reference: str, items: list[OpenItem]) -> str:
    """Grouped per supplier, the tender's own items first, as the Sign-off screen lists them."""
    if not items:
        return (
            f"{reference}: nothing is open: every item regulation 31 of the Procurement Regulations 2024 asks "
            "the assessment summaries to hold, and the award decision needs, is recorded"
        )
    groups: dict[str, list[OpenItem]] = {}
    for item in items:
        groups.setdefault(item.supplier, []).append(item)
    count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
    out = [f"{reference}: {count} open; the award decision is refused until each is recorded"]
    for supplier, found in groups.items():
        out += ["", f"{supplier or WHOLE_TENDER} ({len(found)})"]
        for item in found:
            text = item.text.removeprefix(f"{item.supplier} — ") if item.supplier else item.text
            out.append(f"  - {text}")
    return "\n".join(out)


# --- svdesk award ------------------------------------------------------------------------------------


def _view_doc(reference: str, view: AwardView, recommendation: str) -> dict[str, Any]:
    period = view.period
    return {
        "tender": reference,
        "recommendation": view.recommendation or recommendation,
        "decided_on": view.decided_on,
        "decision_maker": view.decision_maker,
        "delegated_authority": view.delegated_authority,
        "authority_name": view.authority_name,
        "authority_identifier": view.authority_identifier,
        "summaries_sent_on": view.summaries_sent_on,
        "notice_published_on": view.notice_published_on,
        "standstill_ends_on": view.standstill_ends_on,
        "earliest_entry": view.earliest_entry,
        "skipped": [] if period is None else [{"day": d.day.isoformat(), "why": d.why} for d in period.skipped],
        "contract_entered_on": view.contract_entered_on,
        "next_step": view.next_step,
    }


def render_award(reference: str, view: AwardView, recommendation: str) -> str:
    out = [f"{reference}: award stage"]
    if not view.decided:
        first = recommendation or "no single bid (a tie, or none)"
        out.append(f"  award decision: not recorded; the evaluation ranks first: {first}")
    else:
        out.append(
            f"  award decision: {_shown(view.decided_on)} by {view.decision_maker} under {view.delegated_authority}; "
            f"award to {view.recommendation}"
        )
        authority = view.authority_name or "-"
        out.append(
            f"  contracting authority: {authority}"
            + (f" ({view.authority_identifier})" if view.authority_identifier else "")
        )
    out.append(f"  assessment summaries sent: {_shown(view.summaries_sent_on)}")
    out.append(f"  contract award notice published: {_shown(view.notice_published_on)}")
    if view.period is not None:
        period = view.period
        out.append(
            f"  standstill (Procurement Act 2023 s.51): {len(period.working_days)} working days beginning "
            f"{_shown(period.first_day.isoformat())}; the last is {_shown(view.standstill_ends_on)}"
        )
        for skipped in period.skipped:
            out.append(f"    not a working day: {_shown(skipped.day.isoformat())}: {skipped.why}")
        out.append(f"  the contract may be entered into from {_shown(view.earliest_entry)}")
    out.append(f"  contract entered into: {_shown(view.contract_entered_on)}")
    if view.next_step:
        out.append(f"  next: {view.next_step}")
    return "\n".join(out)


def _print_award(args: argparse.Namespace, db: Any, done: str = "") -> int:
    from svdesk.app import award, signoff

    reference = signoff.signoff_view(db, args.tender).status.reference
    view = award.award_view(db, args.tender)
    recommendation = award.recommendation(db, args.tender) if not view.decided else view.recommendation
    if getattr(args, "json", False):
        print(json.dumps(_view_doc(reference, view, recommendation), indent=2, ensure_ascii=False))
    elif done:
        print(done)
        if view.next_step:
            print(f"  next: {view.next_step}")
    else:
        print(render_award(reference, view, recommendation))
    return EXIT_OK


def cmd_award_show(args: argparse.Namespace) -> int:
    _existing(args)
    with _open(args) as db:
        return _print_award(args, db)


def cmd_award_decide(args: argparse.Namespace) -> int:
    from svdesk.app import signoff

    with _open(args, write=True) as db:
        status = signoff.award(
            db,
            _actor(args, db),
            args.tender,
            decided_on=_day(args.decided_on),
            decision_maker=args.decision_maker or "",
            delegated_authority=args.delegated_authority or "",
        ).value
        return _print_award(
            args, db, f"{status.reference}: the award decision is recorded; the tender is now {status.label}"
        )


def _award_step(args: argparse.Namespace, step: str) -> int:
    from svdesk.app import award

    steps = {
        "summaries-sent": (award.summaries_sent, "the assessment summaries are recorded as sent on {}"),
        "notice": (award.notice_published, "the contract award notice is recorded as published on {}"),
        "contract": (award.contract_entered, "the contract is recorded as entered into on {}"),
    }
    record, said = steps[step]
    with _open(args, write=True) as db:
        view = record(db, _actor(args, db), args.tender, _day(args.on)).value
        day = {"summaries-sent": view.summaries_sent_on, "notice": view.notice_published_on}.get(
            step, view.contract_entered_on
        )
        done = said.format(_shown(day))
        if step == "notice":
            done += f"; the standstill ends on {_shown(view.standstill_ends_on)} (Procurement Act 2023 s.51)"
        return _print_award(args, db, done)


def cmd_award_summaries_sent(args: argparse.Namespace) -> int:
    return _award_step(args, "summaries-sent")


def cmd_award_notice(args: argparse.Namespace) -> int:
    return _award_step(args, "notice")


def cmd_award_contract(args: argparse.Namespace) -> int:
    return _award_step(args, "contract")


# --- the parties: authority, supplier, procurement -------------------------------------------------------

_AUTHORITY_FIELDS = ("name", "address", "email", "identifier", "contact", "internal_marking", "supplier_marking")
_SUPPLIER_FIELDS = ("address", "email", "identifier", "sme", "vcse")
_PROCUREMENT_FIELDS = ("procedure", "criteria_published_at", "decision_maker", "delegated_authority")


def _said(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not said"}[value]


def cmd_authority_show(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    _existing(args)
    with _open(args) as db:
        profile = parties.authority(db)
    doc: dict[str, Any] = {name: getattr(profile, name) for name in _AUTHORITY_FIELDS}
    doc.update(name_evaluators=profile.name_evaluators, logo=profile.logo is not None)
    doc.update(updated_at=profile.updated_at, updated_by=profile.updated_by)
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return EXIT_OK
    print("The contracting authority (this database's profile)")
    for name, value in doc.items():
        shown = _said(value) if isinstance(value, bool) else (str(value) or "-")
        print(f"  {name.replace('_', ' ')}: {shown.replace(chr(10), ', ')}")
    return EXIT_OK


def cmd_authority_set(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    fields: dict[str, object] = {
        name: getattr(args, name) for name in _AUTHORITY_FIELDS if getattr(args, name) is not None
    }
    if args.name_evaluators is not None:
        fields["name_evaluators"] = _SAID[args.name_evaluators]
    if args.logo is not None:
        fields["logo"] = _read_logo(args.logo)
    if not fields:
        raise SvdeskError(
            "authority set: give at least one of "
            + ", ".join("--" + n.replace("_", "-") for n in (*_AUTHORITY_FIELDS, "name_evaluators", "logo"))
        )
    with _open(args, write=True) as db:
        profile = parties.set_authority(db, _actor(args, db), **fields)
    print(f"the authority profile is saved: {profile.name or '(no name yet)'}")
    return EXIT_OK


def _read_logo(path: str) -> bytes | None:
    """The logo's bytes; "" removes the logo."""
    if path == "":
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SvdeskError(f"--logo {path}: cannot be read ({exc.strerror or exc})") from None


def cmd_supplier_list(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    _existing(args)
    with _open(args) as db:
        rows = parties.suppliers(db, args.tender)
    if args.json:
        print(
            json.dumps(
                [{"name": s.name, **{f: getattr(s, f) for f in _SUPPLIER_FIELDS}} for s in rows],
                indent=2,
                ensure_ascii=False,
            )
        )
        return EXIT_OK
    for s in rows:
        print(s.name)
        print(f"  address: {s.address.replace(chr(10), ', ') or '-'}")
        print(f"  email: {s.email or '-'}; unique identifier: {s.identifier or '-'}")
        print(f"  SME: {_said(s.sme)}; VCSE: {_said(s.vcse)}")
    return EXIT_OK


def cmd_supplier_set(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    fields = _given(args, _SUPPLIER_FIELDS, "supplier set")
    for name in ("sme", "vcse"):
        if name in fields:
            fields[name] = _SAID[str(fields[name])]
    with _open(args, write=True) as db:
        supplier = parties.set_supplier(db, _actor(args, db), args.tender, args.bidder, **fields).value
    print(f"{supplier.name}: saved {', '.join(name.replace('_', ' ') for name in fields)}")
    return EXIT_OK


def cmd_procurement_show(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    _existing(args)
    with _open(args) as db:
        details = parties.procurement(db, args.tender)
    doc = {name: getattr(details, name) for name in _PROCUREMENT_FIELDS}
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for name, value in doc.items():
            print(f"{name.replace('_', ' ')}: {value or '-'}")
    return EXIT_OK


def cmd_procurement_set(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    fields = _given(args, _PROCUREMENT_FIELDS, "procurement set")
    with _open(args, write=True) as db:
        parties.set_procurement(db, _actor(args, db), args.tender, **fields)
    print(f"the procurement's details are saved: {', '.join(name.replace('_', ' ') for name in fields)}")
    return EXIT_OK


# --- svdesk redact --------------------------------------------------------------------------------------


def cmd_redact_add(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    with _open(args, write=True) as db:
        row = parties.redact(
            db, _actor(args, db), args.tender, args.bidder, args.question, args.passage, args.reason
        ).value
    print(f"withheld passage {row.id} of {row.bidder}'s {row.question} explanation from the other suppliers' summaries")
    return EXIT_OK


def cmd_redact_list(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    _existing(args)
    with _open(args) as db:
        rows = parties.redactions_of(db, args.tender)
    if args.json:
        keys = ("id", "bidder", "question", "passage", "reason", "made_by", "made_at")
        print(json.dumps([{k: getattr(r, k) for k in keys} for r in rows], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print("no passage is withheld")
    for r in rows:
        print(f'{r.id}: {r.bidder}, {r.question}: "{r.passage}"\n  why: {r.reason} ({r.made_by}, {r.made_at[:10]})')
    return EXIT_OK


def cmd_redact_remove(args: argparse.Namespace) -> int:
    from svdesk.app import parties

    with _open(args, write=True) as db:
        parties.remove_redaction(db, _actor(args, db), args.tender, args.id, args.reason or "")
    print(f"passage {args.id} is no longer withheld")
    return EXIT_OK


# --- the parser -----------------------------------------------------------------------------------------


def _action(actions: Any, common: argparse.ArgumentParser, name: str, func: Any, help: str, tender: bool = True) -> Any:
    p = actions.add_parser(name, parents=[common], help=help)
    if tender:
        p.add_argument("--tender", metavar="REF", help="tender reference (optional when the database holds one)")
    p.set_defaults(func=func)
    return p


def _group(sub: Any, common: argparse.ArgumentParser, name: str, help: str) -> Any:
    return sub.add_parser(name, parents=[common], help=help).add_subparsers(metavar="ACTION", required=True)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `check`, `award`, `authority`, `supplier`, `procurement` and `redact` to `sub`."""
    p = sub.add_parser(
        "check", parents=[common], help="what regulation 31 and the award decision still need (exit 1 if anything)"
    )
    p.add_argument("--tender", metavar="REF")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    award = _group(sub, common, "award", "the award stage: show, decide, summaries-sent, notice, contract")
    _action(award, common, "show", cmd_award_show, "the award stage, the standstill and its skipped days").add_argument(
        "--json", action="store_true"
    )
    p = _action(award, common, "decide", cmd_award_decide, "record the award decision (refused while anything is open)")
    p.add_argument("--decided-on", metavar="DAY", help="the day of the decision, YYYY-MM-DD (default today)")
    p.add_argument("--decision-maker", metavar="WHO", help="default: the procurement's decision-maker")
    p.add_argument("--delegated-authority", metavar="TEXT", help="default: the procurement's delegated authority")
    steps = (
        ("summaries-sent", cmd_award_summaries_sent, "the day every assessment summary was sent (s.50(3))"),
        ("notice", cmd_award_notice, "the day the contract award notice was published: the standstill starts"),
        ("contract", cmd_award_contract, "the day the contract was entered into (after the standstill)"),
    )
    for name, func, help in steps:
        _action(award, common, name, func, help).add_argument("--on", metavar="DAY", help="YYYY-MM-DD (default today)")

    authority = _group(sub, common, "authority", "the contracting authority's profile: show or set")
    _action(authority, common, "show", cmd_authority_show, "the profile", tender=False).add_argument(
        "--json", action="store_true"
    )
    p = _action(authority, common, "set", cmd_authority_set, "change some of the profile's fields", tender=False)
    p.add_argument("--tender", metavar="REF", help="the tender whose panel --as signs in to (when several)")
    for name in _AUTHORITY_FIELDS:
        p.add_argument("--" + name.replace("_", "-"), dest=name)
    p.add_argument("--name-evaluators", choices=("yes", "no"), help="name the panel in supplier documents")
    p.add_argument("--logo", metavar="FILE", help='a PNG or JPEG for the letterhead ("" removes it)')

    supplier = _group(sub, common, "supplier", "each supplier's legal details: list or set")
    _action(supplier, common, "list", cmd_supplier_list, "every bidder's details").add_argument(
        "--json", action="store_true"
    )
    p = _action(supplier, common, "set", cmd_supplier_set, "change some of a bidder's details")
    p.add_argument("--bidder", required=True, metavar="NAME")
    for name in ("address", "email", "identifier"):
        p.add_argument("--" + name)
    for name in ("sme", "vcse"):
        p.add_argument("--" + name, choices=tuple(_SAID))

    procurement = _group(sub, common, "procurement", "the procurement's details: show or set")
    _action(procurement, common, "show", cmd_procurement_show, "the procedure, criteria, decision-maker").add_argument(
        "--json", action="store_true"
    )
    p = _action(procurement, common, "set", cmd_procurement_set, "change some of the procurement's details")
    for name in _PROCUREMENT_FIELDS:
        p.add_argument("--" + name.replace("_", "-"), dest=name)

    redact = _group(sub, common, "redact", "passages withheld from the other suppliers (s.94): add, list, remove")
    p = _action(redact, common, "add", cmd_redact_add, "withhold a passage of a bid's consensus explanation")
    p.add_argument("--bidder", required=True, metavar="NAME")
    p.add_argument("--question", required=True, metavar="CODE")
    p.add_argument("--passage", required=True, metavar="TEXT", help="exactly as it stands in the explanation")
    p.add_argument("--reason", required=True, metavar="WHY")
    _action(redact, common, "list", cmd_redact_list, "every withheld passage").add_argument(
        "--json", action="store_true"
    )
    p = _action(redact, common, "remove", cmd_redact_remove, "no longer withhold a passage")
    p.add_argument("--id", required=True, type=int, metavar="N", help="as `svdesk redact list` numbers it")
    p.add_argument("--reason", metavar="WHY", default="")
