"""json functions DuckDB spells otherwise: `json_agg(x ORDER BY y)` / `jsonb_agg(x)` →
`to_json(list(x ORDER BY y))`; `jsonb_extract_path(j, 'a', 'b')` (any number of keys) →
`json_extract(j, '/a/b')`, a JSON pointer, which indexes arrays by number as PostgreSQL's
path elements do; the `_text` forms → `json_extract_string`."""
from __future__ import annotations

from sqlglot import exp

# (sqlglot reads json_extract_path(_text) itself, as a JSON path)
_PATHS = {"jsonb_extract_path": "json_extract", "jsonb_extract_path_text": "json_extract_string"}


def _pointer(keys: list) -> exp.Expression:
    """'/k1/k2' from the key expressions, each escaped as JSON pointer wants (~ → ~0, / → ~1)."""
    parts: list = []
    for k in keys:
        if isinstance(k, exp.Literal):
            parts.append(exp.Literal.string("/" + k.name.replace("~", "~0").replace("/", "~1")))
        else:
            text = exp.cast(k, "VARCHAR")
            esc = exp.Anonymous(this="replace", expressions=[
                exp.Anonymous(this="replace", expressions=[text, exp.Literal.string("~"), exp.Literal.string("~0")]),
                exp.Literal.string("/"), exp.Literal.string("~1")])
            parts += [exp.Literal.string("/"), esc]
    out = parts[0]
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=p)
    return out


def _agg(arg: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="to_json", expressions=[exp.Anonymous(this="list", expressions=[arg])])


def json_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.JSONArrayAgg):
            return _agg(node.this)
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
            if name == "jsonb_agg" and len(node.expressions) == 1:
                return _agg(node.expressions[0])
            if name in _PATHS and len(node.expressions) >= 2:
                doc, *keys = node.expressions
                return exp.Anonymous(this=_PATHS[name], expressions=[exp.cast(doc, "JSON"), _pointer(keys)])
        return node
    return tree.transform(fix, copy=False)
