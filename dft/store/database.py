"""Opening a database: check it is ours, create or upgrade it, hand out sessions.

Nothing is written to a file until it is known to be a DFT Tracker database
(or a new, empty one) whose schema this version understands.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dft.core import settings
from dft.core.default_taxonomy import seed_default_taxonomy
from dft.core.dialects import broken_references
from dft.core.lists import seed_default_lead_sources
from dft.core.models import Base
from dft.store.backup import (
    BackupError,
    backup_if_due,
    backup_sqlite_file,
    clear_damage,
    damaged_error,
    default_backup_dir,
    known_damage,
    note_damage,
    remove_interrupted_backups,
)
from dft.store.engine import READ_ONLY, DamageGuard, create_database_engine
from dft.store.errors import ConnectionLostError as ConnectionLostError

# Errors and their explanations live in dft/store/errors.py; imported from here too.
from dft.store.errors import (
    DamagedDatabaseError,
    DatabaseError,
    NotADftDatabaseError,
    SchemaTooNewError,
    explain_connection_error,
)
from dft.store.errors import PasswordRefusedError as PasswordRefusedError
from dft.store.errors import explain_operational_error as explain_operational_error
from dft.store.integrity import QUICK_CHECK_ON_OPEN_BYTES, check_file
from dft.store.location import (
    display_url,
    network_filesystem,
    redact,
    reopen_location,
    short_name,
    sqlite_path,
)
from dft.store.schema import (
    VERSION_TABLE,
    alembic_config,
    check_sqlite_file,
    head_revision,
    known_revisions,
    read_schema_state,
    require_regular_file,
)

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


@dataclass
class Database:
    """An open database: its engine and the sessionmaker callers use per action."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session]
    # For screens that only read: they never take the write lock, so they never
    # wait behind another instance's long import.
    read_sessions: sessionmaker[Session]
    created: bool = False
    upgraded_from: str | None = None
    pre_upgrade_backup: Path | None = None
    daily_backup: Path | None = None
    # Things the user should know but that do not stop the app (network drive, ...).
    warnings: tuple[str, ...] = ()
    guard: DamageGuard | None = None

    @property
    def damaged(self) -> str | None:
        """Where the file is damaged, once known; it is then read only (None: not known)."""
        return self.guard.damage if self.guard is not None else None

    def refuse_writes_if_damaged(self) -> None:
        """Raise the damage refusal now, for a command whose first step only reads."""
        if self.guard is not None and self.guard.damage is not None:
            raise self.guard.refusal(self.guard.damage)

    @property
    def location(self) -> str:
        """The database as the user should see it: a path, or a URL without password."""
        return display_url(self.url)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_path(self.url)

    @property
    def reopen_location(self) -> str:
        """What settings may remember to open it again (no password)."""
        return reopen_location(self.url)

    @property
    def short_name(self) -> str:
        """A name for a window title."""
        return short_name(self.url)

    def close(self) -> None:
        """Close every connection."""
        self.engine.dispose()


def _check_writable(path: Path) -> None:
    """SQLite writes the file and creates its -wal/-shm files beside it; say so up front."""
    if path.exists() and not os.access(path, os.W_OK):
        raise DatabaseError(
            str(path),
            "the database file is read-only. Ask for write permission, or copy the file "
            "somewhere you can write and open the copy.",
        )
    if path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseError(
            str(path),
            f"the folder {path.parent} is read-only, and SQLite needs to create its "
            "journal files beside the database. Move the database to a folder you can write.",
        )


def _prepare_new_sqlite_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            # Owner-only from the first byte: deals hold clients' names and money.
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    except OSError as exc:
        raise DatabaseError(
            str(path), f"cannot create the database here ({exc.strerror})."
        ) from exc


def _damage_guard(path: Path, folder: Path, *, new: bool) -> DamageGuard:
    """The guard of a SQLite file, knowing what the record or a quick check says of it.

    A new file starts intact: damage recorded for the folder was a former file's.
    """
    if new:
        clear_damage(folder)
    guard = DamageGuard(
        refusal=lambda where: damaged_error(path, folder, where),
        found=lambda where: note_damage(path, folder, where),
        damage=None if new else known_damage(folder),
    )
    if not new and guard.damage is None and path.stat().st_size <= QUICK_CHECK_ON_OPEN_BYTES:
        verdict = check_file(path)
        if not verdict.ok:
            guard.damage = verdict.describe()
            note_damage(path, folder, guard.damage)
    return guard


def open_database(
    url: URL, *, backup_dir: Path | None = None, daily_backup: bool = True
) -> Database:
    """Open ``url`` ready for use: a new database is created and seeded, an old one upgraded.

    Refuses (raising :class:`DatabaseError`, leaving the file untouched) a file
    that is not SQLite, a foreign SQLite database, a truncated one, or one whose
    schema is newer than this version of the app. A file known to be damaged
    (see dft/store/integrity.py) is opened to be read only: every write raises
    :class:`DamagedDatabaseError`, and ``warnings`` says so first.
    """
    location = display_url(url)
    path = sqlite_path(url)
    folder = None
    if path is not None:
        require_regular_file(path)
        folder = backup_dir or default_backup_dir(path)
        remove_interrupted_backups(folder)
    if path is not None and path.exists() and path.stat().st_size:
        # Not SQLite at all says so first; then permissions, before SQLite itself
        # stumbles over them with "unable to open database file".
        check_sqlite_file(path)
        _check_writable(path)
    state = read_schema_state(url)
    head = head_revision()

    if not state.empty:
        if VERSION_TABLE not in state.tables or state.revision is None:
            raise NotADftDatabaseError(
                location,
                "this is a database, but not a DFT Tracker one (no DFT Tracker schema in it).",
            )
        if state.revision not in known_revisions():
            raise SchemaTooNewError(
                location,
                f"this database was written by a newer version of DFT Tracker "
                f"(schema {state.revision}); install the newer version to open it.",
            )

    guard = None
    if path is not None and folder is not None:
        if state.empty:
            _prepare_new_sqlite_file(path)
        guard = _damage_guard(path, folder, new=state.empty)
        if guard.damage is not None and state.revision != head:
            # Upgrading writes; and this version cannot read the old schema as it is.
            raise guard.refusal(guard.damage)

    database_created = False
    upgraded_from = None
    pre_upgrade_backup = None
    try:
        if state.empty:
            engine = create_database_engine(url, guard=guard)
            _create_schema(engine)
            database_created = True
            log.info("Created a new database at %s (schema %s)", location, head)
        elif state.revision != head:
            if path is not None:
                pre_upgrade_backup = backup_sqlite_file(
                    path, reason=f"before-upgrade-from-{state.revision}", backup_dir=backup_dir
                )
            _upgrade_schema(url)
            upgraded_from = state.revision
            log.info(
                "Upgraded %s from schema %s to %s (backup first: %s)",
                location,
                state.revision,
                head,
                pre_upgrade_backup or "none, not a file",
            )
            engine = create_database_engine(url, guard=guard)
        else:
            engine = create_database_engine(url, guard=guard)
        # Fail now, with a clear message, rather than at the first user action; as a
        # reader, so another program's long write does not stop the opening.
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        explained = explain_connection_error(url, exc)
        if explained is not None:
            raise explained from exc
        said = str(exc.orig).split("\n", 1)[0]
        raise DatabaseError(location, redact(f"cannot use the database ({said}).", url)) from exc
    except SQLAlchemyError as exc:
        # The first line: a statement's error goes on with its SQL and parameters.
        said = str(exc).split("\n", 1)[0]
        raise DatabaseError(location, redact(f"cannot use the database ({said}).", url)) from exc

    warnings: list[str] = []
    daily = None
    if path is not None and folder is not None and guard is not None:
        network = network_filesystem(path)
        if network:
            warnings.append(
                f"The database is on a network drive ({network}). SQLite's file locking is "
                "not reliable there, so two people using it at once can damage it. For a "
                "team, use a shared PostgreSQL server (team mode) instead."
            )
        if daily_backup and not database_created and guard.damage is None:
            with Session(engine.execution_options(**{READ_ONLY: True})) as session:
                keep = settings.get_int(session, settings.BACKUPS_KEPT)
            try:
                daily = backup_if_due(path, backup_dir=backup_dir, keep=keep)
            except DamagedDatabaseError:  # the copy failed its check; recorded and logged
                guard.damage = known_damage(folder)
            except BackupError as exc:
                warnings.append(f"The daily backup could not be made: {exc}")
        if guard.damage is not None:
            refusal = guard.refusal(guard.damage)
            warnings.insert(0, f"{refusal} Until then it is open to be read only.")
            log.warning("Opened %s to be read only: damaged (%s)", location, guard.damage)

    return Database(
        url=url,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        read_sessions=sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        ),
        created=database_created,
        upgraded_from=upgraded_from,
        pre_upgrade_backup=pre_upgrade_backup,
        daily_backup=daily,
        warnings=tuple(warnings),
        guard=guard,
    )


def _create_schema(engine: Engine) -> None:
    """A new database is the models' schema, seeded, stamped at head: all in one transaction."""
    with engine.begin() as connection:
        Base.metadata.create_all(connection)
        with Session(bind=connection) as session:
            seed_default_taxonomy(session)
            seed_default_lead_sources(session)
            session.flush()
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        command.stamp(config, "head")


def _upgrade_schema(url: URL) -> None:
    """Apply pending migrations in one transaction; foreign keys are checked before commit."""
    engine = create_database_engine(url, foreign_keys=False)
    try:
        with engine.begin() as connection:
            from alembic import command

            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            broken = broken_references(connection)
            if broken:
                raise DatabaseError(
                    display_url(url),
                    f"upgrading would break {broken} references; nothing was changed.",
                )
    finally:
        engine.dispose()
