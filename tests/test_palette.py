"""Light and dark palettes (issue 17): every state colour readable (WCAG 2.1 contrast of at least
4.5:1) in both, and the screens following the palette the officer chose."""

import dataclasses

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.ui import palette
from svdesk.ui.main_window import MODERATION, MainWindow

LIGHT = QStyleFactory.create("Fusion").standardPalette()
DARK = palette.dark_palette()
GROUNDS = (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase)


def test_the_contrast_formula_matches_wcag():
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the well-known near miss


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("role", palette.ROLES, ids=lambda r: r.name)
def test_every_role_reads_at_4_5_to_1_on_what_it_sits_on(role, dark):
    value = palette.hex_of(role, dark)
    if role.fill:  # a cell or banner: the text drawn on it
        backgrounds = [palette.hex_of(palette.FILL_TEXT, dark)]
    else:  # text: on the window, in a table, on an alternate row
        backgrounds = [(DARK if dark else LIGHT).color(g).name() for g in GROUNDS]
    for background in backgrounds:
        assert palette.contrast(value, background) >= 4.5, (role.name, value, background)


def test_light_and_dark_are_told_apart_by_the_window_colour():
    assert not palette.is_dark(LIGHT) and palette.is_dark(DARK)
    assert palette.HIGH_SPREAD.light != palette.HIGH_SPREAD.dark


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, settings):
    db = open_svdesk_database(tmp_path / "palette.sqlite")
    load_demo(db)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    palette.apply("system")  # the application is shared by every test: give its palette back
    win.db.dispose()


def _choose(window, choice):
    action = window.findChild(QAction, f"palette_{choice}")
    action.trigger()
    return action


def test_the_moderation_grid_shows_high_spread_in_the_dark_value_once_dark_is_chosen(window, settings):
    window.tabs.setCurrentIndex(MODERATION)
    screen = window.moderation
    model = screen.model
    index = model.index(0, 0)  # Weaver Valley Q1: the panel gave 2, 4 and 5
    agreed = model.grid.cell(*[model.grid.bidders[0], model.grid.questions[0][0]])
    # the demo is moderated; this cell as it stood before the consensus was agreed
    model.replace_cell(dataclasses.replace(agreed, consensus=None))
    assert model.grid.flagged(model.grid.cells[(agreed.bidder, agreed.question)])
    background = Qt.ItemDataRole.BackgroundRole
    assert model.data(index, background).color().name() == palette.HIGH_SPREAD.light
    assert not palette.is_dark()

    _choose(window, "dark")
    assert settings.value(palette.SETTING) == "dark"
    assert palette.is_dark() and QApplication.style().name().lower() == "fusion"
    assert QGuiApplication.palette().color(QPalette.ColorRole.Window).name() == "#2b2b2b"
    assert model.data(index, background).color().name() == palette.HIGH_SPREAD.dark
    text = model.data(index, Qt.ItemDataRole.ForegroundRole).color().name()
    assert palette.contrast(text, palette.HIGH_SPREAD.dark) >= 4.5
    # an agreed cell: the dark agreed fill
    assert model.data(model.index(1, 0), background).color().name() == palette.AGREED.dark
    # the locked banner follows the palette too
    assert palette.LOCKED_BANNER.dark in window.banner.styleSheet()

    _choose(window, "system")
    assert settings.value(palette.SETTING) == "system" and not palette.is_dark()
    assert model.data(index, background).color().name() == palette.HIGH_SPREAD.light
    assert palette.LOCKED_BANNER.light in window.banner.styleSheet()


def test_a_saved_dark_choice_is_applied_when_the_window_opens(qtbot, tmp_path, settings):
    settings.setValue(palette.SETTING, "dark")
    db = open_svdesk_database(tmp_path / "again.sqlite")
    try:
        win = MainWindow(db, settings)
        qtbot.addWidget(win)
        assert palette.is_dark()
        assert win.findChild(QAction, "palette_dark").isChecked()
    finally:
        palette.apply("system")
        db.dispose()
    assert not palette.is_dark()
