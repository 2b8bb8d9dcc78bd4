"""A throwaway PostgreSQL server (Debian's PostgreSQL 15): initdb into a temporary folder, the
server on a unix socket there, stopped and deleted at the end. For the tests and the benchmark of
several search workers sharing one study."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*argv: str) -> list[str]:
    """initdb refuses to run as root: run the server's tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


def installed() -> bool:
    return (PG_BIN / "initdb").is_file()


class Server:
    """A running server: make databases, get their Optuna storage URLs, connect to them."""

    def __init__(self, socket_dir: Path):
        self.socket_dir = socket_dir

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(f"host={self.socket_dir} user=postgres dbname={dbname}", autocommit=True)

    def database(self, name: str, *, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its Optuna storage URL."""
        with self.connect() as con:
            con.execute(f'create database "{name}"' + (f' template "{template}"' if template else ""))
        return f"postgresql+psycopg://postgres@/{name}?host={self.socket_dir}"


@contextmanager
def throwaway_postgres() -> Iterator[Server]:
    """A server for the ``with`` block."""
    root = Path(tempfile.mkdtemp(prefix="hwnas-pg-"))
    data, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
    pg_ctl = str(PG_BIN / "pg_ctl")
    try:
        subprocess.run(_as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres(pg_ctl, "-D", str(data), "-l", str(root / "server.log"), "-w",
                                    "-o", f"-k {socket_dir} -c listen_addresses='' -c max_connections=300", "start"), check=True, capture_output=True)
        yield Server(socket_dir)
    finally:
        if (data / "postmaster.pid").is_file():
            subprocess.run(_as_postgres(pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
