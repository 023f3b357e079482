"""The `svdesk` command: the GUI by default, and headless sub-commands over the same services.

Exit codes: 0 success, 2 bad input or a refused action (the message names the file and place;
nothing was written), 1 an unexpected internal error (reported in one line, never a traceback).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svdesk import __version__
from svdesk.app.errors import NotSignedIn, SvdeskError, TenderExistsError

if TYPE_CHECKING:
    from svdesk.app.database import Database
    from svdesk.app.pledges import PledgeImportPlan, PledgeSheet
    from svdesk.app.unit import Actor

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


ACTOR_REFUSED = (
    "--actor is no longer accepted: the record names the person acting (the login, or the panel member "
    "signed in), never a name given on the command line"
)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown user"


def _actor(args: argparse.Namespace, db: Database, person: str | None = None) -> Actor:
    """Who acts, for the audit log: the person named by `--as` (or `person`, for a command a member
    runs as themselves), signed in with their passphrase; else the login, which is enough only on
    a tender whose panel nobody has enrolled on yet (after that the use case refuses it:
    NotSignedIn). A name alone is never taken for a person: `main` refuses `--actor`."""
    from svdesk.app import identity
    from svdesk.cli_identity import read_passphrase

    name = person or getattr(args, "acting_as", None)
    if not name:
        return _login()
    return identity.sign_in(db, getattr(args, "tender", None), name, read_passphrase(name))


@contextmanager
def _open(args: argparse.Namespace, write: bool = False, restoring: bool = False) -> Iterator[Database]:
    """The database for one command; a writing command also takes the one-instance lock
    (`restoring`: to restore a backup into it, even over a damaged file)."""
    from svdesk.app import database

    opened = (
        database.open_locked(args.db, restoring=restoring)
        if write
        else database.OpenDatabase(database.open_database(args.db), None)
    )
    try:
        yield opened.db
    finally:
        opened.close()


# --- sub-commands ----------------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace) -> int:
    from svdesk.app import evaluation_files
    from svdesk.app.evaluation_files import read_json_file

    path = Path(args.file)
    data = read_json_file(path)  # before opening the database: a file that is not JSON touches nothing
    with _open(args, write=True) as db:
        try:
            loaded = evaluation_files.load(db, _actor(args, db), path, replace=args.replace, data=data)
        except TenderExistsError as exc:  # the command line's way to say "replace it"
            raise SvdeskError(f"{exc} (give --replace to load it in place of that tender)") from None
        print(
            f"loaded {loaded.reference} from {path} into {db.display_name}: {loaded.bidders} bidders, "
            f"{loaded.questions} questions, {loaded.scores} scores, {loaded.moderated} moderated"
        )
        for line in loaded.notes:  # bid documents the file lists but this database's store lacks
            print(line)
    return EXIT_OK


def cmd_dump(args: argparse.Namespace) -> int:
    from svdesk.app import evaluation_files

    with _open(args, write=False) as db:
        reference = evaluation_files.dump(db, args.tender, Path(args.out))
        print(f"wrote {reference} to {args.out}")
    return EXIT_OK


def _money(value: float | None) -> str:
    return "" if value is None else f"£{value:,.2f}"


def _points(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_results_table(doc: dict[str, Any]) -> str:
    head = (
        "Rank",
        "Bidder",
        "Price",
        "Pledged SV",
        "Accepted SV",
        "Price pts",
        "Quality",
        "SV pledged",
        "SV answers",
        "Total",
    )
    rows = []
    for b in doc["bidders"]:
        rank = "disq." if b["excluded"] else f"{b['rank']}{'=' if _is_tied(doc, b) else ''}"
        rows.append(
            (
                rank,
                b["name"],
                _money(b["price"]),
                _money(b["pledged_value"]),
                _money(b["accepted_value"]),
                _points(b["price_score"]),
                _points(b["quality_score"]),
                _points(b["sv_quantitative_score"]),
                _points(b["sv_qualitative_score"]),
                _points(b["total"]),
            )
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    numeric = {2, 3, 4, 5, 6, 7, 8, 9}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ).rstrip()

    status = "FINAL" if doc["final"] else "PROVISIONAL (some moderated scores are missing)"
    out = [f"Results for {doc['tender']}: {status}", "", line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    notes = [
        f"  {b['name']}: disqualified: {'; '.join(b['exclusion_reasons'])}" for b in doc["bidders"] if b["excluded"]
    ]
    if notes:
        out += ["", *notes]
    return "\n".join(out)


def _is_tied(doc: dict[str, Any], bidder: dict[str, Any]) -> bool:
    return sum(1 for b in doc["bidders"] if not b["excluded"] and b["rank"] == bidder["rank"]) > 1


def cmd_results(args: argparse.Namespace) -> int:
    from svdesk.app import reads

    with _open(args, write=False) as db:
        doc = reads.results_json(db, args.tender)
    print(json.dumps(doc, indent=2, ensure_ascii=False) if args.json else render_results_table(doc))
    return EXIT_OK


def cmd_import_pledges(args: argparse.Namespace) -> int:
    from svdesk.app import pledges

    sheet = pledges.read_sheet(Path(args.file))  # before opening the database
    with _open(args, write=not args.dry_run) as db:
        plan = pledges.import_pledge_sheet(
            db, _actor(args, db), args.tender, args.bidder, sheet, add_measures=args.add_measures, dry_run=args.dry_run
        ).value
    if args.json:
        doc = plan.as_dict()  # and what the reader said: which sheet, the rows not imported, its notes
        doc.update(sheet_state=sheet.sheet_state, reported=list(sheet.reported), notes=list(sheet.notes))
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(render_import_table(plan, args.dry_run, sheet))
    return EXIT_OK


def render_import_table(plan: PledgeImportPlan, dry_run: bool, sheet: PledgeSheet | None = None) -> str:
    read = sheet.read_from if sheet is not None else f"sheet {plan.sheet!r}"
    lines = [f"{plan.file}: {read}, header on row {plan.header_row} -> {plan.tender} / {plan.bidder}", ""]
    lines.append(f"{'Row':>4}  {'Ref':<10} {'Answer':>12} {'Proxy':>10} {'Value':>16} {'Sheet says':>16}  Status")
    for r in plan.rows:
        answer = "" if r.answer is None else f"{r.answer:,.6g}"
        proxy = "" if r.proxy_value is None else f"{r.proxy_value:g}"
        lines.append(
            f"{r.row:>4}  {r.ref:<10} {answer:>12} {proxy:>10} {_money(r.value):>16} "
            f"{_money(r.stated_value):>16}  {r.status}{'  ' + r.message if r.message else ''}"
        )
    lines.append("")
    lines.append(f"Total value (answer x tender proxy): {_money(plan.total_value)}")
    if plan.stated_total is not None:
        lines.append(f"Total stated by the sheet:           {_money(plan.stated_total)}")
    counts = ", ".join(f"{v} {k}" for k, v in sorted(plan.counts().items()))
    if sheet is not None and sheet.reported:
        lines += ["", "Not imported, though they hold an answer:", *(f"  - {r}" for r in sheet.reported)]
    if sheet is not None and sheet.notes:
        lines += ["", "Read with these notes:", *(f"  - {n}" for n in sheet.notes)]
    lines.append(f"Rows: {counts}. {'Dry run: nothing written.' if dry_run else 'Saved.'}")
    return "\n".join(lines)


def cmd_catalogue(args: argparse.Namespace) -> int:
    from svdesk.app import catalogue

    with _open(args, write=args.catalogue_action == "import") as db:
        if args.catalogue_action == "import":
            path = Path(args.file)
            fw = catalogue.import_catalogue(
                db,
                path,
                name=args.name,
                version=args.version or "",
                licence=args.licence or "",
                source=args.source or "",
            )
            print(f"imported framework {fw.name!r} ({fw.measures} measures) from {path}")
            return EXIT_OK
        frameworks = catalogue.list_frameworks(db)
        measures = catalogue.measures(db)
        if args.json:
            print(
                json.dumps(
                    {
                        "frameworks": [
                            {
                                "name": f.name,
                                "version": f.version,
                                "source": f.source,
                                "licence": f.licence,
                                "builtin": f.builtin,
                            }
                            for f in frameworks
                        ],
                        "measures": [
                            {
                                "framework": m.framework,
                                "theme": m.theme,
                                "outcome": m.outcome,
                                "ref": m.ref,
                                "measure": m.text,
                                "unit": m.unit,
                                "proxy_value": m.proxy_value,
                                "source": m.source,
                                "notes": m.notes,
                                "tags": [{"kind": k, "value": v} for k, v in m.tags],
                            }
                            for m in measures
                        ],
                    },
                    indent=1,
                    ensure_ascii=False,
                )
            )
            return EXIT_OK
        for f in frameworks:
            print(f"{f.name} {f.version}\n  source: {f.source}\n  licence: {f.licence}")
        theme = None
        for m in measures:
            if m.theme != theme:
                theme = m.theme
                print(f"\n{theme}")
            proxy = "" if m.proxy_value is None else f"£{m.proxy_value:g} per {m.unit}"
            text = m.text or f"(no measure text: {m.notes})"
            print(f"  {m.ref:<7} {text[:80]:<80} {proxy}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from svdesk.app import reports

    with _open(args) as db:
        written = reports.write_report(
            db, args.tender, args.kind, Path(args.out), bidder=args.bidder, marking=args.marking
        )
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from svdesk.app import reads, signoff

    with _open(args) as db:
        standing = reads.standing(db, args.tender)
        view = signoff.signoff_view(db, args.tender)
    assert standing is not None  # read without a version to compare with: always read
    print(f"{standing.reference}: {standing.title}")
    locked = standing.locked
    print(f"  status: {view.status.label}" + (f" ({locked})" if locked else ""))
    for stage in standing.stages:
        print(f"  {'[x]' if stage.complete else '[ ]'} {stage.summary}")
    if view.readiness is not None:
        ready = view.readiness
        print(f"  ready for {ready.step}: " + ("yes" if ready.ready else "no: " + "; ".join(ready.missing)))
    if view.status.value == reads.TenderStatus.MODERATION and view.unsigned:
        print(f"  still to sign: {', '.join(view.unsigned)}")
    return EXIT_OK


def cmd_advance(args: argparse.Namespace) -> int:
    """Move the tender on (or back, with a reason); signing takes a backup first (in the use case)."""
    from svdesk.app import signoff

    signer, passphrase = None, ""
    if args.action == "sign":
        from svdesk.app import identity
        from svdesk.cli_identity import read_passphrase

        if not args.member:
            raise SvdeskError("sign needs --member NAME (the panel member signing)")
        passphrase = read_passphrase(args.member)  # asked before the database is opened
    with _open(args, write=True) as db:
        if args.action == "sign":
            signer = identity.sign_in(db, args.tender, args.member, passphrase)
        actor = signer or _actor(args, db)  # the member signing is the one acting
        outcome = signoff.advance(db, actor, args.tender, args.action, signer=signer, reason=args.reason or "")
    status = outcome.value
    print(f"{status.reference}: {args.action.replace('-', ' ')} done; the tender is now in {status.label}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from svdesk.app import reports

    with _open(args) as db:
        if args.kind == "ocds":  # the award notice as open data (an OCDS 1.1 release package)
            from svdesk.app import open_data

            path = open_data.write_ocds(db, args.tender, Path(args.out), ocid=args.ocid or "")
        else:
            path = reports.write_workbook(db, args.tender, Path(args.out))
    print(f"wrote {path}")
    return EXIT_OK


def cmd_pack_export(args: argparse.Namespace) -> int:
    from svdesk.app import packs

    with _open(args) as db:
        done = packs.export_member_pack(db, _actor(args, db), args.tender, args.member, Path(args.out))
    print(f"wrote the scoring pack for {args.member} to {done.workbook}")
    if done.documents is not None:
        print(f"wrote the pages of the bid documents {args.member} needs to {done.documents}")
    return EXIT_OK


def cmd_pack_import(args: argparse.Namespace) -> int:
    from svdesk.app import packs

    path = Path(args.file)
    pack = packs.read_scoring_pack(path)  # before opening the database
    with _open(args, write=not args.dry_run) as db:
        done = packs.import_pack(
            db, _actor(args, db), args.tender, pack, member=args.member, keep=args.keep, dry_run=args.dry_run
        )
    plan, outcome = done.plan, done.outcome
    if args.json:
        print(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False))
    else:
        counts = ", ".join(f"{v} {k}" for k, v in plan.counts().items())
        print(f"{path}: pack of {plan.member} for {plan.tender}: {counts}")
        for r in plan.conflicts:
            print(
                f"  conflict: {r.question} for {r.bidder}: database {r.existing_score:g}, pack {r.pack_score:g}"
                f" -> kept {args.keep or '?'}"
            )
        if outcome is not None:
            print(f"saved {len(outcome.written)} scores; {outcome.kept_existing} kept as they were")
            if outcome.proxy_source and outcome.written:
                print(f"  entered by proxy from {outcome.proxy_source}: {plan.member} confirms them, signed in")
            for warning in outcome.warnings:
                print(f"  warning: {warning}")
        else:
            print("Dry run: nothing written.")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    import gc

    gc.disable()  # until the window is up (see svdesk.ui.app.start_gui): Qt's import is part of the wait
    from svdesk.ui.app import run_gui

    return run_gui(db_target=args.db, demo=args.demo)


# --- parser ----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", default=argparse.SUPPRESS, help="database file or postgresql:// URL (default: your svdesk database)"
    )
    common.add_argument(
        "--as",
        dest="acting_as",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who acts: a panel member or the officer, signed in with their passphrase "
        "(asked, or from SVDESK_PASSPHRASE); needed once anyone on the tender's panel has enrolled",
    )
    common.add_argument(
        "--actor", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )  # refused (ACTOR_REFUSED): kept only so that an old script is told why, not "unrecognized arguments"

    parser = argparse.ArgumentParser(prog="svdesk", description="Social value tender evaluation.", parents=[common])
    # No set_defaults(db=...) here: the parents share the --db action object, so a default set on this
    # parser became every subcommand's default and `svdesk --db X load` silently used the default
    # database. main() fills in what was not given.
    parser.set_defaults(func=cmd_gui)
    parser.add_argument("--version", action="version", version=f"svdesk {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the GUI on the built-in demo evaluation")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation end to end (database, demo, results, PDF, xlsx, window)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("load", parents=[common], help="load an evaluation file (JSON)")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="replace a tender with the same reference")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("dump", parents=[common], help="write a tender as an evaluation file (JSON)")
    p.add_argument("--tender", help="tender reference (optional when the database holds one)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser("results", parents=[common], help="rank the bids")
    p.add_argument("--tender")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_results)

    p = sub.add_parser("import-pledges", parents=[common], help="import a bidder's pledge sheet (xlsx)")
    p.add_argument("file")
    p.add_argument("--tender")
    p.add_argument("--bidder", required=True)
    p.add_argument("--add-measures", action="store_true", help="add refs the tender does not use yet")
    p.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import_pledges)

    p = sub.add_parser("status", parents=[common], help="where the tender stands and what is missing")
    p.add_argument("--tender")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "advance", parents=[common], help="open scoring, open moderation, sign, award, or reopen (with --reason)"
    )
    p.add_argument("action", choices=["open-scoring", "open-moderation", "sign", "award", "reopen"])
    p.add_argument("--tender")
    p.add_argument(
        "--member", help="for sign: the panel member signing (their passphrase is asked, or SVDESK_PASSPHRASE)"
    )
    p.add_argument("--reason", help="for reopen: why, for the record")
    p.set_defaults(func=cmd_advance)

    p = sub.add_parser("report", parents=[common], help="write a PDF report")
    p.add_argument("--kind", required=True, choices=["evaluation", "moderation", "award", "summary"])
    p.add_argument("--tender")
    p.add_argument("--bidder", help="for --kind summary: one supplier (default: one PDF per supplier into --out)")
    p.add_argument("--out", required=True, help="the PDF (or, for every supplier's summary, a folder)")
    p.add_argument(
        "--marking",
        default=None,
        help="protective marking on every page (default: the authority profile's internal marking, "
        "or its supplier-facing marking on assessment summaries)",
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "export", parents=[common], help="write the evaluation workbook (xlsx) for audit, or the award notice as OCDS"
    )
    p.add_argument("--tender")
    p.add_argument(
        "--kind", choices=["workbook", "ocds"], default="workbook", help="ocds: an OCDS 1.1 release package (JSON)"
    )
    p.add_argument("--ocid", help="for --kind ocds: the Open Contracting ID Find a Tender assigned, if known")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("pack", parents=[common], help="offline scoring packs: export for a member, import back")
    psub = p.add_subparsers(metavar="ACTION", required=True)
    pe = psub.add_parser("export", parents=[common], help="a scoring pack (xlsx) for one panel member")
    pe.add_argument("--tender")
    pe.add_argument("--member", required=True)
    pe.add_argument("--out", required=True)
    pe.set_defaults(func=cmd_pack_export)
    pi = psub.add_parser("import", parents=[common], help="import a filled-in scoring pack (all or nothing)")
    pi.add_argument("file")
    pi.add_argument("--tender")
    pi.add_argument("--member", help="the member the pack must belong to (default: as the pack says)")
    pi.add_argument(
        "--keep",
        choices=["pack", "existing"],
        help="for scores that differ from those already held: keep the pack's or the existing ones",
    )
    pi.add_argument("--dry-run", action="store_true")
    pi.add_argument("--json", action="store_true")
    pi.set_defaults(func=cmd_pack_import)

    p = sub.add_parser("catalogue", parents=[common], help="list the measure catalogue, or import a framework")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalogue, catalogue_action="list")
    csub = p.add_subparsers(metavar="ACTION")
    ci = csub.add_parser("import", parents=[common], help="import a framework from xlsx or csv")
    ci.add_argument("file")
    ci.add_argument("--name")
    ci.add_argument("--version", dest="version")
    ci.add_argument("--licence")
    ci.add_argument("--source")
    ci.set_defaults(func=cmd_catalogue, catalogue_action="import")

    # sub-commands in modules of their own
    from svdesk import cli_analysis, cli_award, cli_documents, cli_identity, cli_panel, cli_record

    panel_actions = cli_panel.register(sub, common)  # returns the `panel` actions' sub-parsers, for more actions
    cli_identity.register(panel_actions, common)  # `panel enrol` and `panel reset`
    cli_record.register(sub, common)  # `verify`, `verify-pdf` and `backup`
    cli_award.register(sub, common)  # `check`, `award`, `authority`, `supplier`, `procurement`, `redact`
    cli_analysis.register(sub, common)  # `robustness`
    cli_documents.register(sub, common)  # `documents import|list|map|verify`
    return parser


PATH_ARGUMENTS = frozenset({"file", "out", "db", "logo"})  # a path may hold any bytes the file system allows


def undecodable_argument(args: argparse.Namespace) -> str | None:
    """Which argument is not UTF-8 text, and where: Python gives an undecodable byte of sys.argv as a
    lone surrogate (surrogateescape), which no name, reason or reference can hold."""
    for dest, value in vars(args).items():
        if dest in PATH_ARGUMENTS or not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            flag = "--as" if dest == "acting_as" else f"--{dest.replace('_', '-')}"
            code = ord(value[exc.start])
            what = f"the byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
            return f"{flag}: not UTF-8 text ({what} at character {exc.start + 1:,}); nothing was done"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for option in ("db", "actor", "acting_as"):  # given before or after the subcommand, or not at all
        if not hasattr(args, option):
            setattr(args, option, None)
    if args.actor is not None:
        print(f"svdesk: {ACTOR_REFUSED}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if problem := undecodable_argument(args):
        print(f"svdesk: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if getattr(args, "self_check", False):
        from svdesk.selfcheck import run_self_check

        return run_self_check()
    try:
        return int(args.func(args) or 0)
    except NotSignedIn as exc:
        print(f"svdesk: {exc}. Say who you are with --as NAME (the passphrase is asked for).", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SvdeskError as exc:
        print(f"svdesk: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnicodeError as exc:  # the last net: the checks where text enters name the field
        print(f"svdesk: some text given cannot be stored or shown ({_unicode_problem(exc)})", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OverflowError:  # the last net: the checks where numbers enter name the field
        print("svdesk: a number given is too large to use", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: not an error worth reporting
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user; the message says what broke
        print(f"svdesk: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


def _unicode_problem(exc: UnicodeError) -> str:
    # never the text itself: it may be 50 MB
    if isinstance(exc, UnicodeEncodeError):
        return f"not encodable as UTF-8 at character {exc.start + 1:,}: a lone surrogate"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 at byte offset {exc.start:,}"
    return type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
