"""The redduck dialect: PostgreSQL's, read by sqlglot, generated as DuckDB."""
from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.postgres import Postgres
from sqlglot.tokenizer_core import TokenizerCore
from sqlglot.tokens import TokenType


class _PgTokenizerCore(TokenizerCore):
    __slots__ = ()

    def _scan_string(self, start: str) -> bool:
        # PostgreSQL: '$' then a digit is always a parameter ($1,$2 …); a dollar-quote tag
        # cannot start with a digit. sqlglot would read "$1,$" as a tag.
        if start == "$" and self._peek.isdigit():
            self._add(TokenType.PARAMETER)
            return True
        return super()._scan_string(start)


def _named(node: exp.Expression, name: str) -> exp.Expression:
    node.meta["pg_name"] = name
    return node


class Redduck(Postgres):
    """PostgreSQL as clients write it. Model statements have their own parser (engine.ml)."""

    # each function call remembers the name it was written with (PostgreSQL names the
    # result column after it: strpos, substr, char_length … which sqlglot normalizes away)
    ORIGINAL_NAME_META_KEY = "pg_name"

    # to_char/to_date patterns sqlglot's PostgreSQL lacks (month and day names, 12-hour clock)
    TIME_MAPPING = {**Postgres.TIME_MAPPING, "Mon": "%b", "FMMonth": "%B", "Dy": "%a", "FMDay": "%A",
                    "HH": "%I", "AM": "%p", "PM": "%p", "MS": "%g"}

    class Parser(Postgres.Parser):
        # sqlglot reads encode/decode's second argument as a character set and drops it;
        # PostgreSQL's is a format ('base64', 'hex', 'escape'): keep the call as written
        FUNCTIONS = {**Postgres.Parser.FUNCTIONS,
                     "ENCODE": lambda args: exp.Anonymous(this="encode", expressions=args),
                     "DECODE": lambda args: exp.Anonymous(this="decode", expressions=args)}
        FUNCTION_PARSERS = {k: v for k, v in Postgres.Parser.FUNCTION_PARSERS.items() if k != "DECODE"}
        # date_part(…) becomes sqlglot's Extract: remember the spelling, which names the column
        FUNCTION_PARSERS["DATE_PART"] = lambda self: _named(Postgres.Parser.FUNCTION_PARSERS["DATE_PART"](self),
                                                            "date_part")

        def _parse_types(self, *args, **kwargs):
            # sqlglot stops at `oid[]` (asyncpg's `any($1::oid[])`): OIDs are UINTEGER here
            t = super()._parse_types(*args, **kwargs)
            if isinstance(t, exp.ObjectIdentifier) and self._match_pair(TokenType.L_BRACKET, TokenType.R_BRACKET):
                return exp.DataType.build("UINTEGER[]", dialect="duckdb")
            return t

    class Tokenizer(Postgres.Tokenizer):
        # sqlglot folds everything after SHOW/EXECUTE/FETCH… into one string token;
        # redduck parses those statements itself and needs their tokens
        COMMANDS: set = set()

        def _init_core(self):
            core = super()._init_core()
            core.__class__ = _PgTokenizerCore
            return core


READ = Redduck()
WRITE = DuckDB()
