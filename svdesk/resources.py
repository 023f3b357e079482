"""One resolver for shipped files (catalogue, demo, fonts): package data in ``svdesk/data/``.

The same call works from a source checkout, an editable install, an installed wheel and the
PyInstaller bundle (build.spec puts the files at ``svdesk/data/`` under ``sys._MEIPASS``).
"""

from __future__ import annotations

import atexit
import sys
from contextlib import ExitStack
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "svdesk"
DATA_DIR = "data"  # svdesk/data/, listed as package data in pyproject.toml

_extracted = ExitStack()  # files unpacked from a zipped install, removed when the process ends
atexit.register(_extracted.close)


def resources_dir() -> Traversable:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / PACKAGE / DATA_DIR
    return resources.files(PACKAGE) / DATA_DIR


def resource_path(*parts: str) -> Path:
    """The file ``svdesk/data/<parts>`` as a real path on disk (reportlab and the JSON readers take paths)."""
    entry = resources_dir().joinpath(*parts)
    if not entry.is_file() and not entry.is_dir():
        raise FileNotFoundError(f"svdesk resource missing: {entry}")
    if isinstance(entry, Path):
        return entry
    return _extracted.enter_context(resources.as_file(entry))
