"""Setting a tender up: create it, its details, weights and scale (measures, questions and bids are
in `measures`, `questions` and `pledges`)."""

from __future__ import annotations

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, change_database, look, name_of
from svdesk.model.scoring import Weights, weights_problem
from svdesk.model.services import setup as model
from svdesk.model.services.setup_views import SetupView
from svdesk.model.services.setup_views import setup_view as _setup_view

SCALE_PRESETS = model.SCALE_PRESETS

__all__ = [
    "SCALE_PRESETS",
    "SetupView",
    "Weights",
    "create_tender",
    "set_scale",
    "set_weights",
    "setup_view",
    "update_details",
    "weights_problem",
]


def create_tender(db: Database, actor: Actor, reference: str, title: str, contract_value: float) -> str:
    """A new draft tender; returns its reference."""
    return change_database(
        db, lambda s: model.create_tender(s, name_of(actor), reference, title, contract_value).reference, actor=actor
    )


def setup_view(db: Database, reference: str | None) -> SetupView:
    return look(db, reference, lambda _s, t: _setup_view(t))


def update_details(
    db: Database,
    actor: Actor,
    reference: str | None,
    *,
    title: str | None = None,
    contract_value: float | None = None,
    hide_prices_from_quality: bool | None = None,
) -> Outcome[None]:
    return change(
        db,
        reference,
        lambda s, t: model.update_details(
            s,
            t,
            name_of(actor),
            title=title,
            contract_value=contract_value,
            hide_prices_from_quality=hide_prices_from_quality,
        ),
        actor=actor,
    )


def set_weights(
    db: Database,
    actor: Actor,
    reference: str | None,
    weights: Weights,
    share: float | None = None,
    method: str | None = None,
) -> Outcome[None]:
    return change(
        db, reference, lambda s, t: model.set_weights(s, t, name_of(actor), weights, share, method), actor=actor
    )


def set_scale(
    db: Database, actor: Actor, reference: str | None, scale_max: float, step: float, descriptors: dict[float, str]
) -> Outcome[None]:
    return change(
        db, reference, lambda s, t: model.set_scale(s, t, name_of(actor), scale_max, step, descriptors), actor=actor
    )
