"""What a pledge is worth: the rule once, for Python and for SQL.

A pledge's value is its quantity times the tender's (frozen) proxy value. Its accepted value uses
the panel's accepted quantity where the panel reduced or rejected the pledge (0 when rejected),
and the quantity pledged otherwise (`Pledge.accepted_quantity` is None then). Scoring ranks the
accepted value; both are reported.
"""

from __future__ import annotations

from sqlalchemy import func

from svdesk.model.entities import Pledge, TenderMeasure


def accepted_quantity(quantity: float, accepted: float | None) -> float:
    """The quantity that counts: the panel's accepted quantity when set, else the quantity pledged."""
    return accepted if accepted is not None else quantity


def pledged_value(quantity: float, proxy: float) -> float:
    return quantity * proxy


def accepted_value(quantity: float, accepted: float | None, proxy: float) -> float:
    return accepted_quantity(quantity, accepted) * proxy


# The same rule as SQL over Pledge joined to its TenderMeasure (summed by the database).
ACCEPTED_QUANTITY_SQL = func.coalesce(Pledge.accepted_quantity, Pledge.quantity)
PLEDGED_VALUE_SQL = Pledge.quantity * TenderMeasure.proxy_value
ACCEPTED_VALUE_SQL = ACCEPTED_QUANTITY_SQL * TenderMeasure.proxy_value
