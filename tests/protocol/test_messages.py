"""decode(encode(m)) == m for every message, with nothing left over (property-based)."""
import dataclasses

from hypothesis import given, settings, strategies as st

from redduck.protocol import messages as M
from redduck.protocol.framing import FrontendFramer, split_backend

text = st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=30)
i16 = st.integers(0, 1)
i32 = st.integers(-2**31, 2**31 - 1)
oid = st.integers(0, 2**32 - 1)
maybe_bytes = st.one_of(st.none(), st.binary(max_size=40))

frontend = st.one_of(
    st.builds(M.Query, text),
    st.builds(M.Parse, text, text, st.lists(oid, max_size=5).map(tuple)),
    st.builds(M.Bind, text, text, st.lists(i16, max_size=4).map(tuple), st.lists(maybe_bytes, max_size=4).map(tuple),
              st.lists(i16, max_size=4).map(tuple)),
    st.builds(M.Describe, st.sampled_from("SP"), text),
    st.builds(M.Close, st.sampled_from("SP"), text),
    st.builds(M.Execute, text, st.integers(0, 2**31 - 1)),
    st.just(M.Sync()), st.just(M.Flush()), st.just(M.Terminate()), st.just(M.CopyDone()),
    st.builds(M.CopyData, st.binary(max_size=50)),
    st.builds(M.CopyFail, text),
    st.builds(M.PasswordMessage, st.binary(max_size=30)),
)

field = st.builds(M.FieldDescription, text, oid.map(lambda v: v & 0x7FFFFFFF), st.integers(0, 1000),
                  oid.map(lambda v: v & 0x7FFFFFFF), st.integers(-1, 100), i32, i16)
backend = st.one_of(
    st.builds(M.Authentication, st.sampled_from([0, 3, 5, 10]), st.binary(max_size=8)),
    st.builds(M.ParameterStatus, text, text),
    st.builds(M.BackendKeyData, i32, i32),
    st.builds(M.ReadyForQuery, st.sampled_from("ITE")),
    st.builds(M.RowDescription, st.lists(field, max_size=4).map(tuple)),
    st.builds(M.DataRow, st.lists(maybe_bytes, max_size=5).map(tuple)),
    st.builds(M.CommandComplete, text),
    st.just(M.EmptyQueryResponse()), st.just(M.NoData()), st.just(M.ParseComplete()),
    st.just(M.BindComplete()), st.just(M.CloseComplete()), st.just(M.PortalSuspended()),
    st.builds(M.ParameterDescription, st.lists(oid, max_size=5).map(tuple)),
    st.builds(M.CopyInResponse, i16, st.lists(i16, max_size=5).map(tuple)),
    st.builds(M.CopyOutResponse, i16, st.lists(i16, max_size=5).map(tuple)),
    st.builds(M.ErrorResponse, st.sampled_from(["ERROR", "FATAL"]), st.sampled_from(["42601", "XX000"]),
              text.filter(bool), st.one_of(st.none(), text.filter(bool)), st.one_of(st.none(), text.filter(bool)),
              st.integers(0, 10000), *[st.one_of(st.none(), text.filter(bool))] * 4),
    st.builds(M.NoticeResponse, st.just("NOTICE"), st.just("00000"), text.filter(bool)),
)


@given(frontend)
@settings(max_examples=400)
def test_frontend_roundtrip(msg):
    framer = FrontendFramer()
    framer.expect_startup = False
    framer.feed(msg.encode())
    got = list(framer.messages())
    assert got == [msg]
    assert framer.buffered == 0


@given(backend)
@settings(max_examples=400)
def test_backend_roundtrip(msg):
    parts = list(split_backend(msg.encode()))
    assert len(parts) == 1
    type_byte, body = parts[0]
    assert M.decode_backend(type_byte, body) == msg


@given(st.dictionaries(text.filter(bool), text, max_size=5))
def test_startup_roundtrip(params):
    m = M.StartupMessage(params)
    framer = FrontendFramer()
    framer.feed(m.encode())
    assert list(framer.messages()) == [m]


def test_special_startup_packets():
    for m in (M.SSLRequest(), M.GSSENCRequest(), M.CancelRequest(1234, 5678)):
        framer = FrontendFramer()
        framer.feed(m.encode())
        assert list(framer.messages()) == [m]


def test_messages_split_across_feeds():
    data = M.Query("select 1").encode() + M.Sync().encode()
    framer = FrontendFramer()
    framer.expect_startup = False
    got = []
    for i in range(len(data)):
        framer.feed(data[i:i + 1])
        got += list(framer.messages())
    assert got == [M.Query("select 1"), M.Sync()]


def test_every_message_type_is_covered():
    names = {c.__name__ for c in list(M.FRONTEND.values()) + list(M.BACKEND.values())}
    assert {"Query", "Parse", "Bind", "Describe", "Execute", "Close", "Sync", "Flush", "CopyData", "CopyDone",
            "CopyFail", "Terminate", "RowDescription", "DataRow", "ErrorResponse", "NoticeResponse",
            "PortalSuspended", "ParameterDescription", "CopyInResponse", "CopyOutResponse"} <= names
    assert all(dataclasses.is_dataclass(c) for c in M.FRONTEND.values())
