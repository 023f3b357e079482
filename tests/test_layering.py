"""The core (svdesk.model, svdesk.export, and the helper process) never imports Qt or svdesk.ui."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "svdesk"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "svdesk.ui")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_source_never_names_qt_or_ui():
    offenders = []
    # the helper process runs model code only: it must never load Qt either
    core = [*(ROOT / "model").rglob("*.py"), *(ROOT / "export").rglob("*.py"), ROOT / "helper_process.py"]
    for path in core:
        offenders += [
            f"{path.relative_to(ROOT.parent)}: {name}" for name in _imports(path) if name.startswith(FORBIDDEN)
        ]
    assert offenders == []


def test_model_never_imports_export():
    """Export builds on the model, never the other way round."""
    offenders = [
        f"{path.relative_to(ROOT.parent)}: {name}"
        for path in (ROOT / "model").rglob("*.py")
        for name in _imports(path)
        if name.startswith("svdesk.export")
    ]
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    code = (
        "import sys, pkgutil, importlib, svdesk.model, svdesk.export\n"
        "for pkg in (svdesk.model, svdesk.export):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'svdesk.ui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_ui_does_not_query_the_orm_directly():
    """Widgets call services; they never build queries themselves."""
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        for name in _imports(path):
            if name == "sqlalchemy" or name.startswith("sqlalchemy."):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_the_import_contracts_hold():
    """The layers and the one door, as `pyproject.toml` declares them (import-linter)."""
    linter = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(linter)], capture_output=True, text=True, cwd=ROOT.parent)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
