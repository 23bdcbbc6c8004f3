"""Splitting a byte stream into messages: written once for every message type."""
from __future__ import annotations

import struct

from .errors import ProtocolError
from .messages import Message, decode_frontend, decode_startup

DEFAULT_MAX_MESSAGE = 256 * 1024 * 1024
MAX_STARTUP_PACKET = 10000  # PostgreSQL's own limit
_LEN = struct.Struct("!i")
_BYTES = [bytes([i]) for i in range(256)]


class FrontendFramer:
    """Feed bytes in, take decoded frontend messages out.

    The first message of a connection (and the one after an SSL/GSSENC refusal) has no
    type byte; `expect_startup` says whether the next message is such a one.
    """

    def __init__(self, max_message: int = DEFAULT_MAX_MESSAGE) -> None:
        self.max_message = max_message
        self.expect_startup = True
        self._buf = bytearray()
        self._pos = 0          # start of the first message not yet taken

    def feed(self, data: bytes) -> None:
        if self._pos:          # drop what was taken once per feed, not once per message
            del self._buf[:self._pos]
            self._pos = 0
        self._buf += data

    @property
    def buffered(self) -> int:
        return len(self._buf) - self._pos

    def next_message(self) -> Message | None:
        """The next complete message, or None until more bytes arrive."""
        buf, pos = self._buf, self._pos
        have = len(buf) - pos
        if self.expect_startup:
            if have < 4:
                return None
            (length,) = _LEN.unpack_from(buf, pos)
            if length < 8 or length > MAX_STARTUP_PACKET:
                raise ProtocolError(f"invalid length of startup packet ({length})")
            if have < length:
                return None
            body = bytes(buf[pos + 4:pos + length])
            self._pos = pos + length
            self.expect_startup = False
            return decode_startup(body)
        if have < 5:
            return None
        (length,) = _LEN.unpack_from(buf, pos + 1)
        if length < 4:
            raise ProtocolError(f"invalid message length {length}")
        if length > self.max_message:
            raise ProtocolError(f"message of {length} bytes exceeds the maximum of {self.max_message}")
        if have < length + 1:
            return None
        type_byte = _BYTES[buf[pos]]
        body = bytes(buf[pos + 5:pos + length + 1])
        self._pos = pos + length + 1
        return decode_frontend(type_byte, body)

    def messages(self):
        while (m := self.next_message()) is not None:
            yield m


def split_backend(data: bytes | memoryview):
    """Split bytes a server wrote into (type byte, body) pairs: for tests and tools."""
    data = bytes(data)   # the encoders hand out views; pairs of bytes are what decoders take
    pos = 0
    while pos + 5 <= len(data):
        (length,) = _LEN.unpack_from(data, pos + 1)
        yield data[pos:pos + 1], data[pos + 5:pos + 1 + length]
        pos += 1 + length
    if pos != len(data):
        raise ProtocolError("truncated backend message")
