"""What the reports say of the declarations of interest: exactly where they were recorded.

svdesk's conflict gate asks each member to declare for every bidder before any bid is shown to
them; what svdesk recorded so, the reports say so. A tender loaded from an evaluation file brings
its declarations with it: those were recorded outside svdesk, and the reports say exactly that,
never that they were made in svdesk before any bid was seen.
"""

from __future__ import annotations

from svdesk.model.services.declaration_source import OUTSIDE_SVDESK
from svdesk.model.services.report_data import ReportData
from svdesk.model.services.workflow import DeclarationView

NO_SCORE_WHEN_CONFLICTED = "A member with a declared conflict did not score that bid."


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _when(iso: str) -> str:
    """'2026-03-01T10:15:02.123456+00:00' -> '2026-03-01 10:15 UTC'."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso


def declaration_state(d: DeclarationView, loaded: bool) -> str:
    """One declaration as a report's table cell."""
    if not d.declared:
        return "Not declared"
    state = "CONFLICT: " + d.details if d.conflict else "No conflict"
    if d.outside_svdesk:
        return f"{state} ({OUTSIDE_SVDESK})"
    return f"{state} (recorded in svdesk)" if loaded else state


def declarations_statement(data: ReportData, table: bool = True) -> str:
    """The paragraph on the declarations: how and where they were recorded, and what is missing.
    `table`: it stands over the table of the declarations (`declarations_section`)."""
    below = " (marked so below)" if table else ""
    not_made = "(marked Not declared)" if table else "(see the evaluation report)"
    made = [d for d in data.declarations if d.declared]
    outside = sum(1 for d in made if d.outside_svdesk)
    inside = len(made) - outside
    missing = len(data.declarations) - len(made)
    if not data.loaded:
        if not missing:
            return (
                "Each member declared in svdesk, before seeing any bid, whether they had a conflict of interest "
                f"with each bidder. {NO_SCORE_WHEN_CONFLICTED}"
            )
        return (
            f"The declarations{' below' if table else ''} were recorded in svdesk, each before svdesk showed the "
            "member any bid; "
            f"{_count(missing, 'declaration is', 'declarations are')} not yet made {not_made}. "
            f"{NO_SCORE_WHEN_CONFLICTED}"
        )
    source = f"an evaluation file ({data.loaded_from})" if data.loaded_from else "an evaluation file"
    lines = [f"This tender was loaded into svdesk from {source} on {_when(data.loaded_at)}."]
    if outside:
        lines.append(
            f"{_count(outside, 'declaration', 'declarations')} of interest came with the file and "
            f"{'was' if outside == 1 else 'were'} {OUTSIDE_SVDESK}{below}: svdesk holds what the file "
            "says, and cannot show when they were made or that they were made before any bid was seen."
        )
    else:
        lines.append("The file carried no declarations of interest.")
    if inside:
        lines.append(
            f"{_count(inside, 'declaration was', 'declarations were')} recorded in svdesk after the load{below}."
        )
    if missing:
        lines.append(f"{_count(missing, 'declaration is', 'declarations are')} not made {not_made}.")
    lines.append(NO_SCORE_WHEN_CONFLICTED)
    return " ".join(lines)


def summary_sentence(data: ReportData) -> str:
    """The assessment summary's one sentence on independence and declarations (to a supplier)."""
    if not data.loaded:
        return (
            "Each member scored independently after declaring in svdesk any conflict of interest, and the panel "
            "then agreed the consensus scores above."
        )
    outside = [d for d in data.declarations if d.declared and d.outside_svdesk]
    inside = [d for d in data.declarations if d.declared and not d.outside_svdesk]
    if outside:
        where = (
            f"the panel's declarations of interest that came with the file were {OUTSIDE_SVDESK}, so svdesk "
            "cannot show when they were made or that they were made before any bid was seen"
        )
    elif inside:
        where = "the panel's declarations of interest were recorded in svdesk after the load"
    else:
        where = "no declarations of interest are recorded"
    return f"This evaluation was loaded into svdesk from an evaluation file: {where}."
