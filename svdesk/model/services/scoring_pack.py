"""Offline scoring packs: one evaluator scores in Excel, svdesk imports the scores back.

The pack (written by svdesk.export.scoring_pack) is an xlsx with a "Scores" sheet, one row per
bidder x question, and a hidden "Meta" sheet naming the tender and member. Importing is three
steps, so nothing is written by surprise:

  read_scoring_pack   parse the file in the sandbox; every bad cell named (Scores!D7: ...)
  plan_pack_import    compare with the database, row by row: new, unchanged, conflict or blank
  apply_pack_import   write through tenders.set_score (blind scoring, conflicts of interest, the
                      lock and the audit log all apply), all or nothing; a conflict (the database
                      already holds a different score or rationale) is only written when the
                      caller resolves it, never silently. Imported by anyone but the member (the
                      officer), every score is recorded as entered by proxy from
                      "offline pack <sha256 of the file>" (`proxy_entries`), until the member confirms
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.cell_text import restore_text, safe_text
from svdesk.model.entities import Declaration, PanelMember, Tender, TenderStatus
from svdesk.model.errors import Problem, ValidationError, WorkflowError
from svdesk.model.names import quoted
from svdesk.model.sandbox import run_limited
from svdesk.model.scoring import score_problem
from svdesk.model.services import proxy_entries
from svdesk.model.services.locked_record import require_open
from svdesk.model.services.pack_binding import (
    EXPORT_AGAIN,
    META_SHEET,
    PACK_FORMAT,
    UNBOUND_FORMATS,
    PackBinding,
    check_binding,
    mark_imported,
)
from svdesk.model.services.score_batch import ScoreWrite, save_scores
from svdesk.model.services.tenders import (
    require_acting,
    require_cleared,
    require_status,
    scores_visible_to,
)
from svdesk.model.spreadsheet import MAX_CELL_CHARS, check_xlsx_container, open_workbook_safely, parse_number

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["META_SHEET", "PACK_FORMAT"]  # re-exported: the writer names them from here
SCORES_SHEET = "Scores"
SCORE_HEADER = ("Bidder", "Question", "Question title", "Score", "Rationale", "Row key (do not edit)")
COLUMNS = "ABCDEF"  # the layout is fixed (the sheet is protected), so problems can name exact cells
MAX_ROWS = 100_000
RESOLUTIONS = ("pack", "existing")


def pack_row_key(bidder: str, question: str) -> str:
    """An opaque key per row, so a pack is matched on what was exported, not on visible (editable) text."""
    digest = hashlib.sha256(f"{bidder}\x1f{question}".encode()).hexdigest()[:24]
    return "k" + digest  # a leading letter: no spreadsheet will ever read it as a number


# --- reading (in the sandbox) -----------------------------------------------------------------------


@dataclass(frozen=True)
class PackRow:
    row: int
    key: str
    bidder_shown: str
    question_shown: str
    score: float | None
    rationale: str


@dataclass(frozen=True)
class ScoringPack:
    path: str
    reference_cell: str  # as written in Meta (neutralised): compared with safe_text of the real value
    member_cell: str
    fingerprint: str
    exported_at: str
    rows: list[PackRow]
    binding: PackBinding = PackBinding("", "", "", "")  # the pack id, tender uid, export time and MAC
    sha256: str = ""  # of the file's bytes as read: the source of scores imported by proxy

    @property
    def reference(self) -> str:
        return restore_text(self.reference_cell)

    @property
    def member(self) -> str:
        return restore_text(self.member_cell)


def read_scoring_pack(path: Path, timeout: float | None = None) -> ScoringPack:
    """Parse a filled-in pack in a time- and memory-limited child process; ValidationError names every bad cell."""
    from svdesk.model.input_files import SCORING_PACK

    check_xlsx_container(Path(path), SCORING_PACK)  # a FIFO or /dev/zero refused first: the hash below reads it all
    digest = file_sha256(Path(path))
    pack = run_limited(_read_scoring_pack, Path(path), source=str(path), timeout=timeout)
    return replace(pack, sha256=digest)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in chunks."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise ValidationError(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    return h.hexdigest()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_meta(wb: Workbook) -> dict[str, object]:
    meta: dict[str, object] = {}
    for row in wb[META_SHEET].iter_rows(max_row=50, max_col=2, values_only=True):
        if row and isinstance(row[0], str):
            meta[row[0].strip()] = row[1] if len(row) > 1 else None
    return meta


def _meta_scale(meta: dict[str, object]) -> tuple[float, float] | None:
    """The scale recorded at export, for early messages only; the tender's own scale decides in the plan."""
    try:
        top, step = parse_number(meta.get("scale_max")), parse_number(meta.get("scale_step"))
    except ValueError:
        return None
    return (top, step) if top is not None and step is not None and top > 0 and step > 0 else None


def _read_scoring_pack(path: Path) -> ScoringPack:
    where = str(path)
    wb = open_workbook_safely(path)
    try:
        if META_SHEET not in wb.sheetnames or SCORES_SHEET not in wb.sheetnames:
            raise ValidationError(
                f"not an svdesk scoring pack (no {META_SHEET!r} and {SCORES_SHEET!r} sheets)", source=where
            )
        meta = _read_meta(wb)
        if meta.get("format") in UNBOUND_FORMATS:
            message = (
                f"this pack ({meta.get('format')}) was exported before svdesk bound packs to their member and "
                f"tender, so it cannot be imported; {EXPORT_AGAIN} and score in that"
            )
            raise ValidationError([Problem(f"{META_SHEET}!B1", message)], where)
        if meta.get("format") != PACK_FORMAT:
            shown = _cell_text(meta.get("format"))[:60]
            raise ValidationError(
                [Problem(f"{META_SHEET}!B1", f"format is {shown!r}, expected {PACK_FORMAT!r}")], where
            )
        rows = _read_rows(wb[SCORES_SHEET], where, _meta_scale(meta))
        return ScoringPack(
            where,
            _cell_text(meta.get("tender")),
            _cell_text(meta.get("member")),
            _cell_text(meta.get("fingerprint")),
            _cell_text(meta.get("exported_at")),
            rows,
            PackBinding(
                _cell_text(meta.get("pack_id")).strip(),
                _cell_text(meta.get("tender_uid")).strip(),
                _cell_text(meta.get("exported_at")),
                _cell_text(meta.get("mac")).strip(),
            ),
        )
    finally:
        wb.close()


def _read_rows(ws: Worksheet, where: str, scale: tuple[float, float] | None) -> list[PackRow]:
    problems: list[Problem] = []
    out: list[PackRow] = []
    seen: dict[str, int] = {}
    cells = ws.iter_rows(max_col=len(COLUMNS), values_only=True)
    head = tuple(_cell_text(v).strip() for v in next(cells, ()))
    if head[: len(SCORE_HEADER)] != SCORE_HEADER:
        raise ValidationError(
            [Problem(f"{SCORES_SHEET}!A1", "the header row has been changed; export a fresh pack")], where
        )
    for number, values in enumerate(cells, start=2):
        if number > MAX_ROWS:
            problems.append(Problem(f"{SCORES_SHEET}!A{number}", f"more than {MAX_ROWS:,} rows; refused"))
            break
        values = tuple(values) + (None,) * (len(COLUMNS) - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # an empty row (e.g. formatting Excel left below the table)
        row, found = _read_row(number, values, scale)
        if row is not None and row.key in seen:
            found.append(Problem(f"{SCORES_SHEET}!F{number}", f"this row repeats row {seen[row.key]}"))
        elif row is not None:
            seen[row.key] = number
            out.append(row)
        problems += found
    if problems:
        raise ValidationError(problems, source=where)
    return out


def _read_row(
    number: int, values: tuple[object, ...], scale: tuple[float, float] | None
) -> tuple[PackRow | None, list[Problem]]:
    def at(column: str) -> str:
        return f"{SCORES_SHEET}!{column}{number}"

    limit = f"(Excel's limit is {MAX_CELL_CHARS:,})"
    too_long = [
        Problem(at(COLUMNS[i]), f"the cell holds {len(v):,} characters {limit}")
        for i, v in enumerate(values)
        if isinstance(v, str) and len(v) > MAX_CELL_CHARS
    ]
    if too_long:
        return None, too_long
    bidder, question, _title, raw_score, raw_rationale, raw_key = values[: len(COLUMNS)]
    key = _cell_text(raw_key).strip()
    if not key:
        return None, [Problem(at("F"), "the hidden row key is missing; export a fresh pack")]
    try:
        score = parse_number(raw_score)
    except ValueError as exc:
        return None, [Problem(at("D"), str(exc))]
    rationale = restore_text(_cell_text(raw_rationale)).strip()
    problems: list[Problem] = []
    if score is not None and scale and (problem := score_problem(score, *scale)):
        problems.append(Problem(at("D"), problem))
    if score is not None and not rationale:
        problems.append(Problem(at("E"), f"a rationale is required with the score in D{number}; cite the evidence"))
    if score is None and rationale:
        # Refused rather than dropped: the evaluator's words would otherwise vanish without a word.
        problems.append(Problem(at("D"), f"no score is given for the rationale in E{number}"))
    return PackRow(number, key, _cell_text(bidder), _cell_text(question), score, rationale), problems


# --- the bid documents a pack carries (issue 18 part 5) ---------------------------------------------


@dataclass(frozen=True)
class PackSpan:
    """Pages of a document a member's questions point at: a merged range of the original's pages
    (1-based, inclusive), or the whole file (both None), with the questions mapped into it."""

    first_page: int | None
    last_page: int | None
    questions: tuple[str, ...]


@dataclass(frozen=True)
class PackDocument:
    """One document of one bid, as a member's pack carries it: what of it, and a verified copy to cut."""

    bidder: str
    name: str
    title: str
    sha256: str
    media: str  # "pdf" | "other"
    pages: int | None
    spans: tuple[PackSpan, ...]  # in page order; one whole span when any question takes the whole file
    source: Path  # a file of the stored bytes, checked against `sha256` when it was found

    @property
    def whole(self) -> bool:
        return self.spans[0].first_page is None


def _spans(parts: Sequence[tuple[str, int | None, int | None]], media: str) -> tuple[PackSpan, ...]:
    """The union of the mapped ranges, as merged ranges (overlapping or touching ones joined), each
    with its questions; a part mapped whole, or a document that is not a PDF, carries the whole file."""
    codes = tuple(dict.fromkeys(code for code, _f, _l in parts))
    if media != "pdf" or any(first is None or last is None for _c, first, last in parts):
        return (PackSpan(None, None, codes),)
    merged: list[tuple[int, int, list[str]]] = []
    for code, first, last in sorted(parts, key=lambda p: (p[1] or 0, p[2] or 0)):
        assert first is not None and last is not None
        if merged and first <= merged[-1][1] + 1:
            top, end, names = merged[-1]
            merged[-1] = (top, max(end, last), names if code in names else [*names, code])
        else:
            merged.append((first, last, [code]))
    order = {code: i for i, code in enumerate(codes)}
    return tuple(PackSpan(a, b, tuple(sorted(names, key=order.__getitem__))) for a, b, names in merged)


def pack_documents(session: Session, tender: Tender, member: str, bidders: Sequence[str]) -> list[PackDocument]:
    """The documents of `bidders` (those the member's pack holds) mapped to any question, as `member`
    may see them: a commercial document is left out for a quality evaluator while prices are hidden
    (`documents.documents`). Each stored copy is checked against its SHA-256 here: the pack carries
    what the bidder sent, or nothing (Procurement Act 2023 s.98: the record of what was read stands)."""
    from svdesk.model import document_store
    from svdesk.model.services.documents import documents

    wanted = set(bidders)
    out = []
    for view in documents(session, tender, member):
        if view.bidder not in wanted or not view.parts:
            continue
        parts = [(p.question_code, p.first_page, p.last_page) for p in view.parts]
        source = document_store.local_path(session, view.sha256, view.name)
        spans = _spans(parts, view.media)
        out.append(PackDocument(view.bidder, view.name, view.title, view.sha256, view.media, view.pages, spans, source))
    order = {name: i for i, name in enumerate(bidders)}
    return sorted(out, key=lambda d: order[d.bidder])  # stable: each bid's documents in import order


# --- planning (nothing written) ---------------------------------------------------------------------


@dataclass(frozen=True)
class PackPlanRow:
    row: int
    bidder: str
    question: str
    pack_score: float | None
    pack_rationale: str
    existing_score: float | None
    existing_rationale: str | None
    status: str  # new | unchanged | conflict | blank

    @property
    def key(self) -> tuple[str, str]:
        return (self.bidder, self.question)


@dataclass
class PackImportPlan:
    file: str
    tender: str
    member: str
    exported_fingerprint: str
    rows: list[PackPlanRow]
    warnings: list[str] = field(default_factory=list)
    pack_id: str = ""  # the issued pack, marked imported when the plan is applied
    sha256: str = ""  # of the pack file: imported by the officer, the scores' source ("offline pack <sha256>")

    @property
    def conflicts(self) -> list[PackPlanRow]:
        return [r for r in self.rows if r.status == "conflict"]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("new", "unchanged", "conflict", "blank"), 0)
        for r in self.rows:
            out[r.status] += 1
        return out

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["counts"] = self.counts()
        return data


def _existing(session: Session, tender: Tender, member: str) -> dict[tuple[str, str], tuple[float, str]]:
    return {(v.bidder, v.question): (v.score, v.rationale) for v in scores_visible_to(session, tender, member, member)}


def _conflicted(session: Session, member: PanelMember) -> set[int]:
    """The bidders (ids) `member` declared a conflict of interest with."""
    return set(
        session.scalars(
            select(Declaration.bidder_id).where(Declaration.member_id == member.id, Declaration.conflict.is_(True))
        )
    )


def _as_exported(text: str) -> str:
    """What a rationale reads back as after a round trip through a pack cell (cut to Excel's limit)."""
    return restore_text(safe_text(text)).strip()


def _status(score: float | None, rationale: str, existing: tuple[float, str] | None) -> str:
    if score is None:
        return "blank"
    if existing is None:
        return "new"
    return "unchanged" if (float(score), rationale) == (existing[0], existing[1]) else "conflict"


def plan_pack_import(session: Session, tender: Tender, pack: ScoringPack, member: str | None = None) -> PackImportPlan:
    """Compare a pack with the database. Refuses a pack for another tender or member; writes nothing."""
    source = pack.path
    by_key = {pack_row_key(b.name, q.code): (b.name, q.code) for b in tender.bidders for q in tender.questions}
    # The rows as issued: by their hidden keys (a changed locked cell is named below), else as shown.
    issued = [by_key.get(r.key, (restore_text(r.bidder_shown), restore_text(r.question_shown))) for r in pack.rows]
    check_binding(session, tender, source, pack.binding, pack.reference, pack.member, issued)
    if pack.reference_cell != safe_text(tender.reference):
        raise ValidationError(
            [
                Problem(
                    f"{META_SHEET}!B2", f"this pack is for tender {quoted(pack.reference)}, not {tender.reference!r}"
                )
            ],
            source,
        )
    owner = next((m for m in tender.panel if safe_text(m.name) == pack.member_cell), None)
    if owner is None:
        raise ValidationError(
            [Problem(f"{META_SHEET}!B3", f"{quoted(pack.member)} is not on the panel of tender {tender.reference}")],
            source,
        )
    if member is not None and member != owner.name:
        raise ValidationError(
            [Problem(f"{META_SHEET}!B3", f"this pack holds {owner.name}'s scores, not {member}'s")], source
        )
    require_open(session, tender, f"Importing a scoring pack into tender {tender.reference}")
    require_status(tender, (TenderStatus.SCORING,), "importing a scoring pack")
    require_acting(session, owner, "score")  # a withdrawn member's or the officer's pack brings no scores

    bidders = {b.name: b for b in tender.bidders}
    conflicted = _conflicted(session, owner)  # read once: each row looked up, never a query a row
    existing = _existing(session, tender, owner.name)
    problems: list[Problem] = []
    if any(r.score is not None for r in pack.rows):
        try:
            require_cleared(session, tender, owner)  # every bidder declared before any score lands
        except WorkflowError as exc:
            problems.append(Problem(f"{META_SHEET}!B3", str(exc)))
    rows: list[PackPlanRow] = []
    seen_pairs: dict[tuple[str, str], int] = {}
    for r in pack.rows:
        pair = by_key.get(r.key)
        if pair is None:
            shown = f"the row ({r.bidder_shown}, {r.question_shown})"
            message = f"{shown} matches no bidder and question of tender {tender.reference}; export a fresh pack"
            problems.append(Problem(f"{SCORES_SHEET}!F{r.row}", message))
            continue
        bidder, code = pair
        seen_pairs[pair] = r.row  # the reader has refused repeated rows already
        if (r.bidder_shown, r.question_shown) != (safe_text(bidder), safe_text(code)):
            problems.append(
                Problem(
                    f"{SCORES_SHEET}!A{r.row}",
                    f"the locked bidder or question cells were changed "
                    f"(the row is {code} for {bidder}); export a fresh pack",
                )
            )
            continue
        if r.score is not None:
            if problem := score_problem(r.score, tender.scale_max, tender.scale_step):
                problems.append(Problem(f"{SCORES_SHEET}!D{r.row}", problem))
            if bidders[bidder].id in conflicted:
                message = f"{owner.name} declared a conflict of interest with {bidder} and cannot score that bid"
                problems.append(Problem(f"{SCORES_SHEET}!D{r.row}", message))
        old = existing.get(pair)
        rationale = r.rationale
        if old and rationale != old[1] and rationale == _as_exported(old[1]):
            rationale = old[1]  # the cell could not hold all of it: the full text stands, never the cut one
        rows.append(
            PackPlanRow(
                r.row,
                bidder,
                code,
                r.score,
                rationale,
                old[0] if old else None,
                old[1] if old else None,
                _status(r.score, rationale, old),
            )
        )
    # Every bid the member may score must still have its row: a deleted row is refused, not skipped.
    expected = [(name, q.code) for name, b in bidders.items() if b.id not in conflicted for q in tender.questions]
    missing = [pair for pair in expected if pair not in seen_pairs]
    if missing and not problems:
        shown = ", ".join(f"{q} for {b}" for b, q in missing[:5]) + (" ..." if len(missing) > 5 else "")
        problems.append(
            Problem(SCORES_SHEET, f"{len(missing)} row(s) were deleted from the pack ({shown}); export a fresh pack")
        )
    if problems:
        raise ValidationError(problems, source)
    warnings = []
    if conflicts := sum(1 for r in rows if r.status == "conflict"):
        warnings.append(
            f"{conflicts} score(s) in the pack differ from what the database already holds; "
            "choose for each whether the pack or the database copy stands"
        )
    return PackImportPlan(
        source, tender.reference, owner.name, pack.fingerprint, rows, warnings, pack.binding.pack_id, pack.sha256
    )


# --- applying ---------------------------------------------------------------------------------------


@dataclass
class PackImportOutcome:
    written: list[tuple[str, str]]  # (bidder, question) saved from the pack
    kept_existing: int
    unchanged: int
    blank: int
    warnings: list[str] = field(default_factory=list)
    proxy_source: str = ""  # imported by someone other than the member: the scores were entered by proxy from this


def _describe(score: float | None, rationale: str | None) -> str:
    if score is None:
        return "no score"
    shown = (rationale or "").replace("\n", " ")
    return f"{score:g} ({shown[:60] + '...' if len(shown) > 60 else shown!r})"


def apply_pack_import(
    session: Session,
    tender: Tender,
    plan: PackImportPlan,
    actor: str,
    resolutions: dict[tuple[str, str], str] | None = None,
) -> PackImportOutcome:
    """Write the plan through set_score, all or nothing (a savepoint inside the caller's transaction).

    `resolutions` maps (bidder, question) to "pack" or "existing" for each conflict; any conflict
    left unresolved refuses the whole import. An `actor` other than the member (the officer) enters
    the scores by proxy, from "offline pack <the file's sha256>".
    """
    chosen = dict(resolutions or {})
    if plan.tender != tender.reference:
        raise ValidationError(f"the plan is for tender {quoted(plan.tender)}, not {tender.reference!r}", plan.file)
    problems = [
        Problem("", f"resolution for {q} for {b} is {quoted(how)}; use 'pack' or 'existing'")
        for (b, q), how in chosen.items()
        if how not in RESOLUTIONS
    ]
    for r in plan.conflicts:
        if chosen.get(r.key) not in RESOLUTIONS:
            held = _describe(r.existing_score, r.existing_rationale)
            offered = _describe(r.pack_score, r.pack_rationale)
            message = f"{r.question} for {r.bidder}: the database holds {held} and the pack {offered}"
            problems.append(Problem(f"{SCORES_SHEET}!D{r.row}", f"{message}; choose 'pack' or 'existing'"))
    # The database may have moved between the preview and now: then the preview no longer holds.
    now = _existing(session, tender, plan.member)
    for r in plan.rows:
        old = now.get(r.key)
        if (old[0] if old else None, old[1] if old else None) != (r.existing_score, r.existing_rationale):
            message = f"{r.question} for {r.bidder} changed in the database since the preview; preview the pack again"
            problems.append(Problem(f"{SCORES_SHEET}!D{r.row}", message))
    by_proxy = actor != plan.member
    if by_proxy and not plan.sha256:
        problems.append(Problem("", "the pack file's SHA-256 is not known: read the pack again (read_scoring_pack)"))
    if problems:
        raise ValidationError(problems, plan.file)

    outcome = PackImportOutcome([], 0, 0, 0, proxy_source=proxy_entries.pack_source(plan.sha256) if by_proxy else "")
    writes: list[ScoreWrite] = []
    for r in plan.rows:
        if r.status == "blank":
            outcome.blank += 1
        elif r.status == "unchanged":
            outcome.unchanged += 1
        elif r.status == "conflict" and chosen[r.key] == "existing":
            outcome.kept_existing += 1
        else:  # new, or a conflict resolved for the pack explicitly (by proxy: over the member's own score)
            assert r.pack_score is not None
            writes.append(ScoreWrite(r.bidder, r.question, r.pack_score, r.pack_rationale))
            outcome.written.append(r.key)
    with session.begin_nested():  # a failure part-way leaves no score behind, even if the caller commits
        mark_imported(session, tender, plan.file, plan.pack_id, actor)
        # in one batch: the same checks and audit entries as saving each score, read and written once
        save_scores(session, tender, plan.member, writes, actor=actor, proxy_source=outcome.proxy_source)
    return outcome
