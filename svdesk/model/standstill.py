"""The standstill period before a public contract may be entered into (Procurement Act 2023, s.51).

The law, as built here:

- s.51: the mandatory standstill period is eight working days *beginning with* the day on which the
  contract award notice is published; the authority may not enter into the contract until it has
  ended. So the publication day is day 1 when it is a working day; when the notice is published on
  a day that is not a working day, day 1 is the next working day. (Cabinet Office guidance,
  "Contract award notices and standstill", paras 2 and 4.)
- The period ends at the end of its eighth working day. The first day the contract may be entered
  into is the next calendar day: s.51 forbids entering into the contract during the period and
  says nothing about the day after it, so that day may be a Saturday or a bank holiday.
- s.123(1), "working day": a day other than a Saturday or Sunday, Christmas Day, Good Friday, or a
  bank holiday under the Banking and Financial Dealings Act 1971 *in any part of the United
  Kingdom*. So a Scottish-only bank holiday (2 January, the first Monday in August, St Andrew's
  Day) or a Northern-Irish-only one (17 March, 12 July) is not a working day for ANY contracting
  authority, wherever it is. The authority's nation therefore changes nothing, and the functions
  here take no nation: a parameter that cannot change the answer would invite the belief that an
  English authority may count a Scottish bank holiday, which would shorten the period below what
  s.51 requires. Each skipped day names the parts of the UK where it is a bank holiday instead, so
  the officer sees why it was skipped.
  (This differs from svdesk issue 15, item 4, which said "the bank holidays of the authority's
  nation": the Act's definition is followed.)

Bank holidays come from the `holidays` package (every part of the UK: England and Wales, Scotland,
Northern Ireland), which carries the 1971 Act's schedule, the substitute days and the days appointed
by proclamation (jubilees, a state funeral). Days proclaimed after the installed version was
released are not in it: keep the package current. An extra day in the calendar only lengthens the
period (the safe side of s.51); a missing one would shorten it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from holidays.countries.united_kingdom import UnitedKingdom

# s.51: "eight working days beginning with the day on which the contract award notice is published".
MANDATORY_STANDSTILL_WORKING_DAYS = 8

# The 1971 Act's schedule treats England and Wales as one part; the package splits them (same days).
_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("England and Wales", ("ENG", "WLS")),
    ("Scotland", ("SCT",)),
    ("Northern Ireland", ("NIR",)),
)


@dataclass(frozen=True)
class NonWorkingDay:
    """A day inside the period that does not count, and why (each reason as the law names it)."""

    day: date
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class Standstill:
    """The mandatory standstill period for a contract award notice published on `published`."""

    published: date
    working_days: tuple[date, ...]  # the counted days, in order; the first is day 1
    skipped: tuple[NonWorkingDay, ...]  # every non-working day from `published` to `last_day`

    @property
    def first_day(self) -> date:
        return self.working_days[0]

    @property
    def last_day(self) -> date:
        """The last day of the period: the contract may not be entered into on or before it."""
        return self.working_days[-1]

    @property
    def earliest_entry(self) -> date:
        """The first day the contract may be entered into: the calendar day after the period."""
        return self.last_day + timedelta(days=1)


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher).

    Our own, so that Good Friday, which s.123 names itself, does not rest on the package's labels.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, tuple[tuple[str, str], ...]]:
    """Per day of `year`: (holiday name, part of the UK) for each part where it is a bank holiday."""
    found: dict[date, list[tuple[str, str]]] = {}
    for part, subdivisions in _PARTS:
        names: dict[date, set[str]] = {}
        for subdivision in subdivisions:
            # The package's constructor is unannotated (its mapping is typed: date -> str).
            calendar = UnitedKingdom(subdiv=subdivision, years=year)  # type: ignore[no-untyped-call]
            for day, name in calendar.items():
                names.setdefault(day, set()).update(n.strip() for n in name.split(";"))
        for day, day_names in names.items():
            found.setdefault(day, []).extend((name, part) for name in sorted(day_names))
    return {day: tuple(entries) for day, entries in found.items()}


def _check_day(day: date) -> None:
    # A timestamp is the caller's to turn into a UK calendar day; a datetime here would be a bug.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a calendar date, got {day!r}")


def non_working_reasons(day: date) -> tuple[str, ...]:
    """Why `day` is not a working day under s.123(1) of the Act; empty when it is a working day."""
    _check_day(day)
    reasons: list[str] = []
    if day.weekday() >= 5:
        reasons.append(day.strftime("%A"))
    # s.123(1) names Christmas Day and Good Friday itself (in England they are not 1971 Act days).
    if (day.month, day.day) == (12, 25):
        reasons.append("Christmas Day")
    if day == easter_sunday(day.year) - timedelta(days=2):
        reasons.append("Good Friday")
    by_name: dict[str, list[str]] = {}
    for name, part in _bank_holidays(day.year).get(day, ()):
        if name not in ("Christmas Day", "Good Friday"):
            by_name.setdefault(name, []).append(part)
    for name, parts in by_name.items():
        where = "every part of the UK" if len(parts) == len(_PARTS) else " and ".join(parts)
        reasons.append(f"{name} (bank holiday in {where})")
    return tuple(reasons)


def is_working_day(day: date) -> bool:
    """Whether `day` is a working day under s.123(1): the same answer for every part of the UK."""
    return not non_working_reasons(day)


def standstill(published: date, working_days: int = MANDATORY_STANDSTILL_WORKING_DAYS) -> Standstill:
    """The standstill period for a contract award notice published on `published` (s.51).

    `working_days` may be longer than the eight s.51 requires (an authority may wait longer), never
    shorter.
    """
    _check_day(published)
    if working_days < MANDATORY_STANDSTILL_WORKING_DAYS:
        raise ValueError(
            f"a standstill period of {working_days} working days is shorter than the "
            f"{MANDATORY_STANDSTILL_WORKING_DAYS} that s.51 of the Procurement Act 2023 requires"
        )
    counted: list[date] = []
    skipped: list[NonWorkingDay] = []
    day = published  # "beginning with the day on which the notice is published"
    while len(counted) < working_days:
        reasons = non_working_reasons(day)
        if reasons:
            skipped.append(NonWorkingDay(day, reasons))
        else:
            counted.append(day)
        day += timedelta(days=1)
    return Standstill(published, tuple(counted), tuple(skipped))


def standstill_end(published: date) -> date:
    """The last day of the mandatory standstill period (s.51); the contract may be entered into
    from the next calendar day (`standstill(published).earliest_entry`)."""
    return standstill(published).last_day
