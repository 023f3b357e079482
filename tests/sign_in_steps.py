"""Signing in as a person does, through the sign-in dialog's widgets (nothing below the screens:
the whole-evaluation journey test uses these too)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.keys import passphrase_of


def type_passphrase(qtbot, dialog, member, passphrase=None) -> None:
    """Choose `member` in the sign-in dialog, type the passphrase and press Enter."""
    index = dialog.member.findData(member)
    assert index >= 0, f"{member} is not offered: {offered(dialog)}"
    dialog.member.setCurrentIndex(index)
    qtbot.keyClicks(dialog.passphrase, passphrase if passphrase is not None else passphrase_of(member))
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)


def sign_in(qtbot, dialog, member, passphrase=None) -> None:
    """`member` signs in through `dialog` with their passphrase (the key derivation runs on a thread)."""
    with qtbot.waitSignal(dialog.signed_in, timeout=30_000):
        type_passphrase(qtbot, dialog, member, passphrase)


def offered(dialog) -> list[str]:
    """The members the dialog offers, in its order."""
    return [dialog.member.itemData(i) for i in range(dialog.member.count())]
