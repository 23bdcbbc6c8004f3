"""Codecs: single values both ways, and the vectorized Arrow encoders against them."""
import datetime as dt
import decimal
import uuid

import pyarrow as pa
import pytest
from hypothesis import given, settings, strategies as st

from redduck.protocol import types as T
from redduck.protocol.codecs import values
from redduck.protocol.codecs.arrow_binary import encode_binary_array
from redduck.protocol.codecs.arrow_text import encode_text_array
from redduck.protocol.codecs.datarow import encode_datarows, encode_rows_python
from redduck.protocol.framing import split_backend
from redduck.protocol.messages import DataRow, decode_backend

CASES = [
    (T.BOOL, [True, False, None], pa.bool_()),
    (T.INT2, [1, -32768, None], pa.int16()),
    (T.INT4, [0, 2**31 - 1, -5, None], pa.int32()),
    (T.INT8, [2**62, -1, None], pa.int64()),
    (T.FLOAT8, [1.5, 0.1, 1e20, -2.5e-7, None], pa.float64()),
    (T.FLOAT4, [1.5, None], pa.float32()),
    (T.TEXT, ["a", "", "é ü", None], pa.string()),
    (T.BYTEA, [b"\x00\xff", b"", None], pa.binary()),
    (T.DATE, [dt.date(2020, 2, 29), dt.date(1999, 12, 31), None], pa.date32()),
    (T.TIMESTAMP, [dt.datetime(2020, 1, 2, 3, 4, 5, 120000), dt.datetime(1990, 1, 1), None], pa.timestamp("us")),
    (T.TIME, [dt.time(1, 2, 3, 500), None], pa.time64("us")),
    (T.NUMERIC, [decimal.Decimal("1.25"), decimal.Decimal("-1000.50"), None], pa.decimal128(10, 2)),
]


@pytest.mark.parametrize("oid,vals,atype", CASES)
def test_arrow_text_matches_python(oid, vals, atype):
    arr = pa.array(vals, atype)
    got = encode_text_array(arr, oid).to_pylist()
    want = [None if v is None else values.encode_text(v, oid).encode() for v in vals]
    assert got == want


@pytest.mark.parametrize("oid,vals,atype", CASES)
def test_arrow_binary_matches_python(oid, vals, atype):
    arr = pa.array(vals, atype)
    got = encode_binary_array(arr, oid).to_pylist()
    want = [None if v is None else values.encode_binary(v, oid) for v in vals]
    assert got == want


@pytest.mark.parametrize("oid,vals,atype", CASES)
def test_binary_roundtrip(oid, vals, atype):
    for v in vals:
        if v is None:
            continue
        back = values.decode_binary(values.encode_binary(v, oid), oid)
        if oid == T.FLOAT4:
            assert back == pytest.approx(v)
        else:
            assert back == v


def test_text_output_like_postgres():
    assert values.encode_text(True, T.BOOL) == "t"
    assert values.format_float(1e-5) == "1e-05"
    assert values.format_float(float("inf")) == "Infinity"
    assert values.format_float(1e16) == "1e+16"
    assert values.format_float(123.0) == "123"
    assert values.encode_text(dt.datetime(2020, 1, 1, 0, 0, 0, 500000), T.TIMESTAMP) == "2020-01-01 00:00:00.5"
    assert values.encode_text([1, None, 3], T.array_of(T.INT4)) == "{1,NULL,3}"
    assert values.encode_text(["a b", ""], T.array_of(T.TEXT)) == '{"a b",""}'
    assert values.format_interval(14, 3, 3_600_000_000) == "1 year 2 mons 3 days 01:00:00"


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12))
@settings(max_examples=300)
def test_numeric_binary_roundtrip(d):
    assert values.decode_binary(values.encode_binary(d, T.NUMERIC), T.NUMERIC) == d


def test_uuid_and_arrays_roundtrip():
    u = uuid.uuid4()
    assert values.decode_binary(values.encode_binary(u, T.UUID), T.UUID) == str(u)
    arr_oid = T.array_of(T.INT4)
    assert values.decode_binary(values.encode_binary([1, None, 2], arr_oid), arr_oid) == [1, None, 2]
    assert values.decode_array_text('{1,NULL,"3"}', T.INT4) == [1, None, 3]


def test_datarows_vectorized_equal_per_row():
    cols = [pa.array([b"1", None, b"333"], pa.binary()), pa.array([b"x", b"", None], pa.binary())]
    data = encode_datarows(cols, 3)
    rows = [decode_backend(t, b) for t, b in split_backend(data)]
    assert rows == [DataRow((b"1", b"x")), DataRow((None, b"")), DataRow((b"333", None))]
    py = encode_rows_python([(1, "x"), (None, ""), (333, None)], [lambda v: str(v).encode()] * 2)
    assert py == data


def test_framed_fixed_columns_give_the_same_datarows():
    from redduck.protocol.codecs.arrow_binary import framed_fixed
    a = pa.array([1, 2, 3], pa.int32())
    ts = pa.array([dt.datetime(2020, 1, 1), dt.datetime(2021, 5, 6, 7, 8, 9), dt.datetime(1999, 1, 1)], pa.timestamp("us"))
    s = pa.array(["x", "yy", ""], pa.string())
    plain = [encode_binary_array(a, T.INT4), encode_binary_array(ts, T.TIMESTAMP), encode_binary_array(s, T.TEXT)]
    framed = [framed_fixed(a, T.INT4), framed_fixed(ts, T.TIMESTAMP), encode_binary_array(s, T.TEXT)]
    assert encode_datarows(plain, 3) == encode_datarows(framed, 3, [True, True, False])
    assert framed_fixed(pa.array([1, None], pa.int32()), T.INT4) is None


def test_binary_copy_fast_path_matches_field_by_field_decoding():
    """Fixed-width columns are read a chunk at a time; NULLs and chunk edges fall back."""
    import io
    import struct

    import pyarrow as pa

    from redduck.protocol.codecs.copy_format import BINARY_HEADER, BINARY_TRAILER, CopyOptions, decode_copy_in
    schema = pa.schema([("a", pa.int32()), ("b", pa.float64()), ("c", pa.bool_()), ("d", pa.date32()),
                        ("e", pa.timestamp("us")), ("f", pa.int64()), ("g", pa.int16())])

    def row(i, null):
        vals = [struct.pack("!i", i), struct.pack("!d", i / 2), struct.pack("!?", i % 3 == 0),
                struct.pack("!i", i - 5000), struct.pack("!q", i * 1_000_003), struct.pack("!q", -i),
                struct.pack("!h", i % 300)]
        out = struct.pack("!h", len(vals))
        for j, v in enumerate(vals):
            out += struct.pack("!i", -1) if null and j == 1 + i % (len(vals) - 1) else struct.pack("!i", len(v)) + v
        return out
    n, nulls = 1000, {0, 99, 100, 101, 511, 999}
    data = BINARY_HEADER + b"".join(row(i, i in nulls) for i in range(n)) + BINARY_TRAILER
    fast = pa.Table.from_batches(list(decode_copy_in(io.BytesIO(data), schema, CopyOptions(format="binary"),
                                                     batch_rows=100)), schema=schema)
    assert fast.num_rows == n
    assert fast.column("a").to_pylist() == list(range(n))
    for i in range(n):
        r = fast.slice(i, 1).to_pylist()[0]
        cols = list(r.values())
        assert (None in cols) == (i in nulls), (i, r)
        if i not in nulls:
            assert r["b"] == i / 2 and r["c"] == (i % 3 == 0) and r["f"] == -i and r["g"] == i % 300
            assert (r["d"] - __import__("datetime").date(2000, 1, 1)).days == i - 5000


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 18).flatmap(lambda p: st.tuples(st.just(p), st.integers(0, min(p, 15)))),
       st.lists(st.one_of(st.none(), st.integers(-(10 ** 17), 10 ** 17)), max_size=40), st.integers(0, 3))
def test_numeric_binary_arrays_match_the_per_value_encoder(ps, ints, offset):
    import decimal

    import pyarrow as pa

    from redduck.protocol import types as T
    from redduck.protocol.codecs import values
    from redduck.protocol.codecs.numeric_binary import encode_numeric_array
    p, s = ps
    bound = 10 ** p
    vals = [None if i is None else decimal.Decimal(i % bound * (1 if i >= 0 else -1)).scaleb(-s) for i in ints]
    arr = pa.array(vals, pa.decimal128(p, s)).slice(min(offset, len(vals)))
    fast = encode_numeric_array(arr)
    expected = [None if v is None else values.encode_binary(v, T.NUMERIC) for v in arr.to_pylist()]
    assert fast.to_pylist() == expected
