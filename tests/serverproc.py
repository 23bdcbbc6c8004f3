"""A real redduck server process on a free loopback port, for tests and benchmarks."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, database: str, import_dirs: list[str] = (), extra_args: list[str] = (),
                 env: dict | None = None, log_path: str | None = None) -> None:
        self.database = database
        self.import_dirs = list(import_dirs)
        self.extra_args = list(extra_args)
        self.env = env or {}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = log_path or (str(Path(database).with_suffix(".log")) if database != ":memory:" else os.devnull)

    @property
    def dbname(self) -> str:
        return "memory" if self.database == ":memory:" else Path(self.database).stem

    def dsn(self, **kw) -> str:
        parts = {"host": "127.0.0.1", "port": self.port, "user": "tester", "dbname": self.dbname}
        parts.update(kw)
        return " ".join(f"{k}={v}" for k, v in parts.items())

    def start(self, timeout: float = 60.0) -> "ServerProcess":
        args = [sys.executable, "-m", "redduck.server.cli", "serve", "--host", "127.0.0.1",
                "--port", str(self.port), "--database", self.database, "--log-level", "info",
                "--superuser", "tester"]
        for d in self.import_dirs:
            args += ["--import-dir", d]
        args += self.extra_args
        env = dict(os.environ, PYTHONUNBUFFERED="1", **self.env)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; log: {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start in time; log: " + self.log())

    def log(self) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def kill(self) -> None:
        self.stop(signal.SIGKILL)
