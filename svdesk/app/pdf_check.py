"""`svdesk verify-pdf FILE.pdf [--db DB]`: does an issued document still prove what it printed?

An award report carries the whole evaluation file (`export.pdf_attachments`): it is loaded into a
database of its own in a temporary folder, which checks every member's seal against the keys in
the file (a version-2 load refuses a seal that does not verify, or content that is not what was
signed), and the content fingerprint of what loaded must be the one the document prints. A
supplier's assessment summary carries only its proof (no other supplier's information, no
evaluator's name): the digest of its own pages and the fingerprint and head it was issued at.

With `--db`, the database must still hold the tender with that fingerprint, its audit chain must
hold the printed head (`verify --expect-head`) and every signature in it must verify.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svdesk.app import signoff
from svdesk.app.database import Database, open_database
from svdesk.app.evaluation_files import load
from svdesk.export.pdf_attachments import (
    EVALUATION_ATTACHMENT,
    SUMMARY_PROOF_ATTACHMENT,
    SUMMARY_PROOF_FORMAT,
    SUMMARY_PROOF_FORMATS,
    ReadPdf,
    proof_holds,
    read_pdf,
)
from svdesk.model.errors import SvdeskError
from svdesk.model.input_files import InputKind, check_input_file

__all__ = ["PdfCheck", "verify_pdf"]

CHECKER = "svdesk verify-pdf"
PDF_DOCUMENT = InputKind("an issued PDF document", 500 * 1024 * 1024)
# a fingerprint as the documents print it: its label, then 16 to 64 hex digits (white space removed)
_PRINTED = re.compile(r"[Ff]ingerprint:?([0-9a-f]{16,64})")


@dataclass
class PdfCheck:
    path: str
    kind: str = ""  # "award report" or "assessment summary"
    reference: str = ""
    fingerprint: str = ""  # what the attachment proves
    audit_head: str = ""
    held: list[str] = field(default_factory=list)  # each check that held, in words
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "ok": self.ok,
            "kind": self.kind,
            "tender": self.reference,
            "fingerprint": self.fingerprint,
            "audit_head": self.audit_head,
            "held": self.held,
            "problems": self.problems,
        }


def verify_pdf(path: Path, db: Database | None = None) -> PdfCheck:
    """Every check of the document (and, given `db`, of the record against it); never raises for a
    document that fails a check, only (SvdeskError) for a file that is not a PDF at all."""
    check_input_file(path, PDF_DOCUMENT)  # a FIFO would block the read, /dev/zero never end it
    pdf = read_pdf(path)
    check = PdfCheck(str(path))
    compact = re.sub(r"\s+", "", pdf.text)
    if EVALUATION_ATTACHMENT in pdf.attachments:
        check.kind = "award report"
        _check_evaluation_file(check, pdf.attachments[EVALUATION_ATTACHMENT])
    elif SUMMARY_PROOF_ATTACHMENT in pdf.attachments:
        check.kind = "assessment summary"
        _check_summary_proof(check, pdf.attachments[SUMMARY_PROOF_ATTACHMENT], pdf)
    else:
        check.problems.append(
            f"attachment missing: the PDF carries neither {EVALUATION_ATTACHMENT} nor {SUMMARY_PROOF_ATTACHMENT} "
            "(not an svdesk award report or assessment summary, or one made before documents carried them)"
        )
        return check
    if check.fingerprint:
        _check_printed(check, compact)
    if db is not None and check.reference:
        _check_database(check, db)
    return check


def _check_evaluation_file(check: PdfCheck, attached: bytes) -> None:
    try:
        data = json.loads(attached.decode("utf-8"))
        check.reference = str(data["tender"]["reference"])
        check.audit_head = str((data.get("record") or {}).get("audit_head", ""))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        check.problems.append(f"altered attachment: {EVALUATION_ATTACHMENT} is not an evaluation file ({exc})")
        return
    with tempfile.TemporaryDirectory(prefix="svdesk-verify-pdf-") as folder:
        scratch = open_database(Path(folder) / "check.sqlite")
        try:
            loaded = load(scratch, CHECKER, Path(EVALUATION_ATTACHMENT), data=data)
            report = signoff.verify_record(scratch, loaded.reference)
        except SvdeskError as exc:  # a seal that does not verify, content not what was signed, a bad file
            check.problems.append(f"altered attachment: {EVALUATION_ATTACHMENT} does not load: {exc}")
            return
        finally:
            scratch.dispose()
    check.fingerprint = report.fingerprint
    if loaded.signatures:
        check.held.append(
            f"the attached evaluation file loads; its {loaded.signatures} signature"
            f"{'s' if loaded.signatures != 1 else ''} each seal this content with the member's key in the file"
        )
    else:
        check.held.append("the attached evaluation file loads; it carries no signatures (not signed off)")


def _check_summary_proof(check: PdfCheck, attached: bytes, pdf: ReadPdf) -> None:
    try:
        proof = json.loads(attached.decode("utf-8"))
        if proof.get("format") not in SUMMARY_PROOF_FORMATS:
            raise ValueError(f"format {proof.get('format')!r}, expected {SUMMARY_PROOF_FORMAT}")
        check.reference = str(proof["reference"])
        fingerprint = str(proof["fingerprint"])
        holds, digest = proof_holds(proof, pdf)
        check.audit_head = str(proof["audit_head"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        check.problems.append(f"altered attachment: {SUMMARY_PROOF_ATTACHMENT} is not a summary's proof ({exc})")
        return
    check.fingerprint = fingerprint
    if holds:
        check.held.append(f"the letter's text is the text it was issued with (SHA-256 {digest[:16]}…)")
    else:
        check.problems.append(
            "altered text: the letter's text is not what it was issued with "
            f"(its digest is in {SUMMARY_PROOF_ATTACHMENT})"
        )


def _check_printed(check: PdfCheck, compact: str) -> None:
    """The full fingerprint is printed, and every fingerprint printed after that label is it (or its
    first digits, as the running footer prints them)."""
    printed = _PRINTED.findall(compact)
    full = [p for p in printed if len(p) == 64]
    wrong = sorted({p for p in printed if not check.fingerprint.startswith(p)})
    if not full or wrong:
        shown = f" (prints {', '.join(w[:16] + '…' for w in wrong)})" if wrong else " (not printed in full)"
        check.problems.append(
            f"altered printed fingerprint: the document's fingerprint is not its attachment's "
            f"{check.fingerprint[:16]}…{shown}"
        )
    else:
        check.held.append(f"the printed fingerprint is the attachment's: {check.fingerprint}")
    if check.audit_head and check.kind == "award report" and check.audit_head not in compact:
        check.problems.append(
            f"altered printed audit head: the document does not print its attachment's head {check.audit_head[:16]}…"
        )


def _check_database(check: PdfCheck, db: Database) -> None:
    where = f"{db.display_name}"
    try:
        report = signoff.verify_record(db, check.reference, expect_head=check.audit_head or None)
    except SvdeskError as exc:  # no such tender (deleted, or another database)
        check.problems.append(f"the database no longer holds it: {where}: {exc}")
        return
    if report.fingerprint != check.fingerprint:
        check.problems.append(
            f"the database no longer holds the same record: {where} has tender {check.reference} with fingerprint "
            f"{report.fingerprint[:16]}…, the document {check.fingerprint[:16]}… (changed since it was issued)"
        )
    check.problems += [f"the database no longer holds it: {where}: {p}" for p in report.problems]
    if report.fingerprint == check.fingerprint and report.ok:
        check.held.append(f"{where} still holds tender {check.reference} as issued, its chain holding the printed head")
