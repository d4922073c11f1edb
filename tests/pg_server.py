"""A throwaway PostgreSQL cluster for tests and benchmarks.

``PostgresServer`` runs initdb into a temporary directory, starts the server on a free
loopback port (its unix socket in the same directory), creates a database and gives its URL;
``stop()`` shuts the server down and deletes the directory. initdb refuses to run as root, so
under root every server command runs as the ``postgres`` user, which then owns the directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

USER = "postgres"  # the cluster's superuser (trust authentication on loopback only)


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, else the one on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    initdb = found[-1] if found else shutil.which("initdb")
    if initdb is None:
        raise RuntimeError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on "
            "PATH); install it, e.g. apt-get install postgresql"
        )
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A started cluster; use as a context manager or call ``stop()``.

    ``durable=False`` turns fsync off: fast for tests, not for figures that compare commits.
    """

    def __init__(self, *, durable: bool = False, database: str = "withdrawal_clients") -> None:
        self.bin_dir = find_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="withdrawal-clients-pg-"))
        self._as_user: dict[str, Any] = {}
        if os.geteuid() == 0:
            account = pwd.getpwnam(USER)
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            self._as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        self.port = 0
        try:
            self._run("initdb", "-D", "data", "-U", USER, "--auth=trust", "--no-sync",
                      "--encoding=UTF8", "--locale=C")  # fmt: skip
            self._start(durable)
            self.url = self.create_database(database)
        except BaseException:
            self.stop()
            raise

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [str(self.bin_dir / tool), *args],
            cwd=self.dir,
            capture_output=True,
            text=True,
            check=False,
            **self._as_user,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}")

    def _start(self, durable: bool) -> None:
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.dir),
            "fsync": "on" if durable else "off",
            "max_connections": "100",
        }
        for _ in range(5):  # another process may take the free port before the server does
            self.port = _free_port()
            options = " ".join(f"-c {name}={value}" for name, value in settings.items())
            try:
                self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-t", "30",
                          "-o", f"-p {self.port} {options}", "start")  # fmt: skip
                return
            except RuntimeError:
                if "already in use" not in (self.dir / "server.log").read_text():
                    raise
        raise RuntimeError("no free port for PostgreSQL")

    def url_for(self, database: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database ``name`` (letters, digits, underscores) and return its URL."""
        import psycopg

        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {name!r}")
        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url_for(name)

    def stop(self) -> None:
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", "data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
