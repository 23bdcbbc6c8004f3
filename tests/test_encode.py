"""server/encode.py: a result's pieces as DataRow bytes. Runs of Arrow batches are merged
before encoding (one call per run instead of per 2,048-row batch); what reaches the client
must be the same bytes, in the same order, as encoding each piece alone."""
import datetime as dt

import pyarrow as pa
from hypothesis import given, settings, strategies as st

from redduck.engine.result import Column
from redduck.protocol import types as T
from redduck.protocol.framing import split_backend
from redduck.server.encode import encode_pieces

COLUMNS = [Column("i", T.INT4, 4), Column("d", T.FLOAT8, 8), Column("s", T.TEXT), Column("ts", T.TIMESTAMP, 8),
           Column("mood", T.TEXT)]
SCHEMA = pa.schema([("i", pa.int32()), ("d", pa.float64()), ("s", pa.string()), ("ts", pa.timestamp("us")),
                    ("mood", pa.dictionary(pa.int8(), pa.string()))])

row = st.tuples(st.none() | st.integers(-2**31, 2**31 - 1),
                st.none() | st.floats(allow_nan=False),
                st.none() | st.text(max_size=8),
                st.none() | st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 1, 1)),
                st.none() | st.sampled_from(["happy", "sad", "ok"]))


def _batch(rows):
    cols = list(zip(*rows)) if rows else [[] for _ in SCHEMA]
    arrays = [pa.array(list(c), f.type.value_type).dictionary_encode() if pa.types.is_dictionary(f.type)
              else pa.array(list(c), f.type) for c, f in zip(cols, SCHEMA)]
    return pa.RecordBatch.from_arrays(arrays, schema=SCHEMA)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.lists(row, min_size=1, max_size=20)), min_size=1, max_size=8),
       st.sampled_from([0, 1]))
def test_merged_runs_of_batches_encode_as_each_piece_alone(parts, fmt):
    # pieces as a result hands them out: Arrow batches (each with its own dictionaries),
    # here and there python rows (the lean path's)
    pieces = [_batch(rows) if arrow else [tuple(r[:4]) + (r[4],) for r in rows] for arrow, rows in parts]
    formats = [fmt] * len(COLUMNS)
    alone = b"".join(encode_pieces([p], COLUMNS, formats) for p in pieces)
    assert encode_pieces(pieces, COLUMNS, formats) == alone
    messages = list(split_backend(alone))
    assert [t for t, _ in messages] == [b"D"] * sum(len(rows) for _, rows in parts)
