"""`svdesk verify`, `svdesk verify-pdf` and `svdesk backup`: the record checked, an issued document
checked against it, and the database's copies."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from svdesk.cli import EXIT_BAD_INPUT, EXIT_OK, _open


def cmd_verify(args: argparse.Namespace) -> int:
    from svdesk.app import signoff

    with _open(args, write=False) as db:
        report = signoff.verify_record(db, args.tender, expect_head=args.expect_head, documents=True)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(f"Tender {report.tender}: {'VERIFIED' if report.ok else 'DOES NOT VERIFY'}")
        print(f"  audit log: {report.entries} entries, head {report.audit_head}")
        print(f"  content fingerprint: {report.fingerprint}")
        for sig in report.signatures:
            sealed = sig["seal"] != "does not verify"
            mark = "ok" if sig["fingerprint_matches"] and sig["audit_head_found"] and sealed else "MISMATCH"
            print(f"  signed by {sig['name']} ({sig['role']}) at {sig['signed_at']}: {mark}; {_seal_said(sig)}")
            if sig.get("carried"):
                print(f"    {sig['carried']}")
        signed = report.as_dict()["entry_signatures"]
        if signed is not None:
            print(
                f"  entries signed by the person who made them: {signed['signed']}"
                + (
                    f"; {signed['unsigned_before_enrolment']} made before anyone enrolled (unsigned)"
                    if signed["unsigned_before_enrolment"]
                    else ""
                )
            )
        if report.loaded_from is not None and report.loaded_from.get("said"):
            print(f"  {report.loaded_from['said']}")
        for old in report.replaced:
            source = f" from {old['source']}" if old["source"] else ""
            print(
                f"  replaced an earlier tender (chain {old['tender_uid']}, {old['entries']} entries kept, "
                f"head {old['head']}): by {old['replaced_by']} at {old['replaced_at']}{source}"
            )
        if report.anchor is not None and report.anchor["found_at"] is not None:
            since = report.anchor["since"]
            print(
                f"  expected head {report.anchor['expected'][:16]}…: entry {report.anchor['found_at']} of the chain"
                + (f"; {since} change{'s' if since != 1 else ''} since" if since else "; the head now")
            )
        for problem in report.problems:
            print(f"  - {problem}")
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def cmd_verify_pdf(args: argparse.Namespace) -> int:
    """An issued award report or assessment summary against what it carries (and, with --db, the record)."""
    from svdesk.app.pdf_check import verify_pdf

    path = Path(args.file)
    if args.db is None:
        check = verify_pdf(path)
    else:
        with _open(args, write=False) as db:
            check = verify_pdf(path, db)
    what = f"{check.kind} of tender {check.reference}" if check.reference else "document"
    print(f"{path}: {what}: {'VERIFIED' if check.ok else 'DOES NOT VERIFY'}")
    for held in check.held:
        print(f"  ok: {held}")
    for problem in check.problems:
        print("  - " + problem.replace("\n", "\n    "))
    return EXIT_OK if check.ok else EXIT_BAD_INPUT


def _seal_said(sig: dict[str, Any]) -> str:
    """'key 90f8 53db cbe3 2a3d, seal verifies', or that the signature was made before seals."""
    from svdesk.app.identity import UNSEALED, shown_fingerprint

    if sig["seal"] == "unsealed":
        return UNSEALED
    key = f"key {shown_fingerprint(sig['key_fingerprint'])}, " if sig["key_fingerprint"] else ""
    return f"{key}seal {'verifies' if sig['seal_verifies'] else 'DOES NOT VERIFY'}"


def cmd_backup(args: argparse.Namespace) -> int:
    from svdesk.app.database import back_up, list_backups, restore

    with _open(args, write=args.backup_action != "list", restoring=args.backup_action == "restore") as db:
        if args.backup_action == "now":
            print(f"backed up {db.display_name} to {back_up(db)}")
        elif args.backup_action == "restore":
            safety = restore(db, Path(args.file))
            print(f"restored {db.display_name} from {args.file}; the previous content is in {safety}")
        else:
            for b in list_backups(db):
                print(f"{b.created:%Y-%m-%d %H:%M:%S} UTC  {b.label:<24} {b.size / 1024:8.0f} KB  {b.path}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `verify`, `verify-pdf` and `backup` to the sub-commands `sub`."""
    p = sub.add_parser("verify", parents=[common], help="check the audit chain, the record and the signatures")
    p.add_argument("--tender")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--expect-head",
        metavar="HASH",
        help="the audit head printed in an issued document: the record must still hold it",
    )
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "verify-pdf",
        parents=[common],
        help="check an issued award report or assessment summary (and, with --db, the record)",
    )
    p.add_argument("file", metavar="FILE.pdf")
    p.set_defaults(func=cmd_verify_pdf)

    p = sub.add_parser("backup", parents=[common], help="back up now, list backups, or restore one")
    p.set_defaults(func=cmd_backup, backup_action="now")
    bsub = p.add_subparsers(metavar="ACTION")
    bsub.add_parser("now", parents=[common], help="back up now (the default)").set_defaults(
        func=cmd_backup, backup_action="now"
    )
    bsub.add_parser("list", parents=[common], help="list backups, newest first").set_defaults(
        func=cmd_backup, backup_action="list"
    )
    br = bsub.add_parser("restore", parents=[common], help="restore a backup (the current content is kept aside)")
    br.add_argument("file")
    br.set_defaults(func=cmd_backup, backup_action="restore")
