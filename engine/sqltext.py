"""Statement splitting and token streams on sqlglot's PostgreSQL tokenizer.

A Query message may hold several statements; each keeps its offset in the string the
client sent so that error positions point at the right character.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from redduck.protocol.errors import SYNTAX_ERROR, PgError

from .dialect import READ as _DIALECT


@dataclass(frozen=True)
class StatementText:
    sql: str
    offset: int  # characters before it in the query string
    tokens: tuple


def tokenize(sql: str) -> list[Token]:
    try:
        return _DIALECT.tokenize(sql)
    except TokenError:
        pos = 0
        for quote in ("'", '"', "$$"):
            idx = sql.rfind(quote)
            if idx >= 0 and sql.count(quote) % 2 == 1:
                pos = idx + 1
        what = "unterminated quoted string" if "'" in sql else "syntax error"
        raise PgError(SYNTAX_ERROR, f"{what} at or near \"{sql[pos - 1:pos + 10] if pos else sql[:10]}\"",
                      position=pos or 1) from None


def split_statements(sql: str) -> list[StatementText]:
    """Top-level statements of a query string; empty ones (';;') are dropped."""
    tokens = tokenize(sql)
    out: list[StatementText] = []
    current: list[Token] = []
    for tok in tokens + [None]:
        if tok is None or tok.token_type == TokenType.SEMICOLON:
            if current:
                start, end = current[0].start, current[-1].end + 1
                # a quoted token's span excludes its closing quote
                end = _extend_to_quote(sql, end)
                out.append(StatementText(sql[start:end], start, tuple(current)))
            current = []
        else:
            current.append(tok)
    return out


def _extend_to_quote(sql: str, end: int) -> int:
    while end < len(sql) and sql[end] in "'\"$`":
        end += 1
    return end


class TokenStream:
    """A cursor over one statement's tokens for the small statements sqlglot lacks."""

    def __init__(self, stmt: StatementText) -> None:
        self.stmt = stmt
        self.tokens = list(stmt.tokens)
        self.i = 0

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else None

    def word(self, k: int = 0) -> str:
        t = self.peek(k)
        if t is None or t.token_type in (TokenType.STRING, TokenType.IDENTIFIER):
            return ""
        return t.text.upper()

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def next(self) -> Token:
        t = self.peek()
        if t is None:
            raise self.error("syntax error at end of input", at_end=True)
        self.i += 1
        return t

    def accept(self, *words: str) -> bool:
        """Consume the words if the stream continues with them (case-insensitive)."""
        if all(self.word(k) == w for k, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise self.error(f"syntax error at or near \"{self.peek().text if self.peek() else ''}\"",
                             at_end=self.peek() is None)

    def name(self) -> str:
        """An identifier: unquoted folds to lower case, quoted keeps its case."""
        t = self.next()
        if t.token_type == TokenType.IDENTIFIER:
            return t.text
        if t.token_type == TokenType.STRING:
            raise self.error(f"syntax error at or near \"'{t.text}'\"", tok=t)
        return t.text.lower()

    def qualified_name(self) -> str:
        parts = [self.name()]
        while self.peek() is not None and self.peek().token_type == TokenType.DOT:
            self.i += 1
            parts.append(self.name())
        return ".".join(parts)

    def string(self) -> str:
        t = self.next()
        if t.token_type not in (TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.BYTE_STRING,
                                TokenType.HEREDOC_STRING):
            raise self.error(f"syntax error at or near \"{t.text}\"", tok=t)
        return t.text

    def is_string(self) -> bool:
        t = self.peek()
        return t is not None and t.token_type in (TokenType.STRING, TokenType.NATIONAL_STRING,
                                                  TokenType.BYTE_STRING, TokenType.HEREDOC_STRING)

    def number(self) -> int:
        neg = self.accept("-")
        t = self.next()
        if t.token_type != TokenType.NUMBER:
            raise self.error(f"syntax error at or near \"{t.text}\"", tok=t)
        try:
            v = int(t.text)
        except ValueError:
            v = float(t.text)  # type: ignore[assignment]
        return -v if neg else v

    def is_type(self, tt: TokenType) -> bool:
        t = self.peek()
        return t is not None and t.token_type == tt

    def rest_sql(self) -> StatementText:
        """The text from the current token to the end, as a statement of its own."""
        t = self.peek()
        if t is None:
            raise self.error("syntax error at end of input", at_end=True)
        start = t.start
        text = self.stmt.sql[start - self.stmt.offset:]
        return StatementText(text, start, tuple(self.tokens[self.i:]))

    def error(self, msg: str, tok: Token | None = None, at_end: bool = False) -> PgError:
        tok = tok or self.peek()
        if at_end or tok is None:
            pos = self.stmt.offset + len(self.stmt.sql) + 1
        else:
            pos = tok.start + 1
        return PgError(SYNTAX_ERROR, msg, position=pos)

    def done(self) -> None:
        if not self.at_end():
            t = self.peek()
            raise self.error(f"syntax error at or near \"{t.text}\"", tok=t)
