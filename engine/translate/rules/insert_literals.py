"""Quoted literals inserted into a column read as PostgreSQL reads them for its type:
`INSERT INTO t (b) VALUES ('\\x0102')` into bytea → `… VALUES (unhex('0102'))` (DuckDB would store
the characters of the text: its own escapes, not PostgreSQL's hex form); '2020-01-02 +00' into
a date (pgjdbc's setDate in simple mode) → '2020-01-02'; a timestamptz without an offset → that
time in the session's TimeZone."""
from __future__ import annotations

from sqlglot import exp

from .targets import write_target
from .typed_literals import ISO_DATE_THEN_MORE, local_timestamptz


def insert_literals(tree: exp.Expression, ctx) -> exp.Expression:
    if not isinstance(tree, exp.Insert) or ctx.column_type is None or not isinstance(tree.expression, exp.Values):
        return tree
    table, cols = write_target(tree)
    if table is None:
        return tree
    cols = cols or ctx.column_type(table, None, [table]) or []
    types = [(ctx.column_type(table, c, [table]) or "").upper() for c in cols]
    if not {"BLOB", "DATE", "TIMESTAMP WITH TIME ZONE"} & set(types):
        return tree
    for row in tree.expression.expressions:
        for i, value in enumerate(row.expressions if isinstance(row, exp.Tuple) else []):
            while isinstance(value, exp.Paren):   # pgjdbc's simple mode writes (('x'), ('…'))
                value = value.this
            if i >= len(types) or not (isinstance(value, exp.Literal) and value.is_string):
                continue
            if types[i] == "BLOB" and value.this.startswith("\\x"):
                value.replace(exp.Anonymous(this="unhex", expressions=[exp.Literal.string(value.this[2:])]))
            elif types[i] == "DATE" and (m := ISO_DATE_THEN_MORE.match(value.this)):
                value.replace(exp.Literal.string(m.group(1)))
            elif types[i] == "TIMESTAMP WITH TIME ZONE" and (
                    local := local_timestamptz(value.this, ctx.settings.get("timezone"))):
                value.replace(local)   # the session's zone, as PostgreSQL reads it
    return tree
