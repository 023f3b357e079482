"""Contact details as people type them: an email address, a postal address, an identifier, a day.

Each check names what was given and why it is refused, with the field's name (`who`), and returns
the value as it is stored (trimmed; a postal address keeps its lines).
"""

from __future__ import annotations

import re
from datetime import date

from svdesk.model.errors import ValidationError
from svdesk.model.names import quoted, storable_problem

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# Companies House company numbers: eight digits, or a two-letter prefix (SC, NI, OC, ...) and six.
COMPANIES_HOUSE = re.compile(r"(?:[0-9]{8}|[A-Z]{2}[0-9]{6})")


def checked_email(value: str | None, who: str) -> str:
    text = (value or "").strip()
    if text and (len(text) > 320 or not _EMAIL.fullmatch(text) or storable_problem(text)):
        raise ValidationError(f"{who}: {quoted(text)} is not an email address")
    return text


def checked_text(value: str | None, who: str, limit: int, *, lines: bool = False) -> str:
    """Free text of at most `limit` characters; `lines`: line breaks kept (an address), else refused."""
    text = (value or "").replace("\r\n", "\n").strip()
    if lines:
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
    elif "\n" in text:
        raise ValidationError(f"{who}: one line only")
    if len(text) > limit:
        raise ValidationError(f"{who}: {len(text)} characters; at most {limit}")
    problem = storable_problem(text.replace("\n", " "))
    if problem:
        raise ValidationError(f"{who}: {problem}")
    return text


def checked_day(value: str | date | None, who: str, *, not_after: date | None = None) -> str:
    """An ISO day ("2026-12-14"), or a date; refused when it is after `not_after` (a record of what
    happened cannot be dated tomorrow)."""
    if isinstance(value, date):
        day = value
    else:
        text = (value or "").strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"{who}: {quoted(text)} is not a day (write it as YYYY-MM-DD)") from None
    if not_after is not None and day > not_after:
        raise ValidationError(f"{who}: {day.isoformat()} is in the future (today is {not_after.isoformat()})")
    return day.isoformat()
