"""Names as a person reads them, text that can be stored, numbers of a sane size, and user input
quoted at a bounded length in a message.

A name (a bidder, a panel member, a question code, a measure ref, a tender reference) is compared
as a person reads it: NFC-normalised, stripped, its inner whitespace collapsed to one space, so
"Zoë" typed with a combining diaeresis (NFD) and "Zoë" precomposed (NFC) are the same bidder.
Comparison stays case-sensitive. A name may not carry what a person cannot see: a control
character, a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE before "DTL EMCA" prints it as
"ACME LTD"), or an invisible format character ("Acme" U+200B "Roads" prints as "AcmeRoads" but is
another name). The zero-width joiners are kept where a script or an emoji needs them: between two
non-ASCII characters (a ZWJ emoji sequence, Persian and Indic words); between ASCII letters they
only hide.

Any text (a rationale too) must be storable: a lone surrogate (a JSON "\\ud800", an undecodable
byte in a command-line argument) cannot be encoded as UTF-8, so SQLite, PostgreSQL and the
exporters would all fail on it. Numbers beyond `MAX_MAGNITUDE` are refused before any float() or
int() of them can overflow.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

from svdesk.model.errors import ValidationError

QUOTE_LIMIT = 80  # characters of user input quoted in a message; the rest is counted, not shown
MAX_MAGNITUDE = 1e15  # a quadrillion: beyond any price, quantity or score a tender can carry
_SURROGATE = re.compile("[\ud800-\udfff]")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: needed by some scripts and by emoji sequences
# emoji presentation (U+FE0F) and the like, and Mongolian's free variation selectors
_VARIATION = frozenset([*map(chr, range(0xFE00, 0xFE10)), "\u180b", "\u180c", "\u180d", "\u180f"])
# Letters and marks that print as nothing (Default_Ignorable_Code_Point outside the Cf category):
# the Hangul fillers, the combining grapheme joiner, Khmer's inherent vowels, and the braille blank,
# which looks like a space but is not one.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` as a message quotes it: its repr, cut at `limit` characters with the full length said,
    so a 50 MB name makes a message of about 100 characters, not 50 MB."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool):
        return shown_number(value)
    if isinstance(value, list | tuple | dict | set):
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def shown_number(value: int | float) -> str:
    """A number for a message: a 400-digit integer is said by its size, never printed in full."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        if value.bit_length() > 13_000:  # str() of an integer of more than 4,300 digits is refused
            return "an integer of more than 3,900 digits"
        return f"an integer of {len(str(abs(value))):,} digits"
    return f"{value:g}" if isinstance(value, float) else str(value)


def magnitude_problem(value: int | float) -> str | None:
    """None when `value` is a finite number no larger than `MAX_MAGNITUDE` either way; compared
    before any conversion, so a 400-digit integer never reaches float()."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return f"{shown_number(value)} is beyond the largest number svdesk takes ({MAX_MAGNITUDE:,.0f})"
    return None


def storable_problem(text: str) -> str | None:
    """None when `text` can be stored: encoded as UTF-8 (a lone surrogate cannot be), without NUL."""
    if (found := _SURROGATE.search(text)) is not None:
        return (
            f"contains text that cannot be encoded as UTF-8 (a lone surrogate U+{ord(found.group()):04X} "
            f"at character {found.start() + 1:,})"
        )
    if (nul := text.find("\x00")) >= 0:
        return f"contains a NUL character (at character {nul + 1:,})"
    return None


def normal_name(text: str) -> str:
    """A name as compared: NFC, stripped, inner whitespace (tabs, newlines, no-break spaces) one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _described(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}{' ' + name if name else ''}"


def name_problem(name: str) -> str | None:
    """None when `name` (already `normal_name`) prints as it is stored; else what is wrong, and where."""
    if problem := storable_problem(name):
        return problem
    for i, ch in enumerate(name):
        if ch.isascii() and ch.isprintable():
            continue
        where = f"{_described(ch)} at character {i + 1:,}"
        if ch in _BIDI:
            return (
                f"contains a bidirectional control character ({where}), which makes a name print in another "
                "order than it is stored; remove it"
            )
        if ch == "\ufffd":
            return (
                f"contains {where}: the text was damaged before it arrived (a lone surrogate or a byte that is "
                "not UTF-8, pasted or read); type the name again"
            )
        category = unicodedata.category(ch)
        if category == "Cc":
            return f"contains a control character ({where}); remove it"
        if ch in _JOINERS or ch in _VARIATION:
            before, after = name[i - 1 : i], name[i + 1 : i + 2]
            if before and not before.isascii() and (ch in _VARIATION or (after and not after.isascii())):
                continue  # a joiner inside an emoji sequence or a script that needs it
        elif category != "Cf" and ch not in _INVISIBLE:
            continue
        return f"contains an invisible character ({where}): a name must read as it is stored; remove it"
    return None


def clean_name(value: object, what: str, max_len: int) -> str:
    """A name given to a use case, as stored and compared (`normal_name`); ValidationError naming
    `what` when it is empty, too long, or carries what a person cannot see."""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected text, found {quoted(value)}")
    if len(value) > max_len * 4:  # before normalising a 50 MB paste
        raise ValidationError(f"{what}: {len(value):,} characters (limit {max_len:,})")
    name = normal_name(value)
    if not name:
        raise ValidationError(f"{what}: must not be empty")
    if len(name) > max_len:
        raise ValidationError(f"{what}: {len(name):,} characters (limit {max_len:,})")
    if problem := name_problem(name):
        raise ValidationError(f"{what}: {problem}")
    return name


def clean_text(value: object, what: str, max_len: int = 100_000, required: bool = True) -> str:
    """Free text given to a use case (a title, a rationale, a reason), stripped; ValidationError
    naming `what` when it is empty (if required), too long, or cannot be stored."""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected text, found {quoted(value)}")
    text = value.strip()
    if required and not text:
        raise ValidationError(f"{what}: must not be empty")
    if len(text) > max_len:
        raise ValidationError(f"{what}: {len(text):,} characters (limit {max_len:,})")
    if problem := storable_problem(text):
        raise ValidationError(f"{what}: {problem}")
    return text


def lookup_names(value: str) -> tuple[str, ...]:
    """The names a lookup by `value` matches: its normal form, and as given (a name stored before
    names were normalised)."""
    name = normal_name(value)
    return (name,) if name == value else (name, value)


def matching(value: str, names: Iterable[str]) -> str | None:
    """The one of `names` that `value` names (compared as `lookup_names` does), or None."""
    pool = set(names)
    return next((n for n in lookup_names(value) if n in pool), None) if isinstance(value, str) else None
