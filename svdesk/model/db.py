"""The one gateway to the database: engine set-up, migrations, backups, transactions.

All SQLite-specific behaviour (PRAGMAs, the backup API) lives here and only here; the rest of
svdesk speaks portable SQLAlchemy so the same code runs on PostgreSQL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from svdesk.model.errors import SchemaVersionError, StaleEditError, SvdeskError, WorkflowError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Set on every SQLite connection; tests read them back.
SQLITE_PRAGMAS = (
    ("foreign_keys", "ON"),
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),  # a commit survives power loss, not just a process crash
    ("busy_timeout", "5000"),
    ("trusted_schema", "OFF"),  # schema objects cannot call app-defined functions
)


def default_database_path() -> Path:
    return Path(platformdirs.user_data_dir("svdesk", appauthor=False)) / "svdesk.sqlite"


def database_url(target: str | Path | None) -> str:
    """Accept a path, a SQLAlchemy URL or None (the user's default database)."""
    if target is None:
        target = default_database_path()
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        # the driver svdesk ships (psycopg 3); SQLAlchemy's default would be psycopg2
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    for name, value in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {name}={value}")
    cursor.close()


def create_db_engine(url: str, read_only: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5.0})
        event.listen(engine, "connect", _on_sqlite_connect)
        if read_only:  # SQLite itself refuses every write on these connections
            event.listen(engine, "connect", lambda conn, _r: conn.execute("PRAGMA query_only=ON"))
        # pysqlite's own transaction handling defers BEGIN; take control so each unit of work
        # is exactly one BEGIN ... COMMIT.
        event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
        # A unit of work that writes starts IMMEDIATE: it takes the write lock up front (waiting up to
        # busy_timeout) instead of failing with "database is locked" when it upgrades a read lock.
        event.listen(
            engine,
            "begin",
            lambda conn: conn.exec_driver_sql(
                "BEGIN IMMEDIATE" if conn.get_execution_options().get("svdesk_write") else "BEGIN"
            ),
        )
        return engine
    if read_only:
        return create_engine(url, pool_pre_ping=True, execution_options={"postgresql_readonly": True})
    return create_engine(url, pool_pre_ping=True)


def alembic_config(connection: object | None = None) -> Config:
    from alembic.config import Config  # alembic costs ~0.7 s to import: only when migrating

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


_REVISION = re.compile(r'^revision = "(?P<rev>[^"]+)"$.*?^down_revision = (?P<down>None|"[^"]+")$', re.M | re.S)


@cache
def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the revision files without importing alembic.

    A test checks this against alembic's own ScriptDirectory, so the two can never disagree.
    """
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        match = _REVISION.search(path.read_text(encoding="utf-8"))
        if match:
            down = match["down"]
            graph[match["rev"]] = None if down == "None" else down.strip('"')
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    parents = {down for down in graph.values() if down}
    heads = [rev for rev in graph if rev not in parents]
    if len(heads) != 1:
        raise SvdeskError(f"the schema revisions have {len(heads)} heads; svdesk is broken")
    return heads[0]


def known_revisions() -> set[str]:
    return set(_revision_graph())


def sqlite_backup(engine: Engine, destination: Path) -> Path:
    """Copy a live SQLite database through the backup API (a file copy can lose WAL content)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
        target = sqlite3.connect(destination)
        try:
            source.backup(target)
            result = target.execute("PRAGMA integrity_check").fetchone()
            if not result or result[0] != "ok":
                raise SvdeskError(f"backup {destination} failed its integrity check: {result}")
        finally:
            target.close()
    finally:
        raw.close()
    return destination


@dataclass
class Database:
    """An open, migrated database. Hand it to services and dialogs; never look it up globally."""

    engine: Engine
    url: str
    session_factory: sessionmaker[Session]
    read_only: bool = False
    read_only_reason: str = ""

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        db = make_url(self.url).database
        return Path(db) if db and db != ":memory:" else None

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back entirely on any error."""
        if self.read_only:
            raise WorkflowError(f"{self.display_name} is open read-only: {self.read_only_reason}")
        try:
            with self.session_factory() as session, session.begin():
                session.connection(execution_options={"svdesk_write": True})
                yield session
        except StaleDataError as exc:  # a version column moved under us: another user saved first
            raise StaleEditError(
                "someone else changed this since you loaded it; nothing was saved. "
                "Reload to see their change, then try again."
            ) from exc

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only look: nothing is committed (closing rolls back without expiring what was read)."""
        with self.session_factory() as session:
            yield session

    def backup(self, label: str, directory: Path | None = None) -> Path | None:
        if self.path is None:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = directory or self.path.parent / "backups"
        return sqlite_backup(self.engine, folder / f"{self.path.stem}.{label}.{stamp}.sqlite")

    def dispose(self) -> None:
        self.engine.dispose()


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(db: Database) -> None:
    """Bring the schema to head; refuse a database made by a newer svdesk."""
    current = _current_revision(db.engine)
    head = head_revision()
    if current == head:
        return
    known = known_revisions()
    if current is not None and current not in known:
        raise SchemaVersionError(
            f"{db.display_name} was made by a newer version of svdesk (schema {current}); "
            "this version cannot open it safely. Install the newer svdesk to open it."
        )
    has_tables = bool(inspect(db.engine).get_table_names())
    if has_tables and current is None:
        raise SchemaVersionError(f"{db.display_name} is not an svdesk database (it has tables but no schema version).")
    if has_tables:
        db.backup(f"pre-migration-{current}")
    from alembic import command

    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def open_database(target: str | Path | None = None, read_only: bool = False, read_only_reason: str = "") -> Database:
    url = database_url(target)
    engine = create_db_engine(url, read_only=read_only)
    db = Database(
        engine=engine,
        url=url,
        session_factory=sessionmaker(engine, expire_on_commit=False),
        read_only=read_only,
        read_only_reason=read_only_reason or "opened read-only",
    )
    try:
        if read_only:
            current = _current_revision(engine)
            if current != head_revision():
                raise SchemaVersionError(
                    f"{db.display_name} needs an upgrade (schema {current}) and cannot be "
                    "opened read-only; open it normally once the other user has closed it"
                )
        else:
            migrate(db)
    except SchemaVersionError:
        engine.dispose()
        raise
    except Exception as exc:  # a corrupt or foreign file: say so, do not crash
        engine.dispose()
        if isinstance(exc, SvdeskError):
            raise
        raise SvdeskError(f"cannot open database {db.display_name}: {exc}") from exc
    return db


@contextmanager
def database_of_its_own(url: str, read_only: bool = False, reason: str = "") -> Iterator[Database]:
    """The database at `url` on connections of its own, disposed after: for work in the desktop
    app's helper process (verifying, signing, backing up), which shares nothing with the app's."""
    db = open_database(url, read_only=read_only, read_only_reason=reason)
    try:
        yield db
    finally:
        db.dispose()
