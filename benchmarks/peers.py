"""Throwaway peers for benchmarks: a PostgreSQL 15 cluster (Debian's packages, trust auth on
loopback, in a temporary directory, run as the postgres user) and a redduck server."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.serverproc import ServerProcess, free_port  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PostgresPeer:
    def __init__(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise SystemExit("PostgreSQL 15 is not installed: apt-get install postgresql-15")
        self.dir = tempfile.mkdtemp(prefix="redduck-bench-pg-")
        os.chmod(self.dir, 0o777)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()

    def start(self) -> "PostgresPeer":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"),
                                     "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                                           "-c fsync=off -c shared_buffers=256MB", "-w", "start"]),
                       check=True, capture_output=True)
        return self

    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def login(self) -> tuple[int, str, str]:
        """(port, user, database), for asyncpg and raw sockets."""
        return self.port, "postgres", "postgres"

    def stop(self) -> None:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", self.data, "-m", "fast", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class RedduckPeer:
    def __init__(self, import_dir: str | None = None, name: str = "bench", env: dict | None = None) -> None:
        self.dir = tempfile.mkdtemp(prefix="redduck-bench-")
        self.proc = ServerProcess(os.path.join(self.dir, f"{name}.duckdb"),
                                  import_dirs=[import_dir] if import_dir else [], env=env)

    def start(self) -> "RedduckPeer":
        self.proc.start()
        return self

    def dsn(self) -> str:
        return self.proc.dsn()

    @property
    def port(self) -> int:
        return self.proc.port

    def login(self) -> tuple[int, str, str]:
        """(port, user, database), for asyncpg and raw sockets."""
        return self.proc.port, "tester", self.proc.dbname

    def stop(self) -> None:
        self.proc.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def connect_asyncpg(loop, login: tuple[int, str, str]):
    """An asyncpg connection, on `loop`, for a peer's login()."""
    import asyncpg
    port, user, database = login
    return loop.run_until_complete(asyncpg.connect(host="127.0.0.1", port=port, user=user, database=database))


def close_asyncpg(loop, conns) -> None:
    """Close connect_asyncpg's connections, then their loop."""
    for c in conns:
        loop.run_until_complete(c.close())
    loop.close()


def median_of(n: int, fn) -> float:
    vals = sorted(fn() for _ in range(n))
    return vals[len(vals) // 2]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
