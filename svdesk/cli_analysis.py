"""`svdesk robustness` (issue 16 item 3): how robust the ranking is, and how far the panel agreed.

A read: nothing is written, and no one needs to sign in. The plain-language summary comes first,
then each figure; `--json` gives the figures under the keys the issue names (`winner`, `margin`,
`leave_one_out`, `weights`, `proxies`, `smallest_flip`, `holds`, `agreement`, and a few more).
Exit 0; bad input (an unknown tender, no database at the path given) exits 2 with the message.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from svdesk.cli import EXIT_OK, _open
from svdesk.cli_award import _existing

if TYPE_CHECKING:
    from svdesk.app.analysis import Robustness


def cmd_robustness(args: argparse.Namespace) -> int:
    from svdesk.app import analysis

    _existing(args)
    with _open(args) as db:
        reference, found = analysis.robustness_of(db, args.tender)
    if args.json:
        print(json.dumps({"tender": reference, **analysis.as_json(found)}, indent=2, ensure_ascii=False))
    else:
        print(render(reference, found))
    return EXIT_OK


def render(reference: str, found: Robustness) -> str:
    from svdesk.app.analysis import figures

    out = [f"{reference}: how robust the recommendation is", "", found.summary()]
    for what, said in figures(found):
        out += ["", f"{what}:", f"  {said}"]
    return "\n".join(out)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `robustness` to `sub`."""
    p = sub.add_parser(
        "robustness",
        parents=[common],
        help="how robust the ranking is (margin, one score, one member, weights, proxies)",
    )
    p.add_argument("--tender", metavar="REF", help="tender reference (optional when the database holds one)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_robustness)
