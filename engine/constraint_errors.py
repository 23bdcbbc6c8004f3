"""Integrity errors named as PostgreSQL names them. DuckDB's name a key's columns or a check's
expression, not the constraint (nor, for a foreign key, the table): the statement's table and
its constraints say which one it was, so that messages read as PostgreSQL's and psycopg's
`diag.constraint_name` / `table_name` / `schema_name` are filled in."""
from __future__ import annotations

import re

from sqlglot import exp

from redduck.protocol.errors import PgError

_KEY = re.compile(r"Key \((.*)\)=\((.*)\) ")


def name_constraint(err: PgError, tree: exp.Expression, engine) -> None:
    if err.code not in ("23505", "23503", "23514"):
        return
    target = tree.this.this if isinstance(getattr(tree, "this", None), exp.Schema) else getattr(tree, "this", None)
    if not isinstance(target, exp.Table):
        return
    key = _KEY.match(err.detail or "")
    cols = [c.strip().strip('"').lower() for c in key.group(1).split(",")] if key else []
    constraints = engine.constraints_of(target.db or None, target.name)
    found = None
    if err.code == "23505":
        found = next((c for c in constraints if c["kind"] in ("PRIMARY KEY", "UNIQUE") and c["columns"] == cols), None)
        if found:
            err.message = f'duplicate key value violates unique constraint "{found["name"]}"'
    elif err.code == "23503" and key and err.message.startswith("insert or update"):
        found = next((c for c in constraints if c["kind"] == "FOREIGN KEY" and c["ref_columns"] == cols), None)
        if found:
            ref = found["ref_table"].split(".")[-1]
            err.message = f'insert or update on table "{found["table"]}" violates foreign key constraint "{found["name"]}"'
            err.detail = f'Key ({", ".join(found["columns"])})=({key.group(2)}) is not present in table "{ref}".'
    elif err.code == "23514":
        checks = [c for c in constraints if c["kind"] == "CHECK"]
        found = checks[0] if len(checks) == 1 else None   # DuckDB's message names the expression only
        if found:
            err.message = f'new row for relation "{found["table"]}" violates check constraint "{found["name"]}"'
    if found:
        err.schema_name, err.table_name, err.constraint_name = found["schema"], found["table"], found["name"]
