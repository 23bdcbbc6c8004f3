"""Server settings: command line first, then REDDUCK_* environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default):
    v = os.environ.get("REDDUCK_" + name.upper())
    if v is None:
        return default
    if isinstance(default, bool):
        return v.lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(v)
    if isinstance(default, float):
        return float(v)
    if isinstance(default, list):
        return [p for p in v.split(os.pathsep) if p]
    return v


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 5433
    database: str = "redduck.duckdb"
    database_name: str | None = None
    import_dirs: list = field(default_factory=list)
    log_level: str = "info"
    max_connections: int = 100
    max_message_bytes: int = 256 * 1024 * 1024
    startup_timeout_s: float = 60.0
    shutdown_grace_s: float = 10.0
    threads: int | None = None
    memory_limit: str | None = None
    training_concurrency: int = 1
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_self_signed: bool = False
    hba_file: str | None = None
    superuser: str | None = None
    superuser_password: str | None = None
    event_loop: str = "auto"      # server/event_loop.py: auto (uvloop where installed), uvloop, asyncio

    @classmethod
    def from_env(cls) -> "ServerConfig":
        c = cls()
        for name, value in list(vars(c).items()):
            default = value if value is not None else ""
            got = _env(name, default)
            setattr(c, name, got if got != "" or value is not None else None)
        return c
