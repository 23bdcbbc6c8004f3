"""Which results stream (engine/large_results.py, rowsource.py), on a real engine over a DuckDB
file: a result that runs past the lean rows is run again as a stream (unless running it twice
could change anything), streams from then on in every session, with the same rows, and goes
back to the lean path once its results are small again."""
import pytest

from redduck.engine import Engine, EngineConfig
from redduck.engine.sqltext import split_statements
from redduck.protocol.errors import PgError


def run(session, sql, params=None):
    plan = session.plan_cached(split_statements(sql)[0])
    return session.execute(plan, params or [])


def rows_of(result):
    out = []
    while not result.rows.exhausted:
        for piece in result.rows.fetch(0):
            out += piece.to_pylist() if hasattr(piece, "to_pylist") else [r[0] for r in piece]
    result.rows.close()
    return [r["i"] if isinstance(r, dict) else r for r in out]


def test_a_large_result_streams_in_every_session(tmp_path):
    engine = Engine(EngineConfig(database=str(tmp_path / "stream.duckdb"), ml=False, superuser="tester"))
    a, b = engine.session(1, "tester"), engine.session(2, "tester")
    run(a, "create table st_big as select range::int as i from range(100000)")
    query = "select i from st_big where i >= $1 order by i"
    first = run(a, query, [0])
    assert first.rows.streaming and first.rows.large        # found large, run again as a stream
    assert rows_of(first) == list(range(100000))
    second = run(b, query, [0])                              # another session streams it at once
    assert second.rows.streaming
    assert rows_of(second) == list(range(100000))
    small = run(b, query, [99990])                           # streamed, but small now: lean next time
    assert small.rows.streaming and rows_of(small) == list(range(99990, 100000))
    again = run(a, query, [99990])
    assert not again.rows.streaming and rows_of(again) == list(range(99990, 100000))
    writes = run(a, "insert into st_big select range from range(100) returning i")
    assert not writes.rows.streaming and len(rows_of(writes)) == 100
    writes = run(a, "insert into st_big select range from range(100) returning i")
    assert not writes.rows.streaming                         # DML never streams: it would run twice
    rows_of(writes)


def test_a_query_with_side_effects_is_never_run_twice(tmp_path):
    engine = Engine(EngineConfig(database=str(tmp_path / "twice.duckdb"), ml=False, superuser="tester"))
    a = engine.session(1, "tester")
    run(a, "create sequence st_seq")
    run(a, "create table st_rows as select range::int as i from range(5000)")
    numbered = run(a, "select i, nextval('st_seq') as n from st_rows")
    assert numbered.rows.large and not numbered.rows.streaming   # copied: a second run would advance the sequence
    out = []
    while not numbered.rows.exhausted:
        for piece in numbered.rows.fetch(0):
            out += piece.column("n").to_pylist() if hasattr(piece, "column") else [r[1] for r in piece]
    numbered.rows.close()
    assert sorted(out) == list(range(1, 5001))
    assert rows_of(run(a, "select nextval('st_seq') as i")) == [5001]   # each row's nextval ran once


def test_a_rerun_inside_a_transaction_sees_its_own_writes(tmp_path):
    engine = Engine(EngineConfig(database=str(tmp_path / "tx.duckdb"), ml=False, superuser="tester"))
    a, b = engine.session(1, "tester"), engine.session(2, "tester")
    run(a, "create table st_tx as select range::int as i from range(1000)")
    run(a, "begin")
    run(a, "insert into st_tx select range::int + 1000 from range(500)")
    inside = run(a, "select i from st_tx order by i")
    assert inside.rows.streaming
    assert rows_of(inside) == list(range(1500))              # the transaction's own rows too
    outside = run(b, "select i from st_tx where i >= 0 order by i")
    assert rows_of(outside) == list(range(1000))             # not yet committed for another session
    run(a, "commit")


def test_an_interval_result_streams_from_its_first_run(tmp_path):
    """Intervals skip the lean rows (Python's timedelta has no months): such a result is
    streamed at once rather than copied whole, small or large, with the same values."""
    engine = Engine(EngineConfig(database=str(tmp_path / "iv.duckdb"), ml=False, superuser="tester"))
    a = engine.session(1, "tester")
    run(a, "create table st_iv as select range::int as i, interval 1 month * range as m from range(3000)")
    for where, n in (("i < 5", 5), ("i >= 0", 3000)):
        res = run(a, f"select i, m from st_iv where {where} order by i")
        assert res.rows.streaming
        got = []
        while not res.rows.exhausted:
            for piece in res.rows.fetch(0):
                got += piece.column("m").to_pylist()
        res.rows.close()
        assert len(got) == n and got[3].months == 3 and got[-1].months == n - 1


def test_streamed_results_buffer_little_and_clients_cannot_change_it(tmp_path):
    engine = Engine(EngineConfig(database=str(tmp_path / "buffer.duckdb"), ml=False, superuser="tester"))
    a = engine.session(1, "tester")
    # the one DuckDB option left settable after the lock, and only by the server itself
    assert a.cursor.execute("select current_setting('streaming_buffer_size')").fetchone()[0] == "64.0 KiB"
    with pytest.raises(PgError) as e:
        run(a, "set streaming_buffer_size = '1GB'")
    assert e.value.code == "42704"
    with pytest.raises(Exception, match="locked"):
        a.cursor.execute("set threads = 1")     # every other option stays locked
    assert a.cursor.execute("select current_setting('streaming_buffer_size')").fetchone()[0] == "64.0 KiB"
