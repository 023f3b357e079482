"""The built-in demo evaluation: a domiciliary care framework scored by a four-person panel.

Its parties (issue 15) are there so the award stage can be tried: the authority is Cheshire West
and Chester Council at its main offices (The Portal, Ellesmere Port, as public sources give them),
identified by its ONS GSS code, which is a real code but not a procurement identifier (a live
tender gives the authority's Central Digital Platform identifier). Everything else is
illustrative: emails and the portal are on the reserved `.example` domain, the bidders' postcodes
use letters no UK postcode's last part uses (C, I, K, M, O, V), and their company numbers start 99,
beyond any Companies House has issued. The delegated authority says "(illustrative)".
"""

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
            # the demo's authority fills a database's profile only when none is set: never over a real one
            write_evaluation(session, doc, actor, source="built-in demo", keep_authority=True)
    return reference
