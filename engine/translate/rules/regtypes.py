"""`::regclass`, `::regtype`, `::regnamespace`, `::regproc`, `::oid` as PostgreSQL means them.

A name cast to reg* is that object's OID (an error if it does not exist): `'t'::regclass`
→ `redduck_regclass('t')`. An OID cast to reg* and read as text is the object's name:
`c.oid::regclass::text` → `redduck_regclass_name(c.oid)`. `x::oid` → `CAST(x AS BIGINT)`.
Calls qualified with pg_catalog. of redduck's catalog functions lose the qualifier.
"""
from __future__ import annotations

from sqlglot import exp

from redduck.engine.catalog import CATALOG_FUNCTIONS

from .rewrite import replace_innermost_first

# functions DuckDB defines in its pg_catalog schema only: keep their qualifier; every other
# pg_catalog.f() is a built-in or one of redduck's macros, called unqualified
_DUCK_PG_CATALOG_ONLY = {
    "current_query", "format_pg_type", "format_type", "has_any_column_privilege",
    "has_column_privilege", "has_database_privilege", "has_foreign_data_wrapper_privilege",
    "has_function_privilege", "has_language_privilege", "has_schema_privilege", "has_sequence_privilege",
    "has_server_privilege", "has_table_privilege", "has_tablespace_privilege", "inet_client_addr",
    "inet_client_port", "inet_server_addr", "inet_server_port", "map_to_pg_oid", "map_type_id_to_pg_oid",
    "pg_collation_is_visible", "pg_conf_load_time", "pg_conversion_is_visible",
    "pg_function_is_visible", "pg_has_role",
    "pg_is_other_temp_schema", "pg_my_temp_schema", "pg_opclass_is_visible", "pg_operator_is_visible",
    "pg_opfamily_is_visible", "pg_postmaster_start_time", "pg_size_pretty", "pg_sleep",
    "pg_ts_config_is_visible", "pg_ts_dict_is_visible", "pg_ts_parser_is_visible",
    "pg_ts_template_is_visible", "pg_type_is_visible", "pg_typeof",
    "pg_table_is_visible"}

_REG = {"REGCLASS": "regclass", "REGTYPE": "regtype", "REGNAMESPACE": "regnamespace", "REGPROC": "regproc",
        "REGPROCEDURE": "regproc", "REGROLE": None, "REGOPER": None, "REGOPERATOR": None, "REGCONFIG": None}


# transaction and command ids: numbers (DuckDB has no such types)
_XIDS = {"XID", "XID8", "CID"}


def _reg_kind(dtype: exp.Expression) -> str | None:
    if isinstance(dtype, exp.ObjectIdentifier):
        return dtype.name.upper()
    if isinstance(dtype, exp.DataType) and dtype.this == exp.DataType.Type.USERDEFINED:
        kind = dtype.args.get("kind")
        return (kind.name if isinstance(kind, exp.Identifier) else dtype.name).upper()
    return None


def _is_texty(e: exp.Expression) -> bool:
    return (isinstance(e, exp.Literal) and e.is_string) or isinstance(e, (exp.Placeholder, exp.Parameter)) or (
        isinstance(e, exp.Cast) and e.to.is_type(exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR))


def _unqualify(dtype: exp.Expression) -> exp.Expression:
    """`pg_catalog.text` → `text`, `pg_catalog.regtype` → the reg* identifier."""
    kind = dtype.args.get("kind") if isinstance(dtype, exp.DataType) else None
    if isinstance(kind, exp.Dot) and kind.this.name.lower() == "pg_catalog":
        bare = kind.expression.name
        if bare.upper() in _REG or bare.upper() == "OID":
            return exp.ObjectIdentifier(this=bare.upper())
        try:
            return exp.DataType.build(bare, dialect="postgres")
        except Exception:
            return dtype
    return dtype


def _in_select_list(node: exp.Expression) -> bool:
    holder = node.parent if isinstance(node.parent, exp.Alias) else node
    return isinstance(holder.parent, exp.Select) and holder.arg_key == "expressions"


def _output_name(node: exp.Cast) -> str:
    return node.this.name if isinstance(node.this, exp.Column) else _reg_kind(node.to).lower()


def regtypes(tree: exp.Expression, ctx) -> exp.Expression:
    for dtype in list(tree.find_all(exp.DataType)):
        new = _unqualify(dtype)
        if new is not dtype:
            dtype.replace(new)

    def fix(node):
        if isinstance(node, exp.Dot) and node.this.name.lower() == "pg_catalog" and isinstance(
                node.expression, (exp.Anonymous, exp.Func)):
            fn = node.expression
            name = fn.name.lower() if isinstance(fn, exp.Anonymous) else fn.sql_name().lower()
            if name in CATALOG_FUNCTIONS or name not in _DUCK_PG_CATALOG_ONLY:
                return fn
        if not isinstance(node, exp.Cast):
            return node
        kind = _reg_kind(node.to)
        if kind == "OID":
            return exp.cast(node.this, exp.DataType.build("UINTEGER", dialect="duckdb"))
        if kind in _XIDS:
            return exp.cast(node.this, "BIGINT")
        if kind not in _REG:
            # reg* read as text: the object's name
            inner = node.this
            if isinstance(inner, exp.Cast) and _reg_kind(inner.to) in _REG and _REG[_reg_kind(inner.to)] and \
                    node.to.is_type(exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR):
                fn = _REG[_reg_kind(inner.to)]
                if _is_texty(inner.this):
                    return inner.this
                return exp.Anonymous(this=f"redduck_{fn}_name", expressions=[inner.this])
            if isinstance(inner, exp.Cast) and inner.meta.get("redduck_reg") and \
                    node.to.is_type(exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR):
                return exp.Anonymous(this=f"redduck_{inner.meta['redduck_reg']}_name", expressions=[inner.this])
            # 'name'::regclass::text, its inner cast already rewritten: the name (it must exist)
            if isinstance(inner, exp.Anonymous) and inner.name.startswith("redduck_reg") and inner.expressions \
                    and node.to.is_type(exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR) \
                    and not inner.name.endswith("_name") and _is_texty(inner.expressions[0]):
                return exp.Anonymous(this=f"{inner.name}_name", expressions=[inner])
            return node
        fn = _REG[kind]
        if fn is None:
            return exp.cast(node.this, "VARCHAR") if _is_texty(node.this) else exp.cast(node.this, "BIGINT")
        if _is_texty(node.this):
            oid = exp.Anonymous(this=f"redduck_{fn}", expressions=[node.this])
            if not _in_select_list(node):
                return oid
            name = exp.Anonymous(this=f"redduck_{fn}_name", expressions=[oid])
            return name if isinstance(node.parent, exp.Alias) else exp.alias_(name, _output_name(node))
        if _in_select_list(node):
            # a reg* value the client reads is shown by name, as PostgreSQL's output function does
            name = exp.Anonymous(this=f"redduck_{fn}_name", expressions=[node.this])
            return name if isinstance(node.parent, exp.Alias) else exp.alias_(name, _output_name(node))
        as_oid = exp.cast(node.this, "BIGINT")
        as_oid.meta["redduck_reg"] = fn   # an outer ::text then asks for the name
        return as_oid

    # innermost first, so that 'x'::regclass::oid sees its inner cast already rewritten
    nodes = [n for n in tree.walk(bfs=False) if isinstance(n, (exp.Cast, exp.Dot))]
    return replace_innermost_first(tree, nodes, fix)
