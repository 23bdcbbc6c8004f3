"""Wire-protocol benchmark: redduck vs a throwaway PostgreSQL 15 on the same machine.

Prints, medians of 3, redduck's figure, PostgreSQL's and the ratio (redduck / PostgreSQL,
higher is better; the fetches take turns, one run each, so that both see the same machine)
for: (a) round trips of SELECT 1 and of statements that need no DuckDB
(SET, SHOW, BEGIN/COMMIT), with DuckDB's own in-process SELECT 1 rate beside them;
(b) fetching 1,000,000 rows × (int, double, varchar, timestamp) with psycopg (text) and
asyncpg (binary), after a first run on each connection, printed apart (redduck's first run of
a statement finds its result large and runs it again as a stream; from the second it streams
at once);
(c) COPY FROM STDIN of the same rows in text, CSV and binary.

    .venv/bin/python benchmarks/wire.py [--rows 1000000] [--trips 3000]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import io
import os
import statistics
import sys
import time

import duckdb
import psycopg
import asyncpg

sys.path.insert(0, os.path.dirname(__file__))
from peers import PostgresPeer, RedduckPeer, close_asyncpg, connect_asyncpg, median_of, timed  # noqa: E402

CREATE_PG = ("create table bench as select i::int as i, (i * 1.5)::float8 as d, ('str' || i)::text as s, "
             "(timestamp '2020-01-01' + i * interval '1 second') as ts from generate_series(1, {n}) i")
CREATE_RD = ("create table bench as select range::int as i, (range * 1.5)::float8 as d, ('str' || range)::text as s, "
             "(timestamp '2020-01-01' + range * interval '1 second') as ts from range(1, {n} + 1)")


def create_bench(pg, rd, n: int) -> None:
    """The n-row table of the fetches, in both servers (pg None: redduck's alone)."""
    if pg is not None:
        with psycopg.connect(pg.dsn(), autocommit=True) as c:
            c.execute(CREATE_PG.format(n=n))
            c.execute("vacuum analyze bench")
    with psycopg.connect(rd.dsn(), autocommit=True) as c:
        c.execute(CREATE_RD.format(n=n))


def round_trips(dsn: str, stmts: list[str], trips: int) -> float:
    with psycopg.connect(dsn, autocommit=True) as c:
        for s in stmts:
            c.execute(s)
        def run():
            for _ in range(trips):
                for s in stmts:
                    c.execute(s)
        return trips / median_of(3, lambda: timed(run))


def asyncpg_trips(port: int, user: str, db: str, trips: int) -> float:
    async def main():
        c = await asyncpg.connect(host="127.0.0.1", port=port, user=user, database=db)
        await c.fetchval("select 1")
        async def run():
            for _ in range(trips):
                await c.fetchval("select 1")
        best = []
        for _ in range(3):
            t0 = time.perf_counter()
            await run()
            best.append(time.perf_counter() - t0)
        await c.close()
        return trips / sorted(best)[1]
    return asyncio.run(main())


def duckdb_select1(trips: int) -> float:
    con = duckdb.connect()
    def run():
        for _ in range(trips):
            con.execute("select 1").fetchall()
    return trips / median_of(3, lambda: timed(run))


def fetch_text(dsns: list[str], n: int) -> list[float]:
    """rows/s of each server (first runs, then medians), runs interleaved so that both see the same machine."""
    conns = [psycopg.connect(d) for d in dsns]
    try:
        def run(c):
            rows = c.execute("select i, d, s, ts from bench").fetchall()
            assert len(rows) == n, len(rows)
            return rows
        return interleaved(conns, run, n)
    finally:
        for c in conns:
            c.close()


def fetch_binary(peers: list[tuple[int, str, str]], n: int) -> list[float]:
    loop = asyncio.new_event_loop()
    conns = [connect_asyncpg(loop, login) for login in peers]
    try:
        def run(c):
            rows = loop.run_until_complete(c.fetch("select i, d, s, ts from bench"))
            assert len(rows) == n
            return rows
        return interleaved(conns, run, n)
    finally:
        close_asyncpg(loop, conns)


def interleaved(conns: list, run, n: int) -> list[float]:
    """rows/s of each connection's first run (cold: PostgreSQL's buffers, and redduck, which
    learns then that the statement's result is large and streams it at once from then on), then the
    median of 3 timed runs, taking turns, and in the other order each round (neither server
    always runs first, on the machine the other just used); each result is freed after its
    timing, so that neither server's run pays for the other's garbage."""
    first, times = [], [[] for _ in conns]
    for r in range(4):
        order = list(enumerate(conns))
        for i, c in (order if r % 2 == 0 else order[::-1]):
            t0 = time.perf_counter()
            rows = run(c)
            (first.append if r == 0 else times[i].append)(time.perf_counter() - t0)
            del rows
            gc.collect()
    return [n / t for t in first] + [n / statistics.median(t) for t in times]


def copy_in(dsn: str, data: bytes, fmt: str, n: int) -> float:
    opts = {"text": "", "csv": "(format csv)", "binary": "(format binary)"}[fmt]
    with psycopg.connect(dsn, autocommit=True) as c:
        def run():
            c.execute("drop table if exists bench_in")
            c.execute("create table bench_in (i int, d float8, s text, ts timestamp)")
            t0 = time.perf_counter()
            with c.cursor().copy(f"copy bench_in from stdin {opts}") as cp:
                for i in range(0, len(data), 1 << 20):
                    cp.write(data[i:i + (1 << 20)])
            el = time.perf_counter() - t0
            assert c.execute("select count(*) from bench_in").fetchone()[0] == n
            return el
        return n / median_of(3, run)


def copy_data(dsn: str, fmt: str) -> bytes:
    opts = {"text": "", "csv": "(format csv)", "binary": "(format binary)"}[fmt]
    buf = io.BytesIO()
    with psycopg.connect(dsn) as c:
        with c.cursor().copy(f"copy bench to stdout {opts}") as cp:
            for chunk in cp:
                buf.write(chunk)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--trips", type=int, default=3000)
    args = ap.parse_args()
    pg, rd = PostgresPeer().start(), RedduckPeer().start()
    rows = []
    try:
        create_bench(pg, rd, args.rows)
        duck = duckdb_select1(args.trips)
        for name, stmts in [("SELECT 1 (psycopg)", ["select 1"]),
                            ("SET application_name (psycopg)", ["set application_name = 'x'"]),
                            ("SHOW TimeZone (psycopg)", ["show timezone"]),
                            ("BEGIN+COMMIT (psycopg)", ["begin", "commit"])]:
            r, p = round_trips(rd.dsn(), stmts, args.trips), round_trips(pg.dsn(), stmts, args.trips)
            rows.append((f"(a) {name}, trips/s", r, p))
        r = asyncpg_trips(*rd.login(), args.trips)
        p = asyncpg_trips(*pg.login(), args.trips)
        rows.append(("(a) SELECT 1 (asyncpg), trips/s", r, p))
        r1, p1, r, p = fetch_text([rd.dsn(), pg.dsn()], args.rows)
        rows += [("(b) fetch, psycopg text, rows/s", r, p), ("    its first run", r1, p1)]
        r1, p1, r, p = fetch_binary([rd.login(), pg.login()], args.rows)
        rows += [("(b) fetch, asyncpg binary, rows/s", r, p), ("    its first run", r1, p1)]
        for fmt in ("text", "csv", "binary"):
            data = copy_data(pg.dsn(), fmt)
            rows.append((f"(c) COPY FROM STDIN {fmt}, rows/s", copy_in(rd.dsn(), data, fmt, args.rows),
                         copy_in(pg.dsn(), data, fmt, args.rows)))
    finally:
        rd.stop()
        pg.stop()
    print(f"\n{'benchmark':44} {'redduck':>12} {'PostgreSQL':>12} {'ratio':>7}")
    for name, r, p in rows:
        print(f"{name:44} {r:12,.0f} {p:12,.0f} {r / p:7.2f}")
    sel = rows[0][1]
    print(f"{'DuckDB in process, SELECT 1/s':44} {duck:12,.0f} {'':>12} {sel / duck:7.2f}  (redduck SELECT 1 / DuckDB)")


if __name__ == "__main__":
    main()
