"""Server files and the server process are not the clients': refuse what reaches them."""
from __future__ import annotations

from sqlglot import exp

from redduck.protocol.errors import INSUFFICIENT_PRIVILEGE, PgError

# table functions that run SQL text or read files by name
_FORBIDDEN_FUNCTIONS = {"query", "query_table", "sql_auto_complete", "glob", "read_text", "read_blob",
                        "duckdb_secrets", "which_secret", "pragma_database_size", "duckdb_extensions",
                        "install_extension", "load_extension"}
_FORBIDDEN_STATEMENTS = (exp.Pragma,) if hasattr(exp, "Pragma") else ()


def forbid_server_access(tree: exp.Expression, ctx) -> None:
    if _FORBIDDEN_STATEMENTS and isinstance(tree, _FORBIDDEN_STATEMENTS):
        raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied: PRAGMA is not available to clients")
    for node in tree.find_all(exp.Anonymous, exp.Func):
        name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
        if name in _FORBIDDEN_FUNCTIONS:
            raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied for function {name}")
    if isinstance(tree, exp.Copy):
        raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied: COPY to or from a server file")
    for kind in ("Attach", "Detach", "Install", "Load", "Export"):
        cls = getattr(exp, kind, None)
        if cls is not None and isinstance(tree, cls):
            raise PgError(INSUFFICIENT_PRIVILEGE, f"permission denied: {kind.upper()} is not available to clients")
