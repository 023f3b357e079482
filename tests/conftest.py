"""Shared fixtures. Qt runs offscreen; every test gets its own temporary database."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def db(tmp_path):
    from svdesk.model.db import open_database

    database = open_database(tmp_path / "svdesk.sqlite")
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never touch the user's real data or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(scope="session")
def pg_server():
    from tests.pg_server import PostgresServer

    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_target(request, tmp_path):
    """The same model and service tests on both backends (PostgreSQL when it can be started)."""
    if request.param == "sqlite":
        return tmp_path / "svdesk.sqlite"
    return request.getfixturevalue("pg_server").new_database()
