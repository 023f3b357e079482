"""The bidders' response documents on the command line (issue 18):
`svdesk documents import|list|map|verify|pack|unpack`.

    svdesk documents import --tender REF --bidder NAME FILE... [--question Q [--pages A-B]]
                            [--commercial] [--reason TEXT]
    svdesk documents list --tender REF [--json]
    svdesk documents map --tender REF --document SHA_OR_NAME --question Q [--pages A-B]
    svdesk documents verify --tender REF
    svdesk documents pack --tender REF --out FILE.zip
    svdesk documents unpack FILE.zip

`pack` writes the tender's documents, named by SHA-256, with a manifest: the archive that travels
beside the evaluation file (`svdesk dump`), which lists the documents but never holds their bytes.
`unpack` checks every member against its SHA-256 and stores them in this database's store (all or
nothing: a tampered member refuses the archive, exit 2); before or after `svdesk load`.

A FILE may be a folder (a bidder's folder as the portals export them: every file in it). Writes act
as the person `--as` names, signed in (`svdesk.cli._actor`), as every other command does. Bad input
(a file that is not what its name says, an encrypted or damaged PDF, a duplicate, an unknown bidder)
exits 2 with the message, importing nothing; `verify` exits 1 when a stored copy does not hold.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from svdesk.app.errors import ValidationError
from svdesk.cli import EXIT_OK, _actor, _open

EXIT_PROBLEMS = 1  # `documents verify`: a stored copy is missing or altered


def _pages(text: str | None) -> tuple[int, int] | None:
    """'3-7' (or '4': one page) as a range; None when not given."""
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d{1,6})\s*(?:[-–]\s*(\d{1,6})\s*)?", text)
    if found is None:
        raise ValidationError(f"--pages: {text!r} is not a page range; write it as A-B (e.g. 3-7) or one page (4)")
    first = int(found.group(1))
    return first, int(found.group(2) or first)


def _size(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def cmd_documents_import(args: argparse.Namespace) -> int:
    from svdesk.app import documents

    pages = _pages(args.pages)
    if pages is not None and args.question is None:
        raise ValidationError("--pages: say which question the pages answer (--question)")
    with _open(args, write=True) as db:
        found = documents.import_documents(
            db,
            _actor(args, db),
            args.tender,
            args.bidder,
            [Path(f) for f in args.files],
            question=args.question,
            pages=pages,
            commercial=args.commercial,
            reason=args.reason,
        ).value
    for view in found:
        pages_said = f"{view.pages} pages" if view.pages is not None else "not a PDF: opened whole, not cited by page"
        mapped = "".join(f"; answers {p.question_code} ({p.label})" for p in view.parts)
        print(f"imported {view.name} for {view.bidder}: {_size(view.size)}, {pages_said}, sha256 {view.sha256}{mapped}")
    return EXIT_OK


def _doc(view: Any) -> dict[str, Any]:
    return {
        "bidder": view.bidder,
        "name": view.name,
        "title": view.title,
        "sha256": view.sha256,
        "size": view.size,
        "pages": view.pages,
        "media": view.media,
        "commercial": view.commercial,
        "late_reason": view.late_reason,
        "added_at": view.added_at,
        "parts": [
            {"question": p.question_code, "first_page": p.first_page, "last_page": p.last_page} for p in view.parts
        ],
    }


def cmd_documents_list(args: argparse.Namespace) -> int:
    from svdesk.app import documents
    from svdesk.cli_award import _existing

    _existing(args)
    with _open(args) as db:
        found = documents.documents(db, args.tender)
    reference = args.tender
    if args.json:
        print(json.dumps({"reference": reference, "documents": [_doc(v) for v in found]}, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not found:
        print(f"{reference}: no documents imported yet")
        return EXIT_OK
    bidder = None
    for view in found:
        if view.bidder != bidder:
            bidder = view.bidder
            print(bidder)
        pages = f"{view.pages} pp" if view.pages is not None else "not a PDF (not citable by page)"
        flags = (" [commercial]" if view.commercial else "") + (
            f" [late: {view.late_reason}]" if view.late_reason else ""
        )
        print(f"  {view.name}  {_size(view.size)}, {pages}  {view.sha256[:16]}{flags}")
        for part in view.parts:
            print(f"    answers {part.question_code}: {part.label}")
    return EXIT_OK


def cmd_documents_map(args: argparse.Namespace) -> int:
    from svdesk.app import documents

    pages = _pages(args.pages)
    with _open(args, write=True) as db:
        view = documents.set_part(db, _actor(args, db), args.tender, args.document, args.question, pages).value
    part = next(p for p in view.parts if p.question_code.casefold() == args.question.strip().casefold())
    print(f"{view.name} ({view.bidder}) answers {part.question_code}: {part.label}")
    return EXIT_OK


def cmd_documents_verify(args: argparse.Namespace) -> int:
    from svdesk.app import documents
    from svdesk.cli_award import _existing

    _existing(args)
    with _open(args) as db:
        found = documents.documents(db, args.tender)
        problems = documents.verify_documents(db, args.tender)
    if not problems:
        print(f"{len(found)} document{'s' if len(found) != 1 else ''}: every stored copy matches its SHA-256")
        return EXIT_OK
    print(f"{len(problems)} of {len(found)} documents do not hold:")
    for problem in problems:
        print(f"  - {problem}")
    return EXIT_PROBLEMS


def cmd_documents_pack(args: argparse.Namespace) -> int:
    from svdesk.app import documents
    from svdesk.cli_award import _existing

    _existing(args)
    with _open(args) as db:
        packed = documents.pack(db, args.tender, Path(args.out))
    noun = "document" if packed.documents == 1 else "documents"
    print(f"wrote {packed.documents} {noun} of {packed.reference} ({_size(packed.size)}) to {packed.path}")
    return EXIT_OK


def cmd_documents_unpack(args: argparse.Namespace) -> int:
    from svdesk.app import documents

    with _open(args, write=True) as db:
        unpacked = documents.unpack(db, Path(args.file))
        shown = db.display_name
    noun = "document" if unpacked.documents == 1 else "documents"
    print(
        f"stored {unpacked.documents} {noun} of {unpacked.reference} from {args.file} in {shown}, "
        "each matching its SHA-256"
    )
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `documents` (import, list, map, verify, pack, unpack) to the sub-commands `sub`."""
    p = sub.add_parser(
        "documents", parents=[common], help="the bidders' response documents: import, list, map, verify, pack, unpack"
    )
    actions = p.add_subparsers(metavar="ACTION", required=True)

    def action(name: str, func: Any, help: str) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=help)
        a.add_argument("--tender", metavar="REF", required=True)
        a.set_defaults(func=func)
        return a

    a = action("import", cmd_documents_import, "import a bidder's documents (files, or a folder of them)")
    a.add_argument("--bidder", metavar="NAME", required=True)
    a.add_argument("files", nargs="+", metavar="FILE", help="a document, or a folder of a bidder's documents")
    a.add_argument("--question", metavar="Q", help="the question these documents answer")
    a.add_argument("--pages", metavar="A-B", help="with --question and one PDF: the pages that answer it")
    a.add_argument("--commercial", action="store_true", help="hidden from quality evaluators while prices are")
    a.add_argument("--reason", metavar="TEXT", help="after scoring has opened: why a late clarification is added")

    a = action("list", cmd_documents_list, "every bidder's documents and the parts that answer each question")
    a.add_argument("--json", action="store_true")

    a = action("map", cmd_documents_map, "say which part of a document answers a question")
    a.add_argument("--document", metavar="SHA_OR_NAME", required=True, help="its SHA-256 (or first 8+ digits) or name")
    a.add_argument("--question", metavar="Q", required=True)
    a.add_argument("--pages", metavar="A-B", help="the pages that answer it (default: the whole file)")

    action("verify", cmd_documents_verify, "re-hash every stored document (exit 1 if one does not hold)")

    a = action("pack", cmd_documents_pack, "write the tender's documents to a zip, to travel with its evaluation file")
    a.add_argument("--out", metavar="FILE.zip", required=True)

    a = actions.add_parser("unpack", parents=[common], help="store the documents of an archive `pack` wrote")
    a.add_argument("file", metavar="FILE.zip")
    a.set_defaults(func=cmd_documents_unpack)
