"""The vocabulary the record is described in (`record_shape.py`), and what is derived from a description.

A `Kind` describes one audited kind of row: its key, its fields (each a mapped column and how it is
written), where its rows are read from and whether it is fingerprinted. From it come, compiled once
as plain Python functions (as `dataclasses` compiles `__init__`), everything that used to be
written out by hand for each kind:

- `value(obj)`: the writers' value of a mapped object, as the services store it in the audit log;
- `fill(rows, state)`: the snapshot, from the plain rows `statement()` reads;
- `encode(rows, add, content, *names)`: the snapshot's canonical JSON, straight from the rows, for
  the large kinds (one f-string per row: the speed the fingerprint of a framework needs).

Nothing here knows a kind of row; `record_shape.py` holds the description itself.
"""

from __future__ import annotations

import enum
import json
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute

from svdesk.model.audit import canonical_json

Column = InstrumentedAttribute[Any]

# The text of every key a description makes: a lowercase kind, then database ids ('score/3/7/2').
# Such a key JSON-encodes as itself, and sorts alike as text and as JSON.
KEY_PATTERN = r"[a-z]+(?:/[0-9]+)*"


class Codec(enum.Enum):
    """How a column's value is written in the record (and so in the audit log and the fingerprint)."""

    TEXT = "text"  # a str, as a JSON string
    NUMBER = "number"  # a float, as repr() writes it (JSON holds no NaN or infinity: refused)
    OPTIONAL_NUMBER = "optional number"  # a float, or None as null
    FLAG = "flag"  # a bool
    CHOICE = "choice"  # an enum member, written as its value
    OPTIONAL_ID = "optional id"  # another row's database id, or None


# A codec's value in the record, from the column's value `{}` (all others: the value as it is).
_IN_RECORD = {Codec.CHOICE: "{}.value"}
# The one-pass encoding of a codec: (a test that `{v}` is of the type expected, its canonical JSON
# in an f-string). A value of any other type is written by canonical_json itself.
_FAST = {
    Codec.TEXT: ("type({v}) is str", "{{_string({v})}}"),
    Codec.NUMBER: ("(type({v}) is float and {v} - {v} == 0.0)", "{{{v}!r}}"),
    Codec.OPTIONAL_NUMBER: (
        "({v} is None or (type({v}) is float and {v} - {v} == 0.0))",
        '{{"null" if {v} is None else repr({v})}}',
    ),
}
_string = json.encoder.encode_basestring  # what canonical_json uses for every str (C when available)


class Readable(enum.Enum):
    """How a key reads to a person, and in the fingerprint (keyed by names, not database ids)."""

    NAMES = "names"  # each id replaced by the name of the row it identifies: 'score/Acme Ltd/Q1/Tom'
    KIND = "kind"  # the kind alone: there is one per record ('tender')
    IDS = "ids"  # as it is ('signature/4')


@dataclass(frozen=True, eq=False)
class KeyPart:
    """One id of a key: which kind of row it identifies, read from which column."""

    kind: str
    column: Column


@dataclass(frozen=True, eq=False)
class Field:
    """One member of a row's value: its name in the record, the column it holds, how it is written."""

    name: str
    column: Column
    codec: Codec
    fingerprinted: bool = True  # False: changes by the workflow itself, not the evaluation's content


@dataclass(frozen=True, eq=False)
class Scope:
    """Which rows belong to one tender's record: `column` equals the tender's id (`of` "tender"),
    or is one of the ids of the rows of kind `of` already read (e.g. the tender's bidders)."""

    column: Column
    of: str


class _Read:
    """A SELECT of plain columns for one `Record` attribute (see `state.read_record`)."""

    rows: str | None
    scope: Scope | None
    join: tuple[Any, Any] | None
    order_by: tuple[Column, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns of one row as `statement()` reads it."""
        raise NotImplementedError

    def statement(self, ids: Mapping[str, Any]) -> Select[Any]:
        """The SELECT of this kind's rows in one tender: `ids` holds the tender's id under "tender"
        and, for each kind a scope names, the ids of its rows already read."""
        assert self.scope is not None
        stmt = select(*self.columns)
        if self.join is not None:
            stmt = stmt.join(*self.join)
        of = self.scope.of
        stmt = stmt.where(self.scope.column == ids[of] if of == "tender" else self.scope.column.in_(ids[of]))
        return stmt.order_by(*self.order_by) if self.order_by else stmt


@dataclass(frozen=True, eq=False)
class Part(_Read):
    """Rows folded into their parent's value as one map, e.g. a tender's scale descriptors
    {"5": "Excellent"}: `key` a number (written as f"{:g}"), `value` a text."""

    name: str
    rows: str
    relationship: Column  # the parent's relationship to the rows, for the writers' value
    key: Column
    value: Column
    scope: Scope
    order_by: tuple[Column, ...] = ()
    not_recorded: Mapping[str, str] = field(default_factory=dict)
    join: tuple[Any, Any] | None = None

    @property
    def entity(self) -> type:
        return cast(type, self.key.class_)

    @property
    def columns(self) -> tuple[Column, ...]:
        return (self.key, self.value)

    def of_rows(self, rows: list[Any]) -> dict[str, Any]:
        return {f"{k:g}": v for k, v in rows}

    def of_object(self, parent: Any) -> dict[str, Any]:
        key, value = self.key.key, self.value.key
        return {f"{getattr(child, key):g}": getattr(child, value) for child in getattr(parent, self.relationship.key)}


@dataclass(frozen=True, eq=False)
class Kind(_Read):
    """One audited kind of row, described once.

    The state key is `name/<id>/<id>...` (one id per `key` part); the value maps each field's name
    to its column's value as its codec writes it, plus each part's map. `rows` names the `Record`
    attribute the rows are read into, laid out as: key columns, field columns, then `also_read`
    (columns the reports read with the record that are not part of it); None for the tender, which
    is read as the object itself. Every mapped column of `entity` is a key, a field, the scope, or
    in `not_recorded` with the reason it is not part of the record (tests/test_record_shape.py).
    """

    name: str
    entity: type
    key: tuple[KeyPart, ...]
    fields: tuple[Field, ...]
    rows: str | None
    scope: Scope | None
    join: tuple[Any, Any] | None = None
    order_by: tuple[Column, ...] = ()
    also_read: tuple[Column, ...] = ()
    parts: tuple[Part, ...] = ()
    named_by: str | None = None  # the field whose value names a row of this kind in other rows' readable keys
    readable: Readable = Readable.NAMES
    fingerprinted: bool = True
    bulk: bool = False  # tens of thousands of rows on a framework: encoded straight from the rows
    not_recorded: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if re.fullmatch("[a-z]+", self.name) is None:
            raise ValueError(f"{self.name!r}: a kind is named in lowercase letters (its keys' first part)")
        for name in [self.name, *(f.name for f in self.fields), *(p.name for p in self.parts)]:
            if not name.isidentifier() or keyword.iskeyword(name) or name != name.lower():
                raise ValueError(f"{self.name}: {name!r} cannot name a kind or a field")
        if self.bulk and (
            self.parts
            or not self.fingerprinted
            or any(f.codec not in _FAST or not f.fingerprinted for f in self.fields)
        ):
            raise ValueError(f"{self.name}: a bulk kind has only fingerprinted text and number fields")

    # --- what the description says, derived ---------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        """Key ids, fields, then the columns read for the reports."""
        return (*(k.column for k in self.key), *(f.column for f in self.fields), *self.also_read)

    @property
    def unprinted(self) -> frozenset[str]:
        """The fields left out of the fingerprint."""
        return frozenset(f.name for f in self.fields if not f.fingerprinted)

    def key_of(self, *ids: Any) -> str:
        """The state key of the row with these ids (in `key` order)."""
        if len(ids) != len(self.key):
            raise TypeError(f"a {self.name} key has {len(self.key)} ids, not {len(ids)}")
        return "/".join([self.name, *map(str, ids)])

    # --- compiled from the description ----------------------------------------------------------------

    def _value_source(self, of: Callable[[int, Field], str]) -> str:
        items = [f"{f.name!r}: {_IN_RECORD.get(f.codec, '{}').format(of(i, f))}" for i, f in enumerate(self.fields)]
        return "{" + ", ".join(items) + "}"

    def _key_text(self, ids: list[str]) -> str:
        return "/".join([self.name, *("{" + i + "}" for i in ids)])

    @cached_property
    def value(self) -> Callable[[Any], dict[str, Any]]:
        """The writers' value of a mapped object (without its parts: see `state.value_of`)."""
        return _compile(f"def value(o):\n    return {self._value_source(lambda _i, f: 'o.' + f.column.key)}\n")

    @cached_property
    def value_of_columns(self) -> Callable[..., dict[str, Any]]:
        """The value from the fields' column values, in `fields` order."""
        args = ", ".join(f"v{i}" for i in range(len(self.fields)))
        return _compile(f"def value({args}):\n    return {self._value_source(lambda i, _f: f'v{i}')}\n")

    @cached_property
    def _row_names(self) -> str:
        names = [f"k{i}" for i in range(len(self.key))] + [f"v{i}" for i in range(len(self.fields))]
        names += [f"_x{i}" for i in range(len(self.also_read))]
        return ", ".join(names) + ("," if len(names) == 1 else "")

    @cached_property
    def fill(self) -> Callable[[list[Any], dict[str, Any]], None]:
        """Add the state of each row (as `statement()` reads it) to `state`: key -> value."""
        key = self._key_text([f"k{i}" for i in range(len(self.key))])
        return _compile(
            f"def fill(rows, state):\n"
            f"    for {self._row_names} in rows:\n"
            f"        state[f{key!r}] = {self._value_source(lambda i, _f: f'v{i}')}\n"
        )

    @cached_property
    def encode(self) -> Callable[..., None]:
        """`encode(rows, add, content, *names)`: for each row, `add` the member '"key":<value's
        canonical JSON>' and set `content[readable key]` to the same JSON; `names` maps the ids of
        each key part to names (as `state_encoding._Names`). The JSON is exactly canonical_json's."""
        if not self.bulk:
            raise TypeError(f"{self.name} rows are encoded through their state, not straight from the rows")
        ordered = sorted(range(len(self.fields)), key=lambda i: self.fields[i].name)
        checks = " and ".join(_FAST[self.fields[i].codec][0].format(v=f"v{i}") for i in range(len(self.fields)))
        members = ",".join(
            f"{json.dumps(self.fields[i].name)}:" + _FAST[self.fields[i].codec][1].format(v=f"v{i}") for i in ordered
        )
        text = "f'{{" + members + "}}'"
        ids = [f"k{i}" for i in range(len(self.key))]
        names = ", ".join(f"n{i}" for i in range(len(self.key)))
        readable = self._key_text([f"n{i}[k{i}]" for i in range(len(self.key))])
        return _compile(
            f"def encode(rows, add, content, {names}):\n"
            f"    for {self._row_names} in rows:\n"
            f"        if {checks}:\n"
            f"            text = {text}\n"
            f"        else:\n"
            f"            text = canonical_json({self._value_source(lambda i, _f: f'v{i}')})\n"
            f"        add(f'\"{self._key_text(ids)}\":{{text}}')\n"
            f"        content[f{readable!r}] = text\n"
        )


def _compile(source: str) -> Callable[..., Any]:
    """The one function defined by `source` (made from a description: names checked, values in repr)."""
    namespace: dict[str, Any] = {"_string": _string, "canonical_json": canonical_json}
    exec(compile(source, "<record description>", "exec"), namespace)  # noqa: S102 - our own source
    function: Callable[..., Any] = next(
        v for k, v in namespace.items() if k not in ("_string", "canonical_json", "__builtins__")
    )
    function.__source__ = source  # type: ignore[attr-defined]  # for a reader in a debugger
    return function
