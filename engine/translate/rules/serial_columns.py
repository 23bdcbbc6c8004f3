"""SERIAL, BIGSERIAL, SMALLSERIAL and IDENTITY columns, as DuckDB sequences:
`CREATE TABLE t (id SERIAL)` → `CREATE OR REPLACE SEQUENCE t_id_seq; CREATE TABLE t
(id INT DEFAULT nextval('t_id_seq') NOT NULL)`. The sequence statements go into the
translation's prelude (`meta["prelude"]`), run before the statement itself.
"""
from __future__ import annotations

from sqlglot import exp

_SERIALS = {exp.DataType.Type.SERIAL: "INT", exp.DataType.Type.BIGSERIAL: "BIGINT",
            exp.DataType.Type.SMALLSERIAL: "SMALLINT"}


def serial_columns(tree: exp.Expression, ctx) -> exp.Expression:
    if not isinstance(tree, exp.Create) or (tree.args.get("kind") or "").upper() != "TABLE" \
            or not isinstance(tree.this, exp.Schema):
        return tree
    table = tree.this.this
    prelude = []
    for col in tree.this.expressions:
        if not isinstance(col, exp.ColumnDef):
            continue
        kind = col.args.get("kind")
        identity = next((c for c in col.constraints if isinstance(c.kind, exp.GeneratedAsIdentityColumnConstraint)),
                        None)
        serial = isinstance(kind, exp.DataType) and kind.this in _SERIALS
        if not serial and identity is None:
            continue
        seq = exp.Table(this=exp.to_identifier(f"{table.name}_{col.name}_seq"),
                        db=exp.to_identifier(table.db) if table.db else None)
        start = identity.kind.args.get("start") if identity is not None else None
        if_not_exists = bool(tree.args.get("exists"))
        prelude.append(f"CREATE {'SEQUENCE IF NOT EXISTS' if if_not_exists else 'OR REPLACE SEQUENCE'} "
                       f"{seq.sql(dialect='duckdb')}" + (f" START WITH {start.sql()}" if start is not None else ""))
        if serial:
            col.set("kind", exp.DataType.build(_SERIALS[kind.this]))
        constraints = [c for c in col.constraints if c is not identity]
        default = exp.Anonymous(this="nextval", expressions=[exp.Literal.string(seq.sql(dialect="duckdb"))])
        constraints.insert(0, exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=default)))
        if not any(isinstance(c.kind, (exp.NotNullColumnConstraint, exp.PrimaryKeyColumnConstraint))
                   for c in constraints):
            constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
        col.set("constraints", constraints)
    if prelude:
        tree.meta["prelude"] = prelude
    return tree
