"""Where the database is: the user-data folder by default, else ``--db`` or ``DFT_DATABASE``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, quote_plus

import platformdirs
from sqlalchemy.engine import URL, make_url

APP_DIR_NAME = "dft-tracker"
DATABASE_FILE_NAME = "dft.sqlite3"
ENV_VARIABLE = "DFT_DATABASE"


def user_data_dir() -> Path:
    """The platform's user-data folder for the app."""
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def user_log_dir() -> Path:
    """The platform's user log folder for the app."""
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def default_database_path() -> Path:
    """The database used when neither ``--db`` nor ``DFT_DATABASE`` says otherwise."""
    return user_data_dir() / DATABASE_FILE_NAME


def resolve_database_url(given: str | None = None, environ: Mapping[str, str] | None = None) -> URL:
    """``--db`` wins, then ``DFT_DATABASE``, then the file in the user-data folder.

    A value with ``://`` is a SQLAlchemy URL taken as is; anything else is a path
    to a SQLite file (``~`` expanded, made absolute).
    """
    environ = os.environ if environ is None else environ
    value = given if given else environ.get(ENV_VARIABLE) or None
    if value is None:
        return sqlite_url(default_database_path())
    if "://" in value:
        return make_url(value)
    return sqlite_url(Path(value))


def sqlite_url(path: Path) -> URL:
    """The SQLAlchemy URL of a SQLite file (``~`` expanded, made absolute)."""
    return URL.create("sqlite+pysqlite", database=str(path.expanduser().resolve()))


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL; ``None`` for other databases and in-memory SQLite."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def display_url(url: URL) -> str:
    """The URL fit to show or log: a SQLite file as its path, never a password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return url.render_as_string(hide_password=True)


def reopen_location(url: URL) -> str:
    """What to remember for opening this database again: never its password.

    A server database reopened from here gets its password from ``PGPASSWORD``
    or ``~/.pgpass``, the places meant to keep it.
    """
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return without_password(url).render_as_string(hide_password=False)


def without_password(url: URL) -> URL:
    """``url`` with its password dropped."""
    # URL.set(password=None) would keep the password: set() ignores None values.
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )


def short_name(url: URL) -> str:
    """A name for a window title: the file's name, or "database on host"."""
    path = sqlite_path(url)
    if path is not None:
        return path.name
    if url.host:
        return f"{url.database} on {url.host}"
    return url.database or url.get_backend_name()


def redact(text: str, url: URL | None = None) -> str:
    """``text`` with every password it could hold (the URL's, ``PGPASSWORD``) masked.

    Drivers and tracebacks are not ours to trust with secrets; whatever goes to
    a log or a message passes through here first.
    """
    secrets = {os.environ.get("PGPASSWORD", "")}
    if url is not None and url.password:
        secrets.add(str(url.password))
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, "***")
    return text


# Mount types where SQLite's file locking cannot be trusted.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afpfs", "webdav", "davfs",
     "fuse.sshfs", "sshfs", "9p", "afs", "ncpfs", "glusterfs", "ceph", "fuse.rclone"}
)  # fmt: skip


def _mount_type(path: Path, mounts: str) -> str | None:
    """The filesystem type of the longest mount point containing ``path`` (``/proc/mounts``)."""
    best, best_type = "", None
    target = str(path.resolve())
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def network_filesystem(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The network filesystem ``path`` lives on (``"nfs4"``, ``"cifs"``, a UNC share), if any."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "network share"
    try:
        mounts = mounts_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    kind = _mount_type(path.parent if not path.exists() else path, mounts)
    return kind if kind in NETWORK_FILESYSTEMS else None
