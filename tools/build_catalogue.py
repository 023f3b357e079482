"""Build svdesk/data/catalogue/national_toms.json from the seed documents.

Run once by a developer (the seeds are not shipped):
    python tools/build_catalogue.py ../shared/seeds [svdesk/data/catalogue/national_toms.json]

Sources
- 000 (Cheshire West & Chester Social Value Policy 2021-25, Appendix B): the National TOMs
  table (themes, outcomes, refs, short measure text) and the corporate-priority x theme matrix.
- 003 (Social Value Portal pledge sheet example): units, full question text, proxy values,
  CWB priority and corporate strategy per ref.
Gaps are recorded, never invented (e.g. NT24 has no measure text in 000).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SRC_TOMS = "Cheshire West and Chester Council, Social Value Policy 2021-25, Appendix B (National TOMs table)"
SRC_PORTAL = "Social Value Portal pledge sheet example (council policy document, 'Example of Progressive Procurement')"
REF_RE = re.compile(r"^(NT\d+[a-z]?|C19-\d+)$")


def parse_toms(text: str) -> tuple[list[dict], list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("The National TOMS are"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Social Value Action Plan"))
    themes: list[dict] = []
    gaps: list[str] = []
    theme = outcome = None
    for raw in lines[start + 1 : end]:
        if not raw.strip() or raw.startswith("Themes\tOutcomes"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        while len(cells) < 4:
            cells.append("")
        # The NT24 row is shifted in the source: theme, '', outcome, ref and no measure text.
        if cells[1] == "" and len(cells) >= 4 and REF_RE.match(cells[3] or "") and cells[0]:
            theme_name, outcome_name, ref, measure = cells[0], cells[2], cells[3], ""
        else:
            theme_name, outcome_name, ref, measure = cells[0], cells[1], cells[2], cells[3]
        if theme_name:
            theme = {"name": theme_name, "outcomes": []}
            themes.append(theme)
        if outcome_name:
            outcome = {"name": outcome_name, "measures": []}
            assert theme is not None
            theme["outcomes"].append(outcome)
        if not REF_RE.match(ref):
            raise ValueError(f"unexpected row in TOMs table: {raw!r}")
        assert outcome is not None
        entry: dict = {"ref": ref, "measure": measure or None, "sources": {"measure": SRC_TOMS}}
        if not measure:
            gaps.append(f"{ref}: measure text missing in the source table")
            entry["sources"]["measure"] = None
            entry["gaps"] = ["measure text missing in the source table (000); not invented"]
        outcome["measures"].append(entry)
    return themes, gaps


def parse_priority_matrix(text: str) -> dict[str, list[str]]:
    """Corporate priority -> linked theme short names (Jobs, Growth, Social, Environment)."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Corporate Priority\tLinked"))
    columns = [c.strip() for c in lines[head + 1].split("\t")][1:]
    matrix: dict[str, list[str]] = {}
    for raw in lines[head + 2 :]:
        if not raw.strip():
            break
        cells = raw.split("\t")
        ticks = [columns[i] for i, c in enumerate(cells[1:]) if "\u2713" in c]
        matrix[cells[0].strip()] = ticks
    return matrix


def parse_portal(text: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for raw in text.splitlines():
        cells = [c.strip() for c in raw.split("\t")]
        if len(cells) < 9 or not REF_RE.match(cells[1]):
            continue
        out[cells[1]] = {
            "question": cells[2],
            "unit": cells[3],
            "proxy_value": float(cells[4]),
            "cwb_priority": cells[7],
            "corporate_strategy": cells[8],
        }
    return out


def build(seeds: Path) -> dict:
    toms_text = (seeds / "000_5dc777972350c492.txt").read_text(encoding="utf-8")
    portal_text = (seeds / "003_9bd786e9d162e2eb.txt").read_text(encoding="utf-8")
    themes, gaps = parse_toms(toms_text)
    matrix = parse_priority_matrix(toms_text)
    portal = parse_portal(portal_text)
    seen = set()
    for theme in themes:
        short = theme["name"].split(":")[0].strip()
        priorities = [p for p, linked in matrix.items() if short in linked]
        for outcome in theme["outcomes"]:
            for m in outcome["measures"]:
                seen.add(m["ref"])
                tags = [{"kind": "Corporate priority (CW&C 2021-25)", "value": p} for p in priorities]
                p = portal.get(m["ref"])
                if p:
                    m["question"] = p["question"]
                    m["unit"] = p["unit"]
                    m["proxy_value"] = p["proxy_value"]
                    m["sources"].update(question=SRC_PORTAL, unit=SRC_PORTAL, proxy_value=SRC_PORTAL)
                    tags.append({"kind": "CWB priority", "value": p["cwb_priority"]})
                    tags.append({"kind": "Corporate strategy", "value": p["corporate_strategy"]})
                else:
                    m["unit"] = None
                    m["proxy_value"] = None
                    m.setdefault("gaps", []).append("no unit or proxy value in the seed documents")
                m["tags"] = tags
    missing = sorted(set(portal) - seen)
    return {
        "format": "svdesk-catalogue/1",
        "framework": {
            "name": "National TOMs",
            "version": "2021 (as reproduced in CW&C Social Value Policy 2021-25)",
            "source": f"{SRC_TOMS}; units, proxies and questions: {SRC_PORTAL}",
            "licence": "CC BY-NC-ND 4.0 (National TOMs, Social Value Portal / National Social Value Taskforce). "
            "Reproduced for evaluation use; import your own licensed TOMs workbook for current proxy values.",
        },
        "themes": themes,
        "gaps": gaps + [f"{r}: in the pledge sheet but not in the TOMs table" for r in missing],
    }


# where svdesk reads it: package data (svdesk/resources.py), shipped in the wheel and the bundle
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "svdesk" / "data" / "catalogue" / "national_toms.json"


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(f"usage: {sys.argv[0]} SEEDS_DIR [OUT.json]   (default OUT: {DEFAULT_OUT})")
    seeds = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else DEFAULT_OUT
    data = build(seeds)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    n = sum(len(o["measures"]) for t in data["themes"] for o in t["outcomes"])
    print(f"{out}: {len(data['themes'])} themes, {n} measures, gaps: {data['gaps']}")


if __name__ == "__main__":
    main()
