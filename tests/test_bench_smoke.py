"""A small-size run of `make bench`: every figure is measured and printed (the full size is not a test)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_suite_runs_at_small_size(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--runs",
            "1",
            "--bidders",
            "3",
            "--logged",
            "--work",
            str(tmp_path / "bench"),
            "--document-mb",
            "1",
            "--pdf-pages",
            "30",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    for figure in (
        "Qt alone (the floor)",
        "cold start, empty database",
        "cold start, large database",
        "moderation grid (large)",
        "slowest UI action (large)",
        "results after one edit (large)",
        "evaluation PDF (large)",
        "evaluation workbook (large)",
        "award justification PDF (large)",
        "pledge sheet import",
        "load evaluation file (large)",
        "dump evaluation file (large)",
        "history, newest 2,000 (logged)",
        "history of one bid (logged)",
        "verify in the helper (logged)",
        "bid PDF in the reader (300 pages)",
        "back up, a bid's documents each",
    ):
        assert figure in out.stdout
    assert "x bare openpyxl" in out.stdout
    assert "x Qt alone" in out.stdout
    assert "a page turned" in out.stdout and "x the same database without them" in out.stdout
