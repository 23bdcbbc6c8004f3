"""Running COPY: client streams and import-directory files into tables, tables to clients.

COPY data is decoded into Arrow batches in redduck (protocol.codecs.copy_format) and
inserted by one INSERT that pulls them as they are decoded (one statement for the whole
stream: DuckDB's parallel insert, none of a statement's cost per batch), inside one
transaction, so a bad row commits nothing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from redduck.protocol.codecs.copy_format import CopyOptions, decode_copy_in, wire_schema
from redduck.protocol.errors import (FEATURE_NOT_SUPPORTED, INSUFFICIENT_PRIVILEGE, UNDEFINED_TABLE,
                                     PgError)

from .errors import from_duckdb
from .result import Result
from .types import oid_of

_BATCH_VIEW = "__redduck_copy_batch"


@dataclass
class CopyInTarget:
    table: str
    columns: list[str]
    schema: pa.Schema
    options: CopyOptions
    oids: list[int]
    duck_types: list[str]


def _quote(name: str) -> str:
    return ".".join('"' + p.replace('"', '""') + '"' for p in name.split("."))


def _target(session, stmt) -> CopyInTarget:
    cur = session.cursor
    session._detach_all()
    session.ensure_transaction()
    try:
        rel = cur.sql(f"SELECT * FROM {_quote(stmt.table)} LIMIT 0")
    except duckdb.CatalogException:
        raise PgError(UNDEFINED_TABLE, f'relation "{stmt.table}" does not exist') from None
    all_cols = list(rel.columns)
    cols = stmt.columns or all_cols
    lower = {c.lower(): c for c in all_cols}
    missing = [c for c in cols if c.lower() not in lower]
    if missing:
        raise PgError("42703", f'column "{missing[0]}" of relation "{stmt.table}" does not exist')
    cols = [lower[c.lower()] for c in cols]
    types = dict(zip(all_cols, rel.types))
    arrow = cur.sql(f"SELECT {', '.join(_quote(c) for c in cols)} FROM {_quote(stmt.table)} LIMIT 0").to_arrow_table()
    return CopyInTarget(stmt.table, cols, arrow.schema, stmt.copy_options(), [oid_of(str(types[c])) for c in cols],
                        [str(types[c]) for c in cols])


def _select_list(target: CopyInTarget, decoded: pa.Schema) -> str:
    """The decoded batch's columns, cast in SQL where they arrive as PostgreSQL's text
    (intervals, arrays, enums, structs: Arrow cannot parse those)."""
    out = []
    for field, want, duck_type in zip(decoded, target.schema, target.duck_types):
        col = _quote(field.name)
        if field.type == want.type:
            out.append(col)
        elif pa.types.is_interval(want.type):
            out.append(f"CAST(replace({col}, '+', '') AS INTERVAL)")   # DuckDB reads no '+02:00'
        elif pa.types.is_list(want.type) or pa.types.is_large_list(want.type):
            # PostgreSQL's {a,"b c",NULL} is DuckDB's [a,"b c",NULL] (one dimension)
            out.append(f"CAST('[' || {col}[2:-2] || ']' AS {duck_type})")
        else:
            out.append(f"CAST({col} AS {duck_type})")
    return ", ".join(out)


def start_copy(session, stmt) -> Result:
    if stmt.direction == "out":
        if stmt.source != "STDIO":
            raise PgError(INSUFFICIENT_PRIVILEGE, "COPY to a server file is not allowed",
                          hint="Use COPY … TO STDOUT (psql: \\copy).")
        return _copy_out(session, stmt)
    _authorize_copy_in(session, stmt)
    target = _target(session, stmt)
    notices = [PgError("00000", f"COPY option {o} is ignored by redduck", severity="NOTICE")
               for o in stmt.ignored]
    if stmt.source == "STDIO":
        return Result(copy_in=target, notices=notices)
    path = _server_file(session, stmt.source)
    with open(path, "rb") as f:
        res = finish_copy_in(session, target, f)
    res.notices = notices + res.notices
    return res


def _authorize_copy_in(session, stmt) -> None:
    """INSERT on the table; reading a server file needs pg_read_server_files as well."""
    auth = session.engine.authorizer
    if session.engine.security.is_superuser(session.user):
        return
    if stmt.source != "STDIO":
        auth.check_server_files(session.user, "read")
    from .security.authorize import table_ref
    try:
        auth.check_table(session.user, table_ref(stmt.table), "INSERT", session.search_path())
    except PgError:
        session._mark_failed()
        raise


def _server_file(session, source: str) -> str:
    if "://" in source:
        scheme = source.split("://", 1)[0]
        raise PgError(FEATURE_NOT_SUPPORTED,
                      f"COPY from {scheme}:// is not available: this server has no network access to object stores",
                      hint="Copy the file into an --import-dir folder and COPY from its path.")
    dirs = session.engine.import_dirs
    real = os.path.realpath(source if os.path.isabs(source) else os.path.join(dirs[0] if dirs else ".", source))
    if not any(real == d or real.startswith(d + os.sep) for d in dirs):
        raise PgError(INSUFFICIENT_PRIVILEGE, f'could not open file "{source}" for reading: permission denied',
                      hint="Server files may be read only from the server's --import-dir folders.")
    if not os.path.isfile(real):
        raise PgError("58P01", f'could not open file "{source}" for reading: No such file or directory')
    return real


def finish_copy_in(session, target: CopyInTarget, source) -> Result:
    """Decode all of `source` and insert it; nothing is kept if any row is bad."""
    cur = session.cursor
    own_tx = session.tx == "I"
    cols = ", ".join(_quote(c) for c in target.columns)
    total = 0
    notices = []
    session._detach_all()
    if own_tx:
        cur.execute("BEGIN TRANSACTION")
    else:
        session.ensure_transaction()
        session.tx_unreplayable = "the transaction ran COPY FROM"
    failure: list = []
    try:
        opts = target.options
        skipped: list = []
        decoded = target.schema if opts.format == "binary" else wire_schema(target.schema)
        batches = _capturing(decode_copy_in(source, decoded, opts, skipped=skipped), failure)
        cur.register(_BATCH_VIEW, pa.RecordBatchReader.from_batches(decoded, batches))
        try:
            cur.execute(f"INSERT INTO {_quote(target.table)} ({cols}) "
                        f"SELECT {_select_list(target, decoded)} FROM {_BATCH_VIEW}")
            total = cur.fetchone()[0]
        except duckdb.Error:
            if failure:   # the decoder's own error, not DuckDB's wrapping of it
                raise failure[0] from None
            raise
        finally:
            _unregister(cur)
        if failure:
            raise failure[0]
        if own_tx:
            cur.execute("COMMIT")
    except PgError:
        _abort(session, own_tx)
        raise
    except duckdb.Error as e:
        _abort(session, own_tx)
        raise from_duckdb(e) from None
    except Exception:
        _abort(session, own_tx)
        raise
    if target.options.max_errors and skipped:
        lines = ", ".join(str(n) for n in skipped[:20] if n is not None)
        notices.append(PgError("00000", f"COPY skipped {len(skipped)} malformed row(s) (MAXERROR "
                               f"{target.options.max_errors}); lines: {lines}", severity="NOTICE"))
    session.engine.bump_data()
    return Result(tag=f"COPY {total}", notices=notices)


def _unregister(cur) -> None:
    try:
        cur.unregister(_BATCH_VIEW)
    except duckdb.Error:
        pass   # an aborted transaction refuses it; the next COPY's registration replaces it


def _capturing(batches, failure: list):
    """The decoder's batches for DuckDB to pull; an exception is kept for the caller, since
    DuckDB turns an error inside the scan into a generic one."""
    try:
        for batch in batches:
            if batch.num_rows:
                yield batch
    except BaseException as e:
        failure.append(e)
        raise


def _abort(session, own_tx: bool) -> None:
    if own_tx:
        try:
            session.cursor.execute("ROLLBACK")
        except duckdb.Error:
            pass
        _unregister(session.cursor)
    else:
        session._mark_failed()


def _copy_out(session, stmt) -> Result:
    if stmt.query is not None:
        plan = session.plan(stmt.query)
    else:
        from .sqltext import split_statements
        cols = ", ".join(_quote(c) for c in stmt.columns) if stmt.columns else "*"
        plan = session.plan(split_statements(f"SELECT {cols} FROM {_quote(stmt.table)}")[0])
    if not plan.returns_rows:
        raise PgError("42601", "COPY query must return rows")
    res = session.execute(plan)
    res.copy_out = stmt.copy_options()
    res.tag_prefix = "COPY"
    return res
