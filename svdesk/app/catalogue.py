"""The measure catalogue: the built-in National TOMs and frameworks a council imports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import change_database, look_database
from svdesk.model.services.catalogue import CatalogueMeasure, catalogue_measures, import_framework
from svdesk.model.services.catalogue import list_frameworks as _list_frameworks

__all__ = ["CatalogueMeasure", "FrameworkView", "Imported", "import_catalogue", "list_frameworks", "measures"]


@dataclass(frozen=True)
class FrameworkView:
    name: str
    version: str
    source: str
    licence: str
    builtin: bool


def list_frameworks(db: Database) -> list[FrameworkView]:
    return look_database(
        db,
        lambda s: [FrameworkView(f.name, f.version, f.source, f.licence, f.builtin) for f in _list_frameworks(s)],
    )


def measures(db: Database) -> list[CatalogueMeasure]:
    return look_database(db, catalogue_measures)


@dataclass(frozen=True)
class Imported:
    name: str
    measures: int


def import_catalogue(
    db: Database, path: Path, *, name: str | None = None, version: str = "", licence: str = "", source: str = ""
) -> Imported:
    """Import a licensed TOMs workbook or a local framework (xlsx or csv), all or nothing."""

    def write(session: Session) -> Imported:
        fw = import_framework(session, path, name=name, version=version, licence=licence, source=source)
        return Imported(fw.name, sum(len(o.measures) for t in fw.themes for o in t.outcomes))

    return change_database(db, write)
