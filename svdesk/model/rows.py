"""Reading plain rows: Core execution on the session's connection, without ORM row handling.

For the set-based reads behind screens and reports (8,000 to 80,000 rows on a framework) the ORM's
per-row processing of a column SELECT costs a fifth to a half more than the database itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVarTuple

if TYPE_CHECKING:
    from sqlalchemy import Row, Select
    from sqlalchemy.orm import Session

_Ts = TypeVarTuple("_Ts")


def plain_rows(session: Session, stmt: Select[*_Ts]) -> list[Row[*_Ts]]:
    """The rows of a column SELECT as plain tuples (named by column).

    Flushes first, so a caller in the middle of a unit of work reads what it has written, as the
    ORM's autoflush would.
    """
    if session.autoflush:
        session.flush()
    return list(session.connection().execute(stmt).all())


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause CPython's cycle collector while many rows are read and worked through.

    A framework's grid, worklist or whole record is thousands to 100,000 rows and as many objects
    built from them, none of them in a reference cycle (reference counting frees them as usual);
    creating that many sets off full collections of the whole heap that find nothing, which made
    the same read take anything from 45 to 110 ms. Collection resumes, as it was, afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
