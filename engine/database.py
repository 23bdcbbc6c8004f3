"""Opening the one DuckDB database and closing it to clients' reach.

DuckDB lets SQL read server files, run SQL text and (from Python) scan the server's
own variables; all of that is switched off database-wide before any client connects,
and the configuration is locked. `public` is created and used as the default schema.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

log = logging.getLogger("redduck.engine")


def catalog_name(path: str) -> str:
    if path in (":memory:", ""):
        return "memory"
    return Path(path).stem


def open_database(path: str, import_dirs: list[str] = (), threads: int | None = None,
                  memory_limit: str | None = None, xids=None) -> duckdb.DuckDBPyConnection:
    if path not in (":memory:", ""):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # session-scoped options given at connect time become every cursor's default
    config = {"integer_division": "true",          # PostgreSQL's int / int
              "ieee_floating_point_ops": "false"}  # division by zero is an error
    if threads:
        config["threads"] = str(threads)
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(path or ":memory:", config=config)
    dirs = [os.path.realpath(d) for d in import_dirs]
    for d in dirs:
        os.makedirs(d, exist_ok=True)
    # temp files (spilling) stay allowed: DuckDB manages them itself
    con.execute("SET allowed_directories = ?", [[d + "/" for d in dirs]])
    con.execute("SET enable_external_access = false")
    con.execute("SET python_enable_replacements = false")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("CREATE SCHEMA IF NOT EXISTS public")
    from .security.store import create_tables
    create_tables(con)
    from .catalog import install_catalog_macros
    from .catalog.macros import install_catalog_views
    from .catalog.xids import XidClock, install_xid_functions
    install_xid_functions(con, xids or XidClock())   # the catalog views read them
    install_catalog_macros(con)
    install_catalog_views(con)
    # sessions set this one on their own cursors after the lock (rowsource.STREAM_BUFFER);
    # clients never reach DuckDB's SET (settings.py answers theirs)
    con.execute("SET allowed_configs = ['streaming_buffer_size']")
    con.execute("SET lock_configuration = true")
    log.info("opened %s (DuckDB %s), import dirs %s", path or ":memory:", duckdb.__version__, dirs or "none")
    return con
