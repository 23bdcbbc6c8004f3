"""Send mutated client conversations to a running server over TCP while a canary session
keeps checking that others are served; report messages sent, failures and memory.

    python -m tests.fuzz.run --messages 100000      (starts its own server)
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from dataclasses import dataclass, field

from tests.fuzz.mutate import mutate
from tests.fuzz.record import record_clients, split_messages


@dataclass
class FuzzReport:
    cases: int = 0
    messages: int = 0
    canary_checks: int = 0
    canary_failures: list = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    seconds: float = 0.0
    server_alive: bool = True
    internal_errors: int = 0
    rss_trace: list = field(default_factory=list)   # (messages sent, RSS MB) every 10,000 messages

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _send_case(port: int, msgs: list[bytes], rng: random.Random) -> None:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
    except (OSError, asyncio.TimeoutError):
        return
    try:
        data = b"".join(msgs)
        pos = 0
        while pos < len(data):            # in random pieces, as a network would deliver them
            step = rng.randint(1, max(1, len(data) // 3))
            writer.write(data[pos:pos + step])
            pos += step
            await writer.drain()
        try:                              # read what the server answers, briefly
            while await asyncio.wait_for(reader.read(65536), 0.3):
                pass
        except asyncio.TimeoutError:
            pass
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def _canary(port: int, dbname: str, stop: asyncio.Event, report: FuzzReport) -> None:
    import psycopg
    while not stop.is_set():
        try:
            async with await psycopg.AsyncConnection.connect(
                    f"host=127.0.0.1 port={port} user=tester dbname={dbname} connect_timeout=10") as c:
                while not stop.is_set():
                    t0 = time.monotonic()
                    got = await (await c.execute("SELECT count(*) FROM fuzz_t")).fetchone()
                    if got is None or time.monotonic() - t0 > 5:
                        report.canary_failures.append(f"slow or empty answer: {got}")
                    report.canary_checks += 1
                    await asyncio.sleep(0.2)
        except Exception as e:   # noqa: BLE001 - every failure is a finding
            report.canary_failures.append(repr(e))
            await asyncio.sleep(0.5)


async def fuzz(port: int, dbname: str, pid: int, conversations: list[bytes], target_messages: int,
               seed: int = 0, concurrency: int = 8) -> FuzzReport:
    rng = random.Random(seed)
    corpus = [split_messages(c) for c in conversations]
    corpus = [c for c in corpus if len(c) > 1]
    report = FuzzReport(rss_start_mb=rss_mb(pid))
    stop = asyncio.Event()
    canary = asyncio.create_task(_canary(port, dbname, stop, report))
    t0 = time.monotonic()
    sem = asyncio.Semaphore(concurrency)
    pending: set[asyncio.Task] = set()

    async def one(msgs, case_rng):
        async with sem:
            await _send_case(port, msgs, case_rng)

    while report.messages < target_messages:
        base = rng.choice(corpus)
        msgs = mutate(base, rng, corpus)
        report.cases += 1
        report.messages += len(msgs)
        task = asyncio.create_task(one(msgs, random.Random(rng.random())))
        pending.add(task)
        task.add_done_callback(pending.discard)
        if len(pending) >= concurrency * 4:
            await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        if not os.path.exists(f"/proc/{pid}"):
            report.server_alive = False
            break
        if report.messages // 10_000 > len(report.rss_trace):
            report.rss_trace.append((report.messages, round(rss_mb(pid))))
    if pending:
        await asyncio.wait(pending)
    await asyncio.sleep(1.0)
    stop.set()
    await canary
    report.seconds = time.monotonic() - t0
    report.server_alive = report.server_alive and os.path.exists(f"/proc/{pid}")
    if report.server_alive:
        report.rss_end_mb = rss_mb(pid)
    return report


def run_against_new_server(messages: int, seed: int = 0, workdir: str | None = None,
                           warmup: int = 10_000) -> tuple[FuzzReport, str]:
    from tests.serverproc import ServerProcess
    workdir = workdir or tempfile.mkdtemp(prefix="fuzz")
    srv = ServerProcess(os.path.join(workdir, "fuzz.duckdb"), log_path=os.path.join(workdir, "fuzz.log"),
                        extra_args=["--startup-timeout", "5"]).start()
    try:
        conversations = record_clients(srv.port, srv.dbname)
        # warm up (not counted): DuckDB's memory grows over its first few thousand catalog
        # queries and then levels off; the RSS bound is about what comes after
        asyncio.run(fuzz(srv.port, srv.dbname, srv.proc.pid, conversations, warmup, seed=seed + 1))
        report = asyncio.run(fuzz(srv.port, srv.dbname, srv.proc.pid, conversations, messages, seed=seed))
        log = srv.log()
        with open(srv.log_path, errors="replace") as f:
            report.internal_errors = sum(1 for line in f if "internal error" in line)
        report.corpus = len(conversations)
        return report, log
    finally:
        srv.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--messages", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--warmup", type=int, default=10_000, help="mutated messages sent first, not measured")
    args = p.parse_args()
    report, _ = run_against_new_server(args.messages, args.seed, warmup=args.warmup)
    print(f"conversations recorded  {report.corpus}")
    print(f"cases (connections)     {report.cases}")
    print(f"messages sent           {report.messages}")
    print(f"seconds                 {report.seconds:.1f}")
    print(f"server alive            {report.server_alive}")
    print(f"RSS after warm-up / end {report.rss_start_mb:.0f} / {report.rss_end_mb:.0f} MB "
          f"(growth {report.rss_growth_mb:+.0f})")
    print(f"canary checks / fails   {report.canary_checks} / {len(report.canary_failures)}")
    print(f"internal errors logged  {report.internal_errors}")
    print("RSS every 10,000 msgs   " + " ".join(f"{mb}" for _, mb in report.rss_trace))
    for f in report.canary_failures[:10]:
        print("  canary:", f)


if __name__ == "__main__":
    main()
