"""server/event_loop.py: uvloop runs the server where it is installed; the standard library's
loop, chosen with REDDUCK_EVENT_LOOP=asyncio (or --event-loop), serves the same clients the
same way. The rest of the suite runs on the default; here the other loop gets the paths that
touch the transport directly: small results, a large result its worker writes to the socket,
COPY in and out, and a cancel."""
import asyncio
import io
import threading
import time
from pathlib import Path

import asyncpg
import psycopg
import pytest

from tests.serverproc import ServerProcess


def _serving(srv) -> str:
    """The server's "listening on …" line (the whole log: srv.log() keeps only its tail)."""
    deadline = time.monotonic() + 10
    while True:
        lines = [ln for ln in Path(srv.log_path).read_text(errors="replace").splitlines() if "listening on" in ln]
        if lines or time.monotonic() > deadline:
            return lines[-1] if lines else ""
        time.sleep(0.05)


def test_the_default_loop_is_uvloop(server):
    assert "uvloop event loop)" in _serving(server)


@pytest.fixture(scope="module")
def asyncio_server(tmp_path_factory):
    srv = ServerProcess(str(tmp_path_factory.mktemp("loop") / "loopdb.duckdb"),
                        env={"REDDUCK_EVENT_LOOP": "asyncio"}).start()
    yield srv
    srv.stop()


def test_asyncio_loop_serves_queries_copy_and_large_results(asyncio_server):
    assert "asyncio event loop)" in _serving(asyncio_server)
    with psycopg.connect(asyncio_server.dsn(), autocommit=True) as c:
        assert c.execute("select %s::int + 1, current_setting('TimeZone', true) is not null", (41,)).fetchone() \
            == (42, True)
        c.execute("create table loop_t (i int, s text)")
        with c.cursor().copy("copy loop_t from stdin") as cp:
            cp.write("".join(f"{i}\trow {i}\n" for i in range(300_000)))
        # past the first chunk: the rest is written by the session's worker, not the loop
        rows = c.execute("select i, s from loop_t order by i").fetchall()
        assert len(rows) == 300_000 and rows[-1] == (299_999, "row 299999")
        out = io.BytesIO()
        with c.cursor().copy("copy (select i from loop_t where i < 3 order by i) to stdout") as cp:
            for chunk in cp:
                out.write(chunk)
        assert out.getvalue() == b"0\n1\n2\n"

    async def binary_fetch():
        conn = await asyncpg.connect(host="127.0.0.1", port=asyncio_server.port, user="tester",
                                     database=asyncio_server.dbname)
        try:
            return await conn.fetch("select i, s from loop_t where i % 1000 = 7 order by i")
        finally:
            await conn.close()
    got = asyncio.run(binary_fetch())
    assert [tuple(r) for r in got] == [(i, f"row {i}") for i in range(7, 300_000, 1000)]


def test_asyncio_loop_cancels(asyncio_server):
    with psycopg.connect(asyncio_server.dsn(), autocommit=True) as c:
        timer = threading.Timer(0.5, c.cancel)
        timer.start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            c.execute("select count(*) from range(10000000000) a")
        timer.join()
        assert c.execute("select 1").fetchone() == (1,)   # the session is usable after it
