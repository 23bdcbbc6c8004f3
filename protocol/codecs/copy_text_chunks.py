"""COPY text format read a chunk of whole lines at a time, typed by pyarrow's CSV parser.

Text format never has a raw newline inside a value (it is written `\\n`), so the stream
splits safely at line ends. Each chunk is parsed with the column types (multi-threaded,
unlike the streaming reader); only a chunk whose values do not convert as they stand is
parsed again as text, so that its escapes are decoded and a bad value named by its line.
"""
from __future__ import annotations

import pyarrow as pa
import pyarrow.csv as pacsv

CHUNK_BYTES = 8 << 20
END_MARKER = b"\\."


def text_chunks(source, skip_lines: int = 0):
    """Yield (chunk, first_line): whole lines of the stream, up to the `\\.` line."""
    line, rest = 1, b""
    while True:
        data = source.read(CHUNK_BYTES)
        eof = not data
        buf = rest + data if rest else data
        cut = len(buf) if eof else buf.rfind(b"\n") + 1
        if cut <= 0 and not eof:
            rest = buf
            continue
        chunk, rest = buf[:cut], buf[cut:]
        while skip_lines and chunk:
            nl = chunk.find(b"\n")
            chunk = b"" if nl < 0 else chunk[nl + 1:]
            skip_lines -= 1
            line += 1
        end = _end_marker(chunk)
        if end is not None:
            chunk, eof = chunk[:end], True
        if chunk:
            yield chunk, line
            line += chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
        if eof:
            return


def _end_marker(chunk: bytes) -> int | None:
    """Where a line holding only `\\.` starts (PostgreSQL stops reading there)."""
    if chunk.startswith(END_MARKER + b"\n") or chunk == END_MARKER:
        return 0
    at = chunk.find(b"\n" + END_MARKER + b"\n")
    if at >= 0:
        return at + 1
    if chunk.endswith(b"\n" + END_MARKER):
        return len(chunk) - len(END_MARKER)
    return None


def parse_chunk(chunk: bytes, names: list[str], parse: pacsv.ParseOptions,
                convert: pacsv.ConvertOptions) -> pa.Table:
    read = pacsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 20)
    return pacsv.read_csv(pa.py_buffer(chunk), read_options=read, parse_options=parse, convert_options=convert)


def bad_field_count_line(chunk: bytes, delimiter: str, ncols: int, first_line: int) -> tuple[int, int] | None:
    """The first line with the wrong number of fields and its count (the error path only)."""
    sep = delimiter.encode()
    lines = chunk.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()   # the newline ending the chunk starts no line
    for i, text in enumerate(lines):
        got = text.count(sep) + 1
        if got != ncols:
            return first_line + i, got
    return None
