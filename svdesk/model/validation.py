"""A small structural checker for untrusted JSON: every problem is reported with its path.

Paths read like the document: `scores[3].score`, `tender.weights.price`.
"""

from __future__ import annotations

from collections.abc import Iterable

from svdesk.model.errors import Problem
from svdesk.model.names import magnitude_problem, name_problem, normal_name, quoted, shown_number, storable_problem

MAX_TEXT = 100_000  # characters in one free-text field (a 100,000-character rationale is allowed)


class Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(
        self, value: object, path: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, object] | None:
        if not isinstance(value, dict):
            self.add(path, f"expected an object, found {_kind(value)}")
            return None
        required, optional = list(required), list(optional)
        unknown = [k for k in value if k not in required and k not in optional]
        if unknown:
            names = ", ".join(quoted(k) for k in unknown[:10])
            self.add(path, f"unknown key{'s' if len(unknown) > 1 else ''} {names}")
        for key in required:
            if key not in value:
                self.add(path, f"missing required key {key!r}")
        return value

    def array(self, value: object, path: str) -> list[object]:
        if not isinstance(value, list):
            self.add(path, f"expected a list, found {_kind(value)}")
            return []
        return value

    def number(
        self,
        value: object,
        path: str,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add(path, f"expected a number, found {_kind(value)}")
            return None
        if problem := magnitude_problem(value):  # before float(): a 400-digit integer overflows it
            self.add(path, problem)
            return None
        number = float(value)
        if positive and number <= 0:
            self.add(path, f"{value:g} must be more than 0")
            return None
        if minimum is not None and number < minimum:
            self.add(path, f"{value:g} is below the minimum {minimum:g}")
            return None
        if maximum is not None and number > maximum:
            self.add(path, f"{value:g} is above the maximum {maximum:g}")
            return None
        return number

    def text(self, value: object, path: str, required: bool = True, max_len: int = MAX_TEXT) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"expected text, found {_kind(value)}")
            return None
        if len(value) > max_len:
            self.add(path, f"is {len(value):,} characters long (limit {max_len:,})")
            return None
        if problem := storable_problem(value):  # a lone surrogate ("\\ud800") or a NUL
            self.add(path, problem)
            return None
        stripped = value.strip()
        if required and not stripped:
            self.add(path, "must not be empty")
            return None
        return stripped

    def name(self, value: object, path: str, max_len: int) -> str | None:
        """A name as compared (`names.normal_name`): refused when it carries what a reader cannot see."""
        text = self.text(value, path, max_len=max_len)
        if not text:
            return text
        name = normal_name(text)
        if problem := name_problem(name):
            self.add(path, problem)
            return None
        return name

    def choice(self, value: object, path: str, allowed: Iterable[str]) -> str | None:
        allowed = list(allowed)
        if not isinstance(value, str) or value not in allowed:  # JSON: only text can equal one of them
            self.add(path, f"{quoted(value)} is not one of " + ", ".join(repr(a) for a in allowed))
            return None
        return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {shown_number(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
