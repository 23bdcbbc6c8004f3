"""Apache Superset against redduck, through SQLAlchemy and psycopg2 as Superset connects,
with the SQL its PostgreSQL engine spec sends (apache/superset,
superset/db_engine_specs/postgres.py: get_catalog_names, get_table_names, get_prequeries,
_time_grain_expressions, epoch_to_dttm, convert_dttm, estimate_statement_cost,
get_cancel_query_id, cancel_query)."""
import datetime as dt
import re

import psycopg2
import pytest
import sqlalchemy as sa

from .schema import SCHEMA

GRAINS = {"second": "DATE_TRUNC('second', {col})", "minute": "DATE_TRUNC('minute', {col})",
          "hour": "DATE_TRUNC('hour', {col})", "day": "DATE_TRUNC('day', {col})",
          "week": "DATE_TRUNC('week', {col})", "month": "DATE_TRUNC('month', {col})",
          "quarter": "DATE_TRUNC('quarter', {col})", "year": "DATE_TRUNC('year', {col})"}


@pytest.fixture(scope="module")
def engine(server):
    eng = sa.create_engine(f"postgresql+psycopg2://tester@127.0.0.1:{server.port}/{server.dbname}")
    with eng.begin() as c:
        for sql in SCHEMA:
            c.exec_driver_sql(sql)
        c.exec_driver_sql("DROP TABLE IF EXISTS ss_events")
        c.exec_driver_sql("CREATE TABLE ss_events (at TIMESTAMP, n INTEGER, epoch_s BIGINT)")
        c.exec_driver_sql("INSERT INTO ss_events VALUES ('2024-05-17 10:31:45.25', 1, 1715941905)")
    yield eng
    eng.dispose()


def test_catalogs_tables_and_columns(engine, server):
    with engine.connect() as c:
        catalogs = sorted(name for (name,) in c.exec_driver_sql(
            "\nSELECT datname FROM pg_database\nWHERE datistemplate = false;\n            "))
        assert server.dbname in catalogs
    insp = sa.inspect(engine)
    tables = set(insp.get_table_names("public")) | set(insp.get_foreign_table_names("public"))
    assert {"rp_emp", "rp_dept", "ss_events"} <= tables and "rp_active" not in tables
    assert "rp_active" in insp.get_view_names("public")
    cols = {col["name"]: col for col in insp.get_columns("ss_events", "public")}
    assert isinstance(cols["at"]["type"], sa.DateTime) and isinstance(cols["n"]["type"], sa.Integer)


def test_sql_lab_prequery_time_grains_and_dates(engine):
    with engine.connect() as c:
        c.exec_driver_sql('set search_path = "public"')
        at = dt.datetime(2024, 5, 17, 10, 31, 45, 250000)
        expected = {"second": at.replace(microsecond=0), "minute": at.replace(second=0, microsecond=0),
                    "hour": dt.datetime(2024, 5, 17, 10), "day": dt.datetime(2024, 5, 17),
                    "week": dt.datetime(2024, 5, 13), "month": dt.datetime(2024, 5, 1),
                    "quarter": dt.datetime(2024, 4, 1), "year": dt.datetime(2024, 1, 1)}
        for grain, template in GRAINS.items():
            got = c.exec_driver_sql(f"SELECT {template.format(col='at')} AS __timestamp FROM ss_events").scalar()
            assert got == expected[grain], grain
        epoch = "(timestamp 'epoch' + {col} * interval '1 second')".format(col="epoch_s")
        assert c.exec_driver_sql(f"SELECT {epoch} FROM ss_events").scalar() == dt.datetime(2024, 5, 17, 10, 31, 45)
        when = dt.datetime(2024, 1, 2, 3, 4, 5, 600000)
        assert c.exec_driver_sql(f"SELECT TO_DATE('{when.date().isoformat()}', 'YYYY-MM-DD')").scalar() == when.date()
        stamp = when.isoformat(sep=" ", timespec="microseconds")
        assert c.exec_driver_sql(f"SELECT TO_TIMESTAMP('{stamp}', 'YYYY-MM-DD HH24:MI:SS.US')").scalar() \
            .replace(tzinfo=None) == when


def test_cost_estimate_reads_explain(engine):
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("EXPLAIN SELECT e.name, d.name FROM rp_emp e JOIN rp_dept d ON d.id = e.dept_id")
        result = cur.fetchone()[0]
        match = re.search(r"cost=([\d\.]+)\.\.([\d\.]+)", result)
        assert match and float(match.group(2)) >= float(match.group(1))
        plan = [r[0] for r in cur.fetchall()]
        assert any(line.lstrip().startswith("->  Seq Scan on rp_") for line in plan)
    finally:
        raw.close()


def test_cancel_query_terminates_the_sql_lab_session(engine):
    victim, killer = engine.raw_connection(), engine.raw_connection()
    try:
        cur = victim.cursor()
        cur.execute("SELECT pg_backend_pid()")
        cancel_query_id = cur.fetchone()[0]
        k = killer.cursor()
        k.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  f"WHERE pid='{cancel_query_id}'")
        assert k.fetchone()[0] is True
        with pytest.raises(psycopg2.OperationalError):
            cur.execute("SELECT 1")
            cur.fetchone()
    finally:
        killer.close()
        try:
            victim.close()
        except psycopg2.Error:
            pass
