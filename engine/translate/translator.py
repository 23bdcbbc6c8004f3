"""Translate one statement: sqlglot parse → rewrite rules → DuckDB SQL, cached."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError
from sqlglot.tokens import TokenType
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, SYNTAX_ERROR, UNDEFINED_FUNCTION, PgError

from ..error_positions import locate
from ..sqltext import StatementText
from ..dialect import READ, WRITE
from .rules import RULES


@dataclass
class TranslateContext:
    """What a translation depends on besides the SQL text (part of the cache key)."""
    pid: int = 0
    database: str = "memory"
    user: str = "redduck"
    settings: dict = field(default_factory=dict)
    model_functions: frozenset = frozenset()
    model_packings: tuple = ()   # ml/packing.Packing of the model functions callable with DOUBLE[k]
    catalog_version: int = 0
    cursors: tuple = ()  # (name, statement, holdable, binary, scrollable) of SQL cursors
    # (table, column, tables) → DuckDB type; not in the key: types change with catalog_version
    column_type: object = field(default=None, compare=False, repr=False)
    # (table, column) → (OID, n) of a varchar(n)/char(n) column; changes with catalog_version too
    declared_length: object = field(default=None, compare=False, repr=False)

    def key(self) -> tuple:
        # every setting: rules read them (current_setting('x') becomes the session's value)
        return (self.pid, self.database, self.user, tuple(sorted(self.settings.items())),
                self.model_functions, self.model_packings, self.catalog_version, self.cursors)


@dataclass
class Translation:
    tree: exp.Expression   # the client's statement, as parsed (for classification)
    duck: exp.Expression   # rewritten for DuckDB
    sql: str               # DuckDB SQL
    param_count: int


class Translator:
    def __init__(self, capacity: int = 512) -> None:
        self._cache: OrderedDict = OrderedDict()
        self.capacity = capacity

    def translate(self, stmt: StatementText, ctx: TranslateContext) -> Translation:
        key = (stmt.sql, ctx.key())
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return hit
        tr = self._translate(stmt, ctx)
        self._cache[key] = tr
        if len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return tr

    def clear(self) -> None:
        self._cache.clear()

    def _translate(self, stmt: StatementText, ctx: TranslateContext) -> Translation:
        tree = parse(stmt)
        duck = tree.copy()
        try:
            for rule in RULES:
                duck = rule(duck, ctx) or duck
        except PgError as e:
            raise locate(e, "", stmt)   # a rule's own error (a literal it reads): where it is
        sql = duck.sql(dialect=WRITE)
        if duck.meta.get("prelude"):   # statements a rule needs run first (serial sequences)
            sql = "; ".join(duck.meta["prelude"] + [sql])
        params = {int(p.name) for p in tree.find_all(exp.Parameter, exp.Placeholder)
                  if str(p.name).isdigit()}
        return Translation(tree, duck, sql, max(params, default=0))


def parse(stmt: StatementText) -> exp.Expression:
    """Parse with the redduck dialect; anything unparsed is an error, never passed on."""
    try:
        trees = sqlglot.parse(stmt.sql, read=READ, error_level=sqlglot.ErrorLevel.RAISE)
    except ParseError as e:
        err = e.errors[0] if e.errors else {}
        line, col = err.get("line", 1), err.get("col", 1)
        pos = _position(stmt.sql, line, col)
        arity = _wrong_arity(stmt, err, line, col)
        if arity is not None:
            raise arity from None
        near = err.get("highlight") or ""
        toks = stmt.tokens
        if toks and toks[0].token_type == TokenType.VAR and stmt.offset + pos - 1 > toks[0].start:
            # no statement starts with a plain name: PostgreSQL's grammar stops at the first word
            raise PgError(SYNTAX_ERROR, f'syntax error at or near "{toks[0].text}"', position=toks[0].start + 1) from None
        if toks and _wants_more(err) and stmt.offset + pos - 1 >= toks[-1].start:
            # sqlglot names the last token it read; PostgreSQL says the input ended too soon
            raise PgError(SYNTAX_ERROR, "syntax error at end of input", position=stmt.offset + len(stmt.sql.rstrip()) + 1) from None
        msg = f'syntax error at or near "{near}"' if near else "syntax error at end of input"
        raise PgError(SYNTAX_ERROR, msg, position=stmt.offset + pos) from None
    if len(trees) != 1 or trees[0] is None:
        raise PgError(SYNTAX_ERROR, "syntax error at end of input", position=stmt.offset + len(stmt.sql))
    tree = trees[0]
    if not isinstance(tree, exp.Command):
        # PostgreSQL folds unquoted names to lower case (`AS Total` names the column total);
        # DuckDB would keep the case written
        tree = normalize_identifiers(tree, dialect="postgres")
    if isinstance(tree, exp.Command):
        word = tree.this.upper() if isinstance(tree.this, str) else str(tree.this)
        raise PgError(FEATURE_NOT_SUPPORTED, f"{word} is not supported by redduck",
                      position=stmt.offset + 1)
    return tree


def _wants_more(err: dict) -> bool:
    """sqlglot's error says something was still expected (a clause's argument, a closing
    parenthesis, a table name where the input ended)."""
    desc = err.get("description") or ""
    return desc.startswith(("Required keyword:", "Expecting ")) or ("Expected" in desc and "SENTINEL" in desc)


def _wrong_arity(stmt: StatementText, err: dict, line: int, col: int) -> PgError | None:
    """sqlglot checks the argument count of the functions it knows while parsing: a call with
    too many or too few is PostgreSQL's 42883 at the function's name, not a syntax error."""
    desc = err.get("description") or ""
    if not (desc.startswith("The number of provided arguments") or
            (desc.startswith("Required keyword:") and "sqlglot.expressions" in desc)):
        return None
    at = stmt.offset + _offset(stmt.sql, line, col) - 1   # the ')' sqlglot stopped at
    toks = stmt.tokens
    close = next((i for i, t in enumerate(toks) if t.start == at and t.token_type == TokenType.R_PAREN), None)
    if close is None:
        return None
    depth, commas, i = 0, 0, close - 1
    while i >= 0:
        kind = toks[i].token_type
        if kind == TokenType.R_PAREN:
            depth += 1
        elif kind == TokenType.L_PAREN:
            if depth == 0:
                break
            depth -= 1
        elif kind == TokenType.COMMA and depth == 0:
            commas += 1
        i -= 1
    if i <= 0:
        return None
    name = toks[i - 1]
    if name.token_type in (TokenType.STRING, TokenType.NUMBER) or not (name.text[:1].isalpha() or name.text[:1] == "_"):
        return None   # `(…)` after a value or an operator: not a call
    n = 0 if i + 1 == close else commas + 1
    return PgError(UNDEFINED_FUNCTION, f"function {name.text.lower()} does not take {n} argument{'' if n == 1 else 's'}",
                   hint="No function matches the given name and number of arguments.", position=name.start + 1)


def _offset(sql: str, line: int, col: int) -> int:
    """1-based character offset of sqlglot's (line, col)."""
    return sum(len(l) + 1 for l in sql.split("\n")[:max(line - 1, 0)]) + col


def _position(sql: str, line: int, col: int) -> int:
    """1-based character offset of sqlglot's (line, col), pointing at the token start."""
    pos = _offset(sql, line, col)
    # sqlglot's col is the end of the offending token; move to its start
    i = min(pos, len(sql)) - 1
    while i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_"):
        i -= 1
    return i + 1
