"""Field checks the evaluation file's parts share: names that refer to one the file lists, ISO
times, hex values, and the tender's scale. Each adds its problem, with its path, to the `Checker`
(and returns None, or a default that lets the rest of the file be checked).
"""

from __future__ import annotations

import math
import re
from collections.abc import Container
from datetime import datetime

from svdesk.model.names import normal_name, quoted
from svdesk.model.scoring import score_problem
from svdesk.model.validation import Checker

SCALE_KEYS = ("max", "step", "descriptors")


def listed_twice(name: str, first_listed: dict[str, str]) -> str:
    first = first_listed.get(name)
    where = f" (as {first}: names are compared as they read, in any Unicode form or spacing)" if first else ""
    return f"{quoted(name)} is listed twice{where}"


def named_anyway(pool: set[str], name: str | None, raw: object) -> None:
    """A name refused (said once, where it is listed) is still named: what refers to it is not refused again."""
    if name is None and isinstance(raw, str) and 0 < len(raw) <= 1000:
        pool.add(normal_name(raw))


def known(c: Checker, value: object, path: str, pool: Container[str], what: str) -> str | None:
    """A name that refers to one the file lists, as the list has it (compared in its normal form)."""
    if not isinstance(value, str):
        c.add(path, f"expected text, found {type(value).__name__}")
        return None
    if value in pool:  # as listed, the usual case: normalising 240,000 references costs a quarter second
        return value
    name = normal_name(value) if len(value) <= 1000 else value  # no listed name is that long
    if name not in pool:
        c.add(path, f"unknown {what} {quoted(value)}")
        return None
    return name


def when(c: Checker, value: object, path: str, required: bool = True) -> str | None:
    """An ISO 8601 time as svdesk writes them (compared as text, as `verify` compares them)."""
    text = c.text(value, path, required=required, max_len=40)
    if not text:
        return text
    try:
        datetime.fromisoformat(text)
    except ValueError:
        c.add(path, f"{quoted(text)} is not a date and time (ISO 8601)")
        return None
    return text


def hex_text(c: Checker, value: object, path: str, pattern: re.Pattern[str], what: str) -> str | None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        c.add(path, f"expected {what} (lower-case hex), found {quoted(value)}")
        return None
    return value


def scale(c: Checker, raw: object) -> tuple[float, float, dict[float, str]]:
    """The tender's scale: its maximum, its step and the descriptors of its points."""
    s = c.obj(raw, "tender.scale", SCALE_KEYS) or {}
    scale_max = c.number(s.get("max"), "tender.scale.max", positive=True, maximum=1000) or 5.0
    step = c.number(s.get("step"), "tender.scale.step", positive=True) or 1.0
    if abs(scale_max / step - round(scale_max / step)) > 1e-9:
        c.add("tender.scale", f"max {scale_max:g} is not a whole number of steps of {step:g}")
    elif scale_max / step > 1000:
        c.add("tender.scale", "more than 1,000 points on the scale")
    descriptors: dict[float, str] = {}
    raw_desc = s.get("descriptors", {})
    if not isinstance(raw_desc, dict):
        c.add("tender.scale.descriptors", "expected an object of score: label")
        raw_desc = {}
    given: dict[float, str] = {}  # score -> the key that named it: "3" and "3.0" are one score
    for key, label in raw_desc.items():
        path = f"tender.scale.descriptors.{key if len(key) <= 40 else quoted(key, 20)}"
        try:
            point = float(key) if len(key) <= 40 else math.nan  # a 400-digit key is no score
        except ValueError:
            point = math.nan
        if not math.isfinite(point):
            c.add(path, f"{quoted(key)} is not a score")
            continue
        if problem := score_problem(point, scale_max, step):
            c.add(path, problem)
            continue
        if point in given:
            c.add(path, f"{quoted(key)} and {quoted(given[point])} are the same score {point:g}: describe it once")
            continue
        given[point] = key
        if (text := c.text(label, path, max_len=2000)) is not None:
            descriptors[point] = text
    return scale_max, step, descriptors
