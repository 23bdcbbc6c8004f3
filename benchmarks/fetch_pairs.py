"""asyncpg's binary fetch of wire.py's 1,000,000-row table, redduck against a throwaway
PostgreSQL 15, in many alternating pairs: finer than wire.py's medians of 3 for a gap of a
few percent on a noisy machine.

Each pair fetches from both servers over connections kept open, in turns (the other server
first every other pair). It prints the median of the per-pair ratios (PostgreSQL's time over
redduck's: above 1.0 redduck is faster) with a bootstrap 90% interval, and what the client
process spent per fetch against each: its CPU time, and the context switches it was made to
take (`involuntary`: another thread took its CPU; the servers' threads are the usual ones).

    .venv/bin/python benchmarks/fetch_pairs.py [--pairs 20] [--rows 1000000]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from peers import PostgresPeer, RedduckPeer, close_asyncpg, connect_asyncpg  # noqa: E402
from wire import create_bench  # noqa: E402

QUERY = "select i, d, s, ts from bench"


def _fetch(loop, conn, n: int) -> dict:
    gc.collect()
    r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    rows = loop.run_until_complete(conn.fetch(QUERY))
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    assert len(rows) == n
    del rows
    return {"wall": wall, "cpu": (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime),
            "involuntary": r1.ru_nivcsw - r0.ru_nivcsw}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    pg, rd = PostgresPeer().start(), RedduckPeer().start()
    try:
        create_bench(pg, rd, args.rows)
        loop = asyncio.new_event_loop()
        conns = {"redduck": connect_asyncpg(loop, rd.login()), "PostgreSQL": connect_asyncpg(loop, pg.login())}
        for c in conns.values():     # the first run of each: redduck learns the result is large
            _fetch(loop, c, args.rows)
        seen: dict[str, list[dict]] = {k: [] for k in conns}
        ratios = []
        for i in range(args.pairs):
            order = list(conns) if i % 2 == 0 else list(conns)[::-1]
            got = {k: _fetch(loop, conns[k], args.rows) for k in order}
            for k, v in got.items():
                seen[k].append(v)
            ratios.append(got["PostgreSQL"]["wall"] / got["redduck"]["wall"])
        boot = sorted(statistics.median(random.choices(ratios, k=len(ratios))) for _ in range(2000))
        print(f"{'per fetch (medians)':22} {'wall ms':>8} {'client CPU ms':>14} {'involuntary switches':>21}")
        for k, runs in seen.items():
            print(f"{k:22} {1e3 * statistics.median(r['wall'] for r in runs):8.0f} "
                  f"{1e3 * statistics.median(r['cpu'] for r in runs):14.0f} "
                  f"{statistics.median(r['involuntary'] for r in runs):21.0f}")
        print(f"\n{args.pairs} pairs: PostgreSQL's time / redduck's, median {statistics.median(ratios):.3f} "
              f"(90% interval {boot[100]:.3f}-{boot[1900]:.3f})")
        close_asyncpg(loop, conns.values())
    finally:
        rd.stop()
        pg.stop()


if __name__ == "__main__":
    main()
