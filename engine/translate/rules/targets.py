"""The table an INSERT or UPDATE writes, and the columns an INSERT names (shared by the rules
that read the target's column types)."""
from __future__ import annotations

from sqlglot import exp


def write_target(tree: exp.Expression) -> tuple[str | None, list | None]:
    """('schema.table' or 'table', the INSERT's column list or None); (None, None) if unknown."""
    target = tree.this
    if isinstance(target, exp.Schema) and isinstance(target.this, exp.Table):
        t = target.this
        return ".".join(p for p in (t.db, t.name) if p), [c.name for c in target.expressions]
    if isinstance(target, exp.Table):
        return ".".join(p for p in (target.db, target.name) if p), None
    return None, None
