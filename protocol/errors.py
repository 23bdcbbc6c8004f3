"""SQLSTATE codes as data, and the one exception type every layer raises for a client."""
from __future__ import annotations

from dataclasses import dataclass

# The codes redduck emits, by PostgreSQL's condition names (errcodes.txt).
SUCCESSFUL_COMPLETION = "00000"
WARNING = "01000"
FEATURE_NOT_SUPPORTED = "0A000"
INVALID_CATALOG_NAME = "3D000"
INVALID_CURSOR_NAME = "34000"
INVALID_SQL_STATEMENT_NAME = "26000"
INVALID_TRANSACTION_STATE = "25000"
IN_FAILED_SQL_TRANSACTION = "25P02"
NO_ACTIVE_SQL_TRANSACTION = "25P01"
READ_ONLY_SQL_TRANSACTION = "25006"
ACTIVE_SQL_TRANSACTION = "25001"
SYNTAX_ERROR = "42601"
UNDEFINED_TABLE = "42P01"
UNDEFINED_COLUMN = "42703"
UNDEFINED_FUNCTION = "42883"
UNDEFINED_OBJECT = "42704"
DUPLICATE_OBJECT = "42710"
DUPLICATE_TABLE = "42P07"
DUPLICATE_CURSOR = "42P03"
DUPLICATE_PREPARED_STATEMENT = "42P05"
DATATYPE_MISMATCH = "42804"
INSUFFICIENT_PRIVILEGE = "42501"
AMBIGUOUS_COLUMN = "42702"
INVALID_PARAMETER_VALUE = "22023"
DIVISION_BY_ZERO = "22012"
INVALID_TEXT_REPRESENTATION = "22P02"
NUMERIC_VALUE_OUT_OF_RANGE = "22003"
INVALID_DATETIME_FORMAT = "22007"
DATETIME_FIELD_OVERFLOW = "22008"
STRING_DATA_RIGHT_TRUNCATION = "22001"
BAD_COPY_FILE_FORMAT = "22P04"
DATA_EXCEPTION = "22000"
UNIQUE_VIOLATION = "23505"
NOT_NULL_VIOLATION = "23502"
FOREIGN_KEY_VIOLATION = "23503"
CHECK_VIOLATION = "23514"
INTEGRITY_CONSTRAINT_VIOLATION = "23000"
SERIALIZATION_FAILURE = "40001"
QUERY_CANCELED = "57014"
ADMIN_SHUTDOWN = "57P01"
TOO_MANY_CONNECTIONS = "53300"
OUT_OF_MEMORY = "53200"
PROTOCOL_VIOLATION = "08P01"
CONNECTION_EXCEPTION = "08000"
INVALID_PASSWORD = "28P01"
INVALID_AUTHORIZATION_SPECIFICATION = "28000"
OBJECT_NOT_IN_PREREQUISITE_STATE = "55000"
OBJECT_IN_USE = "55006"
CANT_CHANGE_RUNTIME_PARAM = "55P02"
UNDEFINED_PARAMETER = "42704"
INTERNAL_ERROR = "XX000"


@dataclass
class PgError(Exception):
    """An error a client will see as ErrorResponse (or NoticeResponse for notices).

    `position` is 1-based in characters of the query string the client sent, as
    PostgreSQL reports it; 0 means none.
    """

    code: str
    message: str
    detail: str | None = None
    hint: str | None = None
    position: int = 0
    severity: str = "ERROR"
    schema_name: str | None = None
    table_name: str | None = None
    column_name: str | None = None
    constraint_name: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def shifted(self, offset: int) -> "PgError":
        """The same error with its position moved by `offset` characters (a statement
        inside a multi-statement query string)."""
        if self.position and offset:
            self.position += offset
        return self


class ProtocolError(Exception):
    """The byte stream breaks the protocol; the connection ends after reporting it."""

    code = PROTOCOL_VIOLATION
