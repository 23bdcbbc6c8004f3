"""Mutations of recorded conversations: bit flips, interesting integers over length and
count fields, truncation, growth, type-byte swaps, dropped, repeated and reordered messages."""
from __future__ import annotations

import random
import struct

INTERESTING_32 = [0, 1, 4, 5, -1, 0x7FFFFFFF, -0x80000000, 0xFFFF, 0x10000, 1 << 30]
INTERESTING_16 = [0, 1, -1, 0x7FFF, -0x8000, 0xFF]
TYPE_BYTES = b"QPBDECSHXdcfp" + bytes(range(0, 256, 17))


def _mutate_one(msg: bytes, rng: random.Random, typed: bool) -> bytes:
    b = bytearray(msg)
    if not b:
        return bytes(b)
    choice = rng.randrange(9)
    head = 1 if typed else 0
    if choice == 0:                                    # flip a few bits
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif choice == 1 and len(b) >= head + 4:           # the length field
        struct.pack_into("!i", b, head, rng.choice(INTERESTING_32 + [len(b) - head + rng.randint(-8, 8)]))
    elif choice == 2 and len(b) >= 4:                  # an int32 somewhere in the body
        i = rng.randrange(len(b) - 3)
        struct.pack_into("!i", b, i, rng.choice(INTERESTING_32))
    elif choice == 3 and len(b) >= 2:                  # an int16 (counts, formats)
        i = rng.randrange(len(b) - 1)
        struct.pack_into("!h", b, i, rng.choice(INTERESTING_16))
    elif choice == 4:                                  # truncate, keeping the claimed length
        del b[rng.randrange(len(b)):]
    elif choice == 5:                                  # grow with junk, fixing the length
        b += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        if len(b) >= head + 4:
            struct.pack_into("!i", b, head, len(b) - head)
    elif choice == 6 and typed:                        # another message type
        b[0] = rng.choice(TYPE_BYTES)
    elif choice == 7:                                  # a NUL or 0xff in a string
        b[rng.randrange(len(b))] = rng.choice((0, 0xFF, 0x80, ord("'"), ord(";")))
    else:                                              # a random byte
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def mutate(conversation: list[bytes], rng: random.Random, donors: list[list[bytes]]) -> list[bytes]:
    """A mutated copy of a conversation (its first message is the untyped startup packet)."""
    msgs = list(conversation)
    for _ in range(rng.randint(1, 4)):
        if not msgs:
            break
        op = rng.randrange(10)
        # the startup packet is mutated rarely, so most cases reach the session state machine
        i = rng.randrange(len(msgs)) if rng.random() < 0.1 else rng.randrange(1, len(msgs)) if len(msgs) > 1 else 0
        if op < 6:
            msgs[i] = _mutate_one(msgs[i], rng, typed=i > 0)
        elif op == 6 and i > 0:
            del msgs[i]
        elif op == 7 and i > 0:
            msgs.insert(i, msgs[i])
        elif op == 8 and i > 1:
            msgs[i - 1], msgs[i] = msgs[i], msgs[i - 1]
        elif donors:
            donor = rng.choice(donors)
            if len(donor) > 1:
                msgs.insert(max(i, 1), rng.choice(donor[1:]))
    return msgs
