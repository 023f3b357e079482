"""The published weights are frozen once scoring opens (Procurement Act 2023 ss.23-24): found by hand
(issue 17), an officer could change them during moderation and every total moved, with no reason."""

import pytest
from PySide6.QtGui import QUndoStack

from svdesk.app import reads, setup, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import WorkflowError
from svdesk.model.demo import load_demo
from svdesk.model.scoring import Weights
from svdesk.ui.screen_base import Desk
from svdesk.ui.setup_screen import SetupScreen

REF = "CWAC-2026-0142"


@pytest.fixture
def scoring(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    signoff.reopen(db, "Priya", REF, "Tom rescores Q1")
    yield db
    db.dispose()


def test_changing_the_weights_after_scoring_opens_is_refused_and_nothing_moves(scoring):
    before = setup.setup_view(scoring, REF).weights
    with pytest.raises(WorkflowError, match=r"frozen: scoring has opened .*ss\.23-24"):
        setup.set_weights(scoring, "Priya", REF, Weights(45, 45, 10))
    assert setup.setup_view(scoring, REF).weights == before


def test_the_setup_screen_shows_them_frozen(qtbot, scoring):
    screen = SetupScreen(Desk(scoring, "Priya", QUndoStack()))
    qtbot.addWidget(screen)
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(scoring, REF))
    assert not screen.price.isEnabled() and not screen.quality.isEnabled() and not screen.social.isEnabled()
    assert "Frozen since scoring opened" in screen.price.toolTip()
    assert screen.title.isEnabled()  # the rest of Setup is still the officer's
