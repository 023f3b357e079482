"""Writing user text into cells: neutralised (see svdesk.model.cell_text) and typed as a string,
so openpyxl never treats it as a formula either."""

from __future__ import annotations

from openpyxl.cell.cell import Cell

from svdesk.model.cell_text import MAX_CELL_CHARS, restore_text, safe_text

__all__ = ["MAX_CELL_CHARS", "put_text", "restore_text", "safe_text"]


def put_text(cell: Cell, value: object) -> Cell:
    """Write `value` into `cell` as neutralised text, typed as a string."""
    cell.value = safe_text(value)
    cell.data_type = "s"
    return cell
