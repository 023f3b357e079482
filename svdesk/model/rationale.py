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


# --- boilerplate: an explanation that cites nothing in the tender ---------------------------------
#
# Regulation 31(2)(e)(i)(aa) of the Procurement Regulations 2024 (SI 2024/692): an assessment summary
# gives, for each criterion, the score "and an explanation of the score by reference to relevant
# information in the tender". A consensus rationale that only restates the question and the score
# ("Panel consensus for Q1: 4/5 after discussion.") explains nothing. The test here is deliberately
# crude and cheap (it runs over 8,000 rationales before an award): strip the question's code and
# title, the scores, and the words of the scoring template, and count what remains. Issue 16's fuller
# rationale check (evidence cited, descriptors matched) is meant to grow from here.

MIN_CONTENT_WORDS = 4  # fewer than this left after stripping: boilerplate

# The words of the scoring template: the meeting, the score and its descriptor, the bid as a thing.
_TEMPLATE = """
    panel panels panel's consensus consensual agreed agree agrees agreement unanimous unanimously
    discussion discussed discussing after following moderation moderated moderating moderator
    score scores scored scoring mark marks marked rating rated points point awarded award given gives
    final overall evaluator evaluators evaluators' evaluation evaluated individual individually notes
    comments comment see above below refer reference per
    good very excellent exceptional outstanding satisfactory adequate acceptable unacceptable poor
    limited fair reasonable strong weak average standard sufficient insufficient fine ok okay solid
    response responses answer answers answered bid bids bidder bidder's tender tenders submission
    submitted proposal question questions criterion criteria requirement requirements meets meet met
    meeting exceeds exceed exceeded expected expectations fully partially partly generally broadly
    n/a na tbc tbd nil none
"""
TEMPLATE_WORDS = frozenset(_TEMPLATE.split())
# Words that carry no content of their own.
_STOP = """
    a an the and or but nor so yet for to of in on at by with from into onto as than then this that
    these those it its it's is are was were be been being has have had do does did done will would
    shall should can could may might must we our us they their them he she his her i me my you your
    all any some each every both either neither not no yes also just only quite rather too well
    which who whom whose what when where why how there here out up down over under about again
    further once more most less least much many such own same other
"""
STOP_WORDS = frozenset(_STOP.split())

_TOKEN = re.compile(r"\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?|[^\W_][\w'’./%£&-]*", re.UNICODE)
_SCORE_OUT_OF = re.compile(r"\b\d+(?:\.\d+)?\s+out\s+of\s+\d+(?:\.\d+)?\b", re.IGNORECASE)
_SCORE_NUMBER = re.compile(r"^\d(?:\.[05]0*)?$")  # a score on the scale (4, 3.5); "1.2", "14", "27%" stay


def _words(text: str) -> set[str]:
    return {w.casefold().strip(".,;:()'’") for w in re.findall(r"[\w'’-]+", text)}


def content_words(
    text: str, *, code: str = "", title: str = "", names: Iterable[str] = (), limit: int = 0
) -> list[str]:
    """The words of `text` that say something about the tender: without the question's `code` and
    the words of its `title`, the bidder's `names`, scores (4/5, 4 out of 5, 4), the scoring
    template's words and stop words. `limit`: stop once that many are found (0: all)."""
    ignored = _words(title) | {w for name in names for w in _words(name)}
    if code:
        ignored.add(code.casefold())
    found: list[str] = []
    for match in _TOKEN.finditer(_SCORE_OUT_OF.sub(" ", text)):
        token = match.group(0)
        if "/" in token and token[0].isdigit():
            continue  # a score: 4/5
        word = token.casefold().rstrip(".,;:'’-")
        if not word or word in ignored or word in TEMPLATE_WORDS or word in STOP_WORDS or _SCORE_NUMBER.match(word):
            continue
        if word.endswith(("'s", "’s")) and word[:-2] in ignored | TEMPLATE_WORDS:
            continue
        found.append(word)
        if limit and len(found) >= limit:
            break
    return found


def is_boilerplate(text: str, *, code: str = "", title: str = "", names: Iterable[str] = ()) -> bool:
    """True when an explanation cites nothing in the tender (reg 31(2)(e)(i)(aa)): fewer than
    `MIN_CONTENT_WORDS` content words once the question, the score and the template are removed.
    An empty explanation is boilerplate too (the caller may want to say "missing" instead)."""
    return len(content_words(text, code=code, title=title, names=names, limit=MIN_CONTENT_WORDS)) < MIN_CONTENT_WORDS


def same_text_key(text: str, names: Iterable[str] = ()) -> str:
    """The explanation as compared for reuse across bids: case, spacing, end punctuation and the
    bidder's own `names` aside (one text with each bidder's name put in is still one text)."""
    key = " ".join(text.casefold().split())
    for name in names:
        if name.strip():
            key = key.replace(" ".join(name.casefold().split()), "")
    return " ".join(key.split()).rstrip(" .")
