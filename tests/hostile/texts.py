"""Hostile names, texts and numbers (issue 14): names that print alike but differ, invisible and
bidirectional characters, lone surrogates, duplicate JSON keys, 400-digit integers, a 50 MB name.

Files are written as raw JSON text where `json.dumps` could not say it (a key given twice) or
would refuse it (a lone surrogate with ensure_ascii=False).
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

from svdesk.model.names import name_problem, normal_name
from tests.factory import minimal_doc

NFC_ZOE = unicodedata.normalize("NFC", "Zoë Care Ltd")
NFD_ZOE = unicodedata.normalize("NFD", "Zoë Care Ltd")
BIG = int("9" * 400)  # a 400-digit integer: float() of it raises OverflowError
HUGE_NAME_CHARS = 50 * 1024 * 1024  # a 50 MB name

# Names refused, with a fragment of the reason (each names the character and where it is).
REFUSED_NAMES: dict[str, tuple[str, str]] = {
    "zero-width space": ("Acme\u200bRoads", "U+200B ZERO WIDTH SPACE"),
    "right-to-left override": ("\u202eDTL SDAOR EMCA", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "right-to-left isolate": ("Acme \u2067Roads\u2069", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    "left-to-right mark": ("Acme\u200e Roads", "U+200E LEFT-TO-RIGHT MARK"),
    "zero-width joiner between ASCII letters": ("Ac\u200dme Roads", "U+200D ZERO WIDTH JOINER"),
    "byte order mark": ("\ufeffAcme Roads", "U+FEFF"),
    "soft hyphen": ("Ac\u00adme Roads", "U+00AD SOFT HYPHEN"),
    "word joiner": ("Acme\u2060Roads", "U+2060 WORD JOINER"),
    "Hangul filler": ("\u3164", "U+3164 HANGUL FILLER"),
    "NUL": ("Acme\x00Roads", "NUL"),
    "escape": ("Acme\x1b[31mRoads", "U+001B"),
    "lone surrogate": ("Acme\ud800Roads", "cannot be encoded as UTF-8"),
    "replacement character": ("Acme\ufffdRoads", "U+FFFD REPLACEMENT CHARACTER"),
}

# Names a person reads as the same: each pair is one name.
SAME_NAMES: dict[str, tuple[str, str]] = {
    "NFC and NFD": (NFC_ZOE, NFD_ZOE),
    "double space": ("Acme Roads", "Acme  Roads"),
    "no-break space": ("Acme Roads", "Acme\u00a0Roads"),
    "tab and trailing space": ("Acme Roads", "Acme\tRoads "),
}

# Names that must still be accepted: scripts and emoji that need joiners, marks and bidi text.
ACCEPTED_NAMES: dict[str, str] = {
    "emoji ZWJ sequence": "Care 🏠❤️👩\u200d⚕️ Ltd",
    "Persian with ZWNJ": "شرکت می\u200cخواهم",
    "Arabic": "شركة الرعاية المنزلية",
    "Welsh and Irish": "Gofal Cymru Cyf / Ó Súilleabháin Teo",
    "combining marks": "Z̷a̷l̷g̷o̷ Ltd",
    "Devanagari with ZWJ": "क्\u200dष Services",
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _doc_text(doc: dict) -> str:
    return json.dumps(doc)  # ensure_ascii: a lone surrogate is written as the JSON escape "\ud800"


def duplicate_key_top(folder: Path) -> Path:
    text = _doc_text(minimal_doc()).replace('"tender": {', '"tender": {"reference": "T-000"}, "tender": {', 1)
    return _write(folder, "duplicate_key_top.json", text)


def duplicate_key_nested(folder: Path) -> Path:
    # the second price silently won: 1 instead of 700,000 would have made Acme the cheapest bid
    text = _doc_text(minimal_doc()).replace('"price": 700000', '"price": 700000, "price": 1', 1)
    return _write(folder, "duplicate_key_nested.json", text)


def descriptors_3_and_3_0(folder: Path) -> Path:
    doc = minimal_doc()
    doc["tender"]["scale"]["descriptors"] = {"0": "Unacceptable", "3": "Good", "3.0": "Adequate", "5": "Excellent"}
    return _write(folder, "descriptors_3_3_0.json", _doc_text(doc))


def nfd_duplicate_bidders(folder: Path) -> Path:
    doc = minimal_doc()
    doc["bidders"][1]["name"] = NFC_ZOE
    doc["bidders"].append({"name": NFD_ZOE, "price": 640_000, "pledges": {}})
    return _write(folder, "nfd_duplicate.json", _doc_text(doc))


def _huge_integer(field: str) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        text = _doc_text(minimal_doc())
        old = {"score": '"score": 3', "price": '"price": 700000', "quantity": '"NT1": 3'}[field]
        return _write(folder, f"huge_{field}.json", text.replace(old, old.split(":")[0] + f": {BIG}", 1))

    return build


def _with(name: str, edit: Callable[[dict], None]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        doc = minimal_doc()
        edit(doc)
        return _write(folder, name, _doc_text(doc))

    return build


def huge_name(folder: Path) -> Path:
    doc = minimal_doc()
    doc["scores"][0]["bidder"] = "N" * HUGE_NAME_CHARS
    return _write(folder, "huge_name.json", _doc_text(doc))


# builder, the place the message must name, a fragment of what it says
HOSTILE_TEXT_JSON: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "duplicate key at the top": (duplicate_key_top, "(document)", "the key 'tender' is given twice"),
    "duplicate key nested": (duplicate_key_nested, "bidders[0]", "the key 'price' is given twice"),
    "descriptors 3 and 3.0": (descriptors_3_and_3_0, "tender.scale.descriptors.3.0", "'3.0' and '3' are the same"),
    "NFD duplicate bidder": (nfd_duplicate_bidders, "bidders[2].name", "is listed twice (as bidders[1].name"),
    "400-digit score": (_huge_integer("score"), "scores[0].score", "an integer of 400 digits"),
    "400-digit price": (_huge_integer("price"), "bidders[0].price", "an integer of 400 digits"),
    "400-digit quantity": (_huge_integer("quantity"), "bidders[0].pledges.NT1", "an integer of 400 digits"),
    "lone surrogate in a name": (
        _with("surrogate_name.json", lambda d: d["panel"][0].update(name="To\ud800m")),
        "panel[0].name",
        "cannot be encoded as UTF-8 (a lone surrogate U+D800 at character 3)",
    ),
    "lone surrogate in a rationale": (
        _with("surrogate_rationale.json", lambda d: d["scores"][0].update(rationale="Sec 2 \udc80 plan.")),
        "scores[0].rationale",
        "cannot be encoded as UTF-8",
    ),
    "zero-width space in a bidder": (
        _with("zwsp.json", lambda d: d["bidders"][1].update(name="Acme\u200bRoads")),
        "bidders[1].name",
        "U+200B ZERO WIDTH SPACE",
    ),
    "right-to-left override in a member": (
        _with("rlo.json", lambda d: d["panel"][1].update(name="\u202enewG")),
        "panel[1].name",
        "U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "zero-width space in a measure ref": (
        _with("zwsp_ref.json", lambda d: d["measures"][2].update(ref="LOC\u200b1")),
        "measures[2].ref",
        "U+200B ZERO WIDTH SPACE",
    ),
    "right-to-left override in the tender reference": (
        _with("rlo_reference.json", lambda d: d["tender"].update(reference="T-\u202e100")),
        "tender.reference",
        "U+202E",
    ),
    "50 MB name": (huge_name, "scores[0].bidder", "(52,428,800 characters)"),
}


def name_safe(doc: dict) -> dict:
    """`doc` with its first bidder renamed when names refuse that name (a hostile string still
    reaches every free-text field): names are tested in tests/test_names_and_numbers.py."""
    old = doc["bidders"][0]["name"]
    if not name_problem(normal_name(old)):
        return doc
    doc = copy.deepcopy(doc)
    for entry in (doc["bidders"][0], *doc["scores"], *doc["moderated"], *doc["adjustments"]):
        if entry.get("bidder", entry.get("name")) == old:
            entry["bidder" if "bidder" in entry else "name"] = "Acme Roads"
    return doc
