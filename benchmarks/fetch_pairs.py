"""asyncpg's binary fetch of wire.py's 1,000,000-row table, redduck against a throwaway
PostgreSQL 15, in many rounds: finer than wire.py's medians of 3 for a gap of a few percent
on a noisy machine (this 2-vCPU VM's speed drifts by several percent within minutes, so
only servers measured in the same rounds compare).

Each round fetches once from each server over connections kept open, in a random order.
It prints the median of the per-round ratios (PostgreSQL's time over redduck's: above 1.0
redduck is faster) with a bootstrap 90% interval, and what the client process spent per
fetch against each: its CPU time, and the context switches it was made to take
(`involuntary`: another thread took its CPU).

A second redduck joins the rounds with --b-tree (another checkout, e.g. a git worktree of
another commit) and/or --b-env (other REDDUCK_* settings): the ratio of the two is printed
too, which is how a change of a few tenths of a percent is told from the drift.

    .venv/bin/python benchmarks/fetch_pairs.py [--pairs 20] [--rows 1000000]
        [--b-tree ../other-checkout] [--b-env REDDUCK_THREADS=1]
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
import tempfile
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


def _other_peer(tree: str | None, env: list[str]) -> RedduckPeer | None:
    """A second redduck, from another checkout (`tree`, whose folder is imported as `redduck`)
    and/or with other REDDUCK_* settings, to compare two builds in the same rounds."""
    if not tree and not env:
        return None
    settings = dict(e.split("=", 1) for e in env)
    if tree:
        shim = tempfile.mkdtemp(prefix="redduck-bench-tree-")
        os.symlink(os.path.abspath(tree), os.path.join(shim, "redduck"))
        settings["PYTHONPATH"] = shim   # before the editable install's finder
    return RedduckPeer(name="bench_b", env=settings).start()


def _interval(ratios: list[float]) -> str:
    boot = sorted(statistics.median(random.choices(ratios, k=len(ratios))) for _ in range(2000))
    return f"median {statistics.median(ratios):.3f} (90% interval {boot[100]:.3f}-{boot[1900]:.3f})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=20)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--b-tree", help="a second redduck from this checkout (e.g. a git worktree of another commit)")
    ap.add_argument("--b-env", action="append", default=[], metavar="REDDUCK_X=V",
                    help="a second redduck with this setting (repeatable; with or without --b-tree)")
    args = ap.parse_args()
    pg, rd = PostgresPeer().start(), RedduckPeer().start()
    other = None
    try:
        other = _other_peer(args.b_tree, args.b_env)
        create_bench(pg, rd, args.rows)
        peers = {"redduck": rd.login(), "PostgreSQL": pg.login()}
        if other is not None:
            create_bench(None, other, args.rows)
            peers["redduck B"] = other.login()
        loop = asyncio.new_event_loop()
        conns = {k: connect_asyncpg(loop, login) for k, login in peers.items()}
        for c in conns.values():     # the first run of each: redduck learns the result is large
            _fetch(loop, c, args.rows)
        seen: dict[str, list[dict]] = {k: [] for k in conns}
        for i in range(args.pairs):
            order = list(conns)
            random.shuffle(order)    # nobody always runs just after the same server
            for k in order:
                seen[k].append(_fetch(loop, conns[k], args.rows))
        print(f"{'per fetch (medians)':22} {'wall ms':>8} {'client CPU ms':>14} {'involuntary switches':>21}")
        for k, runs in seen.items():
            print(f"{k:22} {1e3 * statistics.median(r['wall'] for r in runs):8.0f} "
                  f"{1e3 * statistics.median(r['cpu'] for r in runs):14.0f} "
                  f"{statistics.median(r['involuntary'] for r in runs):21.0f}")
        print()
        wall = {k: [r["wall"] for r in runs] for k, runs in seen.items()}
        for k in [k for k in wall if k != "PostgreSQL"]:
            ratios = [p / r for p, r in zip(wall["PostgreSQL"], wall[k])]
            print(f"{args.pairs} rounds: PostgreSQL's time / {k}'s, {_interval(ratios)}")
        if other is not None:
            ratios = [a / b for a, b in zip(wall["redduck"], wall["redduck B"])]
            print(f"{args.pairs} rounds: redduck's time / redduck B's (above 1.0 B is faster), {_interval(ratios)}")
        close_asyncpg(loop, conns.values())
    finally:
        for peer in (other, rd, pg):
            if peer is not None:
                peer.stop()


if __name__ == "__main__":
    main()
