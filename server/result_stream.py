"""The rest of a large result, written by the session's worker thread.

One thread reads DuckDB's batches, encodes them and writes them, as a PostgreSQL backend
does, while the event loop sleeps. Handing each chunk from the worker to an encoder and
then to the loop woke three threads per chunk; on two cores, with the client decoding on
one, those wake-ups took the client's CPU (asyncpg's 1M-row binary fetch: 14-16 forced
context switches against PostgreSQL's 4-6, and 2-3% slower).

A plain connection is written straight to a duplicate of its socket (`SocketWriter`);
a TLS one, whose bytes only asyncio's transport can encrypt, through the loop
(`LoopWriter`). Either stops, between chunks or while the client is not reading, as soon
as `check_stop` raises: the session was cancelled, timed out or closed.
"""
from __future__ import annotations

import asyncio
import collections
import os
import select
from concurrent.futures import Future, TimeoutError as FutureTimeout

CHUNK_ROWS = 16384   # rows per write: ~0.9 MB for four columns, which stays in cache to the kernel's copy
_WAIT_S = 0.2        # how often a writer blocked on a client that is not reading asks whether the session closed


class SocketWriter:
    """Blocking writes to the connection's socket from a worker thread. The descriptor is
    a duplicate, so that the loop closing the connection can never leave this thread
    writing into a descriptor number reused by another connection. A chunk, once begun, is
    written whole unless the session closes: a cancel waits for the next chunk's boundary,
    where an ErrorResponse can follow."""

    def __init__(self, transport, closed) -> None:
        self._fd = os.dup(transport.get_extra_info("socket").fileno())
        self._closed = closed
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLOUT)
        self.whole = True        # no chunk is half written
        self.farewell = b""      # a FATAL message for the client once the writes stop (terminate)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        self.whole = False
        while view:
            try:
                view = view[os.write(self._fd, view):]
            except BlockingIOError:
                while not self._poll.poll(_WAIT_S * 1000):
                    if self._closed():
                        raise ConnectionError("the session is closed") from None
        self.whole = True

    def close(self) -> None:
        """Called by the writing thread, last. The farewell goes out only after whole messages."""
        if self._fd < 0:
            return
        fd, self._fd = self._fd, -1
        try:
            if self.farewell and self.whole:
                os.write(fd, self.farewell)
        except OSError:
            pass
        finally:
            os.close(fd)


class LoopWriter:
    """Writes handed to the event loop (TLS): the transport takes each chunk whole, then the
    worker waits for its flow control."""

    def __init__(self, writer: asyncio.StreamWriter, loop, closed) -> None:
        self._writer, self._loop, self._closed = writer, loop, closed

    async def _write(self, data: bytes) -> None:
        self._writer.write(data)
        await self._writer.drain()

    def write(self, data: bytes) -> None:
        fut = asyncio.run_coroutine_threadsafe(self._write(data), self._loop)
        while True:
            try:
                return fut.result(_WAIT_S)
            except FutureTimeout:
                if self._closed():
                    fut.cancel()
                    raise ConnectionError("the session is closed") from None

    def close(self) -> None:
        """Nothing to release; terminate() writes its FATAL through the transport itself."""


def can_write_directly(transport) -> bool:
    """A plain socket transport (TCP or Unix), not TLS's, which must encrypt what it sends."""
    return transport.get_extra_info("sslcontext") is None and transport.get_extra_info("socket") is not None


def stream_rows(src, encode, out, check_stop, first_rows: int, ahead: int = 1, pool=None) -> int:
    """Worker thread: the rest of `src`, encoded (`encode(pieces) -> (bytes, rows)`) and
    written to `out`, in chunks that grow from first_rows to CHUNK_ROWS so that a client
    done with the first rows waits for little. Up to `ahead` chunks encode at once on
    `pool` (text costs 3-4x binary per value). Returns the rows written; `out` is closed
    here, by the thread that writes to it, however the stream ends."""
    inflight: collections.deque[Future] = collections.deque()
    want, total = first_rows, 0
    try:
        while True:
            while not src.exhausted and len(inflight) < ahead:
                want = min(2 * want, CHUNK_ROWS)
                pieces = src.fetch(want)
                if pieces:
                    inflight.append(pool.submit(encode, pieces) if pool is not None else _done(encode(pieces)))
            if not inflight:
                return total
            chunk, n = inflight.popleft().result()
            check_stop()
            out.write(chunk)
            total += n
    finally:
        out.close()
        for fut in inflight:   # the client is gone or the read failed: drop what is encoding
            fut.cancel()


def _done(value) -> Future:
    fut: Future = Future()
    fut.set_result(value)
    return fut
