"""PostgreSQL compatibility: the same constructs against redduck and a throwaway
PostgreSQL 15 side by side; prints how many give the same answer and which do not.

The answer compared is what a client sees: column names and the text of every value,
or the SQLSTATE when the statement fails. Each construct is one statement, or a list run
in order whose last result is compared. A second, stricter count also compares each
column's type OID and an error's position (the P field psql draws its caret from).

    .venv/bin/python benchmarks/compat.py [-v]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.peers import PostgresPeer, RedduckPeer  # noqa: E402

SETUP = [
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
    "CREATE TABLE cp_dept (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE)",
    "CREATE TABLE cp_emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, dept_id INTEGER REFERENCES cp_dept (id), "
    "salary NUMERIC(10,2) DEFAULT 1000.00, hired DATE, active BOOLEAN DEFAULT true, feeling mood, "
    "note VARCHAR(100))",
    "CREATE INDEX cp_emp_name_idx ON cp_emp (name)",
    "CREATE VIEW cp_active AS SELECT id, name FROM cp_emp WHERE active",
    "COMMENT ON TABLE cp_emp IS 'employees'",
    "COMMENT ON COLUMN cp_emp.salary IS 'monthly, in euros'",
    "INSERT INTO cp_dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty')",
    "INSERT INTO cp_emp VALUES (1, 'ann', 1, 5000.50, '2020-01-15', true, 'happy', NULL), "
    "(2, 'bob', 1, 4000, '2021-06-01', true, 'ok', 'x'), (3, 'cy', 2, NULL, NULL, false, 'sad', NULL), "
    "(4, 'dee', NULL, 3000.25, '2019-11-30', true, NULL, 'y')",
]

CONSTRUCTS = [
    # ---------------------------------------------------------------- literals, arithmetic, formatting
    "SELECT 1", "SELECT 1 AS one, 'a' AS letter", "SELECT 10 / 3, 10 % 3, -7 / 2", "SELECT 10.0 / 4",
    "SELECT 2 ^ 10", "SELECT 1.5::float8, 0.1::float8 + 0.2::float8", "SELECT 1e100::float8, -0.0::float8",
    "SELECT 'NaN'::float8, 'Infinity'::float8", "SELECT 1::float4 / 3", "SELECT 123.456::numeric(10,2)",
    "SELECT CAST(3.14159 AS numeric(5,2))", "SELECT 1.50::numeric, 0.000::numeric", "SELECT 2147483647::int8 + 1",
    "SELECT 2147483647 + 1", "SELECT 32767::int2 + 1::int2", "SELECT 1 / 0", "SELECT 1.0 / 0", "SELECT sqrt(2)",
    "SELECT round(2.5), round(-2.5), round(1.2345, 2)", "SELECT trunc(1.7), ceil(1.2), floor(-1.2)",
    "SELECT abs(-3), mod(10, 3), power(2, 3)", "SELECT exp(1), ln(10), log(100)",
    "SELECT greatest(1, 2, 3), least(1, 2, 3)", "SELECT coalesce(NULL, 1), nullif(1, 1), nullif(1, 2)",
    "SELECT 'abc' || 'def', 'x' || 1", "SELECT length('abc'), upper('abc'), lower('ABC')",
    "SELECT substring('hello' FROM 2 FOR 3), substr('hello', 2)", "SELECT position('l' IN 'hello'), strpos('hello', 'l')",
    "SELECT replace('hello', 'l', 'L'), translate('hello', 'el', 'ip')", "SELECT trim('  x  '), ltrim('  x'), rtrim('x  ')",
    "SELECT lpad('5', 3, '0'), rpad('5', 3, '*')", "SELECT left('hello', 2), right('hello', 2), repeat('ab', 3)",
    "SELECT reverse('abc'), split_part('a,b,c', ',', 2)", "SELECT initcap('hello world')",
    "SELECT concat('a', NULL, 'b'), concat_ws('-', 'a', NULL, 'b')", "SELECT format('%s-%s', 'a', 'b')",
    "SELECT format('%I', 'Foo Bar'), format('%L', 'it''s')", "SELECT quote_ident('Foo'), quote_ident('foo')",
    "SELECT quote_literal('it''s')", "SELECT md5('a')", "SELECT to_hex(255), chr(65), ascii('A')",
    "SELECT 'a' LIKE 'A', 'a' ILIKE 'A', 'abc' ~ 'b', 'abc' !~ 'z'", "SELECT regexp_replace('abc', 'b', 'X')",
    "SELECT 'abc' SIMILAR TO 'a%'", "SELECT starts_with('hello', 'he')", "SELECT btrim('xxhixx', 'x')",
    "SELECT octet_length('héllo'), char_length('héllo'), bit_length('a')",
    # ---------------------------------------------------------------- booleans, NULLs, CASE
    "SELECT true, false, NULL::boolean", "SELECT 't'::boolean, 'yes'::boolean, 'off'::boolean",
    "SELECT true AND NULL, false AND NULL, true OR NULL", "SELECT NULL IS NULL, 1 IS NOT NULL, NULL = NULL",
    "SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL",
    "SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END", "SELECT CASE 2 WHEN 1 THEN 'x' ELSE 'y' END",
    "SELECT 5 BETWEEN 1 AND 10, 5 IN (1, 2), 5 NOT IN (1, 2)", "SELECT 'maybe'::boolean",
    # ---------------------------------------------------------------- dates and times
    "SELECT DATE '2024-01-31'", "SELECT DATE '2024-01-31' + 1", "SELECT DATE '2024-03-01' - DATE '2024-01-01'",
    "SELECT TIMESTAMP '2024-01-01 12:34:56'", "SELECT TIMESTAMP '2024-01-01 12:34:56.789'",
    "SELECT TIMESTAMPTZ '2024-01-01 12:00:00+02'", "SELECT TIME '12:34:56'", "SELECT INTERVAL '1 day 2 hours'",
    "SELECT INTERVAL '90 minutes'", "SELECT INTERVAL '1 year 2 months 3 days'",
    "SELECT TIMESTAMP '2024-01-31 00:00' + INTERVAL '1 month'", "SELECT date_trunc('month', TIMESTAMP '2024-05-17 10:00')",
    "SELECT extract(year FROM DATE '2024-05-17'), extract(dow FROM DATE '2024-05-17')",
    "SELECT date_part('hour', TIMESTAMP '2024-05-17 10:30')", "SELECT to_char(TIMESTAMP '2024-05-17 10:30', 'YYYY-MM-DD HH24:MI')",
    "SELECT make_date(2024, 2, 29)", "SELECT '2024-02-30'::date", "SELECT now()::date = current_date",
    "SELECT TIMESTAMP '2024-01-01' < TIMESTAMP '2024-01-02'", "SELECT '2024-05-17'::date::timestamp",
    "SELECT to_date('2024-05-17', 'YYYY-MM-DD')", "SELECT age(TIMESTAMP '2024-05-17', TIMESTAMP '2024-01-01')",
    "SELECT extract(epoch FROM TIMESTAMP '2024-01-01 00:00:00')", "SELECT DATE '2024-01-01' + INTERVAL '1 day'",
    # ---------------------------------------------------------------- arrays, json, uuid, bytea
    "SELECT ARRAY[1, 2, 3]", "SELECT ARRAY['a', 'b']", "SELECT (ARRAY[1, 2, 3])[2]", "SELECT array_length(ARRAY[1, 2], 1)",
    "SELECT cardinality(ARRAY[1, 2, 3])", "SELECT array_to_string(ARRAY[1, 2], ',')", "SELECT string_to_array('a,b', ',')",
    "SELECT unnest(ARRAY[1, 2])", "SELECT array_upper(ARRAY[1, 2, 3], 1), array_lower(ARRAY[1, 2, 3], 1)",
    "SELECT 2 = ANY(ARRAY[1, 2]), 3 = ALL(ARRAY[3, 3])", "SELECT ARRAY[1, NULL, 3]", "SELECT array_append(ARRAY[1], 2)",
    "SELECT '{\"a\": 1}'::json ->> 'a'", "SELECT '{\"a\": {\"b\": 2}}'::jsonb -> 'a' ->> 'b'",
    "SELECT '[1, 2]'::jsonb", "SELECT '{\"a\": 1}'::jsonb", "SELECT json_build_object('a', 1)",
    "SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "SELECT '\\x0102'::bytea", "SELECT 'abc'::bytea",
    "SELECT encode('abc'::bytea, 'base64')", "SELECT encode('abc'::bytea, 'hex')",
    # ---------------------------------------------------------------- queries over the schema
    "SELECT * FROM cp_emp ORDER BY id", "SELECT name, salary FROM cp_emp WHERE salary > 3500 ORDER BY name",
    "SELECT count(*), count(salary), sum(salary), avg(salary) FROM cp_emp", "SELECT avg(id) FROM cp_emp",
    "SELECT dept_id, count(*) FROM cp_emp GROUP BY dept_id ORDER BY dept_id NULLS FIRST",
    "SELECT dept_id, count(*) FROM cp_emp GROUP BY dept_id HAVING count(*) > 1",
    "SELECT e.name, d.name FROM cp_emp e JOIN cp_dept d ON d.id = e.dept_id ORDER BY 1",
    "SELECT e.name, d.name FROM cp_emp e LEFT JOIN cp_dept d ON d.id = e.dept_id ORDER BY 1",
    "SELECT d.name FROM cp_dept d WHERE NOT EXISTS (SELECT 1 FROM cp_emp e WHERE e.dept_id = d.id)",
    "SELECT name FROM cp_emp WHERE dept_id IN (SELECT id FROM cp_dept WHERE name = 'eng') ORDER BY name",
    "SELECT name, row_number() OVER (ORDER BY salary DESC NULLS LAST) FROM cp_emp ORDER BY 2",
    "SELECT name, rank() OVER (PARTITION BY dept_id ORDER BY salary) FROM cp_emp ORDER BY name",
    "SELECT name, lag(name) OVER (ORDER BY id) FROM cp_emp ORDER BY id",
    "SELECT sum(salary) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM cp_emp ORDER BY id",
    "SELECT DISTINCT ON (dept_id) dept_id, name FROM cp_emp ORDER BY dept_id, name",
    "SELECT name FROM cp_emp ORDER BY salary NULLS FIRST, name", "SELECT name FROM cp_emp ORDER BY id LIMIT 2 OFFSET 1",
    "SELECT name FROM cp_emp ORDER BY id FETCH FIRST 2 ROWS ONLY",
    "SELECT 1 UNION SELECT 2 ORDER BY 1", "SELECT 1 UNION ALL SELECT 1", "SELECT 1 INTERSECT SELECT 1",
    "SELECT 1 EXCEPT SELECT 2",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) FROM r",
    "WITH x AS (SELECT name FROM cp_emp WHERE active) SELECT count(*) FROM x",
    "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(n, s) ORDER BY n",
    "SELECT d.name, x.c FROM cp_dept d, LATERAL (SELECT count(*) AS c FROM cp_emp e WHERE e.dept_id = d.id) x ORDER BY 1",
    "SELECT string_agg(name, ',' ORDER BY name) FROM cp_emp", "SELECT array_agg(id ORDER BY id) FROM cp_emp",
    "SELECT bool_and(active), bool_or(active) FROM cp_emp", "SELECT min(hired), max(hired) FROM cp_emp",
    "SELECT feeling, count(*) FROM cp_emp GROUP BY feeling ORDER BY feeling",
    "SELECT name FROM cp_emp WHERE feeling > 'sad' ORDER BY name", "SELECT count(*) FROM cp_active",
    "SELECT generate_series(1, 3)", "SELECT * FROM generate_series(1, 10, 4)",
    "SELECT stddev_samp(salary)::numeric(10,2) FROM cp_emp", "SELECT salary * 2 FROM cp_emp WHERE id = 1",
    "SELECT count(DISTINCT dept_id) FROM cp_emp", "SELECT name FROM cp_emp WHERE note IS NULL ORDER BY 1",
    "SELECT * FROM cp_emp WHERE name = $$ann$$",
    # ---------------------------------------------------------------- session functions and settings
    "SELECT current_database()", "SELECT current_schema", "SELECT current_schema()", "SELECT current_user = session_user",
    "SELECT current_setting('server_version_num')", "SELECT current_setting('integer_datetimes')",
    "SHOW TimeZone", "SHOW DateStyle", "SHOW search_path", "SHOW standard_conforming_strings", "SHOW client_encoding",
    "SHOW max_identifier_length", "SHOW server_encoding", "SHOW transaction_isolation", "SHOW integer_datetimes",
    ["SET application_name = 'compat'", "SHOW application_name"],
    ["SET TimeZone = 'UTC'", "SELECT TIMESTAMPTZ '2024-01-01 12:00:00+02'"],
    ["SET extra_float_digits = 0", "SELECT 0.1::float8 + 0.2::float8"],
    ["SET search_path = public", "SHOW search_path"],
    ["SET statement_timeout = '5s'", "SHOW statement_timeout"],
    "SELECT set_config('application_name', 'x', false)", "SHOW nonexistent_setting",
    "SELECT pg_backend_pid() > 0", "SELECT pg_is_in_recovery()", "SELECT txid_current() > 0",
    "SELECT version() LIKE 'PostgreSQL 15%'", "SELECT pg_encoding_to_char(6)",
    # ---------------------------------------------------------------- catalog
    "SELECT relname, relkind FROM pg_class WHERE relname LIKE 'cp\\_%' ORDER BY relname",
    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1",
    "SELECT a.attname, a.attnum, a.attnotnull FROM pg_attribute a WHERE a.attrelid = 'cp_emp'::regclass "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'cp_emp'::regclass "
    "AND a.attnum > 0 ORDER BY a.attnum",
    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid "
    "AND a.attnum = d.adnum WHERE d.adrelid = 'cp_emp'::regclass AND a.attname = 'active'",
    "SELECT typname, typlen FROM pg_type WHERE oid IN (16, 20, 23, 25, 701, 1043, 1082, 1114, 1700) ORDER BY oid",
    "SELECT 'int4'::regtype::oid, 'text'::regtype::oid", "SELECT 'cp_emp'::regclass::text",
    "SELECT to_regclass('cp_emp') IS NOT NULL, to_regclass('nope')", "SELECT format_type(1043, 44), format_type(1700, 655366)",
    "SELECT conname, contype FROM pg_constraint WHERE conrelid = 'cp_emp'::regclass ORDER BY contype, conname",
    "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = 'cp_emp'::regclass AND contype = 'f'",
    "SELECT conkey FROM pg_constraint WHERE conrelid = 'cp_emp'::regclass AND contype = 'p'",
    "SELECT i.indisprimary, i.indisunique FROM pg_index i WHERE i.indrelid = 'cp_dept'::regclass ORDER BY 1",
    "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' "
    "AND table_name LIKE 'cp%' ORDER BY 1",
    "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'cp_emp' "
    "ORDER BY ordinal_position",
    "SELECT column_name, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns "
    "WHERE table_name = 'cp_emp' AND column_name IN ('note', 'salary') ORDER BY 1",
    "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'cp_emp' "
    "AND column_default IS NOT NULL ORDER BY 1",
    "SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('public', 'information_schema', "
    "'pg_catalog') ORDER BY 1",
    "SELECT constraint_type FROM information_schema.table_constraints WHERE table_name = 'cp_emp' ORDER BY 1",
    "SELECT column_name FROM information_schema.key_column_usage WHERE table_name = 'cp_emp' ORDER BY 1",
    "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' AND table_name LIKE 'cp%'",
    "SELECT obj_description('cp_emp'::regclass, 'pg_class')",
    "SELECT col_description('cp_emp'::regclass, 4)",
    "SELECT nspname FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog', 'information_schema') ORDER BY 1",
    "SELECT datname FROM pg_database WHERE datname = current_database()",
    "SELECT rolname = current_user FROM pg_roles WHERE rolname = current_user",
    "SELECT has_table_privilege('cp_emp', 'SELECT'), has_schema_privilege('public', 'USAGE')",
    "SELECT pg_table_is_visible('cp_emp'::regclass)", "SELECT enumlabel FROM pg_enum ORDER BY enumsortorder",
    "SELECT typname, typtype FROM pg_type WHERE typname = 'mood'", "SELECT amname FROM pg_am WHERE amname = 'btree'",
    "SELECT count(*) > 0 FROM pg_catalog.pg_proc", "SELECT pg_get_userbyid(10) = current_user",
    "SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid) IS NOT NULL FROM pg_index i "
    "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'cp_emp'::regclass AND NOT i.indisprimary",
    "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = "
    "c.relnamespace WHERE c.relkind IN ('v') AND n.nspname = 'public' ORDER BY 2",
    "SELECT t.typname FROM pg_catalog.pg_type t WHERE t.typname IN ('int4', '_int4', 'text') ORDER BY 1",
    "SELECT x FROM unnest(ARRAY['a', 'b']) AS x", "SELECT 'public'::regnamespace::oid = 2200",
    # ---------------------------------------------------------------- DDL and DML forms
    ["CREATE TABLE cp_ret (id INT, v TEXT)", "INSERT INTO cp_ret VALUES (1, 'a'), (2, 'b') RETURNING id, v"],
    ["CREATE TABLE cp_up (id INT PRIMARY KEY, v TEXT)", "INSERT INTO cp_up VALUES (1, 'a')",
     "INSERT INTO cp_up VALUES (1, 'b') ON CONFLICT (id) DO UPDATE SET v = excluded.v RETURNING v"],
    ["CREATE TABLE cp_up2 (id INT PRIMARY KEY)", "INSERT INTO cp_up2 VALUES (1)",
     "INSERT INTO cp_up2 VALUES (1) ON CONFLICT DO NOTHING RETURNING id"],
    ["CREATE TABLE cp_upd (id INT, v INT)", "INSERT INTO cp_upd VALUES (1, 1), (2, 2)",
     "UPDATE cp_upd SET v = v * 10 WHERE id = 2 RETURNING id, v"],
    ["CREATE TABLE cp_del (id INT)", "INSERT INTO cp_del VALUES (1), (2)", "DELETE FROM cp_del WHERE id = 1 RETURNING *"],
    ["CREATE TABLE cp_alt (a INT)", "ALTER TABLE cp_alt ADD COLUMN b TEXT DEFAULT 'z'", "INSERT INTO cp_alt (a) VALUES (1)",
     "SELECT * FROM cp_alt"],
    ["CREATE TABLE cp_dc (a INT, b INT)", "ALTER TABLE cp_dc DROP COLUMN b", "INSERT INTO cp_dc VALUES (1)",
     "SELECT * FROM cp_dc"],
    ["CREATE TABLE cp_ctas AS SELECT id, name FROM cp_emp WHERE id < 3", "SELECT * FROM cp_ctas ORDER BY id"],
    ["CREATE TABLE cp_ctas0 AS (SELECT * FROM cp_emp LIMIT 0)", "SELECT count(*) FROM cp_ctas0"],
    ["CREATE TABLE cp_ren (a INT)", "ALTER TABLE cp_ren RENAME TO cp_ren2", "SELECT count(*) FROM cp_ren2"],
    ["CREATE TABLE cp_rc (a INT)", "ALTER TABLE cp_rc RENAME COLUMN a TO b", "INSERT INTO cp_rc VALUES (5)",
     "SELECT b FROM cp_rc"],
    ["CREATE TABLE cp_tr (a INT)", "INSERT INTO cp_tr VALUES (1)", "TRUNCATE cp_tr", "SELECT count(*) FROM cp_tr"],
    ["CREATE TEMP TABLE cp_tmp (a INT)", "INSERT INTO cp_tmp VALUES (1)", "SELECT * FROM cp_tmp"],
    ["CREATE SEQUENCE cp_seq", "SELECT nextval('cp_seq'), nextval('cp_seq')"],
    ["CREATE SEQUENCE cp_seq2 START 10", "SELECT nextval('cp_seq2')", "SELECT currval('cp_seq2')"],
    ["CREATE TABLE cp_ser (id SERIAL PRIMARY KEY, v TEXT)", "INSERT INTO cp_ser (v) VALUES ('a'), ('b') RETURNING id"],
    ["CREATE TABLE cp_big (id BIGSERIAL, v TEXT)", "INSERT INTO cp_big (v) VALUES ('a') RETURNING id"],
    ["CREATE TABLE cp_ident (id INT GENERATED ALWAYS AS IDENTITY, v TEXT)",
     "INSERT INTO cp_ident (v) VALUES ('a') RETURNING id"],
    ["CREATE TABLE cp_chk (a INT CHECK (a > 0))", "INSERT INTO cp_chk VALUES (-1)"],
    ["CREATE TABLE cp_nn (a INT NOT NULL)", "INSERT INTO cp_nn VALUES (NULL)"],
    ["CREATE TABLE cp_uq (a INT UNIQUE)", "INSERT INTO cp_uq VALUES (1)", "INSERT INTO cp_uq VALUES (1)"],
    "INSERT INTO cp_emp (id, name, dept_id) VALUES (99, 'zed', 42)",
    "SELECT * FROM no_such_table", "SELECT no_such_column FROM cp_emp", "SELEC 1", "SELECT 'abc'::int",
    "SELECT 99999999999999999999::int8", "SELECT 1 + 'a'", "SELECT * FROM cp_emp WHERE", "SELECT x.y.z.w FROM cp_emp",
    ["BEGIN", "INSERT INTO cp_dept VALUES (10, 'tmp')", "ROLLBACK", "SELECT count(*) FROM cp_dept WHERE id = 10"],
    ["BEGIN", "INSERT INTO cp_dept VALUES (11, 'kept')", "COMMIT", "SELECT name FROM cp_dept WHERE id = 11"],
    ["BEGIN", "INSERT INTO cp_dept VALUES (12, 'a')", "SAVEPOINT s1", "INSERT INTO cp_dept VALUES (13, 'b')",
     "ROLLBACK TO SAVEPOINT s1", "COMMIT", "SELECT id FROM cp_dept WHERE id IN (12, 13) ORDER BY id"],
    ["BEGIN", "SELECT 1/0", "SELECT 1"],
    ["PREPARE cp_p (int) AS SELECT name FROM cp_emp WHERE id = $1", "EXECUTE cp_p(2)"],
    ["CREATE VIEW cp_v2 AS SELECT name FROM cp_emp WHERE id = 1", "SELECT * FROM cp_v2"],
    ["CREATE INDEX cp_idx2 ON cp_dept (name)", "DROP INDEX cp_idx2", "SELECT 1"],
    ["CREATE SCHEMA cp_s", "CREATE TABLE cp_s.t (a INT)", "INSERT INTO cp_s.t VALUES (7)", "SELECT * FROM cp_s.t"],
    ["COMMENT ON TABLE cp_dept IS 'departments'", "SELECT obj_description('cp_dept'::regclass, 'pg_class')"],
    "SELECT 1 AS \"Quoted Name\"", "SELECT count(*) AS n FROM cp_emp", "SELECT sum(1)", "SELECT max(1), min(1)",
    "SELECT 'a' AS x, 'b' AS x", "SELECT (1, 2)", "SELECT ROW(1, 'a')", "SELECT 1::text::int",
    "SELECT '  42  '::int", "SELECT 42::text || '!'", "SELECT 1 = 1.0", "SELECT 3 / 2::float8",
    "SELECT 'abc' < 'abd'", "SELECT 'B' < 'a'", "SELECT length(NULL)", "SELECT NULL::int + 1",
    # ---------------------------------------------------------------- more forms, and errors' positions
    "SELECT TIME '12:00' + INTERVAL '90 min'", "SELECT INTERVAL '2 mons 3 hrs'", "SELECT INTERVAL '10 secs'",
    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY salary) FROM cp_emp",
    "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY salary) FROM cp_emp",
    "SELECT length(name), strpos(name, 'n'), array_length(ARRAY[id], 1) FROM cp_emp ORDER BY id",
    "SELECT e.no_col FROM cp_emp e", "SELECT name FROM cp_emp WHERE\n  salary > no_col",
    "SELECT x.name FROM cp_emp", "SELECT * FROM public.no_such_table", "SELECT abs(1, 2)", "SELECT round()",
    "SELECT no_such_fn(1)", "SELECT cast('abc' AS int)", "SELECT DATE 'notadate'",
    "UPDATE cp_emp SET no_col = 1", "INSERT INTO cp_emp (id, no_col) VALUES (1, 2)",
    "SELECT 1; SELECT no_col FROM cp_emp", "DROP TABLE no_such_table",
    ["CREATE TABLE cp_tr1 (a INT)", "CREATE TABLE cp_tr2 (a INT)", "INSERT INTO cp_tr1 VALUES (1)",
     "INSERT INTO cp_tr2 VALUES (2)", "TRUNCATE cp_tr1, cp_tr2", "SELECT (SELECT count(*) FROM cp_tr1) + (SELECT count(*) FROM cp_tr2)"],
    ["CREATE TABLE cp_tr3 (a INT)", "INSERT INTO cp_tr3 VALUES (1)", "TRUNCATE cp_tr3, cp_no_such"],
    ["CREATE TABLE cp_tr4 (a INT)", "INSERT INTO cp_tr4 VALUES (1)", "DROP TABLE cp_tr4, cp_no_such"],
    "SELECT date '2020-01-01' + 1::bigint", "SELECT upper(1)",
]


def answer(conn, stmts):
    """((column names, rows as text) of the last statement, or ('ERROR', SQLSTATE);
    and its column type OIDs, or the error's position)."""
    stmts = stmts if isinstance(stmts, list) else [stmts]
    cur = conn.cursor()
    try:
        for sql in stmts:
            cur.execute(sql)
        res = cur.pgresult
        if res is None or res.nfields == 0:
            return ("OK", cur.statusmessage), ()
        names = tuple(res.fname(i).decode() for i in range(res.nfields))
        rows = tuple(tuple(None if res.get_value(r, c) is None else res.get_value(r, c).decode()
                           for c in range(res.nfields)) for r in range(res.ntuples))
        return (names, rows), tuple(res.ftype(i) for i in range(res.nfields))
    except psycopg.Error as e:
        return ("ERROR", e.sqlstate), e.diag.statement_position
    finally:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()


def run(dsn: str) -> list:
    # both sides alike where a difference is configuration, not behaviour: the database is
    # called postgres (redduck's file is postgres.duckdb) and the session's TimeZone is UTC
    dsn += " options='-c TimeZone=UTC'"
    with psycopg.connect(dsn, autocommit=True) as c:
        for sql in SETUP:
            c.execute(sql)
    out = []
    with psycopg.connect(dsn, autocommit=True) as c:
        for stmts in CONSTRUCTS:
            out.append(answer(c, stmts))
            if c.broken:
                break
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-v", "--verbose", action="store_true", help="show both answers of every difference")
    args = p.parse_args()
    pg = PostgresPeer().start()
    try:
        expected = run(pg.dsn())
    finally:
        pg.stop()
    rd = RedduckPeer(name="postgres").start()
    try:
        got = run(rd.dsn())
    finally:
        rd.stop()
    same = strict = 0
    diffs = []
    for stmts, (e, e_more), (g, g_more) in zip(CONSTRUCTS, expected, got):
        same += e == g
        strict += e == g and e_more == g_more
        if e != g:
            diffs.append((stmts, "differs", e, g))
        elif e_more != g_more:
            diffs.append((stmts, "position" if e[0] == "ERROR" else "types", e_more, g_more))
    total = len(CONSTRUCTS)
    print(f"{'construct':70} result")
    for stmts, what, e, g in diffs:
        text = stmts if isinstance(stmts, str) else " ; ".join(stmts)
        print(f"{text[:70]:70} {what}")
        if args.verbose:
            print(f"    PostgreSQL: {str(e)[:300]}")
            print(f"    redduck:    {str(g)[:300]}")
    print(f"\n{same} of {total} constructs give PostgreSQL 15's answer: {same / total:.1%} (target 95%)")
    print(f"{strict} of {total} also with the same column types and error positions: {strict / total:.1%}")


if __name__ == "__main__":
    main()
