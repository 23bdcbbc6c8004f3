"""Random and hostile bytes into the framing only ever raise ProtocolError."""
import struct

import pytest
from hypothesis import given, settings, strategies as st

from redduck.protocol import messages as M
from redduck.protocol.errors import ProtocolError
from redduck.protocol.framing import FrontendFramer


@given(st.binary(max_size=300), st.booleans())
@settings(max_examples=1500)
def test_random_bytes_only_raise_protocol_errors(data, startup):
    framer = FrontendFramer(max_message=1 << 16)
    framer.expect_startup = startup
    framer.feed(data)
    try:
        list(framer.messages())
    except ProtocolError:
        pass


@given(st.sampled_from([M.Query("select 1"), M.Parse("s", "select $1", (23,)),
                        M.Bind("", "s", (0,), (b"1",), (1,)), M.Execute("", 0), M.Describe("S", "s")]),
       st.integers(0, 40), st.integers(0, 255))
@settings(max_examples=1500)
def test_mutated_messages_only_raise_protocol_errors(msg, pos, byte):
    data = bytearray(msg.encode())
    data[pos % len(data)] = byte
    framer = FrontendFramer(max_message=1 << 16)
    framer.expect_startup = False
    framer.feed(bytes(data))
    try:
        list(framer.messages())
    except ProtocolError:
        pass


def test_oversized_message_is_refused_before_allocation():
    framer = FrontendFramer(max_message=1024)
    framer.expect_startup = False
    framer.feed(b"Q" + struct.pack("!i", 1 << 30))
    with pytest.raises(ProtocolError, match="exceeds the maximum"):
        framer.next_message()


def test_bad_startup_length_is_refused():
    framer = FrontendFramer()
    framer.feed(struct.pack("!i", 3) + b"xxxx")
    with pytest.raises(ProtocolError):
        framer.next_message()


def test_unknown_message_type():
    framer = FrontendFramer()
    framer.expect_startup = False
    framer.feed(b"@" + struct.pack("!i", 4))
    with pytest.raises(ProtocolError, match="invalid frontend message type"):
        framer.next_message()
