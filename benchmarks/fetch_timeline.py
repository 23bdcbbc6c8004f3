"""Where a large fetch's time goes, redduck vs a throwaway PostgreSQL 15 on the same machine.

wire.py gives the rates; this says why they differ. For the 1,000,000-row table of wire.py,
each round (the servers take turns, in the other order each round) it prints, per server:

- asyncpg's fetch, timed from inside the client: the wall time; when the first bytes arrived;
  the time the client spent decoding (inside its socket reads); and the time it sat waiting
  between reads after the first (a server that falls behind its client shows here);
- the same query from a raw socket that only counts bytes (Parse/Bind/Execute/Sync, binary
  results): the first byte, and the whole result, which is the server's own pace.

Medians over the rounds after the first are printed at the end (the first run of a statement
on redduck finds its result large and runs it again as a stream; from the second it streams
at once).

    .venv/bin/python benchmarks/fetch_timeline.py [--rows 1000000] [--rounds 8]
"""
from __future__ import annotations

import argparse
import asyncio
import asyncio.selector_events
import gc
import os
import socket
import statistics
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from peers import PostgresPeer, RedduckPeer, close_asyncpg, connect_asyncpg  # noqa: E402
from wire import create_bench  # noqa: E402

QUERY = "select i, d, s, ts from bench"
READS: list[tuple[float, float]] = []   # (start, end) of each socket read of the client


def _timed_reads() -> None:
    """Record each read of asyncio's socket transport (asyncpg reads through it)."""
    cls = asyncio.selector_events._SelectorSocketTransport
    for name in ("_read_ready__get_buffer", "_read_ready__data_received"):
        original = getattr(cls, name)

        def timed(self, _original=original):
            t = time.perf_counter()
            _original(self)
            READS.append((t, time.perf_counter()))
        setattr(cls, name, timed)


def _message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def _raw_connect(port: int, user: str, db: str) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port))
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0" + db.encode() + b"\0\0"
    s.sendall(struct.pack("!i", len(body) + 4) + body)
    seen = b""
    while not seen.endswith(b"Z\0\0\0\x05I"):
        seen += s.recv(65536)
    return s


def _raw_fetch(s: socket.socket) -> tuple[float, float]:
    """Seconds to the first byte and to ReadyForQuery, reading as fast as the socket allows."""
    request = (_message(b"P", b"\0" + QUERY.encode() + b"\0" + struct.pack("!h", 0))
               + _message(b"B", b"\0\0" + struct.pack("!hhhh", 0, 0, 1, 1))
               + _message(b"E", b"\0" + struct.pack("!i", 0)) + _message(b"S", b""))
    buf, tail, first = bytearray(1 << 20), b"", None
    t0 = time.perf_counter()
    s.sendall(request)
    while tail != b"Z\0\0\0\x05I":
        k = s.recv_into(buf)
        if k == 0:
            raise ConnectionError("server closed the connection")
        first = first or time.perf_counter()
        tail = (tail + bytes(buf[max(0, k - 6):k]))[-6:]
    return first - t0, time.perf_counter() - t0


def _client_fetch(loop, conn, n: int) -> dict:
    READS.clear()
    gc.collect()
    t0 = time.perf_counter()
    rows = loop.run_until_complete(conn.fetch(QUERY))
    wall = time.perf_counter() - t0
    assert len(rows) == n
    del rows
    waits = [b[0] - a[1] for a, b in zip(READS, READS[1:])]
    return {"wall": wall, "first": READS[0][0] - t0, "decoding": sum(e - s for s, e in READS),
            "waiting": sum(waits)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=8)
    args = ap.parse_args()
    _timed_reads()
    pg, rd = PostgresPeer().start(), RedduckPeer().start()
    try:
        create_bench(pg, rd, args.rows)
        peers = {"redduck": rd.login(), "PostgreSQL": pg.login()}
        loop = asyncio.new_event_loop()
        conns = {k: connect_asyncpg(loop, login) for k, login in peers.items()}
        raws = {k: _raw_connect(*v) for k, v in peers.items()}
        seen: dict[str, list[dict]] = {k: [] for k in peers}
        print(f"{'round':>5} {'server':10} {'wall ms':>8} {'1st read':>8} {'decoding':>8} {'waiting':>8}"
              f" {'raw 1st byte':>12} {'raw all ms':>10}")
        for r in range(args.rounds):
            for name in (list(peers) if r % 2 == 0 else list(peers)[::-1]):
                got = _client_fetch(loop, conns[name], args.rows)
                got["raw_first"], got["raw_all"] = _raw_fetch(raws[name])
                seen[name].append(got)
                print(f"{r:5} {name:10} {1e3 * got['wall']:8.0f} {1e3 * got['first']:8.1f} "
                      f"{1e3 * got['decoding']:8.0f} {1e3 * got['waiting']:8.1f} "
                      f"{1e3 * got['raw_first']:12.1f} {1e3 * got['raw_all']:10.0f}", flush=True)
        print("\nmedians after the first round")
        for name, runs in seen.items():
            med = {k: statistics.median(x[k] for x in runs[1:]) for k in runs[0]}
            print(f"{'':5} {name:10} {1e3 * med['wall']:8.0f} {1e3 * med['first']:8.1f} "
                  f"{1e3 * med['decoding']:8.0f} {1e3 * med['waiting']:8.1f} "
                  f"{1e3 * med['raw_first']:12.1f} {1e3 * med['raw_all']:10.0f}")
        for s in raws.values():
            s.close()
        close_asyncpg(loop, conns.values())
    finally:
        rd.stop()
        pg.stop()


if __name__ == "__main__":
    main()
