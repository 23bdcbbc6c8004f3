"""Privilege checks on the client's statement tree: every table, view, model function and
server file it reaches, in subqueries and CTEs too. Superusers skip all of this."""
from __future__ import annotations

import threading

from sqlglot import exp

from redduck.protocol.errors import INSUFFICIENT_PRIVILEGE, PgError

from .store import SecurityStore

# schemas every role may read (the catalog), and those closed to all but superusers
CATALOG_SCHEMAS = {"pg_catalog", "information_schema", "redduck_pg"}
CLOSED_SCHEMAS = {"redduck_auth", "redduck_ml"}
# table functions that read server files by name
FILE_READERS = {"read_csv", "read_csv_auto", "read_parquet", "parquet_scan", "read_json", "read_json_auto",
                "read_ndjson", "read_ndjson_auto", "read_json_objects", "read_ndjson_objects", "sniff_csv",
                "parquet_metadata", "parquet_schema", "parquet_file_metadata", "parquet_kv_metadata",
                "read_xlsx", "iceberg_scan", "delta_scan", "read_blob", "read_text", "glob"}
_QUERY_TYPES = (exp.Select, exp.Union, exp.Values, exp.Subquery)
_OWNER_DDL_KINDS = {"TABLE": "table", "VIEW": "table", "SEQUENCE": "table", "INDEX": "table",
                    "MACRO": "function", "FUNCTION": "function", "TYPE": "type"}


def table_ref(name: str) -> exp.Table:
    """A dotted `schema.table` name, as statement hooks and function arguments carry it."""
    parts = [p.strip('"') for p in name.split(".")]
    return exp.Table(this=exp.to_identifier(parts[-1]), db=exp.to_identifier(parts[-2]) if len(parts) > 1 else None)


def denied(what: str) -> PgError:
    return PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for {what}")


class Authorizer:
    def __init__(self, engine, store: SecurityStore) -> None:
        self.engine = engine
        self.store = store
        self._lock = threading.Lock()
        self._relations: dict[str, list[str]] = {}
        self._relations_version = -1
        self._by_oid: dict[int, tuple[str, str]] = {}
        self._cur = None   # its own DuckDB connection, for the relation index

    # ------------------------------------------------------------ lookups

    def _refresh(self) -> None:
        with self._lock:
            if self._relations_version != self.engine.catalog_version:
                if self._cur is None:
                    self._cur = self.engine.db.cursor()
                rows = self._cur.execute(
                    "SELECT schema_name, table_name, redduck_pg.stable_oid('r', schema_name, table_name) "
                    "FROM duckdb_tables() WHERE database_name = current_database() UNION ALL "
                    "SELECT schema_name, view_name, redduck_pg.stable_oid('r', schema_name, view_name) "
                    "FROM duckdb_views() WHERE database_name = current_database() AND NOT internal").fetchall()
                rel: dict[str, list[str]] = {}
                by_oid = {}
                for schema, table, oid in rows:
                    rel.setdefault(table.lower(), []).append(schema.lower())
                    by_oid[oid] = (schema.lower(), table.lower())
                self._relations, self._by_oid = rel, by_oid
                self._relations_version = self.engine.catalog_version

    def _schemas_of(self, name: str) -> list[str]:
        self._refresh()
        return self._relations.get(name.lower(), [])

    def relation_by_oid(self, oid: int) -> tuple[str, str] | None:
        self._refresh()
        return self._by_oid.get(oid)

    def resolve(self, table: exp.Table, search_path=("public", "main")) -> tuple[str, str] | None:
        """(schema, name) of a referenced relation; None when it is not a user relation."""
        name, schema = table.name.lower(), table.db.lower()
        if schema:
            return schema, name
        found = self._schemas_of(name)
        for s in search_path:
            if s in found:
                return s, name
        return (found[0], name) if found else None

    # ------------------------------------------------------------ checks

    def check(self, user: str, tree: exp.Expression, search_path=("public", "main")) -> None:
        if self.store.is_superuser(user):
            return
        targets = self._write_targets(user, tree, search_path)
        self._check_functions(user, tree)
        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        for t in tree.find_all(exp.Table):
            if id(t) in targets or isinstance(t.this, (exp.Anonymous, exp.Func)):
                continue
            if isinstance(t.this, exp.Literal):
                self.check_server_files(user, "read")
                continue
            if not t.db and t.name.lower() in ctes:
                continue
            self.check_table(user, t, "SELECT", search_path)

    def check_table(self, user: str, t: exp.Table, privilege: str, search_path) -> None:
        schema = t.db.lower()
        if t.name.lower() == "pg_authid" and schema in ("", "pg_catalog", "redduck_pg"):
            raise denied("table pg_authid")
        if schema in CLOSED_SCHEMAS:
            raise denied(f"schema {schema}")
        if schema in CATALOG_SCHEMAS or (not schema and t.name.lower().startswith(("pg_", "duckdb_"))
                                         and not self._schemas_of(t.name)):
            return
        where = self.resolve(t, search_path)
        if where is None:
            return  # not a relation of the database: DuckDB reports what it is
        if where[0] in CLOSED_SCHEMAS:
            raise denied(f"schema {where[0]}")
        if where[0] in CATALOG_SCHEMAS:
            return
        if where[0] not in ("public", "main") and not self.store.has(user, "schema", "", where[0], "USAGE") \
                and self.store.owner("table", *where) not in self.store.roles_of(user):
            raise denied(f"schema {where[0]}")
        if not self.store.has(user, "table", where[0], where[1], privilege):
            raise denied(f"table {where[1]}")

    def _write_targets(self, user: str, tree: exp.Expression, search_path) -> set[int]:
        """Check the privilege on the written table(s) of DML and DDL; return them to skip."""
        if isinstance(tree, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
            target = tree.this
            if isinstance(target, exp.Schema):
                target = target.this
            if isinstance(target, exp.Table):
                priv = {exp.Insert: "INSERT", exp.Update: "UPDATE", exp.Delete: "DELETE"}.get(type(tree), "UPDATE")
                self.check_table(user, target, priv, search_path)
                if isinstance(tree, exp.Insert) and tree.args.get("conflict") is not None:
                    self.check_table(user, target, "UPDATE", search_path)
                return {id(target)}
            return set()
        if isinstance(tree, exp.Create):
            return self._check_create(user, tree, search_path)
        if isinstance(tree, (exp.Drop, exp.Alter, exp.TruncateTable, exp.Comment)):
            return self._check_owner_ddl(user, tree, search_path)
        if isinstance(tree, _QUERY_TYPES) or isinstance(tree, (exp.Describe, exp.Show, exp.Use)):
            return set()
        if isinstance(tree, exp.Command):
            raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied: {tree.name.upper()} is for superusers only")
        return set()

    def _check_create(self, user: str, tree: exp.Create, search_path) -> set[int]:
        kind = (tree.args.get("kind") or "").upper()
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        if kind == "SCHEMA":
            raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for database {self.engine.name}")
        if kind == "INDEX":
            table = tree.this.args.get("table") if isinstance(tree.this, exp.Index) else None
            if isinstance(table, exp.Table):
                self._require_owner(user, table, "table", search_path)
                return {id(table)}
            return set()
        if isinstance(target, exp.Table):
            schema = target.db.lower() or search_path[0]
            if schema in CLOSED_SCHEMAS or schema in CATALOG_SCHEMAS:
                raise denied(f"schema {schema}")
            if not self.store.has(user, "schema", "", schema, "CREATE"):
                raise denied(f"schema {schema}")
            if tree.args.get("replace") or tree.args.get("exists"):
                if self.resolve(target, search_path) is not None and kind in ("TABLE", "VIEW"):
                    self._require_owner(user, target, "table", search_path)
            return {id(target)}
        return set()

    def _check_owner_ddl(self, user: str, tree, search_path) -> set[int]:
        if isinstance(tree, exp.TruncateTable):
            skip = set()
            for t in tree.expressions:
                if isinstance(t, exp.Table):
                    self.check_table(user, t, "TRUNCATE", search_path)
                    skip.add(id(t))
            return skip
        if isinstance(tree, exp.Comment):
            target = tree.this
            if isinstance(target, exp.Column):
                target = exp.Table(this=exp.to_identifier(target.table), db=exp.to_identifier(target.db) if target.db else None)
            kind = "table"
        else:
            kind = _OWNER_DDL_KINDS.get((tree.args.get("kind") or "").upper(), "table")
            if (tree.args.get("kind") or "").upper() == "SCHEMA":
                raise PgError(INSUFFICIENT_PRIVILEGE, f"must be owner of schema {tree.this.name}")
            targets = [t for t in (tree.args.get("tables") or [tree.this]) if isinstance(t, exp.Table)]
            for t in targets:
                self._require_owner(user, t, kind, search_path)
            return {id(t) for t in targets}
        if isinstance(target, exp.Table):
            self._require_owner(user, target, kind, search_path)
            return {id(target)}
        return set()

    def _require_owner(self, user: str, t: exp.Table, kind: str, search_path) -> None:
        where = self.resolve(t, search_path)
        if where is None:
            return
        if where[0] in CLOSED_SCHEMAS or where[0] in CATALOG_SCHEMAS:
            raise denied(f"schema {where[0]}")
        if self.store.owner(kind, *where) not in self.store.roles_of(user):
            raise PgError(INSUFFICIENT_PRIVILEGE, f"must be owner of {'table' if kind == 'table' else kind} {where[1]}")

    def _check_functions(self, user: str, tree: exp.Expression) -> None:
        models = self.engine.models.function_models() if self.engine.models else {}
        for node in tree.find_all(exp.Anonymous, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if name in FILE_READERS:
                self.check_server_files(user, "read")
            model = models.get(name)
            if model is not None:
                self.check_model(user, model, "EXECUTE")
            if name == "explain_model" and isinstance(node, exp.Anonymous) and node.expressions \
                    and isinstance(node.expressions[0], exp.Literal):
                named = node.expressions[0].name.lower()
                if named in set(models.values()):
                    self.check_model(user, named, "EXECUTE")

    def exists(self, schema: str, name: str) -> bool:
        return schema in self._schemas_of(name)

    def may_use_model(self, user: str, model: str, privilege: str = "EXECUTE") -> bool:
        """Superusers, the model's owner (or its roles) and grantees may."""
        owner = self.engine.models.owner_of(model) if self.engine.models else None
        return (owner is not None and owner in self.store.roles_of(user)) or \
            self.store.has(user, "model", "", model, privilege)

    def check_model(self, user: str, model: str, privilege: str) -> None:
        if not self.may_use_model(user, model, privilege):
            raise denied(f"model {model}")

    def check_server_files(self, user: str, how: str) -> None:
        role = "pg_read_server_files" if how == "read" else "pg_write_server_files"
        if not self.store.is_superuser(user) and not self.store.member_of(user, role):
            raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied to {how} server files",
                          detail=f"Only roles with privileges of the \"{role}\" role may {how} server files.")

    def check_create_model(self, user: str) -> None:
        if not self.store.has(user, "system", "", "", "CREATE MODEL"):
            raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied to create model",
                          hint="A superuser can GRANT CREATE MODEL TO this role.")

    def record_created(self, user: str, tree: exp.Expression, search_path=("public", "main")) -> None:
        """After a CREATE: the creator owns the object. After a DROP: forget it."""
        kind = (tree.args.get("kind") or "").upper()
        if kind not in _OWNER_DDL_KINDS or kind == "INDEX":
            return
        owner_kind = _OWNER_DDL_KINDS[kind]
        if isinstance(tree, exp.Drop):
            for t in tree.args.get("tables") or [tree.this]:
                if isinstance(t, exp.Table):
                    self.store.forget_object(owner_kind, t.db.lower() or search_path[0], t.name)
            return
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        if isinstance(target, exp.Table):
            self.store.set_owner(owner_kind, target.db.lower() or search_path[0], target.name, user)
