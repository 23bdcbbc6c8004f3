"""PostgreSQL's command tags and statement kinds, read off the sqlglot tree."""
from __future__ import annotations

from sqlglot import exp

ROW_STATEMENTS = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values, exp.Subquery)


def selects_into(tree: exp.Expression) -> bool:
    """SELECT … INTO t: a CREATE TABLE AS, whose tag is SELECT n and which returns no rows."""
    return isinstance(tree, exp.Select) and tree.args.get("into") is not None


def returns_rows(tree: exp.Expression) -> bool:
    if selects_into(tree):
        return False
    if isinstance(tree, ROW_STATEMENTS):
        return True
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)) and tree.args.get("returning"):
        return True
    if isinstance(tree, exp.Describe):
        return True
    if isinstance(tree, exp.With):
        return returns_rows(tree.this)
    return False


def writes(tree: exp.Expression) -> bool:
    """Anything but a query: DML, DDL, SET … (what an implicit transaction must hold)."""
    if isinstance(tree, exp.With):
        return writes(tree.this)
    return selects_into(tree) or not isinstance(tree, (*ROW_STATEMENTS, exp.Describe))


def is_dml(tree: exp.Expression) -> bool:
    return isinstance(tree, (exp.Insert, exp.Update, exp.Delete, exp.Merge))


def tag_for(tree: exp.Expression, count: int | None = None) -> str:
    """The CommandComplete tag; `count` is rows affected or returned where it applies."""
    n = count or 0
    if isinstance(tree, ROW_STATEMENTS) or isinstance(tree, exp.Describe):
        return f"SELECT {n}"
    if isinstance(tree, exp.Insert):
        return f"INSERT 0 {n}"
    if isinstance(tree, exp.Update):
        return f"UPDATE {n}"
    if isinstance(tree, exp.Delete):
        return f"DELETE {n}"
    if isinstance(tree, exp.Merge):
        return f"MERGE {n}"
    if isinstance(tree, exp.Create):
        kind = (tree.args.get("kind") or "TABLE").upper()
        if kind == "TABLE" and tree.expression is not None:
            return f"SELECT {n}"
        if kind == "MACRO":
            kind = "FUNCTION"
        return f"CREATE {kind}"
    if isinstance(tree, exp.Drop):
        return f"DROP {(tree.args.get('kind') or 'TABLE').upper()}"
    if isinstance(tree, exp.Alter):
        return f"ALTER {(tree.args.get('kind') or 'TABLE').upper()}"
    if isinstance(tree, exp.TruncateTable):
        return "TRUNCATE TABLE"
    if isinstance(tree, exp.Comment):
        return "COMMENT"
    if isinstance(tree, exp.Use):
        return "SET"
    if isinstance(tree, exp.Grant):
        return "GRANT"
    return type(tree).__name__.upper()


def preparable(tree: exp.Expression) -> bool:
    """Statements worth a DuckDB PREPARE when repeated: queries and DML."""
    return isinstance(tree, ROW_STATEMENTS + (exp.Insert, exp.Update, exp.Delete)) or (
        isinstance(tree, exp.With) and preparable(tree.this))


# functions that are cheap whatever their arguments (no table access, bounded work)
_CHEAP_FUNCTIONS = {"version", "current_setting", "pg_backend_pid", "current_database", "current_schema",
                    "current_user", "session_user", "now", "current_timestamp", "lower", "upper", "abs",
                    "coalesce", "nullif", "greatest", "least", "round", "length", "concat"}


def _function_name(node: exp.Func) -> str:
    return node.name.lower() if isinstance(node, exp.Anonymous) else node.sql_name().lower()


def trivial(tree: exp.Expression) -> bool:
    """A SELECT of constants (no FROM, no subquery, only cheap functions): cheap enough to
    answer on the event loop without a thread hop."""
    if not isinstance(tree, exp.Select) or tree.args.get("from_") or tree.args.get("with"):
        return False
    for node in tree.walk():
        if isinstance(node, (exp.Subquery, exp.Table, exp.Placeholder, exp.Parameter)) or (
                isinstance(node, exp.Select) and node is not tree):
            return False
        if isinstance(node, exp.Func) and not isinstance(node, (exp.Cast, exp.TryCast, exp.Paren)):
            name = _function_name(node)
            if name not in _CHEAP_FUNCTIONS and not isinstance(node, (exp.CurrentTimestamp, exp.CurrentDate,
                                                                       exp.CurrentUser, exp.CurrentSchema,
                                                                       exp.CurrentVersion)):
                return False
    return True


def constant(tree: exp.Expression) -> bool:
    """A SELECT of literals, casts and operators only (`SELECT 1`, the clients' health
    check): its result depends on the text alone."""
    if not trivial(tree):
        return False
    for node in tree.walk():
        if isinstance(node, exp.Func) and not isinstance(node, (exp.Cast, exp.Paren)):
            return False
        if isinstance(node, (exp.Column, exp.Dot, exp.Star)):
            return False
    return True


# functions whose calls do something besides returning a value: a query calling one must not
# run twice (rowsource.py re-runs a large first result as a stream)
_SIDE_EFFECTS = {"nextval", "setval", "redduck_cancel_backend", "redduck_terminate_backend",
                 "redduck_txid_current", "redduck_wait_for_model", "pg_sleep", "set_config", "setseed"}


def side_effect_free(tree: exp.Expression) -> bool:
    """A query whose second run differs from its first at most in volatile values (random(),
    now() in autocommit), never in what it did."""
    if writes(tree):
        return False
    for node in tree.walk():
        if isinstance(node, exp.Func) and _function_name(node) in _SIDE_EFFECTS:
            return False
    return True
