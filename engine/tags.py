"""PostgreSQL's command tags and statement kinds, read off the sqlglot tree."""
from __future__ import annotations

from sqlglot import exp

ROW_STATEMENTS = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values, exp.Subquery)


def returns_rows(tree: exp.Expression) -> bool:
    if isinstance(tree, ROW_STATEMENTS):
        return True
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)) and tree.args.get("returning"):
        return True
    if isinstance(tree, exp.Describe):
        return True
    if isinstance(tree, exp.With):
        return returns_rows(tree.this)
    return False


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
