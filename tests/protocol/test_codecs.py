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


@pytest.mark.parametrize("columns", [
    [[b"ab", b"cd", b"ef"], [b"1234", b"5678", b"9abc"]],          # all one width: no join at all
    [[b"ab", b"cd", b"ef"], [b"x", b"yyy", b""], [b"", b"", b""]],  # fixed, varying, empty values
    [[b"ab", None, b"ef"], [b"q", b"r", b"s"]],                     # one width but a NULL: not fixed
])
def test_datarows_of_fixed_width_columns_equal_per_row(columns):
    # arrays sliced out of longer ones, so that their data does not start at offset 0
    arrays = [pa.array([b"zz"] + col + [b"zz"], pa.binary()).slice(1, 3) for col in columns]
    py = encode_rows_python(list(zip(*columns)), [lambda v: v] * len(columns))
    assert encode_datarows(arrays, 3) == py


def test_fixed_columns_give_the_same_datarows():
    from redduck.protocol.codecs.arrow_binary import fixed_values
    a = pa.array([1, -2, 3], pa.int32())
    f = pa.array([1.5, -0.0, 1e300], pa.float64())
    ts = pa.array([dt.datetime(2020, 1, 1), dt.datetime(2021, 5, 6, 7, 8, 9), dt.datetime(1999, 1, 1)], pa.timestamp("us"))
    day = pa.array([dt.date(2000, 1, 1), dt.date(1970, 1, 1), dt.date(2038, 2, 3)], pa.date32())
    b = pa.array([True, False, True])
    s = pa.array(["x", "yy", ""], pa.string())
    cols = [(a, T.INT4), (f, T.FLOAT8), (ts, T.TIMESTAMP), (s, T.TEXT), (day, T.DATE), (b, T.BOOL)]
    plain = [encode_binary_array(c, o) for c, o in cols]
    fixed = [fixed_values(c, o) or encode_binary_array(c, o) for c, o in cols]
    assert [type(c).__name__ for c in fixed] == ["Fixed"] * 3 + ["BinaryArray"] + ["Fixed"] * 2
    rows = [tuple(values.encode_binary(v, o) for v, (_, o) in zip(r, cols)) for r in zip(*(c.to_pylist() for c, _ in cols))]
    expected = encode_rows_python(rows, [lambda v: v] * len(cols))
    assert encode_datarows(plain, 3) == expected
    assert encode_datarows(fixed, 3) == expected
    assert fixed_values(pa.array([1, None], pa.int32()), T.INT4) is None


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


_INTERVALS = st.tuples(st.integers(-30000, 30000), st.integers(-100000, 100000),
                       st.integers(-(10 ** 12), 10 ** 12).map(lambda us: us * 1000))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), _INTERVALS), max_size=30), st.integers(0, 3))
def test_interval_arrays_match_the_per_value_encoders(ivs, offset):
    arr = pa.array([None if v is None else pa.MonthDayNano(v) for v in ivs],
                   pa.month_day_nano_interval()).slice(min(offset, len(ivs)))
    py = [None if v is None else (v.months, v.days, v.nanoseconds) for v in arr.to_pylist()]
    assert encode_text_array(arr, T.INTERVAL).to_pylist() == [
        None if v is None else values.encode_text(v, T.INTERVAL).encode() for v in py]
    assert encode_binary_array(arr, T.INTERVAL).to_pylist() == [
        None if v is None else values.encode_binary(v, T.INTERVAL) for v in py]


_ELEMENTS = {
    T.INT4: (st.integers(-2 ** 31, 2 ** 31 - 1), pa.int32()),
    T.TEXT: (st.text(alphabet=st.sampled_from('ab ,{}"\\\tNULn\u00e9'), max_size=6), pa.string()),
    T.FLOAT8: (st.floats(allow_nan=False, allow_infinity=False), pa.float64()),
    T.BOOL: (st.booleans(), pa.bool_()),
    T.DATE: (st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), pa.date32()),
}


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(_ELEMENTS)).flatmap(lambda oid: st.tuples(st.just(oid), st.lists(
    st.one_of(st.none(), st.lists(st.one_of(st.none(), _ELEMENTS[oid][0]), max_size=5)), max_size=12))),
    st.integers(0, 3))
def test_array_arrays_match_the_per_value_encoders(case, offset):
    elem, lists = case
    oid = next(a for a, e in T.ELEMENT_OF_ARRAY.items() if e == elem)
    arr = pa.array(lists, pa.list_(_ELEMENTS[elem][1])).slice(min(offset, len(lists)))
    py = arr.to_pylist()
    assert encode_text_array(arr, oid).to_pylist() == [
        None if v is None else values.encode_text(v, oid).encode() for v in py]
    assert encode_binary_array(arr, oid).to_pylist() == [
        None if v is None else values.encode_binary(v, oid) for v in py]


# PostgreSQL 15's own output for these values (SELECT v::float8::text / v::float4::text)
_PG_FLOATS = [(701, 1e10, "10000000000"), (701, 1e14, "100000000000000"), (701, 123456789012345.0, "123456789012345"),
              (701, 1e15, "1e+15"), (701, 1.234567890123456e15, "1.234567890123456e+15"), (701, 1e-4, "0.0001"),
              (701, 1e-5, "1e-05"), (701, 2.5e-7, "2.5e-07"), (701, 1.5e300, "1.5e+300"), (701, 100.0, "100"),
              (700, 1e10, "1e+10"), (700, 1e6, "1e+06"), (700, 1234567.0, "1.234567e+06"), (700, 123456.0, "123456"),
              (700, 1.1, "1.1"), (700, 2.2e-12, "2.2e-12")]


@pytest.mark.parametrize("oid,v,pg", _PG_FLOATS)
def test_floats_as_postgresql_prints_them(oid, v, pg):
    arrow_type = pa.float32() if oid == T.FLOAT4 else pa.float64()
    assert encode_text_array(pa.array([v], arrow_type), oid).to_pylist() == [pg.encode()]
    assert values.encode_text(v, oid) == pg


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(width=64)), max_size=20), st.booleans())
def test_float_arrays_match_the_per_value_encoder(xs, single):
    oid, arrow_type = (T.FLOAT4, pa.float32()) if single else (T.FLOAT8, pa.float64())
    arr = pa.array([None if v is None else v for v in xs], pa.float64()).cast(arrow_type, safe=False)
    expected = [None if v is None else values.encode_text(v, oid).encode() for v in arr.to_pylist()]
    assert encode_text_array(arr, oid).to_pylist() == expected


_WHOLE_SECONDS = st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)).map(lambda d: d.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _WHOLE_SECONDS,
                          st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31))), max_size=30),
       st.integers(0, 3))
def test_timestamp_arrays_match_the_per_value_encoder(xs, skip):
    """Whole batches of one text width (all whole seconds, or all nulls) take a copy without
    a mask, mixed widths the general path; a sliced array is read from its offset."""
    arr = pa.array(xs, pa.timestamp("us")).slice(min(skip, len(xs)))
    expected = [None if v is None else values.encode_text(v, T.TIMESTAMP).encode() for v in arr.to_pylist()]
    assert encode_text_array(arr, T.TIMESTAMP).to_pylist() == expected


_COPY_COLUMNS = [("i", pa.int32(), T.INT4, st.integers(-2 ** 31, 2 ** 31 - 1)),
                 ("s", pa.string(), T.TEXT, st.text(max_size=12)),
                 ("b", pa.binary(), T.BYTEA, st.binary(max_size=9)),
                 ("d", pa.float64(), T.FLOAT8, st.floats(allow_nan=False)),
                 ("ts", pa.timestamp("us"), T.TIMESTAMP, st.datetimes(dt.datetime(1, 1, 1), dt.datetime(9999, 1, 1))),
                 ("n", pa.decimal128(12, 3), T.NUMERIC, st.decimals(-10 ** 8, 10 ** 8, places=3, allow_nan=False))]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*[st.one_of(st.none(), c[3]) for c in _COPY_COLUMNS]), max_size=40),
       st.sampled_from([24, 64, 1 << 20]), st.sampled_from([3, 65536]))
def test_binary_copy_with_nulls_and_text_decodes_every_value(rows, block, batch_rows):
    """The general binary COPY path (field positions row by row, values by column), across
    block and batch boundaries, against the per-value encoder."""
    import io
    import struct

    from redduck.protocol.codecs import copy_format
    from redduck.protocol.codecs.copy_format import BINARY_HEADER, BINARY_TRAILER, CopyOptions, decode_copy_in
    out = [BINARY_HEADER]
    for row in rows:
        out.append(struct.pack("!h", len(row)))
        for v, (_, _, oid, _) in zip(row, _COPY_COLUMNS):
            if v is None:
                out.append(struct.pack("!i", -1))
            else:
                b = values.encode_binary(v, oid)
                out.append(struct.pack("!i", len(b)) + b)
    out.append(BINARY_TRAILER)
    schema = pa.schema([(n, t) for n, t, _, _ in _COPY_COLUMNS])
    saved = copy_format._BLOCK
    copy_format._BLOCK = block
    try:
        got = [b for b in decode_copy_in(io.BytesIO(b"".join(out)), schema, CopyOptions.make("binary"),
                                         batch_rows=batch_rows)]
    finally:
        copy_format._BLOCK = saved
    table = pa.Table.from_batches(got, schema=schema) if got else schema.empty_table()
    assert table.to_pylist() == [dict(zip(schema.names, r)) for r in rows]


def test_binary_copy_bad_input_is_the_clients_error():
    import io
    import struct

    from redduck.protocol.codecs.copy_format import BINARY_HEADER, BINARY_TRAILER, CopyOptions, decode_copy_in
    from redduck.protocol.errors import PgError
    schema = pa.schema([("i", pa.int32()), ("s", pa.string())])

    def decode(body: bytes):
        return list(decode_copy_in(io.BytesIO(BINARY_HEADER + body), schema, CopyOptions.make("binary")))

    row = struct.pack("!hi", 2, 4) + struct.pack("!i", 7) + struct.pack("!i", 2) + b"ok"
    assert decode(row + BINARY_TRAILER)[0].to_pylist() == [{"i": 7, "s": "ok"}]
    cases = {row[:-1]: "22P04",                                                  # cut off mid-row
             struct.pack("!hi", 3, 4) + row[6:] + BINARY_TRAILER: "22P04",       # wrong field count
             struct.pack("!hi", 2, 2) + b"\x00\x07" + row[10:] + BINARY_TRAILER: "22P04",   # int4 of 2 bytes
             row[:-2] + b"\xff\xfe" + BINARY_TRAILER: "22021"}                   # not UTF-8
    for body, code in cases.items():
        with pytest.raises(PgError) as e:
            decode(body)
        assert e.value.code == code, (body, e.value)
