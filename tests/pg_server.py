"""A throwaway PostgreSQL server for the tests: its own data folder, a Unix socket, no TCP.

Started once per test session when PostgreSQL's server binaries are installed (Debian package
`postgresql`, which .ci/run installs); otherwise the PostgreSQL variants of the tests are skipped
with a message saying so.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "postgres").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class PostgresServer:
    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            pytest.skip(
                "PostgreSQL server binaries not installed (apt-get install postgresql); PostgreSQL variants skipped"
            )
        self.bin = bin_dir
        self.user: str | None = None
        if os.geteuid() == 0:  # initdb refuses to run as root
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no 'postgres' user to run the test server as")
            self.user = "postgres"
        self.root = Path(tempfile.mkdtemp(prefix="svdesk-pg-"))
        os.chmod(self.root, 0o777)
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.socket_dir.mkdir()
        os.chmod(self.socket_dir, 0o777)
        self._names = itertools.count(1)
        self._run("initdb", "-D", str(self.data), "-U", "svdesk", "--auth=trust", "-E", "UTF8", "--locale=C")
        opts = (
            f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
            "-c synchronous_commit=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin / tool), *args], capture_output=True, text=True, user=self.user, cwd=self.root
        )
        if result.returncode != 0:
            pytest.skip(f"could not start the test PostgreSQL server ({tool}): {result.stderr.strip()[:300]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://svdesk@/{database}?host={self.socket_dir}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(host=str(self.socket_dir), user="svdesk", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            user=self.user,
            cwd=self.root,
        )
        shutil.rmtree(self.root, ignore_errors=True)
