"""Engine set-up, migrations and schema-version safety, on real SQLite files."""

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from svdesk.model.db import SQLITE_PRAGMAS, alembic_config, head_revision, open_database
from svdesk.model.entities import Base
from svdesk.model.errors import SchemaVersionError, SvdeskError


def test_every_connection_gets_the_pragmas(db):
    expected = {"foreign_keys": 1, "journal_mode": "wal", "synchronous": 2, "busy_timeout": 5000, "trusted_schema": 0}
    assert {name for name, _ in SQLITE_PRAGMAS} == set(expected)
    # several pooled connections, each checked
    conns = [db.engine.connect() for _ in range(3)]
    try:
        for conn in conns:
            for name, value in expected.items():
                assert conn.exec_driver_sql(f"PRAGMA {name}").scalar() == value, name
    finally:
        for conn in conns:
            conn.close()


def test_new_database_is_at_head_and_matches_the_models(db):
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_audit_rows_cannot_be_updated_or_deleted_in_sqlite(db):
    from svdesk.model import audit

    with db.transaction() as s:
        audit.record(s, "uid-1", "Priya", "test", after={"x": 1})
    raw = sqlite3.connect(db.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE audit_entry SET actor='Mallory'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM audit_entry")
    finally:
        raw.close()


def test_older_database_is_backed_up_then_migrated(tmp_path):
    path = tmp_path / "old.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(
            text(
                "INSERT INTO tender (uid, reference, title, contract_value, weight_price, weight_quality, "
                "weight_social_value, sv_quantitative_share, quantitative_method, scale_max, scale_step, status, "
                "hide_prices_from_quality, created_at, version) VALUES ('u1', 'OLD-1', 'Old tender', 1, 40, 50, 10, "
                "50, 'relative_value', 5, 1, 'draft', 0, '2025-01-01', 1)"
            )
        )
    engine.dispose()

    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == head_revision()
            assert conn.execute(text("SELECT reference FROM tender")).scalar() == "OLD-1"
    finally:
        db.dispose()
    backups = list((tmp_path / "backups").glob("old.pre-migration-0001.*.sqlite"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert copy.execute("SELECT reference FROM tender").fetchone() == ("OLD-1",)
    finally:
        copy.close()


def test_database_from_a_newer_svdesk_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    open_database(path).dispose()
    raw = sqlite3.connect(path)
    raw.execute("UPDATE alembic_version SET version_num='9999_future'")
    raw.commit()
    raw.close()
    with pytest.raises(SchemaVersionError, match="newer version of svdesk"):
        open_database(path)


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE customers (id INTEGER)")
    raw.commit()
    raw.close()
    with pytest.raises(SchemaVersionError, match="not an svdesk database"):
        open_database(path)


def test_garbage_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SvdeskError, match="cannot open database"):
        open_database(path)


def test_transaction_rolls_back_everything_on_error(db):
    from svdesk.model.entities import Framework

    with pytest.raises(RuntimeError), db.transaction() as s:
        s.add(Framework(name="half", version="1"))
        s.flush()
        raise RuntimeError("boom")
    with db.reader() as s:
        assert s.scalars(select(Framework).where(Framework.name == "half")).first() is None


def test_revision_graph_read_from_files_matches_alembic():
    from alembic.script import ScriptDirectory

    from svdesk.model.db import known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}
