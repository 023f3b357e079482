"""Errors the user can act on. Each names the place (file, row, field) and the problem."""

from __future__ import annotations

from dataclasses import dataclass


class SvdeskError(Exception):
    """Base class: the message is meant for the user, never a traceback."""


@dataclass(frozen=True)
class Problem:
    location: str  # e.g. "scores[3].score" or "row 14, column Answer"
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class ValidationError(SvdeskError):
    """Input rejected; nothing was written. Carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | str, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = problems
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        shown = self.problems[:20]
        lines = [f"{prefix}{p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"{prefix}... and {len(self.problems) - len(shown)} more problems")
        return "\n".join(lines)


class NotFoundError(SvdeskError):
    pass


class WorkflowError(SvdeskError):
    """An action is not allowed in the tender's current state, or by this member."""


class SchemaVersionError(SvdeskError):
    """The database was made by a newer svdesk, or cannot be migrated."""


class DatabaseLockedError(SvdeskError):
    pass


class StaleEditError(WorkflowError):
    """Someone else changed the row since it was loaded: shown, never silently overwritten."""


class TenderExistsError(ValidationError):
    """A file's tender is already in the database: loading it would replace that tender (which the
    caller asks the user about: `svdesk load --replace`, or the window's question)."""

    def __init__(self, reference: str, source: str | None = None):
        self.reference = reference
        super().__init__(
            [Problem("tender.reference", f"a tender {reference!r} already exists; loading this file replaces it")],
            source,
        )

    def __reduce__(self) -> tuple[type[TenderExistsError], tuple[str, str | None]]:  # raised in a worker thread
        return (TenderExistsError, (self.reference, self.source))
