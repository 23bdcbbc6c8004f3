"""Column types as PostgreSQL shows them, although DuckDB keeps one VARCHAR for text,
varchar(n) and char(n): psql's \\d, information_schema, RowDescription, SQLAlchemy and
pgjdbc-style catalog queries, through DDL changes, rollbacks and a restart."""
import psycopg
import pytest
import sqlalchemy as sa

from tests.conftest import psql

_DDL = ("create table ct_t (a text, b varchar(40), c char(3), d character varying, j json, "
        "tags text[], ns int[], m ct_mood, n numeric(10,2))")


def _schema(c):
    c.execute("drop table if exists ct_t")
    c.execute("drop type if exists ct_mood")
    c.execute("create type ct_mood as enum ('low', 'high')")   # labels no other test's enum has
    c.execute(_DDL)


def _types(c, table="ct_t"):
    return c.execute("select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
                     "join pg_class r on r.oid = a.attrelid where r.relname = %s and a.attnum > 0 "
                     "order by a.attnum", [table]).fetchall()


def test_psql_and_information_schema_show_declared_types(server, conn):
    _schema(conn)
    d = psql(server, "-A", "-c", "\\d ct_t").stdout
    shown = [tuple(line.split("|")[:2]) for line in d.splitlines()[2:] if line.count("|") == 4]
    assert shown == [("a", "text"), ("b", "character varying(40)"), ("c", "character(3)"),
                     ("d", "character varying"), ("j", "json"), ("tags", "text[]"), ("ns", "integer[]"),
                     ("m", "ct_mood"), ("n", "numeric(10,2)")], d
    info = conn.execute("select column_name, data_type, udt_name, character_maximum_length "
                        "from information_schema.columns where table_name = 'ct_t' order by ordinal_position"
                        ).fetchall()
    assert info == [("a", "text", "text", None), ("b", "character varying", "varchar", 40),
                    ("c", "character", "bpchar", 3), ("d", "character varying", "varchar", None),
                    ("j", "json", "json", None), ("tags", "ARRAY", "_text", None), ("ns", "ARRAY", "_int4", None),
                    ("m", "USER-DEFINED", "ct_mood", None), ("n", "numeric", "numeric", None)]


def test_result_columns_carry_the_declared_type(conn):
    _schema(conn)
    conn.execute("insert into ct_t (a, b, c, m) values ('x', 'y', 'z', 'high')")
    desc = conn.execute("select a, b, c, m from ct_t").description
    mood = conn.execute("select oid from pg_type where typname = 'ct_mood'").fetchone()[0]
    assert [(d.name, d.type_code) for d in desc] == [("a", 25), ("b", 1043), ("c", 1042), ("m", mood)]
    assert desc[1].internal_size is None and desc[1].display_size == 40


def test_ddl_changes_keep_the_types_in_step(conn):
    _schema(conn)
    conn.execute("alter table ct_t rename column b to bb")
    conn.execute("alter table ct_t alter column c type varchar(9)")
    conn.execute("alter table ct_t add column e varchar(7)")
    conn.execute("alter table ct_t drop column d")
    conn.execute("alter table ct_t rename to ct_t2")
    got = dict(_types(conn, "ct_t2"))
    assert (got["bb"], got["c"], got["e"], got["a"]) == ("character varying(40)", "character varying(9)",
                                                          "character varying(7)", "text")
    assert "d" not in got
    conn.execute("create table if not exists ct_t2 (a varchar(1))")   # exists: nothing changes
    assert dict(_types(conn, "ct_t2"))["a"] == "text"
    conn.execute("drop table ct_t2")
    conn.execute("create table ct_t2 (bb text)")   # the same name again: its own types
    assert _types(conn, "ct_t2") == [("bb", "text")]
    conn.execute("drop table ct_t2")


def test_a_rolled_back_create_leaves_no_declared_type(conn):
    conn.execute("drop table if exists ct_rb")
    conn.execute("begin")
    conn.execute("create table ct_rb (a varchar(5))")
    conn.execute("rollback")
    conn.execute("create table ct_rb as select 'x'::text as a")
    assert _types(conn, "ct_rb") == [("a", "text")]
    conn.execute("drop table ct_rb")


def test_declared_types_survive_a_restart(fresh_server):
    fresh_server.start()
    with psycopg.connect(fresh_server.dsn(), autocommit=True) as c:
        c.execute("create table kept (a varchar(12), b text)")
    fresh_server.stop()
    fresh_server.start()
    with psycopg.connect(fresh_server.dsn(), autocommit=True) as c:
        assert _types(c, "kept") == [("a", "character varying(12)"), ("b", "text")]


def test_sqlalchemy_reflects_lengths(server, conn):
    _schema(conn)
    eng = sa.create_engine(server.sqlalchemy_url("psycopg") if hasattr(server, "sqlalchemy_url") else
                           f"postgresql+psycopg://tester@127.0.0.1:{server.port}/{server.dbname}")
    cols = {c["name"]: c["type"] for c in sa.inspect(eng).get_columns("ct_t")}
    eng.dispose()
    assert isinstance(cols["a"], sa.Text) and isinstance(cols["b"], sa.String) and cols["b"].length == 40
    assert cols["c"].length == 3 and isinstance(cols["tags"], sa.ARRAY) and cols["m"].enums == ["low", "high"]


@pytest.mark.parametrize("sql, expected", [
    ("select sum(x), avg(x), sum(y) from (values (1, 2.5), (2, 3.5)) v(x, y)", None),   # not a table: DuckDB's
    ("select every(v) from (values (true), (false)) t(v)", [(False,)]),
    ("select pg_typeof(1), pg_typeof(1.5), pg_typeof('a'::text), pg_typeof(array[1])",
     [("integer", "numeric", "text", "integer[]")]),
    ("""select '{"a": 1}'::jsonb ? 'a', '{"a": 1}'::jsonb ? 'b', '["x"]'::jsonb ?| array['x', 'y'], """
     """'{"a": 1, "b": 2}'::jsonb ?& array['a', 'c']""", [(True, False, True, False)]),
])
def test_postgresql_functions_and_operators(conn, sql, expected):
    got = conn.execute(sql).fetchall()
    if expected is not None:
        assert got == expected


def test_aggregates_of_table_columns_are_typed_as_postgresql_types_them(conn):
    from decimal import Decimal
    conn.execute("create or replace table ct_agg (i int, n numeric(10,2), d double precision)")
    conn.execute("insert into ct_agg values (1, 1.50, 1.0), (2, 2.25, 2.0)")
    s, a, an, sd = conn.execute("select sum(i), avg(i), avg(n), sum(d) from ct_agg").fetchone()
    assert type(s) is int and s == 3
    assert a == Decimal("1.5000000000000000") and an == Decimal("1.8750000000000000") and sd == 3.0


def test_bytea_literal_inserted_as_hex(conn):
    conn.execute("create or replace table ct_bin (b bytea)")
    conn.execute("insert into ct_bin values ('\\x0102ff')")
    assert conn.execute("select b, octet_length(b) from ct_bin").fetchone() == (b"\x01\x02\xff", 3)


def test_sql_functions_become_macros(conn):
    conn.execute("create or replace table ct_fn (id int)")
    conn.execute("insert into ct_fn values (1), (2), (3)")
    assert conn.execute("create function ct_addone(x int) returns int as $$ select x + 1 $$ language sql"
                        ).statusmessage == "CREATE FUNCTION"
    conn.execute("create function ct_add(int, int) returns int language sql as 'select $1 + $2'")
    conn.execute("create function ct_above(n int) returns table (id int) language sql "
                 "as $$ select id from ct_fn where id > n $$")
    conn.execute("create function ct_count() returns bigint language sql as $$ select count(*) from ct_fn $$")
    assert conn.execute("select ct_addone(41), ct_add(2, 3), ct_count()").fetchone() == (42, 5, 3)
    assert conn.execute("select * from ct_above(1) order by 1").fetchall() == [(2,), (3,)]
    conn.execute("drop function ct_addone(int)")
    with pytest.raises(psycopg.errors.UndefinedFunction):
        conn.execute("select ct_addone(1)")


@pytest.mark.parametrize("sql", [
    "create function ct_pl() returns int language plpgsql as $$ begin return 1; end $$",
    "do $$ begin perform 1; end $$",
])
def test_procedural_code_is_0a000(conn, sql):
    with pytest.raises(psycopg.errors.FeatureNotSupported):
        conn.execute(sql)
    assert conn.execute("select 1").fetchone() == (1,)


def test_character_lengths_are_enforced_on_insert_and_update(conn):
    conn.execute("create or replace table ct_len (code varchar(5), flag char(2), note text)")
    conn.execute("insert into ct_len values ('abcde', 'y', 'anything at all')")
    conn.execute("insert into ct_len values (%s, %s, %s)", ["ab       ", "n", "x"])   # spaces past 5 are cut
    with pytest.raises(psycopg.errors.StringDataRightTruncation, match=r"character varying\(5\)"):
        conn.execute("insert into ct_len values ('abcdef', 'y', '')")
    with pytest.raises(psycopg.errors.StringDataRightTruncation, match=r"character\(2\)"):
        conn.execute("insert into ct_len (flag) values (%s)", ["yes"])
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        conn.execute("update ct_len set code = 'toolong'")
    assert conn.execute("select code from ct_len order by code").fetchall() == [("ab   ",), ("abcde",)]
