"""Text in a spreadsheet cell can never become a formula (and can be read back exactly).

Bidder names, rationales and question texts are typed by people outside our control. A cell whose
text begins with =, +, -, @, a tab or a carriage return is run as a formula by Excel and LibreOffice
("CSV/formula injection"), e.g. =HYPERLINK(...) leaking data or +cmd|... starting a program.
`safe_text` keeps such text literal with a leading quote; `restore_text` removes our quote when a
workbook svdesk wrote (a scoring pack) is read back. Here in the model, not in export, because both
the exporters and the pack importer use it.
"""

from __future__ import annotations

import re

# The control characters XML 1.0 forbids (openpyxl's own ILLEGAL_CHARACTERS_RE; not imported from
# there because openpyxl would then load at every start-up).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
MAX_CELL_CHARS = 32_767  # Excel's own limit; longer text makes Excel "repair" the file


def safe_text(value: object) -> str:
    """`value` as text that a spreadsheet shows literally and never evaluates."""
    text = "" if value is None else str(value)
    # Control characters are illegal in the XML of a workbook: openpyxl would refuse the whole file.
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if text.startswith(FORMULA_TRIGGERS):
        text = NEUTRALISER + text
    if len(text) > MAX_CELL_CHARS:
        # Say so in the cell rather than cut silently: the full text stays in the database and reports.
        note = f" [... truncated: the full text has {len(text):,} characters]"
        text = text[: MAX_CELL_CHARS - len(note)] + note
    return text


def restore_text(cell_text: str) -> str:
    """The inverse of `safe_text` for text read back from a workbook we wrote (drops our quote).

    Only a quote directly before a formula trigger is ours; any other leading quote is the user's.
    """
    if cell_text.startswith(NEUTRALISER) and cell_text[1:].startswith(FORMULA_TRIGGERS):
        return cell_text[1:]
    return cell_text
