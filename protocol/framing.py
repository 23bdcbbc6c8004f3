"""Splitting a byte stream into messages: written once for every message type."""
from __future__ import annotations

import struct

from .errors import ProtocolError
from .messages import Message, decode_frontend, decode_startup

DEFAULT_MAX_MESSAGE = 256 * 1024 * 1024
MAX_STARTUP_PACKET = 10000  # PostgreSQL's own limit
_LEN = struct.Struct("!i")


class FrontendFramer:
    """Feed bytes in, take decoded frontend messages out.

    The first message of a connection (and the one after an SSL/GSSENC refusal) has no
    type byte; `expect_startup` says whether the next message is such a one.
    """

    def __init__(self, max_message: int = DEFAULT_MAX_MESSAGE) -> None:
        self.max_message = max_message
        self.expect_startup = True
        self._buf = bytearray()

    def feed(self, data: bytes) -> None:
        self._buf += data

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def next_message(self) -> Message | None:
        """The next complete message, or None until more bytes arrive."""
        buf = self._buf
        if self.expect_startup:
            if len(buf) < 4:
                return None
            (length,) = _LEN.unpack_from(buf, 0)
            if length < 8 or length > MAX_STARTUP_PACKET:
                raise ProtocolError(f"invalid length of startup packet ({length})")
            if len(buf) < length:
                return None
            body = bytes(buf[4:length])
            del buf[:length]
            self.expect_startup = False
            return decode_startup(body)
        if len(buf) < 5:
            return None
        (length,) = _LEN.unpack_from(buf, 1)
        if length < 4:
            raise ProtocolError(f"invalid message length {length}")
        if length > self.max_message:
            raise ProtocolError(f"message of {length} bytes exceeds the maximum of {self.max_message}")
        if len(buf) < length + 1:
            return None
        type_byte = bytes(buf[0:1])
        body = bytes(buf[5:length + 1])
        del buf[:length + 1]
        return decode_frontend(type_byte, body)

    def messages(self):
        while (m := self.next_message()) is not None:
            yield m


def split_backend(data: bytes):
    """Split bytes a server wrote into (type byte, body) pairs: for tests and tools."""
    pos = 0
    while pos + 5 <= len(data):
        (length,) = _LEN.unpack_from(data, pos + 1)
        yield data[pos:pos + 1], data[pos + 5:pos + 1 + length]
        pos += 1 + length
    if pos != len(data):
        raise ProtocolError("truncated backend message")
