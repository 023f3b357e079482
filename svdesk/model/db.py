"""The one gateway to the database: engine set-up, migrations, backups, transactions.

All SQLite-specific behaviour (PRAGMAs, the backup API) lives here and only here; the rest of
svdesk speaks portable SQLAlchemy so the same code runs on PostgreSQL.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from svdesk.model import record_anchor
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


def create_db_engine(url: str, read_only: bool = False, immutable: bool = False) -> Engine:
    """`immutable` (read-only only): a file on read-only media, opened without its log's index."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not immutable:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if immutable and read_only and parsed.database:
            where = Path(parsed.database).resolve().as_uri()
            engine = create_engine(
                url,
                creator=lambda: sqlite3.connect(
                    f"{where}?mode=ro&immutable=1", uri=True, timeout=5.0, check_same_thread=False
                ),
            )
            event.listen(engine, "connect", lambda conn, _r: conn.execute("PRAGMA query_only=ON"))
            event.listen(engine, "connect", lambda conn, _r: conn.execute("PRAGMA foreign_keys=ON"))
            event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
            return engine
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


def sqlite_backup(engine: Engine, destination: Path, check: Callable[[Path], None] | None = None) -> Path:
    """Copy a live SQLite database through the backup API (a file copy can lose WAL content).

    Nothing half-written ever carries the final name: the copy is written to `<destination>.part`
    beside it (under an OS lock on `<destination>.part.lock` while it is made, so that a cleaner
    tells a copy being made from a killed one's leftover), integrity-checked, `check`ed, fsynced,
    and only then renamed to `destination`. On any failure (a full disk, a read-only folder, a
    failed check) the temporaries are removed and an SvdeskError says why: nothing is left behind.
    """
    import errno
    import os
    from contextlib import suppress

    from svdesk.model.instance_lock import _try_lock

    folder = destination.parent
    part = destination.with_name(destination.name + ".part")
    lock = Path(f"{part}.lock")
    what = f"cannot back up {engine.url.database} to {folder}"

    def why(exc: OSError | sqlite3.Error) -> str:
        code, number = getattr(exc, "sqlite_errorcode", None), getattr(exc, "errno", None)
        if code == sqlite3.SQLITE_FULL or number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return "the disk is full"
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN) or number in (errno.EROFS, errno.EACCES):
            return "the folder cannot be written to (read-only, or not permitted)"
        if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR:
            return f"writing failed ({exc}: the disk may be full or failing)"
        return str(exc)

    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)  # nothing written to it: works on a full disk
    except OSError as exc:
        raise SvdeskError(f"{what}: {why(exc)}; no backup was made") from exc
    if not _try_lock(lock_fd):  # the same name to the microsecond: leave that copy alone
        os.close(lock_fd)
        raise SvdeskError(f"{what}: another backup named {destination.name} is being made")
    try:
        try:
            raw = engine.raw_connection()
            try:
                source: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
                target = sqlite3.connect(part)
                try:
                    source.backup(target)
                    # one self-contained file (no -wal beside it), readable from read-only media
                    target.execute("PRAGMA journal_mode=DELETE")
                    result = target.execute("PRAGMA integrity_check").fetchone()
                finally:
                    target.close()
            finally:
                raw.close()
            if not result or result[0] != "ok":
                raise SvdeskError(f"backup {destination} failed its integrity check: {result}; it was not kept")
            if check is not None:
                check(part)
            fd = os.open(part, os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(part, destination)
            if os.name == "posix":  # the rename itself survives a power cut once the folder is synced
                dir_fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except (OSError, sqlite3.Error) as exc:
            raise SvdeskError(f"{what}: {why(exc)}; no backup was made") from exc
        finally:  # after the rename there is no part left: this removes only a failure's
            for leftover in (part, Path(f"{part}-journal"), Path(f"{part}-wal"), Path(f"{part}-shm")):
                with suppress(OSError):  # what cannot be removed cannot have been written either
                    leftover.unlink(missing_ok=True)
    finally:
        os.close(lock_fd)  # closing drops the lock (and Windows removes no open file)
        with suppress(OSError):
            lock.unlink(missing_ok=True)
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
        """One unit of work: committed when the block ends, rolled back entirely on any error.

        A file fault (a full disk, a read-only file, a damaged file) is said plainly (`file_health`);
        after the commit, the heads of the tenders it appended to go to the record's anchor."""
        if self.read_only:
            raise WorkflowError(f"{self.display_name} is open read-only: {self.read_only_reason}")
        path, heads = self.path, None
        try:
            with self.session_factory() as session:
                with session.begin():
                    session.connection(execution_options={"svdesk_write": True})
                    since = record_anchor.mark(session) if path is not None else 0
                    yield session
                    if path is not None:
                        heads = record_anchor.heads_before_commit(session, since)
                if path is not None and heads:  # committed: SQLite has synced it to the log
                    record_anchor.after_commit(path, heads)
        except StaleDataError as exc:  # a version column moved under us: another user saved first
            raise StaleEditError(
                "someone else changed this since you loaded it; nothing was saved. "
                "Reload to see their change, then try again."
            ) from exc
        except DBAPIError as exc:  # this file's own errors (an OSError of the work itself is not one)
            fault = self._file_fault(exc)
            if fault is None:
                raise
            raise fault from exc

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only look: nothing is committed (closing rolls back without expiring what was read)."""
        try:
            with self.session_factory() as session:
                yield session
        except DBAPIError as exc:
            fault = self._file_fault(exc)
            if fault is None:
                raise
            raise fault from exc

    def _file_fault(self, exc: BaseException) -> SvdeskError | None:
        """The plain message for an error of the file itself (SQLite databases only), else None."""
        if self.path is None:
            return None
        from svdesk.model import file_health

        return file_health.explain(exc, self)

    def backup(self, label: str, directory: Path | None = None) -> Path | None:
        if self.path is None:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = directory or self.path.parent / "backups"
        return sqlite_backup(self.engine, folder / f"{self.path.stem}.{label}.{stamp}.sqlite")

    def dispose(self) -> None:
        self.engine.dispose()
        if self.path is not None and not self.read_only:
            record_anchor.note_file(self.path)  # closed as svdesk left it: the next open needs no check


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


def open_database(
    target: str | Path | None = None,
    read_only: bool = False,
    read_only_reason: str = "",
    *,
    check_file: bool = True,
) -> Database:
    """Open (and, unless read-only, migrate) a database.

    A database file is first looked at (`check_file`; off only to restore over a damaged file): a
    zero-byte file with backups, a damaged file, or one that lost what svdesk committed to it
    (`record_anchor`) is refused with what happened and the newest good backup to restore."""
    url = database_url(target)
    path = _sqlite_file(url)
    existed = path is not None and path.exists()
    engine = create_db_engine(url, read_only=read_only, immutable=read_only and path is not None and _unwritable(path))
    db = Database(
        engine=engine,
        url=url,
        session_factory=sessionmaker(engine, expire_on_commit=False),
        read_only=read_only,
        read_only_reason=read_only_reason or "opened read-only",
    )
    try:
        if check_file and existed:
            from svdesk.model import file_health

            file_health.refuse_empty_file(db)
            file_health.refuse_log_under_another_name(db)
            file_health.check_structure(db)
            record_anchor.check(db)
        if read_only:
            current = _current_revision(engine)
            if current != head_revision():
                raise SchemaVersionError(
                    f"{db.display_name} needs an upgrade (schema {current}) and cannot be "
                    "opened read-only; open it normally once the other user has closed it"
                )
        else:
            migrate(db)
            if path is not None and check_file and record_anchor.read_anchor(path) is None:
                record_anchor.rebase(db)  # a new database, or one from before anchors: anchored as it is
    except SchemaVersionError:
        engine.dispose()
        raise
    except Exception as exc:  # a corrupt or foreign file: say so, do not crash
        engine.dispose()
        if isinstance(exc, SvdeskError):
            raise
        fault = db._file_fault(exc)
        if fault is not None:
            raise fault from exc
        raise SvdeskError(f"cannot open database {db.display_name}: {exc}") from exc
    return db


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _unwritable(path: Path) -> bool:
    """A database in a folder svdesk cannot write (read-only media): SQLite cannot make the log's
    index (`-shm`) beside it, so it is read as immutable, which is right only when no log is there."""
    import os

    folder = path.parent
    if not path.exists() or os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        return os.stat(f"{path}-wal").st_size == 0
    except OSError:
        return True


@contextmanager
def database_of_its_own(url: str, read_only: bool = False, reason: str = "") -> Iterator[Database]:
    """The database at `url` on connections of its own, disposed after: for work in the desktop
    app's helper process (verifying, signing, backing up), which shares nothing with the app's."""
    db = open_database(url, read_only=read_only, read_only_reason=reason)
    try:
        yield db
    finally:
        db.dispose()
