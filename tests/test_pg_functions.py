"""PostgreSQL functions and operators DuckDB has not or spells otherwise, through a real
server and psycopg. Each expected value is what PostgreSQL 15 returns for the same query."""
from decimal import Decimal

import psycopg
import pytest

CASES = [
    ("select array_remove(array[1,2,1], 1), array_replace(array[1,2,1], 1, 9)", ([2], [9, 2, 9])),
    ("select array_positions(array[1,2,1], 1), array_dims(array[1,2]), array_ndims(array[1,2])",
     ([1, 3], "[1:2]", 1)),
    ("select trim_array(array[1,2,3], 1), array_fill(7, array[3]), cardinality(array[1,2])", ([1, 2], [7, 7, 7], 2)),
    ("select num_nonnulls(1, null, 2), num_nulls(1, null)", (2, 1)),
    ("select width_bucket(5, 0, 10, 5), width_bucket(-1, 0, 10, 5), width_bucket(10, 0, 10, 5)", (3, 0, 6)),
    ("select get_byte('\\x1234'::bytea, 0), convert_from('\\x616263'::bytea, 'UTF8')", (18, "abc")),
    ("""select jsonb_typeof('{"a":1}'), json_typeof('[1]'), jsonb_typeof('"x"'), jsonb_array_length('[1,2,3]')""",
     ("object", "array", "string", 3)),
    ("""select jsonb_extract_path('{"a":{"b":[5,6]}}', 'a', 'b', '1'), """
     """jsonb_extract_path_text('{"a":{"b":1}}', 'a', 'b')""", (6, "1")),
    ("""select to_jsonb(1), jsonb_strip_nulls('{"a":null,"b":1}')""", (1, {"b": 1})),
    ("select json_agg(x order by x desc), jsonb_agg(x) from (values (1),(2)) v(x)", ([2, 1], [1, 2])),
    ("select regexp_matches('abc', '(b)(c)')", (["b", "c"],)),
    ("select substring('abcdef' from 'c.'), substring('abcdef' from 'c(.)'), substring('abc' from 'z')",
     ("cd", "d", None)),
    ("select 1 where 'abc' like any (array['a%', 'z%'])", (1,)),
    ("select count(*) from (values ('abc')) v(s) where s like all (array['a%', 'z%'])", (0,)),
    ("select '1e3'::numeric, '1.50'::numeric, 'abc'::varchar(2)", (Decimal("1000"), Decimal("1.50"), "ab")),
    ("select to_date('05 Dec 2000', 'DD Mon YYYY')::text", ("2000-12-05",)),
    ("select 10.0 / 4, 1 / 3::numeric, 2 / 3.0, 1::float4 / 3, 7 / 2",
     (Decimal("2.5000000000000000"), Decimal("0.33333333333333333333"), Decimal("0.66666666666666666667"),
      0.3333333333333333, 3)),
    ("select statement_timestamp() is not null, clock_timestamp() is not null", (True, True)),
]

ROWS = [
    ("""select * from jsonb_each_text('{"a":1,"b":"x"}') order by 1""", [("a", "1"), ("b", "x")]),
    ("""select key, value from jsonb_each('{"a":1,"b":"x"}') order by 1""", [("a", 1), ("b", "x")]),
    ("""select jsonb_object_keys('{"a":1,"b":2}') order by 1""", [("a",), ("b",)]),
    ("""select * from json_array_elements_text('[1,"a"]')""", [("1",), ("a",)]),
    ("""select jsonb_array_elements('[1,"a"]')""", [(1,), ("a",)]),
    ("select * from regexp_split_to_table('a1b2c', '[0-9]')", [("a",), ("b",), ("c",)]),
    ("select string_to_table('a,b', ',')", [("a",), ("b",)]),
    ("select regexp_matches('a1b2', '([a-z])([0-9])', 'g')", [(["a", "1"],), (["b", "2"],)]),
]


@pytest.mark.parametrize("sql, expected", CASES)
def test_function(conn, sql, expected):
    assert conn.execute(sql).fetchone() == expected


@pytest.mark.parametrize("sql, expected", ROWS)
def test_set_returning_function(conn, sql, expected):
    assert conn.execute(sql).fetchall() == expected


def test_result_columns_are_named_as_postgresql_names_them(conn):
    cur = conn.execute("select json_agg(1), jsonb_typeof('1'), num_nulls(1), width_bucket(1, 0, 2, 2)")
    assert [d.name for d in cur.description] == ["json_agg", "jsonb_typeof", "num_nulls", "width_bucket"]


def test_unquoted_names_fold_to_lower_case(conn):
    conn.execute('drop table if exists "FoldMe"')
    conn.execute('create table "FoldMe" ("Kept" int, Folded int)')
    cur = conn.execute('select 1 as Total, "Kept", FOLDED, count(*) AS "Cnt" from "FoldMe" group by all')
    assert [d.name for d in cur.description] == ["total", "Kept", "folded", "Cnt"]
    assert conn.execute("select attname from pg_attribute where attrelid = '\"FoldMe\"'::regclass "
                        "and attnum > 0 order by attnum").fetchall() == [("Kept",), ("folded",)]


def test_ddl_forms_postgresql_takes(conn):
    conn.execute("drop table if exists ddl_kid")
    conn.execute("drop table if exists ddl_a, ddl_like, ddl_gen, ddl_nodata")
    conn.execute("create table ddl_a (id serial primary key, name text, created timestamp default now())")
    conn.execute("insert into ddl_a (name) values ('x'), ('y')")
    conn.execute("create table ddl_like (like ddl_a)")
    assert [d.name for d in conn.execute("select * from ddl_like").description] == ["id", "name", "created"]
    assert conn.execute("create table ddl_nodata as select * from ddl_a with no data").statusmessage.startswith(
        ("CREATE TABLE AS", "SELECT"))
    assert conn.execute("select count(*) from ddl_nodata").fetchone() == (0,)
    conn.execute("create table ddl_gen (a int, b int generated always as (a * 2) stored)")
    conn.execute("insert into ddl_gen (a) values (3)")
    assert conn.execute("select b from ddl_gen").fetchone() == (6,)
    conn.execute("create index ddl_a_name on ddl_a using btree (name)")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="gin"):
        conn.execute("create index ddl_a_gin on ddl_a using gin (name)")
    conn.execute("create sequence ddl_seq increment by 5 start with 100 no maxvalue cache 1")
    assert conn.execute("select nextval('ddl_seq'), nextval('ddl_seq')").fetchone() == (100, 105)
    notices = []
    conn.add_notice_handler(lambda d: notices.append((d.severity, d.message_primary)))
    conn.execute("create table ddl_kid (id int, a_id int references ddl_a (id) on delete cascade)")
    assert notices and notices[0][0] == "WARNING" and "ON DELETE CASCADE" in notices[0][1]
    conn.execute("truncate ddl_gen restart identity cascade")
    assert conn.execute("select count(*) from ddl_gen").fetchone() == (0,)
    conn.execute("drop table ddl_kid, ddl_like, ddl_gen cascade")
    assert conn.execute("select count(*) from pg_class where relname in ('ddl_kid', 'ddl_like', 'ddl_gen')"
                        ).fetchone() == (0,)


def test_select_into_creates_a_table(conn):
    conn.execute("drop table if exists si_src, si_dst")
    conn.execute("create table si_src as select * from range(3) r(i)")
    cur = conn.execute("select * into si_dst from si_src")
    assert cur.statusmessage == "SELECT 3" and cur.description is None
    assert conn.execute("select count(*) from si_dst").fetchone() == (3,)


def test_materialized_views_are_always_current(conn):
    conn.execute("drop view if exists mv_v")
    conn.execute("create or replace table mv_src (a int)")
    conn.execute("create materialized view mv_v as select count(*) as n from mv_src")
    conn.execute("insert into mv_src values (1), (2)")
    assert conn.execute("refresh materialized view mv_v").statusmessage == "REFRESH MATERIALIZED VIEW"
    assert conn.execute("select n from mv_v").fetchone() == (2,)
    conn.execute("refresh materialized view concurrently public.mv_v with data")
    with pytest.raises(psycopg.errors.UndefinedTable):
        conn.execute("refresh materialized view mv_nope")


def test_sum_of_integer_arithmetic_is_bigint(conn):
    conn.execute("create or replace table sa_t (a int, b smallint)")
    conn.execute("insert into sa_t values (2, 3), (4, 5)")
    total, = conn.execute("select sum(a * b + 1) from sa_t").fetchone()
    assert type(total) is int and total == 28
