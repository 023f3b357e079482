"""Measure catalogues: the built-in National TOMs and frameworks users import from xlsx or csv."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NotRequired, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from svdesk.model.entities import Framework, Measure, MeasureTag, Outcome, Theme
from svdesk.model.errors import NotFoundError, Problem, ValidationError
from svdesk.model.names import quoted
from svdesk.model.sandbox import run_limited
from svdesk.model.spreadsheet import check_xlsx_container, open_workbook_safely, parse_number
from svdesk.resources import resource_path

BUILTIN_FILE = ("catalogue", "national_toms.json")

# Accepted header spellings for an imported framework, lower-cased.
COLUMNS: dict[str, tuple[str, ...]] = {
    "theme": ("theme", "themes"),
    "outcome": ("outcome", "outcomes"),
    "ref": ("ref", "reference", "measure ref", "id", "code"),
    "measure": ("measure", "measures", "measure text", "description", "question"),
    "unit": ("unit", "units"),
    "proxy_value": ("proxy value", "proxy", "proxy value (£)", "proxy_value", "value (£)"),
}
REQUIRED = ("theme", "outcome", "ref", "measure", "unit", "proxy_value")
LABELS = {
    "theme": "Theme",
    "outcome": "Outcome",
    "ref": "Ref",
    "measure": "Measure",
    "unit": "Unit",
    "proxy_value": "Proxy value",
}


class FrameworkMeta(TypedDict):
    """A framework's header: the built-in file's "framework" object, or an import's name and version."""

    name: str
    version: NotRequired[str]
    source: NotRequired[str]
    licence: NotRequired[str]


class TagData(TypedDict):
    kind: str
    value: str


class MeasureData(TypedDict):
    """One measure as the built-in file holds it (sources, gaps, tags) or an import reads it (source)."""

    ref: str
    measure: NotRequired[str | None]
    question: NotRequired[str | None]
    unit: NotRequired[str | None]
    proxy_value: NotRequired[float | None]
    source: NotRequired[str]
    sources: NotRequired[dict[str, str | None] | None]  # field -> where it came from
    gaps: NotRequired[list[str]]
    tags: NotRequired[list[TagData]]


class OutcomeData(TypedDict):
    name: str
    measures: list[MeasureData]


class ThemeData(TypedDict):
    name: str
    outcomes: list[OutcomeData]


@dataclass(frozen=True)
class CatalogueMeasure:
    """A catalogue measure as plain data, for lists, trees and look-ups."""

    id: int
    framework: str
    theme: str
    outcome: str
    ref: str
    text: str | None
    question: str | None
    unit: str | None
    proxy_value: float | None
    source: str
    notes: str
    tags: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _add_framework(session: Session, meta: FrameworkMeta, themes: list[ThemeData], builtin: bool) -> Framework:
    fw = Framework(
        name=meta["name"],
        version=meta.get("version", ""),
        source=meta.get("source", ""),
        licence=meta.get("licence", ""),
        builtin=builtin,
    )
    session.add(fw)
    session.flush()
    for ti, t in enumerate(themes):
        theme = Theme(name=t["name"], position=ti)
        fw.themes.append(theme)
        for oi, o in enumerate(t["outcomes"]):
            outcome = Outcome(name=o["name"], position=oi)
            theme.outcomes.append(outcome)
            for mi, m in enumerate(o["measures"]):
                sources = m.get("sources") or {}
                source = "; ".join(f"{k}: {v}" for k, v in sources.items() if v) or m.get("source", "")
                measure = Measure(
                    framework_id=fw.id,
                    ref=m["ref"],
                    text=m.get("measure"),
                    question=m.get("question"),
                    unit=m.get("unit"),
                    proxy_value=m.get("proxy_value"),
                    source=source,
                    notes="; ".join(m.get("gaps", [])),
                    position=mi,
                )
                outcome.measures.append(measure)
                measure.tags = [MeasureTag(kind=tag["kind"], value=tag["value"]) for tag in m.get("tags", [])]
    session.flush()
    return fw


@cache
def _builtin_text() -> str:
    return resource_path(*BUILTIN_FILE).read_text(encoding="utf-8")


@cache
def _builtin_meta() -> tuple[str, str]:
    meta = json.loads(_builtin_text())["framework"]
    return meta["name"], meta["version"]


def _builtin(session: Session) -> Framework | None:
    name, version = _builtin_meta()
    return session.scalars(
        select(Framework).where(Framework.builtin.is_(True), Framework.name == name, Framework.version == version)
    ).first()


def has_builtin_catalogue(session: Session) -> bool:
    """The shipped National TOMs are in this database (a read: opening to read writes nothing)."""
    return _builtin(session) is not None


def ensure_builtin_catalogue(session: Session) -> Framework:
    """Load the shipped National TOMs once per database; later calls are a single query."""
    existing = _builtin(session)
    if existing is not None:
        return existing
    data = json.loads(_builtin_text())
    return _add_framework(session, data["framework"], data["themes"], builtin=True)


def list_frameworks(session: Session) -> list[Framework]:
    return list(session.scalars(select(Framework).order_by(Framework.builtin.desc(), Framework.name)).all())


def catalogue_measures(session: Session, framework_id: int | None = None) -> list[CatalogueMeasure]:
    stmt = (
        select(Measure, Outcome.name, Theme.name, Framework.name)
        .join(Outcome, Measure.outcome_id == Outcome.id)
        .join(Theme, Outcome.theme_id == Theme.id)
        .join(Framework, Theme.framework_id == Framework.id)
        .options(selectinload(Measure.tags))
        .order_by(Framework.id, Theme.position, Outcome.position, Measure.position)
    )
    if framework_id is not None:
        stmt = stmt.where(Framework.id == framework_id)
    return [
        CatalogueMeasure(
            id=m.id,
            framework=fw,
            theme=theme,
            outcome=outcome,
            ref=m.ref,
            text=m.text,
            question=m.question,
            unit=m.unit,
            proxy_value=m.proxy_value,
            source=m.source,
            notes=m.notes,
            tags=tuple((t.kind, t.value) for t in m.tags),
        )
        for m, outcome, theme, fw in session.execute(stmt).all()
    ]


def measures_by_ref(session: Session) -> dict[str, CatalogueMeasure]:
    """Ref -> measure; the built-in framework wins, then the earliest import."""
    out: dict[str, CatalogueMeasure] = {}
    for m in catalogue_measures(session):
        out.setdefault(m.ref.upper(), m)
    return out


def find_measure(session: Session, ref: str) -> CatalogueMeasure:
    found = measures_by_ref(session).get(ref.strip().upper())
    if found is None:
        raise NotFoundError(f"measure {quoted(ref)} is not in the catalogue")
    return found


# --- import ---------------------------------------------------------------------------------------


def _read_rows(path: Path) -> list[list[object]]:
    from svdesk.model.input_files import CATALOGUE, check_input_file

    suffix = path.suffix.lower()
    if suffix == ".csv":
        check_input_file(path, CATALOGUE)  # a FIFO would block the read, /dev/zero never end it
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                return [list(r) for r in csv.reader(fh)]
        except UnicodeDecodeError as exc:
            raise ValidationError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", source=str(path)) from exc
    if suffix in (".xlsx", ".xlsm"):
        check_xlsx_container(path, CATALOGUE)
        return run_limited(_xlsx_rows, path, source=str(path))
    raise ValidationError("a framework must be an .xlsx or .csv file", source=str(path))


def _xlsx_rows(path: Path) -> list[list[object]]:
    wb = open_workbook_safely(path)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True, max_row=100_000)]
    finally:
        wb.close()


def _header_map(row: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for idx, cell in enumerate(row):
        label = str(cell or "").strip().lower()
        for key, names in COLUMNS.items():
            if label in names and key not in found:
                found[key] = idx
    return found


def read_framework_file(path: Path) -> tuple[list[ThemeData], list[Problem]]:
    """Parse rows into themes/outcomes/measures; return every problem found, write nothing."""
    rows = _read_rows(path)
    header_idx, columns = None, {}
    for i, row in enumerate(rows[:30]):
        cols = _header_map(row)
        if "ref" in cols and len(cols) >= 3:
            header_idx, columns = i, cols
            break
    if header_idx is None:
        raise ValidationError(
            "no header row found in the first 30 rows (need columns " + ", ".join(LABELS.values()) + ")",
            source=str(path),
        )
    missing = [LABELS[k] for k in REQUIRED if k not in columns]
    if missing:
        raise ValidationError(
            f"row {header_idx + 1}: missing column{'s' if len(missing) > 1 else ''} " + ", ".join(missing),
            source=str(path),
        )
    problems: list[Problem] = []
    themes: dict[str, dict[str, OutcomeData]] = {}  # theme -> outcome -> its measures, in order read
    seen: dict[str, int] = {}
    theme = outcome = ""
    for i, row in enumerate(rows[header_idx + 1 :], start=header_idx + 2):

        def cell(key: str, row: list[object] = row) -> str:
            idx = columns[key]
            value = row[idx] if idx < len(row) else None
            return "" if value is None else str(value).strip()

        ref = cell("ref")
        if not ref:
            continue
        theme = cell("theme") or theme  # blank theme/outcome cells continue the previous one
        outcome = cell("outcome") or outcome
        where = f"row {i}"
        if ref.upper() in seen:
            problems.append(Problem(where, f"ref {ref} repeats row {seen[ref.upper()]}"))
            continue
        seen[ref.upper()] = i
        if not theme or not outcome:
            problems.append(Problem(where, "theme and outcome are required"))
            continue
        raw_proxy = row[columns["proxy_value"]] if columns["proxy_value"] < len(row) else None
        proxy: float | None = None
        if raw_proxy not in (None, ""):
            try:
                proxy = parse_number(raw_proxy)
            except ValueError as exc:
                problems.append(Problem(f"{where}, column {LABELS['proxy_value']}", str(exc)))
                continue
            if proxy is None or not math.isfinite(proxy) or proxy < 0:
                problems.append(
                    Problem(f"{where}, column {LABELS['proxy_value']}", f"{quoted(raw_proxy)} is not a proxy value")
                )
                continue
        o = themes.setdefault(theme, {}).setdefault(outcome, {"name": outcome, "measures": []})
        o["measures"].append(
            {
                "ref": ref,
                "measure": cell("measure") or None,
                "unit": cell("unit") or None,
                "proxy_value": proxy,
                "source": f"{path.name} row {i}",
            }
        )
    if not seen and not problems:
        problems.append(Problem("", "no measures found under the header row"))
    result: list[ThemeData] = [{"name": t, "outcomes": list(outcomes.values())} for t, outcomes in themes.items()]
    return result, problems


def import_framework(
    session: Session, path: Path, name: str | None = None, version: str = "", licence: str = "", source: str = ""
) -> Framework:
    themes, problems = read_framework_file(path)
    if problems:
        raise ValidationError(problems, source=str(path))
    meta: FrameworkMeta = {
        "name": name or path.stem,
        "version": version,
        "licence": licence,
        "source": source or f"imported from {path.name}",
    }
    clash = session.scalars(
        select(Framework).where(Framework.name == meta["name"], Framework.version == version)
    ).first()
    if clash is not None:
        raise ValidationError(
            f"a framework named {quoted(meta['name'])} version {quoted(version)} already exists", source=str(path)
        )
    return _add_framework(session, meta, themes, builtin=False)
