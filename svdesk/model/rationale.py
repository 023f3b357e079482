"""Checks on written rationales: a consensus rationale must cite the bid's own evidence.

A rationale that only compares bids ("better than Northgate", "wider than the others") is weak
under challenge: each bid must be scored against the criteria, not against each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_COMPARATIVES = re.compile(
    r"\b(better|worse|wider|narrower|stronger|weaker|clearer|higher|lower|greater|fuller|broader|"
    r"more\s+\w+|less\s+\w+)\s+than\s+(?!\d|£|one\b|a\s+year|expected|required|the\s+minimum|the\s+standard)",
    re.IGNORECASE,
)
_COMPARE_TO = re.compile(r"\bcompared\s+(to|with)\b|\bin\s+comparison\s+(to|with)\b|\bthan\s+(the\s+)?other", re.I)
_MORE_THAN_BIDDER = re.compile(r"\b(more|less|fewer)\s+than\s+(bidder|the\s+others?|others?|competitors?)\b", re.I)


_GENERIC = {"the", "care", "services", "service", "support", "group", "limited", "community", "homecare", "home"}


def _mentions(lowered_text: str, name: str) -> bool:
    """The full name, or its distinctive first word ("Northgate" for "Northgate Homecare Ltd")."""
    if name.casefold() in lowered_text:
        return True
    first = name.split()[0].casefold() if name.split() else ""
    return len(first) >= 4 and first not in _GENERIC and re.search(rf"\b{re.escape(first)}\b", lowered_text) is not None


def comparative_warning(text: str, other_bidders: Iterable[str] = ()) -> str | None:
    """A warning when the rationale compares bids instead of citing this bid's evidence."""
    found: list[str] = []
    for pattern in (_COMPARATIVES, _COMPARE_TO, _MORE_THAN_BIDDER):
        match = pattern.search(text)
        if match:
            found.append(match.group(0).strip())
    lowered = text.casefold()
    named = [name for name in other_bidders if name and _mentions(lowered, name)]
    if named:
        found.append("names " + ", ".join(named))
    if not found:
        return None
    return (
        "This rationale compares bids (" + "; ".join(dict.fromkeys(found)) + "). "
        "Cite the bid's own evidence against the question instead."
    )
