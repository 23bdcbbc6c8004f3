"""Rows of one result, read in pieces: python rows for small results, Arrow after.

DuckDB keeps one open result per cursor and refuses a new query while one is open, so
a source that is still attached is drained (`detach`) before its cursor runs anything
else; large remainders spill to an Arrow IPC file instead of memory.

An executed cursor's Arrow reader first copies every row it still holds (DuckDB 2.0), so
the first bytes of a large result wait for the whole query, and the whole result sits in
memory (60M rows of three columns: 5.8 s and 2.4 GB, under a 500 MB memory_limit). A
relation's reader streams, running the query as its batches are read. So a result found
large after its lean rows (or one with intervals, which skips them) is dropped (`abort`)
and run again as a relation (`restream`), when running it twice changes nothing
(tags.side_effect_free); and a query whose result proved large is run as a relation from
then on, in every session (engine/large_results.py).
"""
from __future__ import annotations

import os
import tempfile
import warnings

import duckdb
import pyarrow as pa

from .errors import streamed_error

LEAN_ROWS = 64            # rows fetched as python tuples before switching to Arrow
BATCH_ROWS = 65536        # rows a fetch(0) returns at most
READER_ROWS = 2048        # DuckDB's vector size: the first batch of its reader comes soonest
                          # (measured on 1M rows x 4 columns: 4.3 ms; 65,536-row batches: 9 ms)
SPILL_BYTES = 64 << 20
# what DuckDB buffers ahead of a streamed result's reader: its default (10 MB) made the first
# batch wait 3-4 ms for the buffer to fill (0.75 ms at 64 KB, measured in process on 1M rows
# x 4 columns; the whole read takes as long), and each result paused on a slow client held
# 16 MB of memory (4.8 MB now: 20 such results measured in process)
STREAM_BUFFER = "64KiB"


class RowSource:
    def __init__(self, cursor=None, *, batches=None, reader=None, on_close=None, on_error=None,
                 restream=None) -> None:
        self._cursor = cursor
        self._reader = None
        self._pending: list = []        # python row lists or RecordBatches, in order
        self._spill = None
        self._spill_path = None
        self._spill_index = 0
        self._error = None              # a streamed query's failure, after the rows before it
        self.attached = cursor is not None or reader is not None
        self.exhausted = False
        self.large = False              # more rows than the lean path takes
        self.streaming = False          # DuckDB runs the query as it is read
        self.count = 0
        self._on_close = on_close
        self._on_error = on_error       # DuckDB's error -> the client's (PgError)
        if reader is not None:
            self._stream(reader)
        elif batches is not None:
            self._pending = [b for b in batches if len(b)]
            self.attached = False
        elif cursor is not None:
            self._from_cursor(cursor, restream)

    def _stream(self, reader) -> None:
        """Rows from a relation's reader, which runs the query as its batches are read."""
        self.streaming = True
        self._reader = reader
        head = self._read_batch()
        if head is not None and len(head):
            self._pending.append(head)
            self.large = self.large or len(head) >= LEAN_ROWS

    def _from_cursor(self, cursor, restream) -> None:
        # Python's timedelta has no months: intervals go through Arrow (month_day_nano)
        lean = not any("INTERVAL" in str(d[1]) for d in cursor.description or ())
        if lean:
            head = cursor.fetchmany(LEAN_ROWS)
            if len(head) < LEAN_ROWS:
                if head:
                    self._pending.append(head)
                self._release()
                return
            self.large = True
            keep = head
        else:
            keep = None   # how many rows there are is not known yet
        reader = restream() if restream is not None else None
        if reader is not None:   # the query again, streamed: the rows read so far are dropped
            self._stream(reader)
            return
        if keep:
            self._pending.append(keep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._reader = cursor.to_arrow_reader(READER_ROWS)

    def _release(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._cursor = None
        self.attached = False
        if self._on_close:
            self._on_close(self)
            self._on_close = None

    def _next_piece(self):
        if self._pending:
            return self._pending.pop(0)
        if self._spill is not None:
            if self._spill_index < self._spill.num_record_batches:
                b = self._spill.get_batch(self._spill_index)
                self._spill_index += 1
                return b
            return None
        if self._error is not None:
            err, self._error = self._error, None
            raise err
        if self._reader is not None:
            return self._read_batch()
        return None

    def _read_batch(self):
        try:
            return self._reader.read_next_batch()
        except StopIteration:
            self._release()
        except (duckdb.Error, OSError) as e:   # a streamed query can fail after its first rows
            self._release()
            raise self._client_error(e) from None
        return None

    def _client_error(self, e):
        """DuckDB's failure (pyarrow's OSError for it, from a stream) as the client's error."""
        e = streamed_error(e)
        return self._on_error(e) if self._on_error else e

    def _next_or_keep(self, got: int):
        """The next piece; a failure after some rows is kept for the next fetch, so that the
        rows before it still reach the client, as PostgreSQL sends them."""
        try:
            return self._next_piece()
        except Exception as e:
            if not got:
                raise
            self._error = e
            return None

    def fetch(self, max_rows: int = 0):
        """Up to max_rows rows (0: all that is left) as a list of pieces."""
        out, got = [], 0
        while max_rows == 0 or got < max_rows:
            piece = self._next_or_keep(got)
            if piece is None:
                self.exhausted = self._error is None
                break
            n = len(piece)
            if n == 0:
                continue
            if max_rows and got + n > max_rows:
                keep = max_rows - got
                head, tail = (piece[:keep], piece[keep:]) if isinstance(piece, list) else (
                    piece.slice(0, keep), piece.slice(keep))
                self._pending.insert(0, tail)
                piece, n = head, keep
            out.append(piece)
            got += n
            if max_rows == 0 and got >= BATCH_ROWS:
                break  # let the caller write what it has
        if not self._pending and self._reader is None and self._error is None and (self._spill is None or
                                                           self._spill_index >= self._spill.num_record_batches):
            self.exhausted = True
        self.count += got
        return out

    def detach(self):
        """Drain what DuckDB still holds into memory (or a spill file): the cursor is needed.
        Returns the failure met on the way (kept for the client too), or None."""
        if self._reader is None:
            self._release()
            return None
        size = sum(p.nbytes for p in self._pending if isinstance(p, pa.RecordBatch))
        writer = None
        for batch in self._drain():
            size += batch.nbytes
            if writer is None and size > SPILL_BYTES:
                fd, self._spill_path = tempfile.mkstemp(prefix="redduck-portal-", suffix=".arrow")
                os.close(fd)
                writer = pa.ipc.new_file(self._spill_path, batch.schema)
            if writer is not None:
                writer.write_batch(batch)
            else:
                self._pending.append(batch)
        self._release()
        if writer is not None:
            writer.close()
            self._spill = pa.ipc.open_file(pa.memory_map(self._spill_path))
        return self._error

    def _drain(self):
        """The reader's batches; a failure is kept for the client to meet after the rows before it."""
        try:
            yield from self._reader
        except (duckdb.Error, OSError) as e:
            self._error = self._client_error(e)

    def close(self) -> None:
        self._pending = []
        self._error = None
        self._release()
        if self._spill_path:
            self._spill = None
            try:
                os.unlink(self._spill_path)
            except OSError:
                pass
            self._spill_path = None
        self.exhausted = True
