"""The Engine: one DuckDB database, shared by every session, plus the model layer."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field

import duckdb

from redduck.protocol import types as T

from .catalog.columns import enum_type_text
from .database import catalog_name, open_database
from .session import EngineSession

log = logging.getLogger("redduck.engine")


@dataclass
class EngineConfig:
    database: str = ":memory:"
    database_name: str | None = None
    import_dirs: list = field(default_factory=list)
    threads: int | None = None
    memory_limit: str | None = None
    ml: bool = True
    training_concurrency: int = 1
    superuser: str = "redduck"            # the bootstrap superuser role
    superuser_password: str | None = None
    max_connections: int = 100
    md5_passwords: bool = False           # keep md5 hashes too (only when an md5 rule needs them)


class Engine:
    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        from .catalog.xids import XidClock
        self.xids = XidClock()
        self.db = open_database(config.database, config.import_dirs, config.threads, config.memory_limit,
                                xids=self.xids)
        self.name = config.database_name or catalog_name(config.database)
        self.import_dirs = [os.path.realpath(d) for d in config.import_dirs]
        self.catalog_version = 0
        self._columns_cache: dict = {}
        self._table_cache: dict = {}
        self._lookups: dict = {}
        self._cache_version = -1
        self._lock = threading.Lock()
        self.exec_gate = threading.Lock()   # statements start through it; when_quiescent() closes it
        self._meta = self.db.cursor()
        from .security import SecurityStore
        from .security.authorize import Authorizer
        self.security = SecurityStore(self.db)
        self.authorizer = Authorizer(self, self.security)
        self._bootstrap_superuser()
        self.server_settings = dict(self._meta.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads')").fetchall())
        self.server_settings["max_connections"] = str(config.max_connections)
        from .security.functions import install_privilege_function
        install_privilege_function(self)
        from .large_results import LargeResults
        self.large_results = LargeResults()   # queries that stream, whichever session runs them
        self.sessions: dict = {}              # pid → EngineSession, for pg_stat_activity
        self.backend_control: dict = {}       # "cancel"/"terminate" → the server's pid → bool
        from .catalog.activity import install_activity_functions
        install_activity_functions(self)
        self.models = None
        if config.ml:
            from .ml.service import ModelService
            self.models = ModelService(self, concurrency=config.training_concurrency)

    def _bootstrap_superuser(self) -> None:
        verifier = md5 = None
        pw = self.config.superuser_password
        if pw:
            from redduck.protocol.scram import make_verifier, md5_hash
            verifier = make_verifier(pw)
            md5 = md5_hash(pw, self.config.superuser) if self.config.md5_passwords else None
        self.security.bootstrap_superuser(self.config.superuser, verifier, md5)

    def accepts_database(self, name: str) -> bool:
        return name in (self.name, "postgres", "") or name == self.name.lower()

    def session(self, pid: int, user: str, startup: dict | None = None) -> EngineSession:
        return EngineSession(self, pid, user, self.name, startup)

    def model_function_names(self) -> frozenset:
        return self.models.function_names() if self.models else frozenset()

    def model_packings(self) -> tuple:
        return self.models.packings() if self.models else ()

    def model_signatures(self) -> dict:
        return self.models.signatures() if self.models else {}

    def when_quiescent(self, fn) -> bool:
        """Call fn while no session runs a statement or holds a result DuckDB is still producing
        (an open portal or cursor), so that nothing can be calling a Python function; statements
        that start meanwhile wait at the gate. False: not now."""
        with self.exec_gate:
            if any(s.running or s.attached for s in list(self.sessions.values())):
                return False
            fn()
            return True

    def statement_finished(self) -> None:
        """A session's statement has ended: the functions of dropped models may go now."""
        if self.models is not None:
            self.models.sweep_retired()

    def bump_catalog(self) -> None:
        with self._lock:
            self.catalog_version += 1
        self.xids.catalog_changed()   # the new xmin of every catalog row

    def bump_data(self) -> None:
        pass

    def column_type(self, table: str | None, column: str | None, tables: list):
        """DuckDB type of table.column (or the column names of `table` when column is None)."""
        with self._lock:
            if self._cache_version != self.catalog_version:
                rows = self._meta.execute(
                    "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
                    "WHERE database_name = current_database() ORDER BY column_index").fetchall()
                cache: dict = {}
                for schema, tname, cname, dtype in rows:
                    for key in (tname.lower(), f"{schema}.{tname}".lower()):
                        cache.setdefault(key, {})[cname.lower()] = dtype
                self._columns_cache, self._cache_version = cache, self.catalog_version
            cache = self._columns_cache
        if column is None:
            cols = cache.get((table or "").lower())
            return list(cols) if cols else None
        candidates = [table] if table else tables
        for t in candidates:
            if t and (cols := cache.get(t.lower())) and column.lower() in cols:
                return cols[column.lower()]
        return None

    def table_columns(self, schema: str | None, table: str):
        """(table OID, column names in order) of a table, for RowDescription; None if unknown."""
        key = (schema, table.lower(), self.catalog_version)
        hit = self._table_cache.get(key)
        if hit is not None or key in self._table_cache:
            return hit
        with self._lock:
            rows = self._meta.execute(
                "SELECT redduck_pg.stable_oid('r', schema_name, table_name), column_name FROM duckdb_columns() "
                "WHERE database_name = current_database() "
                "AND lower(table_name) = ? AND (? IS NULL OR schema_name = ?) "
                "ORDER BY schema_name = 'public' DESC, schema_name, column_index", [table.lower(), schema, schema]).fetchall()
        result = None
        if rows:
            oid = rows[0][0]
            result = (oid, [n for o, n in rows if o == oid])
        if len(self._table_cache) > 1024:
            self._table_cache.clear()
        self._table_cache[key] = result
        return result

    def _catalog_lookup(self, name: str, sql: str, keys: int = 1) -> dict:
        """A small catalog query's answer as {first `keys` columns: the rest}, kept until the
        catalog changes."""
        key = (name, self.catalog_version)
        hit = self._lookups.get(key)
        if hit is None:
            with self._lock:
                rows = self._meta.execute(sql).fetchall()
            hit = {(r[:keys] if keys > 1 else r[0]): (r[keys:] if len(r) - keys > 1 else r[keys]) for r in rows}
            self._lookups = {k: v for k, v in self._lookups.items() if k[1] == self.catalog_version}
            self._lookups[key] = hit
        return hit

    def enum_type_oid(self, duck_type: str) -> int | None:
        """The OID of the enum type a DuckDB ENUM('a', 'b') result column is of."""
        return self._catalog_lookup(
            "enums", f"SELECT {enum_type_text('labels')}, min(redduck_pg.stable_oid('t', schema_name, type_name)) "
                     "FROM duckdb_types() WHERE logical_type = 'ENUM' AND NOT internal GROUP BY ALL").get(duck_type)

    def declared_length(self, table: str, column: str) -> tuple[int, int] | None:
        """(OID, length) of a varchar(n)/char(n) column named `table` (or schema.table) and `column`."""
        found = self._catalog_lookup(
            "lengths", "SELECT schema_name, table_name, column_name, type_oid, typmod - 4 "
                       "FROM redduck_pg.declared_types WHERE typmod > 4", keys=3)
        schema, _, name = table.lower().rpartition(".")
        for (s, t, c), decl in found.items():
            if t == name and c == column.lower() and (not schema or s == schema):
                return decl
        return None

    def declared_type(self, table_oid: int, attnum: int) -> tuple[int, int] | None:
        """(OID, typmod) of a varchar(n)/char(n) or enum column (catalog/columns.py)."""
        return self._catalog_lookup(
            "declared", "SELECT attrelid, attnum, atttypid, atttypmod FROM redduck_pg.pg_attribute "
                        f"WHERE atttypid IN ({T.VARCHAR}, {T.BPCHAR}) "
                        "OR atttypid IN (SELECT type_oid FROM redduck_pg.enum_columns)", keys=2).get((table_oid, attnum))

    def constraints_of(self, schema: str | None, table: str) -> list[dict]:
        """The key, foreign key and check constraints of a table, with PostgreSQL's names
        (the ones catalog/macros.py gives them in pg_constraint)."""
        with self._lock:
            rows = self._meta.execute(
                "SELECT schema_name, constraint_type, table_name, constraint_column_names, expression, "
                "referenced_table, referenced_column_names FROM duckdb_constraints() "
                "WHERE database_name = current_database() AND lower(table_name) = ? AND (? IS NULL OR schema_name = ?) "
                "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY', 'CHECK') "
                "ORDER BY schema_name = 'public' DESC, constraint_index", [table.lower(), schema, schema]).fetchall()
        suffix = {"PRIMARY KEY": "pkey", "UNIQUE": "key", "FOREIGN KEY": "fkey", "CHECK": "check"}
        out = []
        for schema_name, kind, tname, cols, expression, ref_table, ref_cols in rows:
            name = f"{tname}_pkey" if kind == "PRIMARY KEY" else f"{tname}_{'_'.join(cols)}_{suffix[kind]}"
            out.append({"schema": schema_name, "kind": kind, "table": tname, "columns": [c.lower() for c in cols],
                        "expression": expression, "ref_table": ref_table,
                        "ref_columns": [c.lower() for c in ref_cols or []], "name": name})
        return out

    def checkpoint(self) -> None:
        try:
            self.db.execute("CHECKPOINT")
        except duckdb.Error as e:
            log.warning("checkpoint failed: %s", e)

    def close(self) -> None:
        if self.models:
            self.models.shutdown()
        self.checkpoint()
        self.db.close()

