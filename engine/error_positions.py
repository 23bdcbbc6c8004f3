"""Where in the client's statement a DuckDB error points, as PostgreSQL's `P` field.

DuckDB marks what it could not bind or convert under the line of the SQL it ran
(`LINE 1: select nosuch from t` / `^^^^^^`). That SQL is redduck's translation, so its
columns are not the client's; the words it marks are. They are tokenized and looked up
among the client's statement's tokens; the first place they occur is the position (the
order PostgreSQL analyses a query in finds the same one in the common cases). Nothing is
guessed: when the marked words are not in the client's text (a name the translation
introduced), the error keeps no position, as before.
"""
from __future__ import annotations

import re

from sqlglot.tokens import TokenType

from redduck.protocol.errors import UNDEFINED_COLUMN, UNDEFINED_FUNCTION, UNDEFINED_TABLE, PgError

from .sqltext import StatementText, tokenize

# DuckDB's own message format (not SQL): the line shown and the marker under it
_MARKED = re.compile(r"\nLINE (\d+): ([^\n]*)\n( *)(\^+)")
_WORDS = 3   # tokens compared: enough to tell `t.x` from `x`, or `f(` from a column f


def marked_text(raw: str) -> str | None:
    """The text DuckDB marks with ^ in its error message, if any."""
    m = _MARKED.search(raw)
    if m is None:
        return None
    col = len(m.group(3)) - len(f"LINE {m.group(1)}: ")
    if col < 0:
        return None
    return m.group(2)[col:col + len(m.group(4))] or None


# what keeps its case: quoted names and string literals (unquoted names and keywords fold,
# and DuckDB prints keywords in its own case: DATE '…', CAST …)
_CASED = frozenset({TokenType.IDENTIFIER, TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.BIT_STRING,
                    TokenType.HEX_STRING, TokenType.BYTE_STRING, TokenType.RAW_STRING})
_NAMES = frozenset({TokenType.VAR, TokenType.IDENTIFIER})
_LITERALS = _CASED - {TokenType.IDENTIFIER}


def _key(tok) -> tuple:
    kind = "name" if tok.token_type in _NAMES else tok.token_type
    return kind, tok.text if tok.token_type in _CASED else tok.text.lower()


def position_of(raw: str, stmt: StatementText, literal_first: bool = False) -> int | None:
    """1-based position in the query string of what DuckDB's message `raw` marks; with
    `literal_first` (a value that did not convert) the string literal it marks, as
    PostgreSQL points at the value, not at the cast around it."""
    snippet = marked_text(raw)
    if not snippet or not stmt.tokens:
        return None
    try:
        words = [_key(t) for t in tokenize(snippet)]
    except PgError:
        return None   # the marker cut a quoted string: nothing safe to look for
    if not words:
        return None
    tries = [[w] for w in words if w[0] in _LITERALS][:1] if literal_first else []
    tries += [words[:min(len(words), _WORDS)], words[:1]]
    mine = [_key(t) for t in stmt.tokens]
    for want in tries:
        k = len(want)
        for i in range(len(mine) - k + 1):
            if mine[i:i + k] == want and not (want[0][0] == "name" and i and mine[i - 1][0] == TokenType.DOT):
                # (a bare name DuckDB marks is not the `id` of some `t.id`: it marks those whole)
                if want[0][0] == TokenType.DCOLON and i > 0:
                    i -= 1   # `'abc'::int`: DuckDB marks the cast, PostgreSQL the value
                return stmt.tokens[i].start + 1
    return None


def name_position(name: str, stmt: StatementText, call: bool = False) -> int | None:
    """Where the client's statement first uses `name` (an unquoted name folds case); with
    `call`, only as a function's name, followed by its parenthesis."""
    toks = stmt.tokens
    for i, t in enumerate(toks):
        if t.token_type in _NAMES and (t.text == name or (t.token_type == TokenType.VAR and t.text.lower() == name.lower())):
            if not call or (i + 1 < len(toks) and toks[i + 1].token_type == TokenType.L_PAREN):
                return t.start + 1
    return None


# an error about a name DuckDB does not mark: the name as the reworded message quotes it
_NAMED = re.compile(r'^(?:column|relation) "([^"]+)"|^function ([^\s(]+)(?:\(.*\))? does not exist')
_QUERIES = frozenset({TokenType.SELECT, TokenType.INSERT, TokenType.UPDATE, TokenType.DELETE, TokenType.WITH,
                      TokenType.VALUES, TokenType.MERGE, TokenType.L_PAREN})
_VALUE = re.compile(r'^invalid input syntax for type [^:]+: "(.*)"$', re.S)


def locate(err: PgError, raw: str, stmt: StatementText | None) -> PgError:
    """`err` (from DuckDB's message `raw`) with the position in `stmt` it is about, when found."""
    if err.position or stmt is None:
        return err
    err.position = position_of(raw, stmt, literal_first=err.code.startswith("22")) or 0
    if not err.position and err.code in (UNDEFINED_COLUMN, UNDEFINED_TABLE, UNDEFINED_FUNCTION) and \
            stmt.tokens[0].token_type in _QUERIES:   # PostgreSQL gives DDL's errors no position
        m = _NAMED.match(err.message)
        if m:
            err.position = name_position(m.group(1) or m.group(2), stmt, call=err.code == UNDEFINED_FUNCTION) or 0
    if not err.position and err.code.startswith("22"):
        m = _VALUE.search(err.message)
        if m:   # a literal the engine passed as a parameter (its cached plan): DuckDB marks nothing
            err.position = next((t.start + 1 for t in stmt.tokens
                                 if t.token_type in _LITERALS and t.text == m.group(1)), 0)
    return err


def called_function(raw: str) -> str | None:
    """The function named where DuckDB's message marks a call (`m_fn(1, 2)` → m_fn)."""
    snippet = marked_text(raw)
    try:
        toks = tokenize(snippet) if snippet else []
    except PgError:
        return None
    if len(toks) >= 2 and toks[0].token_type in _NAMES and toks[1].token_type == TokenType.L_PAREN:
        return toks[0].text
    return None
