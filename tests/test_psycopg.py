"""psycopg 3: parameters, binary, executemany, pipeline, COPY, transactions, errors, cancel."""
import datetime as dt
import decimal
import threading
import time
import uuid

import psycopg
import pytest
from psycopg import errors as pgerr

VALUES = [
    ("int2", 7, "smallint"), ("int4", -123456, "integer"), ("int8", 2**40, "bigint"),
    ("float4", 1.5, "real"), ("float8", 0.1, "double precision"), ("numeric", decimal.Decimal("123.450"), "numeric(10,3)"),
    ("text", "héllo wörld", "text"), ("varchar", "x", "varchar"), ("bool", True, "boolean"),
    ("bytea", b"\x00\x01\xff", "bytea"), ("date", dt.date(2024, 2, 29), "date"),
    ("time", dt.time(13, 14, 15, 123456), "time"),
    ("timestamp", dt.datetime(2024, 1, 2, 3, 4, 5, 678000), "timestamp"),
    ("timestamptz", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "timestamptz"),
    ("interval", dt.timedelta(days=3, seconds=7200), "interval"),
    ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678"), "uuid"),
    ("int4[]", [1, None, 3], "integer[]"), ("text[]", ["a", "b c"], "text[]"),
]


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("name,value,sqltype", VALUES, ids=[v[0] for v in VALUES])
def test_codec_roundtrip(server, name, value, sqltype, binary):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        cur = c.cursor(binary=binary)
        table = f"rt_{name.replace('[]', '_arr')}_{int(binary)}"
        cur.execute(f"drop table if exists {table}")
        cur.execute(f"create table {table} (v {sqltype})")
        cur.execute(f"insert into {table} values (%s), (NULL)", (value,))
        cur.execute(f"select v from {table} where v is not null")
        got = cur.fetchone()[0]
        assert got == value
        cur.execute(f"select v from {table} where v is null")
        assert cur.fetchone()[0] is None


def test_simple_and_server_side_parameters(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        assert c.execute("select %s::int + %s::int", (40, 2)).fetchone()[0] == 42
        c.execute("create table if not exists params_t(a int, b text)")
        c.execute("insert into params_t values (%s, %s)", (1, "one"))
        assert c.execute("select b from params_t where a = %s", (1,)).fetchone()[0] == "one"
        cur = psycopg.ClientCursor(c)
        cur.execute("select %s, %s", ("it's", 5))
        assert cur.fetchone() == ("it's", 5)


def test_executemany_and_rowcount(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table em(a int, b text)")
        cur = c.cursor()
        cur.executemany("insert into em values (%s, %s)", [(i, f"v{i}") for i in range(100)])
        assert c.execute("select count(*), sum(a) from em").fetchone() == (100, 4950)
        cur.execute("update em set b = 'x' where a < 10")
        assert cur.rowcount == 10


def test_pipeline_mode(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table pipe(a int)")
        with c.pipeline():
            for i in range(20):
                c.execute("insert into pipe values (%s)", (i,))
            cur = c.execute("select count(*) from pipe")
        assert cur.fetchone()[0] == 20


@pytest.mark.parametrize("binary", [False, True])
def test_large_result_arrives_whole_and_in_order(server, binary):
    # past the first chunk the batches are encoded several at once: they must still arrive in order
    n = 300_000
    with psycopg.connect(server.dsn()) as c:
        rows = c.cursor(binary=binary).execute(
            "select range::int as i, 'v' || range as s, range * 0.5 as d from range(%s) order by range", (n,)).fetchall()
    assert len(rows) == n
    assert all(r == (i, f"v{i}", i * 0.5) for i, r in enumerate(rows))


@pytest.mark.parametrize("fmt", ["text", "csv", "binary"])
def test_copy_in_and_out(server, fmt):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        t = f"cp_{fmt}"
        c.execute(f"create table {t}(id int, name text, ts timestamp, x double)")
        rows = [(i, f"n\t{i}" if i % 3 else None, dt.datetime(2024, 1, 1, 0, 0, i % 60), i / 3) for i in range(1000)]
        opts = {"text": "", "csv": "(format csv)", "binary": "(format binary)"}[fmt]
        with c.cursor().copy(f"copy {t} from stdin {opts}") as cp:
            if fmt == "binary":
                cp.set_types(["int4", "text", "timestamp", "float8"])
            if fmt == "csv":  # psycopg writes rows in text/binary only; CSV goes as raw data
                cp.write("".join(f'{a},{"" if b is None else chr(34) + b + chr(34)},{ts},{x!r}\n'
                                 for a, b, ts, x in rows))
            else:
                for r in rows:
                    cp.write_row(r)
        assert c.execute(f"select count(*) from {t}").fetchone()[0] == 1000
        got = []
        with c.cursor().copy(f"copy (select * from {t} order by id) to stdout {opts}") as cp:
            if fmt == "binary":
                cp.set_types(["int4", "text", "timestamp", "float8"])
            if fmt == "csv":
                import csv
                import io
                text = b"".join(bytes(d) for d in cp).decode()
                got = [(int(a), b if b != "" else None, dt.datetime.fromisoformat(ts), float(x))
                       for a, b, ts, x in csv.reader(io.StringIO(text))]
            else:
                got = list(cp.rows())
        if fmt == "text":
            got = [(int(a), b, dt.datetime.fromisoformat(ts), float(x)) for a, b, ts, x in got]
        assert got == rows


def test_copy_escapes_and_bytea_in_text_and_csv(server):
    """Text COPY decodes backslash escapes in every column (a number written `\\066` is 6),
    and bytea takes PostgreSQL's input forms (hex `\\x…` and the octal escape form)."""
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table cp_esc(b bytea, t text, i int, j json)")
        with c.cursor().copy("copy cp_esc from stdin") as cp:
            cp.write(b'\\\\x0102\tab\\tc\t5\t{"a": "x\\\\ny"}\n'
                     b"\\\\001a\\\\\\\\\tx\t\\066\t[]\n\\N\t\\N\t\\N\t\\N\n")
        with c.cursor().copy("copy cp_esc from stdin (format csv)") as cp:
            cp.write(b'\\x0a0b,"q,r",7,"{}"\n')
        got = c.execute("select b, t, i, j::text from cp_esc order by i nulls last").fetchall()
        assert got == [(b"\x01\x02", "ab\tc", 5, '{"a": "x\\ny"}'), (b"\x01a\\", "x", 6, "[]"),
                       (b"\n\x0b", "q,r", 7, "{}"), (None, None, None, None)]
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            with c.cursor().copy("copy cp_esc from stdin") as cp:
                cp.write(b"\\\\xzz\tx\t8\t[]\n")
        assert c.execute("select count(*) from cp_esc").fetchone()[0] == 4


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_copy_types_arrow_cannot_parse(server, fmt):
    """Intervals, arrays, enums, uuids and times arrive in PostgreSQL's text forms."""
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        t = f"cp_types_{fmt}"
        c.execute(f"create type {t}_mood as enum ('sad', 'ok')")
        c.execute(f"create table {t}(iv interval, a int[], s text[], m {t}_mood, u uuid, tm time)")
        fields = ["1 year 2 mons -3 days +04:05:06.5", "{1,2,NULL}", '{"a b","c,d"}', "ok",
                  "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "12:34:56.5"]
        sep = "\t" if fmt == "text" else ","
        line = sep.join(f if fmt == "text" or "," not in f else '"' + f.replace('"', '""') + '"' for f in fields)
        with c.cursor().copy(f"copy {t} from stdin" + (" (format csv)" if fmt == "csv" else "")) as cp:
            cp.write((line + "\n").encode())
        c.adapters.register_loader("interval", psycopg.types.string.TextLoader)   # months kept as written
        got = c.execute(f"select iv, a, s, m::text, u, tm from {t}").fetchone()
        assert got == ("1 year 2 mons -3 days +04:05:06.5", [1, 2, None], ["a b", "c,d"], "ok",
                       uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), dt.time(12, 34, 56, 500000))


def test_copy_bad_row_commits_nothing(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table cp_bad(a int, b text)")
        with pytest.raises(psycopg.Error) as ei:
            with c.cursor().copy("copy cp_bad from stdin") as cp:
                cp.write(b"1\tok\n2\tok\nnot_a_number\tbad\n")
        assert "line 3" in str(ei.value) or "line 3" in (ei.value.diag.context or "") or "line 3" in (
            ei.value.diag.message_detail or "")
        assert c.execute("select count(*) from cp_bad").fetchone()[0] == 0
        # bytes that are not UTF-8: 22021 naming the line, in text and CSV (the fuzzer found
        # the text path answering XX000)
        for fmt, where in (("", "(line 2)"), (" with (format csv)", "")):
            with pytest.raises(psycopg.errors.CharacterNotInRepertoire) as ei:
                with c.cursor().copy("copy cp_bad from stdin" + fmt) as cp:
                    sep = b"," if fmt else b"\t"
                    cp.write(b"1" + sep + b"ok\n2" + sep + b"b\xff\xfead\n")
            assert 'invalid byte sequence for encoding "UTF8"' in str(ei.value) and where in str(ei.value)
        assert c.execute("select count(*) from cp_bad").fetchone()[0] == 0


def test_transactions_seen_from_second_connection(server):
    with psycopg.connect(server.dsn()) as a, psycopg.connect(server.dsn(), autocommit=True) as b:
        a.execute("create table tx_vis(a int)")
        a.commit()
        a.execute("insert into tx_vis values (1)")
        assert b.execute("select count(*) from tx_vis").fetchone()[0] == 0
        assert a.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        a.commit()
        assert b.execute("select count(*) from tx_vis").fetchone()[0] == 1
        a.execute("insert into tx_vis values (2)")
        a.rollback()
        assert b.execute("select count(*) from tx_vis").fetchone()[0] == 1


def test_failed_transaction_until_rollback(server):
    with psycopg.connect(server.dsn()) as c:
        with pytest.raises(pgerr.UndefinedTable):
            c.execute("select * from nope_nope")
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(pgerr.InFailedSqlTransaction):
            c.execute("select 1")
        c.rollback()
        assert c.execute("select 1").fetchone()[0] == 1


@pytest.mark.parametrize("query,exc", [
    ("select 1/0", pgerr.DivisionByZero),
    ("select 'abc'::int", pgerr.InvalidTextRepresentation),
    ("select no_col from (select 1 as a) t", pgerr.UndefinedColumn),
    ("select no_such_fn(1)", pgerr.UndefinedFunction),
    ("selec 1", pgerr.SyntaxError),
    ("savepoint s1", pgerr.NoActiveSqlTransaction),
    ("prepare transaction 'x'", pgerr.FeatureNotSupported),
])
def test_errors_have_sqlstate_and_connection_survives(conn, query, exc):
    with pytest.raises(exc):
        conn.execute(query)
    assert conn.execute("select 2").fetchone()[0] == 2


@pytest.mark.parametrize("query,sqlstate,at", [
    # positions as PostgreSQL 15 reports them (checked side by side): the text the error is about
    ("select no_col from (select 1 as a) t", "42703", "no_col"),
    ("select t.no_col from (select 1 as a) t", "42703", "t.no_col"),
    ("select x.a from (select 1 as a) t", "42P01", "x.a"),
    ("select a from (select 1 as a) t\nwhere\n  a + no_col > 1", "42703", "no_col"),
    ("select 1; select no_col from (select 1 as a) t", "42703", "no_col"),
    ("select * from public.no_such_table", "42P01", "public.no_such_table"),
    ("select no_such_fn(1)", "42883", "no_such_fn"),
    ("select abs(1, 2)", "42883", "abs"),
    ("select round()", "42883", "round"),
    ("select 'abc'::int", "22P02", "'abc'"),
    ("select cast('abc' as int)", "22P02", "'abc'"),
    ("select date 'notadate'", "22007", "'notadate'"),
    ("update pos_t set no_col = 1", "42703", "no_col"),
    ("insert into pos_t (no_col) values (1)", "42703", "no_col"),
    ("select * from pos_t p1 join pos_t p2 on p1.no_col = p2.a", "42703", "p1.no_col"),
    ("drop table no_such_table", "42P01", None),          # DDL: no position, as in PostgreSQL
    ("selec 1", "42601", "selec"),                        # no statement starts with a plain name
    ("select * from pos_t where", "42601", ""),           # "syntax error at end of input"
    ("select (1", "42601", ""),
    ("select 1 2", "42601", "2"),
    ("select 1, 'maybe'::boolean", "22P02", "'maybe'"),   # raised by a translation rule
])
def test_errors_point_at_what_they_are_about(conn, query, sqlstate, at):
    conn.execute("create table if not exists pos_t (a int)")
    for _ in range(2):     # the second time from the cached translation
        with pytest.raises(psycopg.Error) as ei:
            conn.execute(query)
        assert ei.value.sqlstate == sqlstate
        pos = ei.value.diag.statement_position
        if at is None:
            assert pos is None
        elif at == "":
            assert int(pos) == len(query) + 1 and "end of input" in str(ei.value)
        else:
            assert pos is not None and query[int(pos) - 1:].startswith(at), (pos, query)


def test_did_you_mean_names_the_users_tables_not_the_catalogs(conn):
    conn.execute("create table if not exists customers_dym (id int)")
    with pytest.raises(pgerr.UndefinedTable) as ei:
        conn.execute("select * from customer_dym")
    assert ei.value.diag.message_hint == 'Did you mean "customers_dym"?'
    with pytest.raises(pgerr.UndefinedTable) as ei:
        conn.execute("select * from nosuch")             # DuckDB's nearest name was pg_sequences
    assert "pg_" not in (ei.value.diag.message_hint or "")
    with pytest.raises(pgerr.UndefinedTable) as ei:
        conn.execute("select * from pg_clas")            # typing a catalog name: that one
    assert ei.value.diag.message_hint == 'Did you mean "pg_class"?'


def test_calls_nothing_matches_are_worded_as_postgresql_words_them(conn):
    with pytest.raises(pgerr.UndefinedFunction) as ei:
        conn.execute("select date '2020-01-01' + 1::bigint")
    assert ei.value.diag.message_primary == "operator does not exist: date + bigint"
    assert ei.value.diag.message_hint.startswith("No operator matches")
    assert ei.value.diag.message_detail is None      # not DuckDB's fifty candidate operators
    with pytest.raises(pgerr.UndefinedFunction) as ei:
        conn.execute("select upper(1)")
    assert ei.value.diag.message_primary == "function upper(integer) does not exist"
    with pytest.raises(pgerr.AmbiguousFunction) as ei:
        conn.execute("select abs('x')")
    assert ei.value.diag.message_primary == "function abs(unknown) is not unique"


def test_truncate_and_drop_of_several_tables_are_all_or_nothing(conn):
    conn.execute("create table tr_a (x int); create table tr_b (x int)")
    conn.execute("insert into tr_a values (1); insert into tr_b values (2)")
    with pytest.raises(pgerr.UndefinedTable):
        conn.execute("truncate tr_a, tr_b, tr_none")      # DuckDB truncates one table a statement
    with pytest.raises(pgerr.UndefinedTable):
        conn.execute("drop table tr_a, tr_none")
    assert conn.execute("select (select count(*) from tr_a), (select count(*) from tr_b)").fetchone() == (1, 1)
    assert conn.execute("truncate tr_a, tr_b restart identity").statusmessage == "TRUNCATE TABLE"
    assert conn.execute("select (select count(*) from tr_a), (select count(*) from tr_b)").fetchone() == (0, 0)
    conn.execute("drop table tr_a, tr_b")
    assert conn.execute("select count(*) from information_schema.tables where table_name like 'tr\\_%'").fetchone()[0] == 0


def test_lock_table_only_in_a_transaction_block(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table if not exists lk_t (x int)")
        with pytest.raises(pgerr.NoActiveSqlTransaction):
            c.execute("lock table lk_t")
    with psycopg.connect(server.dsn()) as c:          # psycopg opens the transaction block
        assert c.execute("lock table lk_t in access exclusive mode").statusmessage == "LOCK TABLE"
        c.commit()


def test_constraint_errors(conn):
    conn.execute("create table uq(a int primary key, b int not null)")
    conn.execute("insert into uq values (1, 1)")
    with pytest.raises(pgerr.UniqueViolation, match='violates unique constraint "uq_pkey"') as e:
        conn.execute("insert into uq values (1, 2)")
    assert (e.value.diag.constraint_name, e.value.diag.table_name, e.value.diag.schema_name) == \
        ("uq_pkey", "uq", "public")
    assert e.value.diag.message_detail == "Key (a)=(1) already exists."
    with pytest.raises(pgerr.NotNullViolation):
        conn.execute("insert into uq values (2, null)")
    conn.execute("create or replace table uq2 (a int, b text unique)")
    conn.execute("insert into uq2 values (1, 'x')")
    with pytest.raises(pgerr.UniqueViolation) as e:
        conn.execute("insert into uq2 values (2, 'x')")
    assert e.value.diag.constraint_name == "uq2_b_key"


def test_cancel_interrupts_running_statement(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        timer = threading.Timer(0.5, c.cancel)
        timer.start()
        t0 = time.monotonic()
        with pytest.raises(pgerr.QueryCanceled):
            c.execute("select count(*) from range(100000000000) a")
        assert time.monotonic() - t0 < 20
        assert c.execute("select 3").fetchone()[0] == 3


def test_statement_timeout(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("set statement_timeout = '300ms'")
        with pytest.raises(pgerr.QueryCanceled, match="statement timeout"):
            c.execute("select count(*) from range(100000000000) a")
        c.execute("set statement_timeout = 0")
        assert c.execute("select 4").fetchone()[0] == 4


def test_named_cursor_streams(server):
    with psycopg.connect(server.dsn()) as c:
        with c.cursor(name="stream") as cur:
            cur.itersize = 100
            cur.execute("select range as i from range(2500)")
            assert sum(1 for _ in cur) == 2500


def test_parameter_status_and_settings(server):
    with psycopg.connect(server.dsn(), autocommit=True, application_name="tests") as c:
        assert c.info.parameter_status("server_version").startswith("15")
        assert c.info.parameter_status("application_name") == "tests"
        c.execute("set application_name = 'other'")
        assert c.info.parameter_status("application_name") == "other"
        assert c.execute("show application_name").fetchone()[0] == "other"
        c.execute("set timezone = 'Europe/Paris'")
        assert c.info.parameter_status("TimeZone") == "Europe/Paris"
        assert c.execute("select current_setting('TimeZone')").fetchone()[0] == "Europe/Paris"
        assert c.execute("select pg_backend_pid()").fetchone()[0] == c.info.backend_pid


def test_duckdb_types_map_to_postgres_oids(conn):
    conn.execute("drop type if exists mood")
    conn.execute("create type mood as enum ('sad', 'happy')")
    cur = conn.execute("select 12345678901234567890::hugeint as h, 18446744073709551615::ubigint as u, "
                       "{'a': 1, 'b': 'x'} as s, [1, 2, NULL]::int[] as l, [{'k': 1}] as ls, "
                       "'happy'::mood as e, '{\"j\": [1, 2]}'::json as j")
    oids = [d.type_code for d in cur.description]
    # an enum value is of its enum type, as PostgreSQL describes it (its values travel as text)
    mood_oid = conn.execute("select oid from pg_type where typname = 'mood'").fetchone()[0]
    assert oids == [1700, 1700, 114, 1007, 114, mood_oid, 114] and mood_oid >= 16384
    row = cur.fetchone()
    assert row[0] == 12345678901234567890 and row[1] == 18446744073709551615
    assert row[2] == {"a": 1, "b": "x"} and row[3] == [1, 2, None] and row[4] == [{"k": 1}]
    assert row[5] == "happy" and row[6] == {"j": [1, 2]}
    from psycopg.types.enum import EnumInfo, register_enum
    register_enum(EnumInfo.fetch(conn, "mood"), conn)   # psycopg's enum adapter finds the type by its OID
    for binary in (False, True):
        value = conn.cursor(binary=binary).execute("select 'happy'::mood").fetchone()[0]
        assert value.name == "happy" and type(value).__name__ == "Mood"


def test_functions_postgresql_types_integer_arrive_as_int4(conn):
    conn.execute("create table int4_fns (s text, a int[])")
    conn.execute("insert into int4_fns values ('héllo', array[1, 2, 3])")
    cur = conn.execute("select length(s), char_length(s), octet_length(s), position('l' in s), strpos(s, 'l'), "
                       "ascii(s), array_length(a, 1), cardinality(a), array_position(a, 2), length(s)::int8 "
                       "from int4_fns where length(s) > 2")
    assert [d.type_code for d in cur.description] == [23] * 9 + [20]
    assert cur.fetchone() == (5, 5, 6, 3, 3, 104, 3, 3, 2, 5)


def test_interval_unit_abbreviations_and_percentiles_of_numeric(conn):
    # sqlglot wrote `interval '90 min'` as INTERVAL '90' MIN, which DuckDB refused as a syntax error
    row = conn.execute("select '12:00'::time + interval '90 min', interval '2 mons 3 hrs', "
                       "date '2020-01-31' + interval '1 mon', interval '1' day").fetchone()
    assert row == (dt.time(13, 30), dt.timedelta(days=60, hours=3), dt.datetime(2020, 2, 29), dt.timedelta(days=1))
    conn.execute("create table pct (v numeric(8, 2))")
    conn.execute("insert into pct values (100.50), (150.25), (200), (50)")
    # PostgreSQL sorts a numeric as double precision here; DuckDB rounded to the column's scale
    assert conn.execute("select percentile_cont(0.5) within group (order by v) from pct").fetchone()[0] == 125.375


def test_json_and_jsonb_parameters(conn):
    from psycopg.types.json import Json, Jsonb
    conn.execute("create table js(a json)")
    conn.execute("insert into js values (%s), (%s)", (Json({"x": 1}), Jsonb([1, "two"])))
    assert [r[0] for r in conn.execute("select a from js").fetchall()] == [{"x": 1}, [1, "two"]]


def test_copy_maxerror_skips_rows_that_do_not_convert(server):
    import os
    path = os.path.join(server.import_dir, "maxerror.csv")
    with open(path, "w") as f:
        f.write("id,amount,day\n1,1.5,2024-01-01\nx,2.5,2024-01-02\n3,abc,2024-01-03\n4,4.5,2024-13-01\n5,5.5,\n")
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        notices = []
        c.add_notice_handler(lambda d: notices.append(d.message_primary))
        c.execute("drop table if exists maxerr")
        c.execute("create table maxerr (id int, amount double precision, day date)")
        cur = c.execute(f"copy maxerr from '{path}' csv ignoreheader 1 maxerror 5")
        assert cur.statusmessage == "COPY 2"
        assert c.execute("select id, amount, day::text from maxerr order by id").fetchall() == [
            (1, 1.5, "2024-01-01"), (5, 5.5, None)]
        assert any("skipped 3" in n and "lines: 3, 4, 5" in n for n in notices), notices
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            c.execute(f"copy maxerr from '{path}' csv ignoreheader 1 maxerror 2")
        assert c.execute("select count(*) from maxerr").fetchone() == (2,)   # nothing of the failed COPY


def test_a_multi_statement_query_is_one_implicit_transaction(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("drop table if exists implicit_t")
        c.execute("create table implicit_t (a int primary key)")
        with pytest.raises(psycopg.errors.UniqueViolation):
            c.execute("insert into implicit_t values (1); insert into implicit_t values (1)")
        assert c.execute("select count(*) from implicit_t").fetchone() == (0,)   # the first insert too
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with pytest.raises(psycopg.errors.UniqueViolation):
            c.execute("insert into implicit_t values (2); commit; insert into implicit_t values (2)")
        assert c.execute("select array_agg(a) from implicit_t").fetchone() == ([2],)   # committed before
        c.execute("begin; insert into implicit_t values (3)")    # BEGIN makes the block explicit
        assert c.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        c.execute("rollback")
        assert c.execute("select count(*) from implicit_t").fetchone() == (1,)


def test_explain_in_postgresql_shape(server):
    import re
    node = re.compile(r"^(\s*->  )?[A-Z][A-Za-z ]+( on \w+)?  \(cost=\d+\.\d\d\.\.\d+\.\d\d rows=\d+ width=\d+\)")
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table ex_t as select range as a, range % 7 as g from range(1000)")
        cur = c.execute("explain select g, count(*) from ex_t where a > 10 group by g order by 2 desc limit 3")
        assert [d.name for d in cur.description] == ["QUERY PLAN"]
        plan = [r[0] for r in cur.fetchall()]
        assert node.match(plan[0]) and plan[0].startswith("Limit")
        assert any(line.startswith("  ->  ") for line in plan)
        assert any("Seq Scan on ex_t" in line for line in plan) and any("Group Key:" in line for line in plan)
        assert all(node.match(line) or re.match(r"^\s+[A-Z][\w ]+: ", line) for line in plan)
        analyzed = [r[0] for r in c.execute("explain analyze select * from ex_t where a > 10").fetchall()]
        assert "actual time=" in analyzed[0] and "rows=989" in analyzed[0]
        assert analyzed[-1].startswith("Execution Time: ") and analyzed[-2].startswith("Planning Time: ")
        # DuckDB profiles no operator for a count(*) it reads from metadata: the plan is still shown
        assert node.match(c.execute("explain analyze select count(*) from ex_t").fetchone()[0])


def test_enum_order_against_string_literals(server):
    """PostgreSQL reads the literal as an enum value: order is the enum's, not the labels'."""
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create type eo_mood as enum ('sad', 'ok', 'happy')")
        c.execute("create table eo_t (n text, f eo_mood)")
        c.execute("insert into eo_t values ('a', 'sad'), ('b', 'ok'), ('c', 'happy')")
        assert [r[0] for r in c.execute("select n from eo_t where f > 'sad' order by n")] == ["b", "c"]
        assert [r[0] for r in c.execute("select n from eo_t t where t.f between 'ok' and 'happy' order by n")] \
            == ["b", "c"]
        assert [r[0] for r in c.execute("select n from eo_t where f < 'ok' order by f")] == ["a"]
        with pytest.raises(pgerr.InvalidTextRepresentation):
            c.execute("select n from eo_t where f > 'nope'")


def test_read_only_transactions_refuse_writes(conn):
    conn.execute("create or replace table ro_t (a int)")
    conn.execute("begin read only")
    assert conn.execute("select count(*) from ro_t").fetchone() == (0,)
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match="cannot execute INSERT in a read-only"):
        conn.execute("insert into ro_t values (1)")
    conn.execute("rollback")
    conn.execute("set default_transaction_read_only = on")
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction, match="CREATE TABLE"):
        conn.execute("create table ro_t2 (a int)")
    conn.execute("set default_transaction_read_only = off")
    conn.execute("insert into ro_t values (1)")
    assert conn.execute("select count(*) from ro_t").fetchone() == (1,)


def test_current_setting_follows_set(conn):
    for name in ("first", "second"):   # the translation of current_setting() was cached with the old value
        conn.execute(f"set application_name = '{name}'")
        assert conn.execute("select current_setting('application_name')").fetchone() == (name,)


def test_current_setting_of_unknown_names_is_postgresqls(conn):
    # DuckDB's own options are not settings a client can see: 42704, as for any unknown name
    for name in ("streaming_buffer_size", "preserve_insertion_order", "no_such_setting", "myapp.user_id"):
        with pytest.raises(psycopg.errors.UndefinedObject, match=f'unrecognized configuration parameter "{name}"'):
            conn.execute(f"select current_setting('{name}')")
        with pytest.raises(psycopg.errors.UndefinedObject):
            conn.execute(f"select current_setting('{name}', false)")
        # missing_ok: NULL instead (the custom-setting pattern of row-level security)
        assert conn.execute(f"select current_setting('{name}', true)").fetchone() == (None,)
    conn.execute("set myapp.user_id = '42'")
    assert conn.execute("select current_setting('myapp.user_id', true), current_setting('myapp.user_id')").fetchone() \
        == ("42", "42")
    assert conn.execute("select current_setting('TimeZone', true) = current_setting('timezone')").fetchone() == (True,)


def test_set_is_transactional(conn):
    conn.execute("set application_name = 'before'")
    conn.execute("begin")
    conn.execute("set local statement_timeout = '5s'")
    conn.execute("set application_name = 'inside'")
    assert conn.execute("show statement_timeout").fetchone() == ("5s",)
    conn.execute("commit")   # SET LOCAL ends with its transaction; SET stays
    assert conn.execute("show statement_timeout").fetchone() == ("0",)
    assert conn.execute("show application_name").fetchone() == ("inside",)
    conn.execute("begin")
    conn.execute("set application_name = 'rolled back'")
    conn.execute("set myapp.user_id = '5'")   # a custom setting, first set in a transaction
    conn.execute("rollback")
    assert conn.execute("show application_name").fetchone() == ("inside",)
    assert conn.info.parameter_status("application_name") == "inside"


def test_integrity_errors_read_as_postgresql_words_them(conn):
    conn.execute("drop table if exists ie_kid")
    conn.execute("drop table if exists ie_par")
    conn.execute("create table ie_par (id int primary key)")
    conn.execute("create table ie_kid (id int, par_id int references ie_par (id), n int check (n > 0))")
    conn.execute("insert into ie_par values (1)")
    with pytest.raises(pgerr.ForeignKeyViolation) as e:
        conn.execute("insert into ie_kid values (1, 999, 1)")
    assert e.value.diag.message_primary == \
        'insert or update on table "ie_kid" violates foreign key constraint "ie_kid_par_id_fkey"'
    assert e.value.diag.message_detail == 'Key (par_id)=(999) is not present in table "ie_par".'
    assert e.value.diag.constraint_name == "ie_kid_par_id_fkey"
    with pytest.raises(pgerr.CheckViolation) as e:
        conn.execute("insert into ie_kid values (1, 1, -5)")
    assert e.value.diag.message_primary == 'new row for relation "ie_kid" violates check constraint "ie_kid_n_check"'
    # as PostgreSQL prints the check: doubled parentheses plain, single ones pretty (psql's \d)
    assert conn.execute("select pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) from pg_constraint "
                        "where conname = 'ie_kid_n_check'").fetchone() == ("CHECK ((n > 0))", "CHECK (n > 0)")
    with pytest.raises(pgerr.NumericValueOutOfRange, match="^integer out of range"):
        conn.execute("select 2147483647::int4 + 1::int4")
    with pytest.raises(pgerr.NumericValueOutOfRange, match="^smallint out of range"):
        conn.execute("select 100000::smallint")


def test_extra_float_digits_zero_and_below(conn):
    conn.execute("create or replace table efd (x double precision, y real)")
    conn.execute("insert into efd select 0.1::float8 + 0.2::float8, 1::real / 3::real")
    conn.execute("set extra_float_digits = 0")
    assert conn.execute("select 0.1::float8 + 0.2::float8").fetchone() == (0.3,)   # a constant
    assert conn.execute("select x, y::text from efd").fetchone()[0] == 0.3          # a table, Arrow path
    assert conn.execute("select y from efd").fetchone()[0] == pytest.approx(0.333333, abs=1e-9)
    conn.execute("set extra_float_digits = -3")
    assert conn.execute("select x from efd").fetchone()[0] == 0.3
    conn.execute("set extra_float_digits = 1")
    assert conn.execute("select x from efd").fetchone()[0] == 0.30000000000000004


def test_timestamptz_literals_read_in_the_session_zone(conn):
    import datetime as _dt
    conn.execute("create or replace table tzl (t timestamptz)")
    conn.execute("set timezone = 'America/New_York'")
    try:
        conn.execute("insert into tzl values ('2020-06-01 12:00'), ('2020-06-01 12:00+00')")
        got = [r[0].astimezone(_dt.timezone.utc) for r in conn.execute("select t from tzl order by t").fetchall()]
        assert got == [_dt.datetime(2020, 6, 1, 12, tzinfo=_dt.timezone.utc),
                       _dt.datetime(2020, 6, 1, 16, tzinfo=_dt.timezone.utc)]
        value = conn.execute("select '2020-06-01 12:00'::timestamptz").fetchone()[0]
        assert value.astimezone(_dt.timezone.utc).hour == 16
    finally:
        conn.execute("set timezone = 'UTC'")


def test_zone_arithmetic_in_the_session_zone(conn):
    conn.execute("set timezone = 'America/New_York'")
    try:
        row = conn.execute("select extract(hour from '2020-06-01 12:00+00'::timestamptz), "
                           "date_trunc('day', '2020-06-01 02:00+00'::timestamptz)::text, "
                           "'2020-06-01 02:00+00'::timestamptz::date, "
                           "extract(hour from '2020-06-01 12:00'::timestamptz)").fetchone()
        # PostgreSQL 15 in the same zone: 8, 2020-05-31 00:00:00-04, 2020-05-31, 12
        assert (int(row[0]), row[2].isoformat(), int(row[3])) == (8, "2020-05-31", 12)
        assert row[1].startswith("2020-05-31")
    finally:
        conn.execute("set timezone = 'UTC'")


def test_statements_that_read_duckdb_itself_while_a_cursor_is_open(server):
    """GRANT … ON ALL TABLES IN SCHEMA and GRANT ON SCHEMA read DuckDB's catalog on the session's
    cursor: with a cursor half read they answered XX000 ("connection has an open result")."""
    with psycopg.connect(server.dsn()) as c:
        c.execute("create table if not exists pc_open as select range::int as i from range(100000)")
        c.execute("create role pc_reader")
        schema = c.execute("select current_schema()").fetchone()[0]
        c.commit()
        with c.cursor(name="pc_half") as cur:
            cur.execute("select i from pc_open")
            assert [r[0] for r in cur.fetchmany(10)] == list(range(10))
            c.execute(f"grant select on all tables in schema {schema} to pc_reader")
            c.execute(f"grant usage on schema {schema} to pc_reader")
            assert [r[0] for r in cur.fetchmany(5)] == list(range(10, 15))
            assert len(cur.fetchall()) == 100000 - 15
        c.commit()
        assert c.execute("select has_table_privilege('pc_reader', 'pc_open', 'SELECT')").fetchone() == (True,)


@pytest.mark.parametrize("binary", [False, True])
def test_streamed_repeat_of_a_large_result_encodes_every_type_alike(server, binary):
    """The second run of a large query reads a relation's stream (engine/rowsource.py): each
    type comes out as it did the first time, in text and in binary."""
    q = ("select i, i::smallint as s, i * 0.5 as d, (i * 1.25)::numeric(12, 2) as n, i % 2 = 0 as b, "
         "'t' || i as t, date '2020-01-01' + i::int as dt, timestamp '2020-01-01' + i * interval '1 minute' as ts, "
         "timestamptz '2020-01-01 00:00+00' + i * interval '1 hour' as tz, i * interval '1 day 2 hours' as iv, "
         "md5(i::text)::uuid as u, [i, i + 1] as arr, ('\\x' || lpad(to_hex(i % 256), 2, '0'))::bytea as by "
         "from range(300) t(i) order by i")
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        runs = [c.cursor(binary=binary).execute(q).fetchall() for _ in range(3)]
    assert len(runs[0]) == 300
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][7][9] == dt.timedelta(days=7, hours=14)
    assert runs[0][255][12] == b"\xff"
