"""Interval literals with PostgreSQL's unit abbreviations: sqlglot splits `interval '90 min'`
into `INTERVAL '90' MIN`, a unit DuckDB's grammar does not know (nor mins, mons, hrs, secs, …),
while DuckDB's interval text reads all of PostgreSQL's spellings. So a literal amount with a
one-word unit goes back into the text: `INTERVAL '90 min'`."""
from __future__ import annotations

from sqlglot import exp


def interval_units(tree: exp.Expression, ctx) -> exp.Expression:
    for node in tree.find_all(exp.Interval):
        amount, unit = node.this, node.args.get("unit")
        if isinstance(amount, exp.Literal) and amount.is_string and isinstance(unit, exp.Var):
            node.set("this", exp.Literal.string(f"{amount.this} {unit.name.lower()}"))
            node.set("unit", None)
    return tree
