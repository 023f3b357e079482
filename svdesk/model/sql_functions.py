"""SQL the two supported databases spell differently, as SQLAlchemy constructs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class joined_text(GenericFunction[str]):  # noqa: N801 - SQL functions are lower case
    """The group's values as one comma-separated string (order unspecified: sort after reading).

    SQLite turns numbers into text itself; PostgreSQL needs the cast.
    """

    type = String()
    name = "joined_text"
    inherit_cache = True


@compiles(joined_text)
def _group_concat(element: joined_text, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(joined_text, "postgresql")
def _string_agg(element: joined_text, compiler: Any, **kw: Any) -> str:
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS TEXT), ',')"
