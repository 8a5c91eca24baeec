"""A throwaway PostgreSQL server for the tests: its own cluster, on loopback, removed after.

Started from the server binaries of Debian's ``postgresql`` package (or wherever
``DFT_TEST_PG_BINDIR`` / ``pg_config --bindir`` points). PostgreSQL refuses to
run as root, so under root (CI containers) the cluster belongs to the
``postgres`` system user the package creates. pytest-postgresql was the
obvious library, but its process fixture runs ``initdb`` as the current user
and so cannot start a server as root.

The test role has a password and connects over TCP with scram-sha-256, like a
team's real server, so password handling is exercised for real.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

REQUIRE_VARIABLE = "DFT_TEST_REQUIRE_POSTGRESQL"
BINDIR_VARIABLE = "DFT_TEST_PG_BINDIR"
ROLE = "dft_test"
# Deliberately odd, so a leak is easy to grep for and URL quoting is exercised.
PASSWORD = "s3cret-Pa$$:w/rd@x"
TEMPLATE = "dft_template"


class ServerUnavailable(Exception):
    pass


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, newest version first."""
    candidates: list[str] = []
    if os.environ.get(BINDIR_VARIABLE):
        candidates.append(os.environ[BINDIR_VARIABLE])
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            candidates.append(
                subprocess.run(
                    [pg_config, "--bindir"], capture_output=True, text=True, check=True
                ).stdout.strip()
            )
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted(versions, key=lambda p: int(Path(p).parent.name), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for candidate in candidates:
        folder = Path(candidate)
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dft-pg-")))
    port: int = field(default_factory=_free_port)
    _names: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def _run_as(self) -> str | None:
        return "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            user=self._run_as,
            cwd=self.folder,
            check=False,
        )
        if result.returncode != 0:
            raise ServerUnavailable(f"{args[0]} failed: {result.stderr.strip() or result.stdout}")

    def start(self) -> None:
        if self._run_as:
            try:
                owner = pwd.getpwnam(self._run_as)
            except KeyError as exc:
                raise ServerUnavailable("running as root and there is no 'postgres' user") from exc
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        if self._run_as:
            owner = pwd.getpwnam(self._run_as)
            os.chown(password_file, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb", "-D", "data", "-U", ROLE, "--pwfile", str(password_file),
            "--auth-local=trust", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.resume()

    def resume(self) -> None:
        """Start the server process (again, after :meth:`pause`), on the same port."""
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            # A test server: durability is not what is under test here.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-o", options, "start")

    def pause(self) -> None:
        """Stop the server process, keeping its data: the network cable pulled."""
        self._run("pg_ctl", "-D", "data", "-m", "fast", "-w", "stop")

    def resume_if_paused(self) -> None:
        running = subprocess.run(
            [str(self.bindir / "pg_ctl"), "-D", "data", "status"],
            capture_output=True,
            user=self._run_as,
            cwd=self.folder,
            check=False,
        )
        if running.returncode != 0:
            self.resume()

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", *, password: bool = True) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=ROLE,
            password=PASSWORD if password else None,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )

    def _admin(self, statement: str) -> None:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        name = name or f"dft_test_{next(self._names)}"
        clause = f" TEMPLATE {template}" if template else ""
        self._admin(f"CREATE DATABASE {name}{clause}")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start_server() -> PostgresServer:
    bindir = find_bindir()
    if bindir is None:
        raise ServerUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's "
            "'postgresql' package or set DFT_TEST_PG_BINDIR"
        )
    server = PostgresServer(bindir)
    try:
        server.start()
    except Exception:
        shutil.rmtree(server.folder, ignore_errors=True)
        raise
    return server
