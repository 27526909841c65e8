"""A real PostgreSQL server for the tests: Debian's binaries (``initdb``, ``pg_ctl``) on a temporary
folder and a free loopback port, trust authentication on loopback only, fsync off.

``initdb`` refuses to run as root, so as root the server runs as an unprivileged user (``postgres``
when the package created it, else ``nobody``) through ``runuser``; as any other user it runs as
that user. Each test gets its own database (``create_database``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb and pg_ctl, else ``initdb`` on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
                        if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as() -> tuple[list[str], int | None, int | None]:
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@dataclass
class PostgresServer:
    bindir: Path
    base: Path
    port: int = 0
    user: str = "signals"

    def start(self) -> PostgresServer:
        prefix, uid, gid = _run_as()
        if uid is not None:
            os.chown(self.base, uid, gid if gid is not None else -1)
        data = self.base / "data"
        subprocess.run([*prefix, str(self.bindir / "initdb"), "-D", str(data), "-U", self.user, "--auth=trust",
                        "--encoding=UTF8", "--locale=C", "--no-sync"], check=True, capture_output=True, timeout=120)
        self.port = free_port()
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        subprocess.run([*prefix, str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.base / "server.log"),
                        "-o", options, "-w", "-t", "60", "start"], check=True, capture_output=True, timeout=90)
        return self

    def stop(self) -> None:
        prefix, _, _ = _run_as()
        subprocess.run([*prefix, str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self) -> str:
        name = f"review_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server() -> PostgresServer | None:
    bindir = find_bindir()
    if bindir is None:
        return None
    return PostgresServer(bindir, Path(tempfile.mkdtemp(prefix="signals-pg-"))).start()
