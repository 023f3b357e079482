"""Evaluation files in and out (`svdesk-evaluation/1` JSON), and the built-in demo."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, change_database, look, take_backup
from svdesk.export.files import write_atomically
from svdesk.model import demo
from svdesk.model.evaluation_dump import dump_evaluation
from svdesk.model.evaluation_file import parse_document, read_json_file, write_evaluation
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.locked_record import require_replaceable

__all__ = ["Loaded", "dump", "load", "load_demo", "read_json_file"]


@dataclass(frozen=True)
class Loaded:
    reference: str
    bidders: int
    questions: int
    scores: int
    moderated: int


def load(db: Database, actor: Actor, path: Path, *, replace: bool = False, data: Any = None) -> Loaded:
    """Load an evaluation file as a new tender (or, with `replace`, over the tender with its
    reference, after a backup; refused while that tender has signatures in force: reopen it first).
    `data` is the file already read with `read_json_file` (the command line reads it before it opens
    the database, so that a bad file touches nothing)."""
    if data is None:
        data = read_json_file(path)

    def write(session: Session) -> Loaded:
        doc = parse_document(data, measures_by_ref(session), source=str(path))
        if replace:  # a locked tender is refused before the backup, not after it
            require_replaceable(session, doc.reference, path.name)
            take_backup(db, "pre-load")
        tender = write_evaluation(session, doc, actor, replace=replace, source=path.name)
        return Loaded(tender.reference, len(doc.bidders), len(doc.questions), len(doc.scores), len(doc.moderated))

    return change_database(db, write)


def dump(db: Database, reference: str | None, out: Path) -> str:
    """Write the tender as an evaluation file (atomically); returns its reference."""
    data = look(db, reference, dump_evaluation)
    write_atomically(out, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return str(data["tender"]["reference"])


def load_demo(db: Database, actor: Actor = "svdesk demo") -> str:
    """The built-in demo evaluation (loaded once); returns its reference."""
    return demo.load_demo(db, actor)
