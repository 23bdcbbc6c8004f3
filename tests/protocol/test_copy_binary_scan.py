"""Binary COPY rows: the fast reading of the common row (copy_binary_rows.scan with widths)
finds exactly the fields the field-by-field reading finds, on random rows with NULLs,
variable-width values and blocks cut anywhere; and whole streams decode to their values."""
import io
import struct

import pyarrow as pa
from hypothesis import given, settings, strategies as st

from redduck.protocol.codecs import copy_format as CF
from redduck.protocol.codecs.copy_binary_rows import scan
from redduck.protocol.errors import PgError

# column kinds: (arrow type, wire width or None, a strategy for values)
KINDS = {
    "int4": (pa.int32(), 4, st.integers(-2**31, 2**31 - 1)),
    "int8": (pa.int64(), 8, st.integers(-2**63, 2**63 - 1)),
    "float8": (pa.float64(), 8, st.floats(allow_nan=False)),
    "text": (pa.string(), None, st.text(max_size=12)),
}
_PACK = {"int4": struct.Struct("!i"), "int8": struct.Struct("!q"), "float8": struct.Struct("!d")}


def _field(kind, v) -> bytes:
    if v is None:
        return struct.pack("!i", -1)
    raw = v.encode() if kind == "text" else _PACK[kind].pack(v)
    return struct.pack("!i", len(raw)) + raw


def _rows_bytes(kinds, rows) -> bytes:
    return b"".join(struct.pack("!h", len(kinds)) + b"".join(_field(k, v) for k, v in zip(kinds, r))
                    for r in rows)


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=5))
    row = st.tuples(*[st.one_of(st.none(), KINDS[k][2]) if draw(st.booleans()) else KINDS[k][2] for k in kinds])
    return kinds, draw(st.lists(row, max_size=30))


def _error(message, line):
    return PgError("22P04", message)


@given(tables(), st.integers(0, 2000), st.booleans(), st.integers(1, 40))
@settings(max_examples=600, deadline=None)
def test_fast_scan_finds_what_the_field_by_field_scan_finds(table, cut, trailer, limit):
    kinds, rows = table
    data = _rows_bytes(kinds, rows) + (struct.pack("!h", -1) if trailer else b"")
    block = data[:cut]     # a block may end anywhere, even inside a row
    widths = tuple(KINDS[k][1] for k in kinds)
    slow = scan(block, len(kinds), limit, 0, _error)
    fast = scan(block, len(kinds), limit, 0, _error, widths)
    assert fast[0].tolist() == slow[0].tolist() and fast[1].tolist() == slow[1].tolist()
    assert fast[2:] == slow[2:]


@given(tables())
@settings(max_examples=300, deadline=None)
def test_binary_copy_decodes_its_values(table):
    kinds, rows = table
    data = b"PGCOPY\n\xff\r\n\0" + struct.pack("!ii", 0, 0) + _rows_bytes(kinds, rows) + struct.pack("!h", -1)
    schema = pa.schema([(f"c{i}", KINDS[k][0]) for i, k in enumerate(kinds)])
    got = []
    for batch in CF._decode_binary(io.BytesIO(data), schema, 7):
        got += [tuple(r.values()) for r in batch.to_pylist()]
    assert got == [tuple(r) for r in rows]
