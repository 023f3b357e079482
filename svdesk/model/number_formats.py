"""Whether a cell's number format shows its number, or something else in its place.

A number format is part of what a spreadsheet shows: `;;;` shows nothing, `"10"` shows the text 10
whatever the value, `0,` shows 12000 as 12, `d-mmm` shows 46094 as 12-Mar. A pledged quantity read
from a cell that shows something else is not what the bidder's sheet says to a reader, so the
caller refuses it, naming the cell and the format. Percentages and currency show the number (in
another unit) and pass.
"""

from __future__ import annotations

import re

# Excel's built-in formats by id: these show the number; 14-22 and 45-47 are dates and times.
_BUILTIN_NUMBER = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 37, 38, 39, 40, 41, 42, 43, 44, 48, 49})
_BUILTIN_DATE = frozenset({*range(14, 23), 45, 46, 47})
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')  # literal text, an escaped character, padding, fill
_BRACKET = re.compile(r"\[[^\]]*\]")
_DATE_CODES = re.compile(r"[dmyhs]|am/pm|a/p", re.IGNORECASE)


def _sections(code: str) -> list[str]:
    """The format's sections (positive; negative; zero; text), split on ';' outside quotes."""
    out, current, quoted, escaped = [], "", False, False
    for ch in code:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch == '"':
            current += ch
            quoted = not quoted
        elif ch == ";" and not quoted:
            out.append(current)
            current = ""
        else:
            current += ch
    return [*out, current]


def hides_number(format_id: int, code: str | None) -> str | None:
    """What the format shows instead of a positive number (None: it shows the number)."""
    if code is None:
        if format_id in _BUILTIN_NUMBER:
            return None
        if format_id in _BUILTIN_DATE:
            return "a date or time"
        return f"what Excel's built-in format {format_id} shows (a date, in some languages)"
    first = _sections(code)[0]
    brackets = _BRACKET.findall(first)
    if any(re.match(r"\[\s*[<>=]", b) for b in brackets):
        return "what a condition in its format chooses"
    literal = "".join(m.group(0).strip('"').lstrip("\\") for m in _QUOTED.finditer(first) if m.group(0)[0] in '"\\')
    bare = _BRACKET.sub("", _QUOTED.sub("", first))
    if "general" in bare.lower() or "@" in bare:  # a number in a text-formatted cell still shows as the number
        return None
    if any(b.strip("[]").lower().strip("hms") == "" for b in brackets) or _DATE_CODES.search(
        re.sub(r"[eE][+-]", "", bare)
    ):
        return "a date or time"
    last = max((bare.rfind(ch) for ch in "0#?"), default=-1)
    if last < 0:
        return f"the text {literal!r} whatever the number" if literal.strip() else "nothing"
    if bare[last + 1 :].lstrip().startswith(","):
        return "the number divided by 1,000 (its format ends in a comma)"
    return None
