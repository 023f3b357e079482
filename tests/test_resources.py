"""Shipped files: found as package data, listed in pyproject's package-data (so a wheel carries them),
and found in a PyInstaller bundle. `make wheel-test` builds and installs the wheel itself."""

import sys
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

import svdesk
from svdesk.resources import resource_path, resources_dir

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(svdesk.__file__).resolve().parent


def _package_data_globs() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["svdesk"]


def _matches(relative: str, pattern: str) -> bool:
    parts, pattern_parts = relative.split("/"), pattern.split("/")
    return len(parts) == len(pattern_parts) and all(map(fnmatchcase, parts, pattern_parts))


def test_shipped_files_are_found_in_the_package():
    assert Path(str(resources_dir())) == PACKAGE / "data"
    for parts in (
        ("catalogue", "national_toms.json"),
        ("demo", "demo_evaluation.json"),
        ("fonts", "DejaVuSans.ttf"),
        ("fonts", "DejaVuSans-Bold.ttf"),
        ("fonts", "DejaVuSans-Oblique.ttf"),
    ):
        path = resource_path(*parts)
        assert path.is_file() and path == PACKAGE.joinpath("data", *parts)


def test_a_missing_resource_is_named():
    with pytest.raises(FileNotFoundError, match="svdesk resource missing: .*nothing.json"):
        resource_path("catalogue", "nothing.json")


def test_every_shipped_file_is_package_data():
    globs = _package_data_globs()
    shipped = [
        p.relative_to(PACKAGE).as_posix()
        for folder in (PACKAGE / "data", PACKAGE / "model" / "migrations")
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert any(s.startswith("data/fonts/") for s in shipped)
    missing = [s for s in shipped if not any(_matches(s, g) for g in globs)]
    assert not missing, f"not in [tool.setuptools.package-data] of pyproject.toml, so not in the wheel: {missing}"


def test_the_bundle_layout_is_found(tmp_path, monkeypatch):
    # build.spec puts svdesk/data at the same relative path under the bundle's folder
    demo = tmp_path / "svdesk" / "data" / "demo" / "demo_evaluation.json"
    demo.parent.mkdir(parents=True)
    demo.write_text("{}", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("demo", "demo_evaluation.json") == demo
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert '(str(root / "svdesk" / "data"), "svdesk/data")' in spec
