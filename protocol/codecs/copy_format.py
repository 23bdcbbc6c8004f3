"""COPY data formats (text, CSV, binary): Arrow batches out, Arrow batches in.

DuckDB cannot read a client's stream and neither DuckDB nor pyarrow decodes
PostgreSQL's text-format escapes, so both directions live here, per batch.
"""
from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import BAD_COPY_FILE_FORMAT, INVALID_TEXT_REPRESENTATION, PgError
from .arrow_binary import encode_binary_array
from .arrow_text import encode_text_array, to_binary
from .copy_binary_fixed import _wire as wire_width, decode_rows, row_dtype
from .copy_binary_rows import columns as binary_columns, scan as scan_binary
from .copy_text_chunks import bad_field_count_line, parse_chunk, text_chunks
from .datarow import _int32_column, _lengths

BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\0"
BINARY_HEADER = BINARY_SIGNATURE + struct.pack("!ii", 0, 0)
BINARY_TRAILER = struct.pack("!h", -1)


@dataclass(frozen=True)
class CopyOptions:
    format: str = "text"  # text | csv | binary
    delimiter: str = "\t"
    null: str = "\\N"
    quote: str = '"'
    escape: str = '"'
    header: bool = False
    skip_rows: int = 0  # Redshift's IGNOREHEADER
    max_errors: int = 0  # Redshift's MAXERROR

    @classmethod
    def make(cls, fmt: str = "text", **kw) -> "CopyOptions":
        fmt = fmt.lower()
        defaults = {"text": dict(delimiter="\t", null="\\N"), "csv": dict(delimiter=",", null=""),
                    "binary": {}}[fmt]
        defaults.update({k: v for k, v in kw.items() if v is not None})
        if defaults.get("escape") is None and "quote" in defaults:
            defaults["escape"] = defaults["quote"]
        return cls(format=fmt, **defaults)


# ---------------------------------------------------------------- out

_TEXT_ESCAPES = [("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")]


def encode_copy_out(batch: pa.RecordBatch, oids: list[int], opts: CopyOptions, tz: str = "UTC") -> bytes:
    """One batch as COPY data rows (binary: without the file header/trailer)."""
    return _concat(copy_out_rows(batch, oids, opts, tz)) if batch.num_rows else b""


def copy_out_rows(batch: pa.RecordBatch, oids: list[int], opts: CopyOptions, tz: str = "UTC") -> pa.Array:
    """One batch as a binary array holding one COPY data row per element."""
    n = batch.num_rows
    if opts.format == "binary":
        cols = [encode_binary_array(c, o) for c, o in zip(batch.columns, oids)]
        parts = []
        for col in cols:
            parts.append(_int32_column(_lengths(col)))
            parts.append(col.fill_null(b"") if col.null_count else col)
        head = pa.array([struct.pack("!h", len(cols))] * n, pa.binary())
        return pc.binary_join_element_wise(head, *parts, b"")
    texts = [encode_text_array(c, o, tz).cast(pa.string()) for c, o in zip(batch.columns, oids)]
    fields = []
    for t in texts:
        if opts.format == "text":
            for a, b in _TEXT_ESCAPES:
                t = pc.replace_substring(t, a, b)
            if opts.delimiter not in "\t\\":
                t = pc.replace_substring(t, opts.delimiter, "\\" + opts.delimiter)
        else:
            q = opts.quote
            needs = pc.or_(pc.match_substring_regex(t, "[" + _re_class(opts.delimiter + q + opts.escape) + "\r\n]"),
                           pc.equal(t, opts.null))
            esc = pc.replace_substring(t, q, opts.escape + q) if opts.escape == q else pc.replace_substring(
                pc.replace_substring(t, opts.escape, opts.escape + opts.escape), q, opts.escape + q)
            quoted = pc.binary_join_element_wise(q, esc, q, "")
            t = pc.if_else(pc.fill_null(needs, False), quoted, t)
        fields.append(t)
    line = pc.binary_join_element_wise(*fields, opts.delimiter, null_handling="replace",
                                       null_replacement=opts.null)
    line = pc.binary_join_element_wise(line, "\n", "")
    return to_binary(line)


def _re_class(chars: str) -> str:
    return "".join("\\" + c if c in "\\]^-[" else c for c in dict.fromkeys(chars))


def _concat(arr: pa.Array) -> bytes:
    arr = to_binary(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=arr.offset * 4)
    return arr.buffers()[2].to_pybytes()[int(offsets[0]):int(offsets[-1])]


def encode_copy_header(opts: CopyOptions, names: list[str]) -> bytes:
    if opts.format == "binary":
        return BINARY_HEADER
    if opts.format == "csv" and opts.header:
        return (opts.delimiter.join(names) + "\n").encode()
    return b""


# ---------------------------------------------------------------- in

class CopyRowError(PgError):
    pass


def _arrow_convert_type(t: pa.DataType) -> pa.DataType:
    return pa.string() if (pa.types.is_dictionary(t) or pa.types.is_nested(t) or pa.types.is_interval(t)) else t


def wire_schema(schema: pa.Schema) -> pa.Schema:
    """The types text and CSV data decode to: what Arrow cannot parse stays text."""
    return pa.schema([pa.field(f.name, _arrow_convert_type(f.type)) for f in schema])


def decode_copy_in(source, schema: pa.Schema, opts: CopyOptions, batch_rows: int = 65536,
                   skipped: list | None = None):
    """Yield Arrow record batches of `schema` from a file-like of COPY data.

    With MAXERROR, malformed rows (wrong field count) are skipped up to that many and
    their line numbers appended to `skipped`."""
    if opts.format == "binary":
        yield from _decode_binary(source, schema, batch_rows)
        return
    names = schema.names
    read = pacsv.ReadOptions(column_names=names, skip_rows=opts.skip_rows + (1 if opts.header else 0),
                             block_size=8 << 20)
    if opts.format == "text":
        parse = pacsv.ParseOptions(delimiter=opts.delimiter, quote_char=False, escape_char=False,
                                   newlines_in_values=False)
        null_values = [opts.null]
    else:
        parse = pacsv.ParseOptions(delimiter=opts.delimiter, quote_char=opts.quote,
                                   double_quote=opts.escape == opts.quote,
                                   escape_char=False if opts.escape == opts.quote else opts.escape,
                                   newlines_in_values=True)
        null_values = [opts.null]
    string_cols = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    bytea_cols = [f.name for f in schema if pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]
    column_types = {f.name: (pa.string() if (opts.format == "text" and f.name not in string_cols)
                             or f.name in bytea_cols else _arrow_convert_type(f.type)) for f in schema}
    convert = pacsv.ConvertOptions(column_types=column_types, null_values=null_values,
                                   strings_can_be_null=True, quoted_strings_can_be_null=False,
                                   true_values=["t", "true", "1", "yes", "on", "TRUE", "True"],
                                   false_values=["f", "false", "0", "no", "off", "FALSE", "False"])
    if opts.format == "text" and not opts.max_errors:
        yield from _decode_text(source, schema, opts, parse, convert)
        return
    if opts.max_errors:
        skipped = skipped if skipped is not None else []
        parse = _with_skip(parse, opts, skipped)
        # values are converted here, batch by batch, so that a bad one costs its row only
        convert.column_types = {f.name: pa.string() for f in schema}
    try:
        reader = pacsv.open_csv(source, read_options=read, parse_options=parse, convert_options=convert)
        line = 1 + opts.skip_rows + (1 if opts.header else 0)
        for batch in reader:
            if opts.format == "text":
                batch = _unescape_text(batch, schema, line, convert=not opts.max_errors)
            if opts.max_errors:
                batch = _convert_skipping(batch, schema, line, opts, skipped)
            elif opts.format != "text" and bytea_cols:
                batch = _convert_columns(batch, schema, line)
            line += batch.num_rows
            yield batch
    except pa.ArrowInvalid as e:
        raise _row_error(str(e)) from None


def _decode_text(source, schema: pa.Schema, opts: CopyOptions, parse: pacsv.ParseOptions,
                 as_text: pacsv.ConvertOptions):
    """Text format, a chunk of lines at a time: typed parsing first, the escape-decoding
    path only for a chunk where that fails."""
    typed = pacsv.ConvertOptions(
        column_types={f.name: pa.string() if _textual(f.type) else f.type for f in schema},
        null_values=as_text.null_values, strings_can_be_null=True,
        true_values=as_text.true_values, false_values=as_text.false_values)
    names = schema.names
    textual = [_textual(f.type) for f in schema]
    for chunk, line in text_chunks(source, opts.skip_rows + (1 if opts.header else 0)):
        try:
            table = parse_chunk(chunk, names, parse, typed)
            for batch in table.to_batches():
                cols = [_unescape_column(c) if t else c for c, t in zip(batch.columns, textual)]
                batch = pa.RecordBatch.from_arrays(cols, names=names)
                yield _convert_columns(batch, schema, line)
                line += batch.num_rows
            continue
        except pa.ArrowInvalid as e:
            if "Expected" in str(e) and "columns" in str(e):
                bad = bad_field_count_line(chunk, opts.delimiter, len(names), line)
                where, got = bad if bad else (line, 0)
                what = (f'missing data for column "{names[got]}"' if got < len(names)
                        else "extra data after last expected column")
                raise CopyRowError(BAD_COPY_FILE_FORMAT, f"invalid COPY data (line {where}): {what}") from None
        # a value did not convert as it stands: decode escapes, convert, name the bad line
        try:
            table = parse_chunk(chunk, names, parse, as_text)
        except pa.ArrowInvalid as e:
            raise _row_error(str(e), _bad_utf8_line(chunk, line)) from None
        for batch in table.to_batches():
            batch = _unescape_text(batch, schema, line)
            line += batch.num_rows
            yield batch


def _cast_or_fail(col: pa.Array, field: pa.Field, first_line: int) -> pa.Array:
    """Text → the field's type; a value that does not convert is the client's error, by line."""
    try:
        return _cast_text(col, field.type)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise _cast_error(col, field, first_line, e) from None


def _convert_columns(batch: pa.RecordBatch, schema: pa.Schema, first_line: int) -> pa.RecordBatch:
    """The columns still held as text (bytea) converted to the schema's types."""
    cols = [col if col.type == f.type else _cast_or_fail(col, f, first_line) for col, f in zip(batch.columns, schema)]
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def _convert_skipping(batch: pa.RecordBatch, schema: pa.Schema, first_line: int, opts: CopyOptions,
                      skipped: list) -> pa.RecordBatch:
    """MAXERROR: rows whose values do not convert are dropped (their lines noted), up to the limit."""
    bad: set = set()
    for col, field in zip(batch.columns, schema):
        if col.type == field.type:
            continue
        try:
            _cast_text(col, field.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            for i, v in enumerate(col.to_pylist()):   # only for a batch that has a bad value
                if v is not None:
                    try:
                        _cast_text(pa.array([v], pa.string()), field.type)
                    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                        bad.add(i)
    if bad:
        skipped.extend(first_line + i for i in sorted(bad))
        if len(skipped) > opts.max_errors:
            raise CopyRowError(INVALID_TEXT_REPRESENTATION,
                               f"invalid COPY data (line {first_line + min(bad)}): more than MAXERROR "
                               f"{opts.max_errors} rows could not be converted")
        keep = pa.array([i not in bad for i in range(batch.num_rows)])
        batch = batch.filter(keep)
    cols = [col if col.type == f.type else _cast_text(col, f.type) for col, f in zip(batch.columns, schema)]
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def _with_skip(parse: pacsv.ParseOptions, opts: CopyOptions, skipped: list) -> pacsv.ParseOptions:
    first_line = 1 + opts.skip_rows + (1 if opts.header else 0)

    def handler(row):
        skipped.append((row.number + first_line - 1) if row.number is not None else None)
        return "error" if len(skipped) > opts.max_errors else "skip"

    parse.invalid_row_handler = handler
    return parse


def _bad_utf8_line(chunk: bytes, first_line: int) -> int | None:
    """The line of a chunk whose bytes are not UTF-8 (only looked for once one is)."""
    for i, raw in enumerate(chunk.split(b"\n")):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return first_line + i
    return None


def _row_error(msg: str, line: int | None = None) -> PgError:
    # pyarrow: "CSV parse error: Row #12: Expected 3 columns, got 2: …" / "In CSV column #1: Row #7: …"
    import re
    m = re.search(r"Row #(\d+)", msg)
    where = f" (line {line or m.group(1)})" if line or m else ""
    first = msg.splitlines()[0] if msg else "bad COPY data"
    if "invalid UTF8" in first:   # PostgreSQL's 22021, for a client_encoding of UTF8
        return CopyRowError("22021", f'invalid byte sequence for encoding "UTF8"{where}')
    code = BAD_COPY_FILE_FORMAT if "column" in first.lower() and "expected" in first.lower() else INVALID_TEXT_REPRESENTATION
    return CopyRowError(code, f"invalid COPY data{where}: {first}")


def _unescape_value(s: str) -> str:
    out, i = [], 0
    simple = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\\": "\\"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            if nxt in "01234567":
                j = i + 1
                while j < len(s) and j < i + 4 and s[j] in "01234567":
                    j += 1
                out.append(chr(int(s[i + 1:j], 8)))
                i = j
                continue
            out.append(nxt)
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _unescape_column(col: pa.Array) -> pa.Array:
    mask = pc.fill_null(pc.match_substring(col, "\\"), False)
    if not pc.any(mask).as_py():
        return col
    py = col.to_pylist()
    for i in np.flatnonzero(mask.to_numpy(zero_copy_only=False)):   # only the escaped values
        py[i] = _unescape_value(py[i])
    return pa.array(py, pa.string())


def _textual(t: pa.DataType) -> bool:
    """Values kept as text (or bytes) whatever they hold: their escapes are always decoded."""
    target = _arrow_convert_type(t)
    return pa.types.is_string(target) or pa.types.is_large_string(target) or pa.types.is_binary(target)


def _unescape_text(batch: pa.RecordBatch, schema: pa.Schema, first_line: int,
                   convert: bool = True) -> pa.RecordBatch:
    cols = []
    for col, field in zip(batch.columns, schema):
        if col.null_count == len(col):
            pass
        elif not convert or _textual(field.type):
            col = _unescape_column(col)
            if convert and col.type != field.type:
                col = _cast_or_fail(col, field, first_line)
        else:
            # a value that converts as it stands holds no escape worth decoding (a backslash
            # never parses as a number or a date), so unescape only when the cast fails
            try:
                col = _cast_text(col, field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                col = _cast_or_fail(_unescape_column(col), field, first_line)
        cols.append(col)
    if not convert:
        return pa.RecordBatch.from_arrays(cols, names=schema.names)
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def _cast_text(col: pa.Array, t: pa.DataType) -> pa.Array:
    if pa.types.is_boolean(t):
        low = pc.utf8_lower(col)
        truth = pc.is_in(low, pa.array(["t", "true", "y", "yes", "on", "1"]))
        false = pc.is_in(low, pa.array(["f", "false", "n", "no", "off", "0"]))
        if not pc.all(pc.fill_null(pc.or_(truth, false), True)).as_py():
            raise pa.ArrowInvalid("invalid boolean")
        return pc.if_else(pc.is_null(col), None, truth)
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return _bytea_from_text(col).cast(t)
    if pa.types.is_timestamp(t) and t.tz:
        return pc.cast(pc.replace_substring_regex(col, r"([+-]\d\d)$", r"\1:00"), t)
    return pc.cast(col, _arrow_convert_type(t)) if _arrow_convert_type(t) != t else pc.cast(col, t)


def _bytea_from_text(col: pa.Array) -> pa.Array:
    """PostgreSQL's bytea input: `\\x` then hex digits, or the escape form (`\\nnn`, `\\\\`)."""
    hexed = pc.starts_with(col, "\\x")
    if pc.all(pc.fill_null(hexed, True)).as_py():
        return _hex_to_bytes(pc.utf8_slice_codeunits(col, 2))
    # the escape form (rare): value by value
    return pa.array([None if v is None else _bytea_escape_input(v) for v in col.to_pylist()], pa.binary())


_HEX_VALUE = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _HEX_VALUE[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _HEX_VALUE[_c] = 10 + _i


def _hex_to_bytes(digits: pa.Array) -> pa.Array:
    """Hex digit strings → their bytes, for the whole array with NumPy."""
    digits = pa.concat_arrays([digits.cast(pa.large_binary())])   # zero offset, 64-bit offsets
    n = len(digits)
    offsets = np.frombuffer(digits.buffers()[1], dtype=np.int64, count=n + 1)
    data = digits.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8, count=int(offsets[-1])) if data is not None else np.empty(0, np.uint8)
    nibbles = _HEX_VALUE[raw]
    if (np.diff(offsets) % 2).any() or (nibbles == 255).any():
        raise pa.ArrowInvalid("invalid hexadecimal data")
    out = (nibbles[0::2] << 4) | nibbles[1::2]
    return pa.Array.from_buffers(pa.large_binary(), n, [digits.buffers()[0], pa.py_buffer(offsets // 2),
                                                        pa.py_buffer(out)],
                                 null_count=digits.null_count).cast(pa.binary())


def _bytea_escape_input(v: str) -> bytes:
    if v.startswith("\\x"):
        try:
            return bytes.fromhex(v[2:])
        except ValueError:
            raise pa.ArrowInvalid("invalid hexadecimal data") from None
    out, i, raw = bytearray(), 0, v.encode()
    while i < len(raw):
        if raw[i] == 0x5C:   # backslash
            if raw[i + 1:i + 2] == b"\\":
                out.append(0x5C)
                i += 2
                continue
            octal = raw[i + 1:i + 4]
            if len(octal) == 3 and all(0x30 <= c <= 0x37 for c in octal):
                out.append(int(octal, 8))
                i += 4
                continue
            raise pa.ArrowInvalid("invalid input syntax for type bytea")
        out.append(raw[i])
        i += 1
    return bytes(out)


def _cast_error(col: pa.Array, field: pa.Field, first_line: int, e: Exception) -> PgError:
    # find the first value that does not convert, to name its line as PostgreSQL does
    for i, v in enumerate(col.to_pylist()):
        if v is None:
            continue
        try:
            _cast_text(pa.array([v], pa.string()), field.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return CopyRowError(INVALID_TEXT_REPRESENTATION,
                                f'invalid input syntax for type {field.type}: "{v}"',
                                detail=f"COPY line {first_line + i}, column {field.name}")
    return CopyRowError(INVALID_TEXT_REPRESENTATION, str(e))


_BLOCK = 1 << 20   # bytes scanned at a time on the general binary path


class _Pushback:
    """A reader that takes back what was read too far."""

    def __init__(self, source) -> None:
        self._source = source
        self._head = b""

    def read(self, n: int) -> bytes:
        if not self._head:
            return self._source.read(n)
        if len(self._head) >= n:
            out, self._head = self._head[:n], self._head[n:]
            return out
        out, self._head = self._head, b""
        return out + self._source.read(n - len(out))

    def unread(self, data: bytes) -> None:
        if data:
            self._head = data + self._head


def _binary_row_error(message: str, line: int) -> PgError:
    return CopyRowError(BAD_COPY_FILE_FORMAT, message, detail=f"COPY line {line}")


def _decode_binary(source, schema: pa.Schema, batch_rows: int):
    from .arrow_oids import oid_for_arrow
    head = source.read(len(BINARY_SIGNATURE) + 8)
    if not head.startswith(BINARY_SIGNATURE):
        raise PgError(BAD_COPY_FILE_FORMAT, "COPY file signature not recognized")
    (ext_len,) = struct.unpack("!i", head[-4:])
    source.read(ext_len)
    oids = [oid_for_arrow(f.type) for f in schema]
    data = _Pushback(source if hasattr(source, "peek") else io.BufferedReader(source))
    fixed = row_dtype(schema)
    widths = tuple(w[1] if (w := wire_width(f.type)) else None for f in schema)
    line = 0
    while True:
        if fixed is not None:
            # a whole chunk of equal-size, non-NULL rows in one NumPy read
            want = fixed.itemsize * batch_rows
            chunk = data.read(want)
            whole = len(chunk) // fixed.itemsize * fixed.itemsize
            batch = decode_rows(chunk[:whole], schema, fixed) if whole else None
            if batch is not None:
                line += batch.num_rows
                yield batch
                data.unread(chunk[whole:])
                if whole == want:
                    continue
            else:
                data.unread(chunk)
        # NULLs, variable-width columns, the last rows: field positions found row by row,
        # values taken a column at a time (copy_binary_rows.py)
        block = data.read(_BLOCK)
        while True:
            starts, lengths, used, done = scan_binary(block, len(schema), batch_rows, line, _binary_row_error, widths)
            if len(starts) or done:
                break
            more = data.read(max(len(block), _BLOCK))   # a row longer than the block
            if not more:
                raise PgError(BAD_COPY_FILE_FORMAT, "unexpected EOF in COPY data")
            block += more
        data.unread(block[used:])
        if len(starts):
            yield binary_columns(block, starts, lengths, schema, oids, line, _binary_row_error)
            line += len(starts)
        if done:
            return
