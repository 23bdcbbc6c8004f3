"""Bounds-checked reading and compact writing of message bodies."""
from __future__ import annotations

import struct

from .errors import ProtocolError

_I16 = struct.Struct("!h")
_I32 = struct.Struct("!i")
_U32 = struct.Struct("!I")
INT16, INT32 = _I16, _I32   # for decoders that unpack in place


class Reader:
    """Reads a message body; any overrun is a ProtocolError, never an IndexError."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ProtocolError("message is shorter than its contents claim")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> bytes:
        return self._take(1)

    def int16(self) -> int:
        return _I16.unpack(self._take(2))[0]

    def uint16(self) -> int:
        return self.int16() & 0xFFFF

    def int32(self) -> int:
        return _I32.unpack(self._take(4))[0]

    def cstring(self) -> str:
        text, self.pos = cstring_at(self.data, self.pos)
        return text

    def bytes(self, n: int) -> bytes:
        return self._take(n)

    def rest(self) -> bytes:
        chunk = self.data[self.pos:]
        self.pos = len(self.data)
        return chunk

    def count(self, item_size: int) -> int:
        """An int16 element count, checked against what is left (at least item_size each)."""
        n = self.int16()
        if n < 0 or n * item_size > len(self.data) - self.pos:
            raise ProtocolError("element count exceeds message length")
        return n

    def done(self) -> None:
        if self.pos != len(self.data):
            raise ProtocolError("message has trailing bytes")


def cstring_at(data: bytes, pos: int) -> tuple[str, int]:
    """The NUL-terminated UTF-8 string at `pos`, and the position after its NUL."""
    end = data.find(b"\0", pos)
    if end < 0:
        raise ProtocolError("unterminated string in message")
    try:
        return data[pos:end].decode("utf-8"), end + 1
    except UnicodeDecodeError as e:
        raise ProtocolError("invalid UTF-8 in message") from e


def int16(v: int) -> bytes:
    return _I16.pack(v)


def int32(v: int) -> bytes:
    return _I32.pack(v)


def uint32(v: int) -> bytes:
    """OIDs are unsigned 32-bit on the wire."""
    return _U32.pack(v & 0xFFFFFFFF)


def cstr(s: str) -> bytes:
    return s.encode("utf-8") + b"\0"


def frame(type_byte: bytes, body: bytes) -> bytes:
    return type_byte + _I32.pack(len(body) + 4) + body
