"""Signing in as a person does, through the sign-in dialog's widgets (nothing below the screens:
the whole-evaluation journey test uses these too)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from svdesk.ui.sign_in import SignInDialog
from tests.gui_steps import QtBot, choose
from tests.keys import passphrase_of


def type_passphrase(qtbot: QtBot, dialog: SignInDialog, member: str, passphrase: str | None = None) -> None:
    """Choose `member` in the sign-in dialog (typing their name into the list), type the passphrase
    and press Enter."""
    assert member in offered(dialog), f"{member} is not offered: {offered(dialog)}"
    if dialog.chosen() != member:
        choose(qtbot, dialog.member, f"{member} (")  # as the list shows them: "Tom (evaluator)"
    assert dialog.chosen() == member, f"typing {member!r} chose {dialog.chosen()!r}"
    qtbot.keyClicks(dialog.passphrase, passphrase if passphrase is not None else passphrase_of(member))
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)


def sign_in(qtbot: QtBot, dialog: SignInDialog, member: str, passphrase: str | None = None) -> None:
    """`member` signs in through `dialog` with their passphrase (the key derivation runs on a thread)."""
    with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
        type_passphrase(qtbot, dialog, member, passphrase)


def offered(dialog: SignInDialog) -> list[str]:
    """The members the dialog offers, in its order."""
    return [dialog.member.itemData(i) for i in range(dialog.member.count())]
