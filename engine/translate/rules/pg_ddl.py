"""DDL forms PostgreSQL takes that DuckDB spells otherwise or lacks.

`CREATE TABLE t (LIKE s)` → `CREATE TABLE t AS SELECT * FROM s LIMIT 0`;
`CREATE TABLE t AS … WITH NO DATA` → `… LIMIT 0` (DuckDB would copy the rows);
`b int GENERATED ALWAYS AS (a * 2) STORED` → DuckDB's generated column `b INT AS (a * 2)`;
`CREATE INDEX … USING btree (…)` → DuckDB's own index (it has one kind);
`TRUNCATE t RESTART IDENTITY CASCADE` → `TRUNCATE t`; `CREATE SEQUENCE … CACHE n NO MAXVALUE`
→ without the cache (DuckDB hands out one value at a time) and the defaults;
`DROP TABLE a, b` → one DROP each (DuckDB drops one object per statement);
`REFERENCES t ON DELETE CASCADE`: DuckDB enforces no referential actions, so the key is kept
as NO ACTION and a WARNING says so (refusing the table would refuse most ORM schemas)."""
from __future__ import annotations

from sqlglot import exp

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, PgError

_INDEX_METHODS = {"btree", "hash", "art"}


def _warn(tree: exp.Expression, message: str) -> None:
    """A WARNING the statement's result carries (plain text: trees are copied, errors are not)."""
    tree.meta.setdefault("warnings", []).append(message)


def _limit_zero(query: exp.Expression) -> exp.Expression:
    return exp.select("*").from_(exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier("rd_q")))) \
        .limit(0)


def _create_table(tree: exp.Create) -> exp.Expression:
    props = tree.args.get("properties")
    no_data = props and any(isinstance(p, exp.WithDataProperty) and p.args.get("no") for p in props.expressions)
    if props:
        props.set("expressions", [p for p in props.expressions if not isinstance(p, exp.WithDataProperty)])
    if no_data and tree.expression is not None:
        tree.set("expression", _limit_zero(tree.expression))
    schema = tree.this
    if isinstance(schema, exp.Schema):
        likes = [e for e in schema.expressions if isinstance(e, exp.LikeProperty)]
        if likes and len(likes) == len(schema.expressions):
            tree.set("this", schema.this)
            tree.set("expression", exp.select("*").from_(likes[0].this.copy()).limit(0))
            return tree
        for c in schema.find_all(exp.ComputedColumnConstraint):
            if not isinstance(c.this, exp.Paren):
                c.set("this", exp.Paren(this=c.this))
            c.set("persisted", None)   # DuckDB's generated columns are computed on read
        for ref in schema.find_all(exp.Reference):
            actions = [o for o in ref.args.get("options") or [] if "CASCADE" in str(o).upper()
                       or "SET NULL" in str(o).upper() or "SET DEFAULT" in str(o).upper()]
            if actions:
                ref.set("options", [o for o in ref.args["options"] if o not in actions])
                _warn(tree, f"{', '.join(str(a).upper() for a in actions)} is not enforced by redduck: "
                            "the foreign key is kept as NO ACTION")
    return tree


def pg_ddl(tree: exp.Expression, ctx) -> exp.Expression:
    if isinstance(tree, exp.Create):
        kind = (tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            return _create_table(tree)
        if kind == "INDEX":
            index = tree.this
            params = index.args.get("params") if isinstance(index, exp.Index) else None
            using = params.args.get("using") if params else None
            if using is not None:
                if using.name.lower() not in _INDEX_METHODS:
                    raise PgError(FEATURE_NOT_SUPPORTED, f'access method "{using.name}" is not supported by redduck',
                                  hint="Its indexes are btree-like (DuckDB's ART).")
                params.set("using", None)
        if kind == "SEQUENCE":
            for p in tree.find_all(exp.SequenceProperties):
                p.set("cache", None)
                p.set("options", [o for o in p.args.get("options") or []
                                  if str(o.name if isinstance(o, exp.Var) else o).upper()
                                  not in ("NO MAXVALUE", "NO MINVALUE", "NO CYCLE")])
        return tree
    if isinstance(tree, exp.TruncateTable):
        tree.set("identity", None)
        tree.set("option", None)
        tables = tree.expressions
        for t in tables[:-1]:   # DuckDB truncates one table a statement: the others first (prelude)
            tree.meta.setdefault("prelude", []).append(exp.TruncateTable(expressions=[t.copy()]).sql(dialect="duckdb"))
        if len(tables) > 1:
            tree.set("expressions", [tables[-1]])
        return tree
    if isinstance(tree, exp.Drop) and len(tree.args.get("tables") or []) > 1:
        tables = tree.args["tables"]
        for t in tables[:-1]:   # run before the statement itself (translator's prelude)
            one = tree.copy()
            one.set("tables", [t.copy()])
            tree.meta.setdefault("prelude", []).append(one.sql(dialect="duckdb"))
        tree.set("tables", [tables[-1]])
    return tree
