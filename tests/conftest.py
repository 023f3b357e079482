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


@pytest.fixture(scope="module")
def signed_db(tmp_path_factory):
    """The demo with a few audited edits on top, signed off by the whole panel."""
    from svdesk.model.demo import load_demo
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.tenders import adjust_pledge, get_tender, set_moderated
    from svdesk.model.services.verify import verify_tender
    from tests.keys import signed_in

    REF = "CWAC-2026-0142"  # noqa: N806
    path = tmp_path_factory.mktemp("tamper") / "signed.sqlite"
    db = open_svdesk_database(path)
    load_demo(db)
    with db.transaction() as s:
        t = get_tender(s, REF)
        set_moderated(
            s,
            t,
            "Alan Whitfield",
            "Dee Community Care CIC",
            "Q4",
            3,
            "Mobilisation plan in section 6 names a TUPE lead but gives no week-by-week timetable.",
        )
        adjust_pledge(s, t, "Gwen Roberts", "Dee Community Care CIC", "NT1", 3, "Only 3 posts are evidenced.")
    for member in ("Tom Ellis", "Gwen Roberts", "Sam Okafor", "Alan Whitfield"):
        signer = signed_in(db, REF, member)  # each enrols, then signs in with their passphrase
        with db.transaction() as s:
            wf.sign(s, get_tender(s, REF), signer)
    with db.reader() as s:
        assert verify_tender(s, get_tender(s, REF)).ok
    db.dispose()
    return path
