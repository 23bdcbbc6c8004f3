"""COPY, PostgreSQL's forms and the Redshift forms the walkthrough uses.

sqlglot turns Redshift's options into nonsense, so COPY has its own parser on the
tokenizer:  COPY t [(cols)] FROM {STDIN | 'file'} [[WITH] (opts)] [legacy/Redshift opts]
and         COPY {t [(cols)] | (query)} TO STDOUT [...].
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot.tokens import TokenType

from redduck.protocol.codecs.copy_format import CopyOptions
from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, INSUFFICIENT_PRIVILEGE, SYNTAX_ERROR, PgError

from . import register
from .base import UtilityPlan

# Redshift options that only make sense in the cloud: accepted, ignored with a notice
_CLOUD_OPTIONS = {"IAM_ROLE", "CREDENTIALS", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY",
                  "SESSION_TOKEN", "MASTER_SYMMETRIC_KEY", "ENCRYPTED", "MANIFEST", "COMPUPDATE",
                  "STATUPDATE", "ACCEPTINVCHARS", "TRUNCATECOLUMNS", "EMPTYASNULL", "BLANKSASNULL",
                  "FILLRECORD", "TRIMBLANKS", "ROUNDEC", "EXPLICIT_IDS", "DATEFORMAT", "TIMEFORMAT",
                  "ACCEPTANYDATE", "ENCODING"}


@dataclass
class CopyStatement:
    direction: str                 # "in" | "out"
    table: str | None = None
    columns: list[str] = field(default_factory=list)
    query: object | None = None    # StatementText of COPY (query) TO
    source: str = "STDIN"          # STDIN | STDOUT | a file path
    options: dict = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    redshift: bool = False

    def copy_options(self) -> CopyOptions:
        o = self.options
        fmt = o.get("format", "text")
        return CopyOptions.make(fmt, delimiter=o.get("delimiter"), null=o.get("null"),
                                quote=o.get("quote"), escape=o.get("escape"),
                                header=bool(o.get("header", False)), skip_rows=int(o.get("ignoreheader", 0)),
                                max_errors=int(o.get("maxerror", 0)))


def _opt_string(ts, redshift: bool) -> str:
    ts.accept("AS")
    s = ts.string()
    if redshift and "\\" in s:
        # Redshift reads backslash escapes in option strings: QUOTE AS '\"' is a double quote
        s = s.encode("latin-1", "backslashreplace").decode("unicode_escape")
    return s


def _bool_opt(ts) -> bool:
    if ts.word() in ("TRUE", "ON", "1"):
        ts.next()
        return True
    if ts.word() in ("FALSE", "OFF", "0"):
        ts.next()
        return False
    if ts.word() == "MATCH":
        ts.next()
        return True
    return True


def _paren_options(ts, stmt: CopyStatement) -> None:
    ts.next()  # (
    while True:
        key = ts.next().text.upper()
        if key == "FORMAT":
            stmt.options["format"] = ts.next().text.lower()
        elif key in ("DELIMITER", "NULL", "QUOTE", "ESCAPE", "ENCODING"):
            stmt.options[key.lower()] = ts.string()
        elif key == "HEADER":
            stmt.options["header"] = _bool_opt(ts) if not ts.is_type(TokenType.COMMA) and not ts.is_type(
                TokenType.R_PAREN) else True
        elif key in ("FREEZE", "DEFAULT", "FORCE_QUOTE", "FORCE_NOT_NULL", "FORCE_NULL"):
            while not (ts.is_type(TokenType.COMMA) or ts.is_type(TokenType.R_PAREN)):
                ts.next()
        else:
            raise PgError(SYNTAX_ERROR, f'option "{key.lower()}" not recognized', position=ts.tokens[ts.i - 1].start + 1)
        if ts.is_type(TokenType.COMMA):
            ts.next()
            continue
        if ts.is_type(TokenType.R_PAREN):
            ts.next()
            return
        raise ts.error(f'syntax error at or near "{ts.peek().text if ts.peek() else ""}"', at_end=ts.peek() is None)


def _legacy_options(ts, stmt: CopyStatement) -> None:
    rs = stmt.redshift
    while not ts.at_end():
        w = ts.word()
        tok = ts.peek()
        if tok.token_type in (TokenType.STRING,):
            raise ts.error(f"syntax error at or near \"'{tok.text}'\"")
        if w == "WITH":
            ts.next()
            continue
        if w == "BINARY":
            ts.next()
            stmt.options["format"] = "binary"
        elif w == "CSV":
            ts.next()
            stmt.options["format"] = "csv"
        elif w == "FORMAT":
            ts.next()
            ts.accept("AS")
            stmt.options["format"] = ts.next().text.lower()
        elif w == "HEADER":
            ts.next()
            stmt.options["header"] = True
        elif w in ("DELIMITER", "NULL", "QUOTE", "ESCAPE"):
            ts.next()
            stmt.options[w.lower()] = _opt_string(ts, rs)
        elif w in ("IGNOREHEADER", "MAXERROR"):
            ts.next()
            ts.accept("AS")
            stmt.options[w.lower()] = ts.number()
        elif w == "FORCE":
            ts.next()
            ts.accept("NOT")
            ts.accept("NULL") or ts.accept("QUOTE")
            while ts.peek() is not None and ts.peek().token_type in (TokenType.VAR, TokenType.COMMA, TokenType.STAR):
                ts.next()
        elif w in _CLOUD_OPTIONS:
            ts.next()
            stmt.ignored.append(w)
            if not ts.at_end() and (ts.is_string() or ts.word() == "DEFAULT" or ts.is_type(TokenType.NUMBER)):
                ts.accept("AS")
                ts.next()
        elif w in ("GZIP", "BZIP2", "LZOP", "ZSTD", "JSON", "AVRO", "PARQUET", "ORC", "FIXEDWIDTH", "SHAPEFILE"):
            raise PgError(FEATURE_NOT_SUPPORTED, f"COPY option {w} is not supported by redduck",
                          position=tok.start + 1)
        else:
            raise ts.error(f'syntax error at or near "{tok.text}"')


def parse_copy(ts) -> CopyStatement:
    ts.expect("COPY")
    if ts.is_type(TokenType.L_PAREN):
        # COPY (query) TO …: find the matching parenthesis
        depth, start = 0, ts.i
        while True:
            t = ts.next()
            if t.token_type == TokenType.L_PAREN:
                depth += 1
            elif t.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    break
        from ..sqltext import StatementText
        inner = ts.tokens[start + 1:ts.i - 1]
        if not inner:
            raise ts.error("syntax error at or near \")\"")
        text = ts.stmt.sql[inner[0].start - ts.stmt.offset:_end(ts, inner[-1])]
        stmt = CopyStatement("out", query=StatementText(text, inner[0].start, tuple(inner)))
        if not ts.accept("TO"):
            raise ts.error("COPY (query) supports only TO")
    else:
        stmt = CopyStatement("in")
        stmt.table = ts.qualified_name()
        if ts.is_type(TokenType.L_PAREN):
            ts.next()
            while True:
                stmt.columns.append(ts.name())
                if ts.is_type(TokenType.COMMA):
                    ts.next()
                    continue
                if not ts.is_type(TokenType.R_PAREN):
                    raise ts.error(f'syntax error at or near "{ts.peek().text if ts.peek() else ""}"')
                ts.next()
                break
        if ts.accept("FROM"):
            stmt.direction = "in"
        elif ts.accept("TO"):
            stmt.direction = "out"
        else:
            raise ts.error(f'syntax error at or near "{ts.peek().text if ts.peek() else ""}"',
                           at_end=ts.peek() is None)
    if ts.accept("STDIN") or ts.accept("STDOUT"):
        stmt.source = "STDIO"
    elif ts.accept("PROGRAM"):
        raise PgError(INSUFFICIENT_PRIVILEGE, "COPY to or from an external program is not allowed",
                      position=ts.tokens[ts.i - 1].start + 1)
    elif ts.is_string():
        stmt.source = ts.string()
        stmt.redshift = True
    else:
        raise ts.error(f'syntax error at or near "{ts.peek().text if ts.peek() else ""}"', at_end=ts.peek() is None)
    if ts.word() == "WITH" and ts.peek(1) is not None and ts.peek(1).token_type == TokenType.L_PAREN:
        ts.next()
    if ts.is_type(TokenType.L_PAREN):
        _paren_options(ts, stmt)
    _legacy_options(ts, stmt)
    fmt = stmt.options.get("format", "text")
    if fmt not in ("text", "csv", "binary"):
        raise PgError(FEATURE_NOT_SUPPORTED, f'COPY format "{fmt}" not recognized')
    return stmt


def _end(ts, tok) -> int:
    end = tok.end + 1 - ts.stmt.offset
    sql = ts.stmt.sql
    while end < len(sql) and sql[end] in "'\"":
        end += 1
    return end


def _copy(ts):
    stmt = parse_copy(ts)
    return UtilityPlan(lambda s, p: s.copy(stmt), kind="copy", extra={"copy": stmt})


register(("COPY",), _copy)
