"""Reading an evaluation file's JSON safely: a regular file of bounded size, UTF-8, not nested
deeper than the format, no NaN or Infinity, and no key given twice in one object (JSON itself
keeps the last, silently). Each refusal names the file; nothing is parsed further.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from svdesk.model.errors import Problem, ValidationError
from svdesk.model.names import quoted

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_NESTING = 20  # the format is 5 levels deep; anything deeper is hostile or a mistake


def _nesting_depth_exceeds(text: str, limit: int) -> bool:
    """Cheap pre-scan so a hostile [[[[...]]]] never reaches the recursive parser."""
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class DuplicateKeys:
    """`json.loads`' object_pairs_hook that notes each object giving a key twice (json itself keeps
    the last value, silently); `check` then names each such object by its path and refuses the file."""

    def __init__(self) -> None:
        self.found: list[tuple[dict[str, Any], list[str]]] = []  # the objects are kept: their ids stay unique

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            twice: dict[str, None] = {}
            for key, _ in pairs:
                if key in seen:
                    twice[key] = None
                seen.add(key)
            self.found.append((obj, list(twice)))
        return obj

    def check(self, data: Any, source: str | None) -> None:
        if not self.found:
            return
        paths = dict(_object_paths(data))
        problems = [
            Problem(
                paths.get(id(obj), "(an object itself overwritten by a duplicate key)"),
                f"the key {quoted(key)} is given twice: JSON would keep only the last; give it once",
            )
            for obj, keys in self.found
            for key in keys
        ]
        raise ValidationError(problems, source)


def _object_paths(data: Any) -> Iterator[tuple[int, str]]:
    """(id, path) of every object in the document, paths as `Checker` writes them."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            yield id(node), path or "(document)"
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node) if isinstance(v, dict | list))


def read_json_file(path: Path) -> Any:
    from svdesk.model.input_files import InputKind, check_input_file

    where = str(path)
    # a regular file of at most MAX_FILE_BYTES, or refused before a byte is read (a FIFO, /dev/zero)
    check_input_file(path, InputKind("an evaluation file", MAX_FILE_BYTES))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"not UTF-8 text (byte {exc.start})", source=where) from exc
    if _nesting_depth_exceeds(text, MAX_NESTING):
        raise ValidationError(f"nested more than {MAX_NESTING} levels deep; not an evaluation file", source=where)

    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not allowed in an evaluation file")

    duplicates = DuplicateKeys()
    try:
        data = json.loads(text, parse_constant=no_constants, object_pairs_hook=duplicates)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"line {exc.lineno}, column {exc.colno}: malformed JSON ({exc.msg})", source=where
        ) from exc
    except ValueError as exc:
        raise ValidationError(str(exc), source=where) from exc
    duplicates.check(data, where)
    return data
