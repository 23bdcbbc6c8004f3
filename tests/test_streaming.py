"""Which results stream (engine/large_results.py), on a real engine over a DuckDB file: a query
whose result ran past the lean rows streams from then on in every session, with the same rows,
and goes back to the lean path once its results are small again."""
from redduck.engine import Engine, EngineConfig
from redduck.engine.sqltext import split_statements


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
    assert not first.rows.streaming and first.rows.large    # learnt here: copied, not streamed
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
