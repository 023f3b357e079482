"""How every svdesk document writes a number: one format per kind, so that no document shows "40" in one
place and "40.00" in another, or "310000" beside "£310,000.00".

- money: pounds and pence with thousands separators, "£1,234.56" (the figures are exact to the penny,
  so the pence are always shown);
- rate: a proxy value (pounds per unit), "£30,782.00", "£0.963812": pence at least, more where the
  proxy has them (National TOMs proxies can be fractions of a penny);
- points: 2 decimal places, "40.00", for every score component, total and points available;
- score: a score on the panel's scale as the scale counts, "4", "3.5", "60";
- quantity: thousands separators and the unit, "310,000 hours" ("£310,000" for a pledge in pounds);
- percent: "40%", "12.5%";
- difference: a difference of points, signed, "+3.00", "−4.68" (a true minus sign);
- coefficient: an agreement figure (Krippendorff's alpha), 3 decimal places as its thresholds are
  written (0.667, 0.800), "0.812", "−0.120";
- mean score: a mean of scores or of their differences, on the panel's scale, 2 decimal places, "0.40";
- day: a calendar day as a letter writes it, "3 December 2026".

A missing value is an en dash in every kind, never a blank or "None".
"""

from __future__ import annotations

from datetime import date, datetime

MISSING = "\u2013"


def _trimmed(value: float, places: int) -> str:
    """value with thousands separators and at most `places` decimals, trailing zeros dropped."""
    out = f"{value:,.{places}f}"
    return out.rstrip("0").rstrip(".") if "." in out else out


def money(value: float | None) -> str:
    return MISSING if value is None else f"\u00a3{value:,.2f}"


def rate(value: float | None) -> str:
    if value is None:
        return MISSING
    if round(value, 2) == round(value, 6):
        return f"\u00a3{value:,.2f}"
    return f"\u00a3{_trimmed(value, 6)}"


def points(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.2f}"


def score(value: float | None) -> str:
    return MISSING if value is None else _trimmed(value, 4)


def quantity(value: float | None, unit: str = "") -> str:
    if value is None:
        return MISSING
    shown = _trimmed(value, 4)
    unit = (unit or "").strip()
    if unit == "\u00a3":  # a pledge counted in pounds (NT18: "£ spent locally") reads as money
        return f"\u00a3{shown}"
    return f"{shown} {unit}" if unit else shown


def percent(value: float | None) -> str:
    return MISSING if value is None else f"{_trimmed(value, 2)}%"


def number(value: float | None) -> str:
    """A plain count or amount with no unit: thousands separators, no needless decimals."""
    return MISSING if value is None else _trimmed(value, 6)


def difference(value: float | None) -> str:
    if value is None:
        return MISSING
    shown = f"{abs(value):,.2f}"
    if shown == "0.00":
        return shown
    return ("+" if value > 0 else "\u2212") + shown


def coefficient(value: float | None) -> str:
    if value is None:
        return MISSING
    shown = f"{abs(value):.3f}"
    return ("\u2212" if value < 0 and shown != "0.000" else "") + shown


def mean_score(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.2f}"


def day(value: str | date | None) -> str:
    """'2026-12-03' (or a timestamp, or a date) -> '3 December 2026'; the text as it is if it is not a day."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{when.day} {when:%B %Y}"
