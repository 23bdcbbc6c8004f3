"""GRANT and REVOKE: table and schema privileges, role membership, and Redshift's
`CREATE MODEL` and `EXECUTE ON MODEL` privileges."""
from __future__ import annotations

from sqlglot.tokens import TokenType

from redduck.protocol.errors import (FEATURE_NOT_SUPPORTED, INSUFFICIENT_PRIVILEGE, UNDEFINED_OBJECT,
                                     UNDEFINED_TABLE, PgError)

from ..security.authorize import table_ref
from ..security.store import SCHEMA_PRIVILEGES, TABLE_PRIVILEGES
from . import register
from .base import UtilityPlan


def _list(ts, item) -> list:
    out = [item()]
    while ts.is_type(TokenType.COMMA):
        ts.next()
        out.append(item())
    return out


def _grantee(ts) -> str:
    ts.accept("GROUP")
    if ts.word() == "PUBLIC":
        ts.next()
        return "public"
    if ts.word() in ("CURRENT_USER", "SESSION_USER", "CURRENT_ROLE"):
        ts.next()
        return "\0current"
    return ts.name()


def _privileges(ts) -> list[str]:
    if ts.accept("ALL"):
        ts.accept("PRIVILEGES")
        return ["ALL"]

    def one():
        w = ts.next().text.upper()
        if w == "CREATE" and ts.accept("MODEL"):
            return "CREATE MODEL"
        if w not in TABLE_PRIVILEGES + SCHEMA_PRIVILEGES + ("EXECUTE", "CONNECT", "TEMP", "TEMPORARY"):
            raise ts.error(f'unrecognized privilege type "{w.lower()}"', tok=ts.tokens[ts.i - 1])
        return w
    return _list(ts, one)


def parse_grant(ts, revoke: bool) -> dict:
    ts.next()
    g: dict = {"revoke": revoke}
    if revoke and ts.accept("GRANT", "OPTION", "FOR"):
        raise PgError(FEATURE_NOT_SUPPORTED, "grant options are not supported by redduck")
    start = ts.i
    privs = _privileges(ts) if ts.word() in TABLE_PRIVILEGES + SCHEMA_PRIVILEGES + ("ALL", "EXECUTE", "CONNECT",
                                                                                   "TEMP", "TEMPORARY") else None
    if privs is not None and ts.accept("ON"):
        g["privileges"] = privs
        if ts.accept("ALL", "TABLES", "IN", "SCHEMA"):
            g["kind"], g["objects"] = "schema_tables", _list(ts, ts.name)
        elif ts.accept("SCHEMA"):
            g["kind"], g["objects"] = "schema", _list(ts, ts.name)
        elif ts.accept("MODEL"):
            g["kind"], g["objects"] = "model", _list(ts, ts.qualified_name)
        elif ts.accept("DATABASE"):
            g["kind"], g["objects"] = "database", _list(ts, ts.name)
        elif ts.word() in ("FUNCTION", "SEQUENCE", "TYPE", "LANGUAGE", "DOMAIN", "FOREIGN", "LARGE",
                           "TABLESPACE", "PROCEDURE", "ROUTINE"):
            raise PgError(FEATURE_NOT_SUPPORTED, f"GRANT … ON {ts.word()} is not supported by redduck")
        else:
            ts.accept("TABLE")
            g["kind"], g["objects"] = "table", _list(ts, ts.qualified_name)
    elif privs == ["CREATE MODEL"]:
        g["kind"], g["privileges"], g["objects"] = "system", ["CREATE MODEL"], [""]
    else:
        ts.i = start  # GRANT role [, …] TO role [, …]
        g["kind"], g["objects"] = "membership", _list(ts, ts.name)
    ts.expect("FROM" if revoke else "TO")
    g["grantees"] = _list(ts, lambda: _grantee(ts))
    if not revoke and ts.accept("WITH"):
        if ts.accept("GRANT", "OPTION") or ts.accept("ADMIN", "OPTION"):
            raise PgError(FEATURE_NOT_SUPPORTED, "grant options are not supported by redduck")
        raise ts.error(f'syntax error at or near "{ts.peek().text if ts.peek() else ""}"', at_end=ts.peek() is None)
    if not revoke:
        ts.accept("GRANTED", "BY") and ts.name()
    ts.accept("CASCADE") or ts.accept("RESTRICT")
    ts.done()
    return g


def _hook(revoke: bool):
    def hook(ts):
        g = parse_grant(ts, revoke)
        return UtilityPlan(lambda s, p: run_grant(s, g), tag="REVOKE" if revoke else "GRANT")
    return hook


# ---------------------------------------------------------------- running

def _expand(privs: list[str], allowed: tuple, what: str) -> list[str]:
    if privs == ["ALL"]:
        return list(allowed)
    for p in privs:
        if p not in allowed:
            raise PgError(INSUFFICIENT_PRIVILEGE if p == "CREATE MODEL" else "0LP01",
                          f"invalid privilege type {p} for {what}")
    return ["TEMPORARY" if p == "TEMP" else p for p in privs]


def run_grant(session, g: dict):
    store = session.engine.security
    auth = session.engine.authorizer
    user = session.user
    superuser = store.is_superuser(user)
    grantees = [user if x == "\0current" else x for x in g["grantees"]]
    for who in grantees:
        if who != "public" and store.role(who) is None:
            raise PgError(UNDEFINED_OBJECT, f'role "{who}" does not exist')
    kind = g["kind"]
    if kind == "membership":
        me = store.role(user)
        if not superuser and not (me and me.createrole):
            raise PgError(INSUFFICIENT_PRIVILEGE, f'permission denied to grant role "{g["objects"][0]}"')
        for role in g["objects"]:
            if store.role(role) is None:
                raise PgError(UNDEFINED_OBJECT, f'role "{role}" does not exist')
            for who in grantees:
                if who == "public":
                    raise PgError(UNDEFINED_OBJECT, 'role "public" does not exist')
                if g["revoke"]:
                    store.revoke_membership(role, who)
                else:
                    if role == who or store.member_of(role, who):
                        raise PgError("0LP01", f'role "{role}" is a member of role "{who}"')
                    store.grant_membership(role, who)
        session.engine.bump_catalog()
        return None
    rows = []
    session._detach_all()   # the checks below read DuckDB's catalog on the session's cursor
    if kind == "system":
        if not superuser:
            raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied to grant CREATE MODEL",
                          detail="Only superusers may grant CREATE MODEL.")
        rows = [("system", "", "", who, "CREATE MODEL") for who in grantees]
    elif kind == "model":
        for name in g["objects"]:
            model = name.split(".")[-1].lower()
            owner = session.engine.models.owner_of(model) if session.engine.models else None
            if owner is None:
                raise PgError(UNDEFINED_OBJECT, f'model "{name}" does not exist')
            if not superuser and owner not in store.roles_of(user):
                raise PgError(INSUFFICIENT_PRIVILEGE, f"must be owner of model {model}")
            for p in _expand(g["privileges"], ("EXECUTE",), "model"):
                rows += [("model", "", model, who, p) for who in grantees]
    elif kind == "schema":
        for schema in g["objects"]:
            exists = session.cursor.execute("SELECT count(*) FROM duckdb_schemas() WHERE database_name = "
                                            "current_database() AND schema_name = ?", [schema]).fetchone()[0]
            if not exists:
                raise PgError("3F000", f'schema "{schema}" does not exist')
            if not superuser and store.owner("schema", "", schema) not in store.roles_of(user):
                raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for schema {schema}")
            for p in _expand(g["privileges"], SCHEMA_PRIVILEGES, "schema"):
                rows += [("schema", "", schema, who, p) for who in grantees]
    elif kind == "database":
        if not superuser:
            raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for database {g['objects'][0]}")
        for db in g["objects"]:
            for p in _expand(g["privileges"], ("CREATE", "CONNECT", "TEMPORARY"), "database"):
                rows += [("database", "", db, who, p) for who in grantees]
    else:
        tables = []
        if kind == "schema_tables":
            for schema in g["objects"]:
                found = session.cursor.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                    "AND schema_name = ? UNION ALL SELECT view_name FROM duckdb_views() WHERE "
                    "database_name = current_database() AND schema_name = ? AND NOT internal",
                    [schema, schema]).fetchall()
                tables += [(schema, t) for (t,) in found]
        else:
            for name in g["objects"]:
                where = auth.resolve(table_ref(name), session.search_path())
                if where is None or not auth.exists(*where):
                    raise PgError(UNDEFINED_TABLE, f'relation "{name}" does not exist')
                tables.append(where)
        privs = _expand(g["privileges"], TABLE_PRIVILEGES, "table")
        for schema, table in tables:
            if not superuser and store.owner("table", schema, table) not in store.roles_of(user):
                raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for table {table}")
            rows += [("table", schema, table, who, p) for who in grantees for p in privs]
    if g["revoke"]:
        store.revoke(rows)
    else:
        store.grant(rows, user)
    session.engine.bump_catalog()
    return None


register(("GRANT",), _hook(False))
register(("REVOKE",), _hook(True))
