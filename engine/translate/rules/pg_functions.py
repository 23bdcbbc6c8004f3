"""PostgreSQL functions and literals DuckDB spells or reads differently.

`format('%s-%I', a, b)` → `concat(coalesce(CAST(a AS VARCHAR), ''), '-', quote_ident(b))`;
`encode(b, 'base64')` → `to_base64(b)`; `decode(s, 'hex')` → `unhex(s)`; `to_hex(n)` →
`lower(hex(n))`; `octet_length(s)` → `strlen(s)`; `'\\x0102'::bytea` → `unhex('0102')`;
`'yes'::boolean` → `true`; `a SIMILAR TO 'a%'` → the same with a regular expression;
`json_build_object(…)`, `json_build_array(…)` → their text as PostgreSQL spaces it.
"""
from __future__ import annotations

from sqlglot import exp

from .rewrite import replace_innermost_first

from redduck.protocol.errors import INVALID_TEXT_REPRESENTATION, PgError

_TRUE = {"t", "true", "y", "yes", "on", "1"}
_FALSE = {"f", "false", "n", "no", "off", "0"}


def _call(name: str, *args) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _format(fmt: str, args: list) -> exp.Expression:
    """PostgreSQL's format(): %s, %I, %L and %%, in order (positions like %1$s too)."""
    pieces, i, n, nxt = [], 0, len(fmt), 0
    text = ""
    while i < n:
        ch = fmt[i]
        if ch != "%":
            text += ch
            i += 1
            continue
        j = i + 1
        pos = None
        digits = ""
        while j < n and fmt[j].isdigit():
            digits += fmt[j]
            j += 1
        if digits and j < n and fmt[j] == "$":
            pos, j = int(digits) - 1, j + 1
        elif digits:
            j = i + 1
        if j >= n:
            raise PgError("22023", "unterminated format() type specifier")
        kind = fmt[j]
        if kind == "%":
            text += "%"
            i = j + 1
            continue
        if kind not in "sIL":
            raise PgError("22023", f'unrecognized format() type specifier "{kind}"')
        idx = pos if pos is not None else nxt
        if idx >= len(args):
            raise PgError("22023", "too few arguments for format()")
        nxt = idx + 1
        if text:
            pieces.append(exp.Literal.string(text))
            text = ""
        arg = args[idx]
        if kind == "s":
            pieces.append(exp.Coalesce(this=exp.cast(arg.copy(), "VARCHAR"), expressions=[exp.Literal.string("")]))
        elif kind == "I":
            pieces.append(_call("quote_ident", exp.cast(arg.copy(), "VARCHAR")))
        else:
            pieces.append(_call("quote_nullable", arg.copy()))
        i = j + 1
    if text or not pieces:
        pieces.append(exp.Literal.string(text))
    return exp.Concat(expressions=pieces) if len(pieces) > 1 else pieces[0]


def _json_value(e: exp.Expression) -> exp.Expression:
    return exp.func("coalesce", exp.cast(_call("to_json", e), "VARCHAR"), exp.Literal.string("null"))


def _json_text(open_: str, items: list, close: str) -> exp.Expression:
    """PostgreSQL's json text, spaces and all: `{"a" : 1, "b" : 2}`, `[1, 2]`."""
    body = _call("concat_ws", exp.Literal.string(", "), *items) if items else exp.Literal.string("")
    return exp.cast(exp.DPipe(this=exp.DPipe(this=exp.Literal.string(open_), expression=body),
                              expression=exp.Literal.string(close)), "JSON")


def _json_object(args: list, colon: str) -> exp.Expression:
    pairs = [exp.DPipe(this=exp.DPipe(this=_call("to_json", exp.cast(k, "VARCHAR")),
                                      expression=exp.Literal.string(colon)), expression=_json_value(v))
             for k, v in zip(args[::2], args[1::2])]
    return _json_text("{", pairs, "}")


def _similar_regex(pattern: str) -> str:
    out = []
    for ch in pattern:
        out.append({"%": ".*", "_": ".", ".": "\\.", "^": "\\^", "$": "\\$"}.get(ch, ch))
    return "".join(out)


def pg_functions(tree: exp.Expression, ctx) -> exp.Expression:
    def fix(node):
        if isinstance(node, exp.Format) or (isinstance(node, exp.Anonymous) and node.name.lower() == "format"):
            args = [node.this, *node.expressions] if isinstance(node, exp.Format) else list(node.expressions)
            if args and isinstance(args[0], exp.Literal) and args[0].is_string:
                return _format(args[0].this, args[1:])
            return node
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
            args = node.expressions
            if name in ("encode", "decode") and len(args) == 2 and isinstance(args[1], exp.Literal):
                how = args[1].this.lower()
                fn = {("encode", "base64"): "to_base64", ("encode", "hex"): "hex",
                      ("decode", "base64"): "from_base64", ("decode", "hex"): "unhex"}.get((name, how))
                if fn is None:
                    raise PgError("22023", f'unrecognized encoding: "{args[1].this}"')
                call = _call(fn, args[0])
                return _call("lower", call) if fn == "hex" else call
            if name in ("octet_length", "bit_length") and len(args) == 1:
                octets = _call("redduck_octet_length", args[0])   # a string's UTF-8 bytes, or a bytea's
                return octets if name == "octet_length" else exp.Mul(this=octets, expression=exp.Literal.number(8))
        if isinstance(node, exp.Hex) and not isinstance(node.parent, exp.Anonymous):
            return _call("lower", node)
        if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
            text = node.this.this
            if node.to.is_type(exp.DataType.Type.BOOLEAN):
                v = text.strip().lower()
                if v in _TRUE:
                    return exp.true()
                if v in _FALSE:
                    return exp.false()
                raise PgError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type boolean: "{text}"')
            if node.to.is_type(exp.DataType.Type.VARBINARY, exp.DataType.Type.BINARY) and text.startswith("\\x"):
                return _call("unhex", exp.Literal.string(text[2:]))
        if isinstance(node, exp.Extract) and node.this.name.lower() == "epoch":
            # PostgreSQL 14+ answers numeric, microseconds included
            return exp.cast(_call("epoch", node.expression), "DECIMAL(38, 6)")
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
            # a quoted literal beside a number is of the number's type, as PostgreSQL
            # resolves an unknown literal: 1 + '2' is 3, 1 + 'a' is 22P02
            left, right = node.this, node.expression
            for num, text, key in ((left, right, "expression"), (right, left, "this")):
                if isinstance(num, exp.Literal) and not num.is_string and isinstance(text, exp.Literal) \
                        and text.is_string:
                    node.set(key, exp.cast(text, "INT" if num.this.lstrip("-").isdigit() else "DECIMAL(38, 10)"))
                    break
            return node
        if isinstance(node, exp.SimilarTo) and isinstance(node.expression, exp.Literal):
            return exp.RegexpLike(this=node.this, expression=exp.Literal.string(
                "^(" + _similar_regex(node.expression.this) + ")$"))
        return node
    tree = tree.transform(fix, copy=False)
    # json builders nest: the inner calls are rewritten before the outer ones copy them
    builders = [n for n in tree.find_all(exp.Anonymous) if n.name.lower() in _JSON_BUILDERS]
    return replace_innermost_first(tree, builders, _json_builder) if builders else tree


_JSON_BUILDERS = {"json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array"}


def _json_builder(node: exp.Anonymous) -> exp.Expression:
    name, args = node.name.lower(), node.expressions
    if name.endswith("_object"):
        if len(args) % 2:
            raise PgError("22023", "argument list must have even number of elements",
                          hint=f"The arguments of {name}() must consist of alternating keys and values.")
        return _json_object(args, " : " if name == "json_build_object" else ": ")
    return _json_text("[", [_json_value(a) for a in args], "]")
