"""Build the PyInstaller bundle from build.spec and run its self-check offscreen.

Marked `bundle`: the everyday suite skips it (it takes a minute or two); CI runs it with
`make dist-test`.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.bundle
def test_bundle_builds_and_passes_its_self_check(tmp_path):
    pyinstaller = subprocess.run([sys.executable, "-m", "PyInstaller", "--version"], capture_output=True, text=True)
    if pyinstaller.returncode != 0:
        pytest.fail("PyInstaller is not installed: run `make dist-test`, which installs it")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            str(ROOT / "build.spec"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    exe = tmp_path / "dist" / "svdesk" / "svdesk"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
    }
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("svdesk ")
    check = subprocess.run([str(exe), "--self-check"], capture_output=True, text=True, env=env, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr[-2000:]
    assert "(bundle)" in check.stdout and "self-check passed" in check.stdout
    steps = ("database and migrations", "demo evaluation", "results", "verification in a helper process")
    for step in (*steps, "PDF report", "workbook", "desktop window"):
        assert f"ok    {step}" in check.stdout
    size = sum(
        f.stat().st_size for f in (tmp_path / "dist" / "svdesk").rglob("*") if f.is_file() and not f.is_symlink()
    )
    print(f"\nbundle size: {size / 1_048_576:.0f} MB")
