"""What quantity is plausible for a measure's unit: a typo or an attack shows up as an absurd figure."""

from __future__ import annotations

import math

# (words in the unit, the largest plausible pledge on one contract)
LIMITS: tuple[tuple[tuple[str, ...], float, str], ...] = (
    (("%", "percent", "percentage", "rate"), 100.0, "a percentage cannot exceed 100"),
    (("fte", "people", "employees", "staff", "person"), 100_000.0, "more than 100,000 people"),
    (("week",), 5_000_000.0, "more than 5 million weeks"),
    (("hour",), 50_000_000.0, "more than 50 million hours"),
    (("mile", "km", "kilomet"), 10_000_000_000.0, "more than 10 billion miles"),
    (("£", "gbp", "pound", "value"), 100_000_000_000.0, "more than £100 billion"),
)
ABSOLUTE_LIMIT = 1e12


def quantity_problem(unit: str | None, quantity: float) -> str | None:
    """None when `quantity` is a plausible pledge for `unit`; otherwise why not."""
    if not math.isfinite(quantity):
        return f"{quantity} is not a finite number"
    if quantity < 0:
        return f"{quantity:g} is negative"
    if quantity > ABSOLUTE_LIMIT:
        return f"{quantity:g} is not a plausible quantity"
    text = (unit or "").casefold()
    for words, limit, why in LIMITS:
        if any(w in text for w in words) and quantity > limit:
            return f"{quantity:g} is not plausible for '{unit}' ({why})"
    return None
