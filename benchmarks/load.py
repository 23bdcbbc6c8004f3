"""Load: N concurrent asyncpg clients for S seconds (loopback only) mixing point SELECTs,
autocommit INSERTs, catalog queries and model scoring, against redduck and, as the peer in
the same run, PostgreSQL 15 (which scores with a SQL expression in place of the model).

Prints throughput, p50/p99 latency per operation, errors, and a final check that every
acknowledged insert is in the table.

    .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 60] [--no-postgres]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import asyncpg
import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.peers import PostgresPeer, RedduckPeer  # noqa: E402

ROWS = 20_000
MIX = [("point_select", 0.50), ("insert", 0.25), ("catalog", 0.15), ("score", 0.10)]
CATALOG_SQL = ("SELECT c.relname, n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
               "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1")


def setup(dsn: str, redduck: bool) -> str:
    """Tables (and the model on redduck); returns the scoring SQL."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=ROWS), rng.normal(size=ROWS)
    y = ((a + 0.5 * b) > 0).astype(int)
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS load_points")
        c.execute("DROP TABLE IF EXISTS load_inserts")
        c.execute("CREATE TABLE load_points (id INT PRIMARY KEY, a DOUBLE PRECISION, b DOUBLE PRECISION, y INT)")
        c.execute("CREATE TABLE load_inserts (client INT, seq INT, payload TEXT)")
        with c.cursor().copy("COPY load_points FROM STDIN") as cp:
            for row in zip(range(ROWS), a.tolist(), b.tolist(), y.tolist()):
                cp.write_row(row)
        if not redduck:
            return "SELECT avg(((a + 0.5 * b) > 0)::int) FROM load_points WHERE id BETWEEN $1 AND $1 + 99"
        c.execute("CREATE MODEL load_m FROM (SELECT a, b, y FROM load_points) TARGET y FUNCTION load_fn "
                  "HYPERPARAMETERS DEFAULT EXCEPT (EPOCHS '5', HIDDEN_LAYERS '16')")
        state = c.execute("SELECT wait_for_model('load_m', 600)").fetchone()[0]
        if state != "READY":
            raise SystemExit(f"the load model ended {state}")
        return "SELECT avg(load_fn(a, b)) FROM load_points WHERE id BETWEEN $1 AND $1 + 99"


async def client(i: int, port: int, user: str, dbname: str, score_sql: str, until: float,
                 lat: dict, errors: list, acked: list) -> None:
    rng = random.Random(i)
    con = await asyncpg.connect(host="127.0.0.1", port=port, user=user, database=dbname, ssl=False)
    ops, weights = zip(*MIX)
    seq = 0
    try:
        while time.monotonic() < until:
            op = rng.choices(ops, weights)[0]
            t0 = time.perf_counter()
            try:
                if op == "point_select":
                    await con.fetchrow("SELECT a, b, y FROM load_points WHERE id = $1", rng.randrange(ROWS))
                elif op == "insert":
                    await con.execute("INSERT INTO load_inserts VALUES ($1, $2, $3)", i, seq, "x" * 32)
                    acked.append((i, seq))
                    seq += 1
                elif op == "catalog":
                    await con.fetch(CATALOG_SQL)
                else:
                    await con.fetchval(score_sql, rng.randrange(ROWS - 100))
            except (asyncpg.PostgresError, OSError) as e:
                errors.append(f"{op}: {type(e).__name__}: {e}")
                continue
            lat[op].append(time.perf_counter() - t0)
    finally:
        await con.close()


async def run_load(port: int, user: str, dbname: str, score_sql: str, clients: int, seconds: float) -> dict:
    lat, errors, acked = defaultdict(list), [], []
    until = time.monotonic() + seconds
    t0 = time.monotonic()
    await asyncio.gather(*(client(i, port, user, dbname, score_sql, until, lat, errors, acked)
                           for i in range(clients)))
    wall = time.monotonic() - t0
    return {"lat": lat, "errors": errors, "acked": acked, "wall": wall}


def check_inserts(dsn: str, acked: list) -> tuple[int, int]:
    with psycopg.connect(dsn) as c:
        present = set(c.execute("SELECT client, seq FROM load_inserts").fetchall())
    return len(set(acked) - present), len(present)


def measure(peer, user: str, dbname: str, redduck: bool, clients: int, seconds: float) -> dict:
    score_sql = setup(peer.dsn(), redduck)
    res = asyncio.run(run_load(peer.port, user, dbname, score_sql, clients, seconds))
    res["lost"], res["rows"] = check_inserts(peer.dsn(), res["acked"])
    return res


def _pct(v: list, q: float) -> float:
    return float(np.percentile(v, q)) * 1000 if v else float("nan")


def report(results: dict, clients: int, seconds: float) -> None:
    names = list(results)
    print(f"\n{clients} clients, {seconds:.0f} s, loopback; latencies in ms")
    header = f"{'':28}" + "".join(f"{n:>14}" for n in names) + ("   ratio" if len(names) == 2 else "")
    print(header)

    def row(label, vals, ratio=True, fmt="{:>14,.1f}"):
        line = f"{label:28}" + "".join(fmt.format(v) for v in vals)
        if ratio and len(vals) == 2 and vals[1]:
            line += f"   {vals[0] / vals[1]:.2f}"
        print(line)
    row("throughput, ops/s", [sum(len(v) for v in r["lat"].values()) / r["wall"] for r in results.values()])
    for op, _ in MIX:
        row(f"{op} ops/s", [len(r["lat"][op]) / r["wall"] for r in results.values()])
        row(f"{op} p50", [_pct(r["lat"][op], 50) for r in results.values()], ratio=False)
        row(f"{op} p99", [_pct(r["lat"][op], 99) for r in results.values()], ratio=False)
    row("errors", [len(r["errors"]) for r in results.values()], ratio=False, fmt="{:>14,d}")
    row("acknowledged inserts", [len(r["acked"]) for r in results.values()], ratio=False, fmt="{:>14,d}")
    row("acknowledged but missing", [r["lost"] for r in results.values()], ratio=False, fmt="{:>14,d}")
    for name, r in results.items():
        for e in r["errors"][:5]:
            print(f"  {name} error: {e}")
    if "PostgreSQL" in results:
        print("(PostgreSQL scores with a SQL expression: it has no models; it runs with fsync=off)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--no-postgres", action="store_true")
    args = p.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.seconds <= 600:
        raise SystemExit("--clients 1..200 and --seconds 1..600")
    results = {}
    rd = RedduckPeer().start()
    try:
        results["redduck"] = measure(rd, "tester", rd.proc.dbname, True, args.clients, args.seconds)
    finally:
        rd.stop()
    if not args.no_postgres:
        pg = PostgresPeer().start()
        try:
            results["PostgreSQL"] = measure(pg, "postgres", "postgres", False, args.clients, args.seconds)
        finally:
            pg.stop()
    report(results, args.clients, args.seconds)
    bad = sum(len(r["errors"]) + r["lost"] for r in results.values())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
