"""COPY FROM STDIN data, decoded while it arrives.

CopyData messages are appended on the event loop; the COPY decoder reads them on the
session's worker thread as a file, so parsing and inserting overlap the network and a
large COPY is never held whole. The loop waits (off-thread) when too much is buffered.
"""
from __future__ import annotations

import io
import threading
from collections import deque


class CopyAborted(Exception):
    pass


class CopyPipe(io.RawIOBase):
    def __init__(self, max_buffered: int = 32 << 20) -> None:
        super().__init__()
        self.max_buffered = max_buffered
        self._chunks: deque = deque()
        self._size = 0
        self._eof = False
        self._error: str | None = None
        self._reader_gone = False
        self._cond = threading.Condition()

    # ---- the event loop's side
    def write_chunk(self, data: bytes) -> None:
        with self._cond:
            if self._reader_gone or self._error:
                return  # the decoder has stopped (a bad row): the rest is discarded
            self._chunks.append(data)
            self._size += len(data)
            self._cond.notify_all()

    def full(self) -> bool:
        return self._size > self.max_buffered and not self._reader_gone

    def wait_not_full(self) -> None:
        with self._cond:
            while self._size > self.max_buffered and not self._reader_gone and not self._error:
                self._cond.wait(1.0)

    def finish(self) -> None:
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def abort(self, reason: str) -> None:
        with self._cond:
            self._error = reason
            self._chunks.clear()
            self._size = 0
            self._cond.notify_all()

    def reader_done(self, *_args) -> None:
        with self._cond:
            self._reader_gone = True
            self._chunks.clear()
            self._size = 0
            self._cond.notify_all()

    # ---- the decoder's side (worker thread)
    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        with self._cond:
            while not self._chunks and not self._eof and self._error is None:
                self._cond.wait()
            if self._error is not None:
                raise CopyAborted(self._error)
            out = []
            got = 0
            while self._chunks and (n is None or n < 0 or got < n):
                chunk = self._chunks.popleft()
                if n is not None and n >= 0 and got + len(chunk) > n:
                    keep = n - got
                    self._chunks.appendleft(chunk[keep:])
                    chunk = chunk[:keep]
                out.append(chunk)
                got += len(chunk)
            self._size -= got
            self._cond.notify_all()
            return b"".join(out)

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)
