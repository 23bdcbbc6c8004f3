"""What the engine hands the server: column descriptions, rows, a command tag."""
from __future__ import annotations

from dataclasses import dataclass, field

from redduck.protocol.errors import PgError


@dataclass(frozen=True)
class Column:
    name: str
    type_oid: int
    type_size: int = -1
    type_modifier: int = -1
    table_oid: int = 0
    column_number: int = 0
    codec_oid: int = 0      # the OID whose codec writes the values, when not type_oid's (enums: text)
    float_digits: int = 0   # text floats with this many digits (extra_float_digits ≤ 0); 0: shortest exact

    @property
    def wire_codec(self) -> int:
        return self.codec_oid or self.type_oid


@dataclass
class Result:
    """One statement's outcome. `rows` is a RowSource for row-returning statements."""
    tag: str = ""
    columns: list[Column] | None = None
    rows: object | None = None          # RowSource
    notices: list[PgError] = field(default_factory=list)
    parameter_status: dict = field(default_factory=dict)
    tag_prefix: str = "SELECT"          # tag once rows are counted: "SELECT n", "FETCH n" …
    copy_out: object | None = None      # CopyOptions for COPY … TO STDOUT
    copy_in: object | None = None       # CopyInTarget for COPY … FROM STDIN
    prefetched: tuple | None = None     # (encoded DataRows, row count) of the first chunk

    def final_tag(self, count: int) -> str:
        return self.tag or f"{self.tag_prefix} {count}"
