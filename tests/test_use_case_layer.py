"""The use-case layer's promise to its callers: plain values out, never an ORM row or a session."""

import dataclasses
import importlib
import inspect
import pkgutil
import typing

from sqlalchemy.orm import Session

import svdesk.app
from svdesk.app.database import Database
from svdesk.model.entities import Base

FORBIDDEN = (Base, Session)
OPAQUE = (Database,)  # the handle callers pass back in; what it holds is the layer's business


def _types_in(hint: object, seen: set[int]) -> typing.Iterator[type]:
    if id(hint) in seen:
        return
    seen.add(id(hint))
    if isinstance(hint, type):
        yield hint
        if dataclasses.is_dataclass(hint) and not issubclass(hint, OPAQUE):
            for field_type in typing.get_type_hints(hint).values():
                yield from _types_in(field_type, seen)
    for arg in typing.get_args(hint):
        yield from _types_in(arg, seen)


def _use_cases() -> list[tuple[str, object]]:
    found = []
    for info in pkgutil.iter_modules(svdesk.app.__path__, "svdesk.app."):
        if info.name == "svdesk.app.unit":  # the unit of work itself holds the session
            continue
        module = importlib.import_module(info.name)
        public = getattr(module, "__all__", None)  # the module's declared surface, where it declares one
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_") and (public is None or name in public):
                found.append((f"{module.__name__}.{name}", fn))
    return found


def test_there_are_use_cases_to_check():
    names = {name for name, _ in _use_cases()}
    expected = {"svdesk.app.scoring.set_score", "svdesk.app.signoff.sign", "svdesk.app.pledges.import_pledge_sheet"}
    assert expected <= names


def test_no_use_case_takes_or_returns_an_orm_row_or_a_session():
    offenders = []
    for name, fn in _use_cases():
        hints = typing.get_type_hints(fn)
        for where, hint in hints.items():
            for found in _types_in(hint, set()):
                if issubclass(found, FORBIDDEN):
                    offenders.append(f"{name} {where}: {found.__name__}")
    assert offenders == []
