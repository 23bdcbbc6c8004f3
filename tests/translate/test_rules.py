"""Rewrite rules, one line each: PostgreSQL in, the DuckDB SQL redduck runs out."""
import pytest

from redduck.engine.sqltext import split_statements
from redduck.engine.translate import TranslateContext, Translator
from redduck.protocol.errors import PgError

CASES = [
    # column names as PostgreSQL derives them
    ("SELECT strpos(a, b) FROM t", 'SELECT CAST(STRPOS(a, b) AS INT) AS "strpos" FROM t'),
    ("SELECT length(s), array_length(a, 1)::int8 FROM t",
     'SELECT CAST(LENGTH(s) AS INT) AS "length", CAST(ARRAY_LENGTH(a, 1) AS BIGINT) AS "array_length" FROM t'),
    ("SELECT 2 ^ 10", 'SELECT POWER(2, 10) AS "?column?"'),
    ("SELECT sum(1), avg(1)", 'SELECT CAST(SUM(1) AS BIGINT) AS "sum", AVG(1) AS "avg"'),
    ("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY a) FROM t",
     'SELECT QUANTILE_DISC(a, 0.5 ORDER BY a) AS "percentile_disc" FROM t'),
    ("SELECT interval '90 min', interval '1' day", "SELECT INTERVAL '90 min' AS \"interval\", INTERVAL '1 day' AS \"interval\""),
    ("SELECT true AND NULL", 'SELECT TRUE AND NULL AS "?column?"'),
    ("SELECT row_number() OVER () FROM t", 'SELECT ROW_NUMBER() OVER () AS "row_number" FROM t'),
    ("SELECT 1::text::int", 'SELECT CAST(CAST(1 AS TEXT) AS INT) AS "int4"'),
    ("SELECT trim(a) FROM t", 'SELECT TRIM(a) AS "btrim" FROM t'),
    ("SELECT 1 INTERSECT SELECT 1", 'SELECT 1 AS "?column?" INTERSECT SELECT 1 AS "?column?"'),
    ("SELECT pg_catalog.pg_backend_pid()", 'SELECT CAST(0 AS INT) AS "pg_backend_pid"'),
    # PostgreSQL functions DuckDB spells differently
    ("SELECT format('%s-%I', a, b) FROM t",
     "SELECT COALESCE(CAST(a AS TEXT), '') || '-' || redduck_pg.quote_ident(CAST(b AS TEXT)) AS \"format\" FROM t"),
    ("SELECT encode(b, 'base64') FROM t", 'SELECT TO_BASE64(b) AS "encode" FROM t'),
    ("SELECT decode(s, 'hex') FROM t", 'SELECT UNHEX(s) AS "decode" FROM t'),
    ("SELECT to_hex(255)", 'SELECT LOWER(HEX(255)) AS "to_hex"'),
    ("SELECT 'yes'::boolean", 'SELECT TRUE AS "bool"'),
    ("SELECT '\\x0102'::bytea", "SELECT UNHEX('0102') AS \"bytea\""),
    ("SELECT 'abc' SIMILAR TO 'a%'", "SELECT REGEXP_MATCHES('abc', '^(a.*)$') AS \"?column?\""),
    ("SELECT 1.50::numeric, '1e3'::numeric, 3::numeric", 'SELECT CAST(1.50 AS DECIMAL(3, 2)) AS "numeric", '
     'CAST(1000 AS DECIMAL(4, 0)) AS "numeric", CAST(3 AS DECIMAL(1, 0)) AS "numeric"'),
    ("""SELECT '{a,"b,c",NULL}'::text[], '{}'::int[]""",
     'SELECT CAST([\'a\', \'b,c\', NULL] AS TEXT[]) AS "text", CAST([] AS INT[]) AS "int4"'),
    ("SELECT 10.0 / 4, 1 / 3::numeric, 7 / 2, 1::float4 / 3",
     'SELECT CAST(2.5000000000000000 AS DECIMAL(17, 16)) AS "?column?", '
     'CAST(0.33333333333333333333 AS DECIMAL(21, 20)) AS "?column?", 7 / 2 AS "?column?", '
     'CAST(1 AS DOUBLE) / 3 AS "?column?"'),
    ("CREATE TABLE t (a FLOAT(53), b FLOAT(10))", "CREATE TABLE t (a DOUBLE, b REAL)"),
    ("SELECT 'abc'::varchar(2)", "SELECT CAST('ab' AS TEXT(2)) AS \"varchar\""),
    # json and pattern functions
    ("SELECT json_agg(x ORDER BY y) FROM t", 'SELECT TO_JSON(LIST(x ORDER BY y)) AS "json_agg" FROM t'),
    ("SELECT jsonb_extract_path_text(j, 'a', 'b/c') FROM t",
     "SELECT JSON_EXTRACT_STRING(CAST(j AS JSON), '/a' || '/b~1c') AS \"jsonb_extract_path_text\" FROM t"),
    ("SELECT substring(s FROM 'b(.)') FROM t",
     "SELECT CASE WHEN REGEXP_MATCHES(s, 'b(.)') THEN REGEXP_EXTRACT(s, 'b(.)', 1) END AS \"substring\" FROM t"),
    ("SELECT regexp_matches(s, '(b)(c)') FROM t",
     "SELECT UNNEST(CASE WHEN REGEXP_MATCHES(s, '(b)(c)') THEN [[REGEXP_EXTRACT(s, '(b)(c)', 1), "
     "REGEXP_EXTRACT(s, '(b)(c)', 2)]] ELSE [] END) AS \"regexp_matches\" FROM t"),
    ("SELECT 1 FROM t WHERE s LIKE ANY (ARRAY['a%', 'b%'])",
     "SELECT 1 AS \"?column?\" FROM t WHERE LEN(LIST_FILTER(['a%', 'b%'], LAMBDA rd_p : s LIKE rd_p ESCAPE '\\')) > 0"),
    ("SELECT 1 + 'a'", "SELECT 1 + CAST('a' AS INT) AS \"?column?\""),
    ("SELECT extract(epoch FROM ts) FROM t", 'SELECT CAST(EPOCH(ts) AS DECIMAL(38, 6)) AS "extract" FROM t'),
    # LIKE escapes with a backslash, as in PostgreSQL
    ("SELECT a FROM t WHERE a LIKE 'x\\_%'", "SELECT a FROM t WHERE a LIKE 'x\\_%' ESCAPE '\\'"),
    # privileges and the current role
    ("SELECT has_table_privilege('t', 'SELECT')",
     "SELECT REDDUCK_PRIVILEGE('table', CAST('alice' AS TEXT), CAST('t' AS TEXT), CAST('SELECT' AS TEXT)) "
     "AS \"has_table_privilege\""),
    ("SELECT session_user", "SELECT 'alice' AS \"session_user\""),
    # reg* casts
    ("SELECT 'x'::regclass::text", "SELECT redduck_pg.redduck_regclass_name(redduck_pg.redduck_regclass('x')) AS \"text\""),
    ("SELECT c.oid::regclass::text FROM pg_class c",
     'SELECT redduck_pg.redduck_regclass_name(c.oid) AS "oid" FROM redduck_pg.pg_class AS c'),
    # transaction ids: age(xid) and ::xid, as DataGrip uses them
    ("SELECT age(xmin) FROM pg_class", 'SELECT REDDUCK_XID_AGE(xmin) AS "age" FROM redduck_pg.pg_class AS pg_class'),
    ("SELECT age('5'::varchar::xid)", "SELECT REDDUCK_XID_AGE(CAST(CAST('5' AS TEXT) AS BIGINT)) AS \"age\""),
    ("SELECT age(ts) FROM t", 'SELECT AGE(ts) AS "age" FROM t'),
    # json builders with PostgreSQL's spacing; date_part keeps its name
    ("SELECT json_build_array(1)", "SELECT CAST('[' || CONCAT_WS(', ', COALESCE(CAST(TO_JSON(1) AS TEXT), 'null')) "
                                   "|| ']' AS JSON) AS \"json_build_array\""),
    ("SELECT date_part('hour', ts) FROM t", 'SELECT EXTRACT(HOUR FROM ts) AS "date_part" FROM t'),
    # this database named in a column reference
    ("SELECT memory.public.t.a FROM t", "SELECT public.t.a FROM t"),
    ("SELECT current_schemas(true)", 'SELECT redduck_pg.current_schemas(TRUE) AS "current_schemas"'),
    # SERIAL and IDENTITY columns become sequences
    ("CREATE TABLE t (id SERIAL PRIMARY KEY, v TEXT)",
     "CREATE OR REPLACE SEQUENCE t_id_seq; CREATE TABLE t (id INT DEFAULT NEXTVAL('t_id_seq') PRIMARY KEY, v TEXT)"),
    ("CREATE TABLE IF NOT EXISTS t (id BIGINT GENERATED ALWAYS AS IDENTITY)",
     "CREATE SEQUENCE IF NOT EXISTS t_id_seq; CREATE TABLE IF NOT EXISTS t (id BIGINT DEFAULT NEXTVAL('t_id_seq') "
     "NOT NULL)"),
]


@pytest.fixture(scope="module")
def translate():
    tr = Translator()
    ctx = TranslateContext(user="alice")
    return lambda sql: tr.translate(split_statements(sql)[0], ctx).sql


@pytest.mark.parametrize("sql,expected", CASES)
def test_rule(translate, sql, expected):
    assert translate(sql) == expected


def test_bad_boolean_literal_is_22p02(translate):
    with pytest.raises(PgError) as e:
        translate("SELECT 'maybe'::boolean")
    assert e.value.code == "22P02"


def test_bad_format_specifier_is_22023(translate):
    with pytest.raises(PgError) as e:
        translate("SELECT format('%x', 1)")
    assert e.value.code == "22023"


def test_another_database_in_a_column_is_0a000(translate):
    with pytest.raises(PgError) as e:
        translate("SELECT other.public.t.a FROM t")
    assert e.value.code == "0A000" and "cross-database" in e.value.message


def test_enum_column_against_a_string_compares_positions():
    ctx = TranslateContext(user="alice", column_type=lambda table, column, tables: (
        "ENUM('sad', 'ok', 'happy')" if column == "f" else "VARCHAR"))
    sql = Translator().translate(split_statements("SELECT n FROM em WHERE f > 'sad' AND n > 'a'")[0], ctx).sql
    assert sql == "SELECT n FROM em WHERE f > CAST('sad' AS ENUM('sad', 'ok', 'happy')) AND n > 'a'"


_TYPES = {"tags": "VARCHAR[]", "dt": "DATE", "i": "INTEGER", "big": "BIGINT", "n": "DECIMAL(10,2)", "d": "DOUBLE", "b": "BLOB", "s": "VARCHAR"}


def _typed(sql: str) -> str:
    ctx = TranslateContext(user="alice", column_type=lambda table, column, tables: (
        list(_TYPES) if column is None else _TYPES.get(column)))
    return Translator().translate(split_statements(sql)[0], ctx).sql


@pytest.mark.parametrize("sql, expected", [
    ("SELECT sum(i), sum(big), sum(d) FROM t",
     'SELECT CAST(SUM(i) AS BIGINT) AS "sum", SUM(big) AS "sum", SUM(d) AS "sum" FROM t'),
    ("SELECT avg(i), avg(n), avg(d) FROM t",
     'SELECT CAST(AVG(i) AS DECIMAL(38, 16)) AS "avg", CAST(AVG(n) AS DECIMAL(38, 16)) AS "avg", '
     'AVG(d) AS "avg" FROM t'),
    ("SELECT array[1, 2] || 3, 0 || array[1], tags || 'x', tags || tags, s || 'x' FROM t",
     "SELECT LIST_APPEND([1, 2], 3) AS \"?column?\", LIST_PREPEND(0, [1]) AS \"?column?\", "
     "LIST_APPEND(tags, 'x') AS \"?column?\", tags || tags AS \"?column?\", s || 'x' AS \"?column?\" FROM t"),
    ("SELECT sum(i * 2 + i), sum(i * big), sum(i * d) FROM t",
     'SELECT CAST(SUM(i * 2 + i) AS BIGINT) AS "sum", SUM(i * big) AS "sum", SUM(i * d) AS "sum" FROM t'),
    ("SELECT sum(i) OVER (ORDER BY d) FROM t",
     'SELECT CAST(SUM(i) OVER (ORDER BY d) AS BIGINT) AS "sum" FROM t'),
    ("INSERT INTO t (s, b) VALUES ('\\x01', '\\x0aff')", "INSERT INTO t (s, b) VALUES ('\\x01', UNHEX('0aff'))"),
    ("INSERT INTO t (s, dt) VALUES (('x'), ('2020-01-02 +00'))", "INSERT INTO t (s, dt) VALUES (('x'), ('2020-01-02'))"),
])
def test_rules_that_read_column_types(sql, expected):
    assert _typed(sql) == expected
