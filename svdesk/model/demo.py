"""The built-in demo evaluation: a domiciliary care framework scored by a four-person panel."""

from __future__ import annotations

from sqlalchemy import select

from svdesk.model.db import Database
from svdesk.model.entities import Tender
from svdesk.model.evaluation_file import parse_document, read_json_file, write_evaluation
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.resources import resource_path

DEMO_FILE = ("demo", "demo_evaluation.json")


def demo_reference() -> str:
    return str(read_json_file(resource_path(*DEMO_FILE))["tender"]["reference"])


def load_demo(db: Database, actor: str = "svdesk demo") -> str:
    """Load the demo tender unless it is already there; return its reference."""
    path = resource_path(*DEMO_FILE)
    data = read_json_file(path)
    with db.transaction() as session:
        reference: str = data["tender"]["reference"]  # the built-in file: known good
        if session.scalars(select(Tender.id).where(Tender.reference == reference)).first() is None:
            doc = parse_document(data, measures_by_ref(session), source=str(path))
            write_evaluation(session, doc, actor, source="built-in demo")
    return reference
