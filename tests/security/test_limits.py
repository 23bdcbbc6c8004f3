"""Limits: idle-in-transaction timeout, DuckDB memory_limit and threads as settings, a query
over the memory limit fails with 53200 while the server and other sessions live on."""
import time

import psycopg
import pytest

from tests.serverproc import ServerProcess


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    srv = ServerProcess(str(d / "small.duckdb"), extra_args=["--memory-limit", "300MB", "--threads", "1"]).start()
    yield srv
    srv.stop()


def test_memory_limit_and_threads_are_settings(small):
    with psycopg.connect(small.dsn()) as c:
        limit = c.execute("SHOW memory_limit").fetchone()[0]
        assert limit.endswith("MiB") and 250 <= float(limit.split()[0]) <= 300, limit
        assert c.execute("SHOW threads").fetchone()[0] == "1"
        assert c.execute("SELECT current_setting('is_superuser')").fetchone()[0] == "on"
        with pytest.raises(psycopg.errors.CantChangeRuntimeParam):
            c.execute("SET memory_limit = '100GB'")


def test_out_of_memory_is_53200_and_the_server_lives_on(small):
    with psycopg.connect(small.dsn(), autocommit=True) as other, \
            psycopg.connect(small.dsn(), autocommit=True) as c:
        with pytest.raises(psycopg.errors.OutOfMemory):
            c.execute("SELECT list(range)[5] FROM range(400000000)")
        assert c.execute("SELECT 41 + 1").fetchone() == (42,)
        assert other.execute("SELECT count(*) FROM range(1000)").fetchone() == (1000,)


def test_idle_in_transaction_timeout_ends_the_session(small):
    with psycopg.connect(small.dsn(), autocommit=True) as setup:
        setup.execute("CREATE TABLE IF NOT EXISTS idle_t (a INT)")
    c = psycopg.connect(small.dsn())
    c.execute("SET idle_in_transaction_session_timeout = '300ms'")
    c.execute("INSERT INTO idle_t VALUES (1)")        # psycopg opened a transaction
    time.sleep(1.0)
    with pytest.raises(psycopg.Error) as e:
        c.execute("SELECT 1")
    assert e.value.sqlstate in ("25P03", None), e.value   # 25P03, or the closed socket first
    assert c.closed or c.broken
    c.close()
    with psycopg.connect(small.dsn(), autocommit=True) as check:   # the open transaction rolled back
        assert check.execute("SELECT count(*) FROM idle_t").fetchone() == (0,)
    # outside a transaction, idling is fine
    with psycopg.connect(small.dsn(), autocommit=True) as c:
        c.execute("SET idle_in_transaction_session_timeout = '300ms'")
        time.sleep(0.8)
        assert c.execute("SELECT 1").fetchone() == (1,)
