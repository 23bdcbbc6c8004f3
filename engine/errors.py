"""The one boundary where DuckDB, sqlglot and training errors become SQLSTATEs."""
from __future__ import annotations

import re

import duckdb

from redduck.protocol import errors as E
from redduck.protocol.errors import PgError

_BY_CLASS = [
    (duckdb.InterruptException, E.QUERY_CANCELED),
    (duckdb.ParserException, E.SYNTAX_ERROR),
    (duckdb.ConversionException, E.INVALID_TEXT_REPRESENTATION),
    (duckdb.OutOfRangeException, E.NUMERIC_VALUE_OUT_OF_RANGE),
    (duckdb.OutOfMemoryException, E.OUT_OF_MEMORY),
    (duckdb.PermissionException, E.INSUFFICIENT_PRIVILEGE),
    (duckdb.TransactionException, E.SERIALIZATION_FAILURE),
    (duckdb.NotImplementedException, E.FEATURE_NOT_SUPPORTED),
    # a query DuckDB cannot bind or resolve is the client's error, not an internal one
    (duckdb.BinderException, "42000"),
    (duckdb.CatalogException, E.UNDEFINED_OBJECT),
]

# (pattern in DuckDB's message, SQLSTATE) — first match wins
_BY_MESSAGE = [
    (r'relation ".*" does not exist', E.UNDEFINED_TABLE),
    (r'(type|role|function) ".*" does not exist', E.UNDEFINED_OBJECT),
    (r'schema ".*" does not exist', "3F000"),
    (r"Dependency Error|because there are entries that depend on it", "2BP01"),
    (r"date field value out of range|timestamp field value out of range", "22008"),
    (r"invalid (date|timestamp) field format|time field value out of range: .*, expected format",
     E.INVALID_DATETIME_FORMAT),
    (r"Referenced update column .* not found in table|does not have a column with name", E.UNDEFINED_COLUMN),
    (r"out of range for the destination type", E.NUMERIC_VALUE_OUT_OF_RANGE),
    (r"could not choose a best candidate function", E.UNDEFINED_FUNCTION),
    (r"referenced table .* not found", E.UNDEFINED_TABLE),
    (r"Table with name .* does not exist|Table .* does not exist|View with name .* does not exist", E.UNDEFINED_TABLE),
    (r"Schema with name .* does not exist", "3F000"),
    (r"referenced that exists in the SELECT clause|Referenced column .* not found|column .* does not exist|Column with name .* does not exist|"
     r"does not have a column named", E.UNDEFINED_COLUMN),
    (r"(Scalar|Table|Aggregate|Macro) Function with name .* does not exist|No function matches", E.UNDEFINED_FUNCTION),
    (r"Type with name .* does not exist", E.UNDEFINED_OBJECT),
    (r'column with name ".*" already exists', "42701"),
    (r"already exists", E.DUPLICATE_TABLE),
    (r"Division by zero", E.DIVISION_BY_ZERO),
    (r"value too long for type", "22001"),
    (r"Duplicate key|PRIMARY KEY or UNIQUE constraint violat|violates (primary key|unique) constraint", E.UNIQUE_VIOLATION),
    (r"NOT NULL constraint failed", E.NOT_NULL_VIOLATION),
    (r"foreign key constraint", E.FOREIGN_KEY_VIOLATION),
    (r"CHECK constraint failed", E.CHECK_VIOLATION),
    (r"Could not convert|Conversion Error|invalid input syntax", E.INVALID_TEXT_REPRESENTATION),
    (r"Current transaction is aborted", E.IN_FAILED_SQL_TRANSACTION),
    (r"Conflict on|write-write conflict|Could not commit", E.SERIALIZATION_FAILURE),
    (r"Ambiguous reference", E.AMBIGUOUS_COLUMN),
    (r"has \d+ columns but \d+ values were supplied|INSERT has more", E.SYNTAX_ERROR),
    (r"Cannot compare values|No function matches the given name and argument types|Cannot mix", E.UNDEFINED_FUNCTION),
    (r"out of range|Overflow", E.NUMERIC_VALUE_OUT_OF_RANGE),
    (r"Out of Memory|could not allocate", E.OUT_OF_MEMORY),
    (r"file system operations are disabled|Permission Error", E.INSUFFICIENT_PRIVILEGE),
]

_DUCK_TO_PG_TYPE = {"INT32": "integer", "INT64": "bigint", "INT16": "smallint", "INT8": "smallint",
                    "DOUBLE": "double precision", "FLOAT": "real", "BOOL": "boolean", "DATE": "date",
                    "TIMESTAMP": "timestamp", "UUID": "uuid", "INTEGER": "integer", "BIGINT": "bigint"}

# DuckDB's wording → PostgreSQL's, so that clients and people see familiar messages
_REWORD = [
    (r"^Table with name (\S+?) does not exist!?", lambda m: f'relation "{m.group(1)}" does not exist'),
    (r'^Referenced column "?([^"]+?)"? not found in FROM clause!?', lambda m: f'column "{m.group(1)}" does not exist'),
    (r"^(?:Scalar|Table|Aggregate) Function with name (\S+?) does not exist!?",
     lambda m: f"function {m.group(1)} does not exist"),
    (r"^Division by zero.*", lambda m: "division by zero"),
    (r'^column "(\S+)" referenced that exists in the SELECT clause.*', lambda m: f'column "{m.group(1)}" does not exist'),
    (r'^Duplicate key "([^:]+): (.*)" violates (?:primary key|unique) constraint.*',
     lambda m: ("duplicate key value violates unique constraint", f"Key ({m.group(1)})=({m.group(2)}) already exists.")),
    (r"^NOT NULL constraint failed: (\w+)\.(\w+)",
     lambda m: f'null value in column "{m.group(2)}" of relation "{m.group(1)}" violates not-null constraint'),
    (r"^Overflow in (?:addition|subtraction|multiplication|negation) of (INT16|INT32|INT64)\b.*",
     lambda m: f"{_DUCK_TO_PG_TYPE[m.group(1)]} out of range"),
    (r"^Type (INT\d+|DOUBLE|FLOAT|DECIMAL\S*) with value (\S+) can't be cast because the value is out of range "
     r"for the destination type (INT16|INT32|INT64)",
     lambda m: f"{_DUCK_TO_PG_TYPE[m.group(3)]} out of range"),
    (r'^CHECK constraint failed on table "?([^" ]+)"? with expression CHECK\((.*)\)$',
     lambda m: f'new row for relation "{m.group(1)}" violates check constraint'),
    (r'^Violates foreign key constraint because key "([^:]+): (.*)" does not exist in the referenced table',
     lambda m: ("insert or update violates foreign key constraint",
                f"Key ({m.group(1)})=({m.group(2)}) is not present in the referenced table.")),
    (r'^Violates foreign key constraint because key "([^:]+): (.*)" is still referenced by a foreign key',
     lambda m: ("update or delete violates foreign key constraint",
                f"Key ({m.group(1)})=({m.group(2)}) is still referenced from another table.")),
    (r'^invalid (date|timestamp) field format: "(.*)", expected format is .*',
     lambda m: f'invalid input syntax for type {m.group(1)}: "{m.group(2)}"'),
    (r'^time field value out of range: "(.*)", expected format is .*',
     lambda m: f'invalid input syntax for type time: "{m.group(1)}"'),
    (r"^Referenced update column (\S+) not found in table!?", lambda m: f'column "{m.group(1)}" does not exist'),
    (r'^Table "(\S+)" does not have a column with name "(\S+)"',
     lambda m: f'column "{m.group(2)}" of relation "{m.group(1)}" does not exist'),
    (r'^Table "(\S+)" does not have a column named "(\S+)"', lambda m: f"column {m.group(1)}.{m.group(2)} does not exist"),
    (r'^column with name "(.*)" already exists!?', lambda m: f'column "{m.group(1)}" already exists'),
    (r"^Could not convert string '(.*)' to (\w+)",
     lambda m: f'invalid input syntax for type {_DUCK_TO_PG_TYPE.get(m.group(2), m.group(2).lower())}: "{m.group(1)}"'),
    (r'^Catalog Error: Table with name "?(\S+?)"? already exists!?|^Table with name "?(\S+?)"? already exists!?',
     lambda m: f'relation "{m.group(1) or m.group(2)}" already exists'),
]

_PREFIX = re.compile(r"^[A-Za-z ]+ Error: ")
_STREAM_PREFIX = re.compile(r"^([A-Za-z ]+?) Error: ")
# DuckDB's binder on a call no function fits, or more than one fits equally
_NO_MATCH = re.compile(r"^No function matches the given name and argument types '(.+?)\((.*)\)'\.")
_AMBIGUOUS = re.compile(r'^Could not choose a best candidate function for the function call "(.+?)\((.*)\)"\.')
_ARG_TYPES = {"INTEGER_LITERAL": "integer", "STRING_LITERAL": "unknown", "NULL": "unknown", "VARCHAR": "text",
              "INTEGER": "integer", "BIGINT": "bigint", "SMALLINT": "smallint", "TINYINT": "smallint",
              "HUGEINT": "numeric", "DOUBLE": "double precision", "FLOAT": "real", "BOOLEAN": "boolean",
              "DATE": "date", "TIMESTAMP": "timestamp without time zone", "TIME": "time without time zone",
              "TIMESTAMP WITH TIME ZONE": "timestamp with time zone", "INTERVAL": "interval", "BLOB": "bytea",
              "UUID": "uuid", "JSON": "json"}
_MANY_CANDIDATES = 4   # more than this many lines of DuckDB's candidate list say nothing to a user


def _pg_arg_type(duck: str) -> str:
    duck = duck.strip()
    if duck.endswith("[]"):
        return _pg_arg_type(duck[:-2]) + "[]"
    if duck.startswith("DECIMAL"):     # DECIMAL(2,1) and DECIMAL_LITERAL alike
        return "numeric"
    return _ARG_TYPES.get(duck, duck.lower())


def _split_args(args: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in args:   # DuckDB's type list (not SQL): commas inside DECIMAL(10,2) or STRUCT(…) do not split
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return [a for a in (out + [cur]) if a.strip()]


def _no_such_call(message: str, detail: str | None) -> tuple[str, str, str | None, str] | None:
    """PostgreSQL's wording for a call no function (or operator) fits: (code, message, detail, hint)."""
    m, ambiguous = _NO_MATCH.match(message), False
    if m is None:
        m, ambiguous = _AMBIGUOUS.match(message), True
    if m is None:
        return None
    name, types = m.group(1), [_pg_arg_type(t) for t in _split_args(m.group(2))]
    operator = not re.match(r"^[\w.\"]+$", name)
    if operator:
        what = f"{types[0]} {name} {types[1]}" if len(types) == 2 else f"{name} {' '.join(types)}"
        text = f"operator is not unique: {what}" if ambiguous else f"operator does not exist: {what}"
        noun = "operator"
    else:
        call = f"{name}({', '.join(types)})"
        text = f"function {call} is not unique" if ambiguous else f"function {call} does not exist"
        noun = "function"
    if detail and detail.count("\n") >= _MANY_CANDIDATES:
        detail = None
    hint = (f"Could not choose a best candidate {noun}. You might need to add explicit type casts." if ambiguous else
            f"No {noun} matches the given name and argument types. You might need to add explicit type casts.")
    return ("42725" if ambiguous else E.UNDEFINED_FUNCTION), text, detail, hint


_RAISED = re.compile(r"Python exception occurred while executing the UDF: \w+: \[(\w{5})\] (.*)", re.S)


_GUESS = re.compile(r'^Did you mean "(.+)"\??$')
_MISSING = re.compile(r'(?:Table with name|relation) "?([\w.]+?)"? does not exist', re.I)


def _without_catalog_guesses(hint: str, message: str) -> str | None:
    """DuckDB's nearest names, less the catalog's (pg_sequences for a mistyped `nosuch`), which
    the user did not mean unless they were typing a catalog name themselves."""
    guess, missing = _GUESS.match(hint.strip()), _MISSING.search(message)
    if guess is None or (missing and missing.group(1).rsplit(".", 1)[-1].lower().startswith("pg_")):
        return hint
    names = [n for n in guess.group(1).split(" or ") if not n.rsplit(".", 1)[-1].lower().startswith("pg_")]
    return f'Did you mean "{" or ".join(names)}"?' if names else None


def streamed_error(exc: Exception) -> Exception:
    """A failure met while reading a relation's Arrow stream, as the DuckDB exception it was:
    pyarrow hands it over as an OSError carrying DuckDB's "<Type> Error: …" message."""
    if isinstance(exc, duckdb.Error):
        return exc
    m = _STREAM_PREFIX.match(str(exc))
    cls = getattr(duckdb, "".join(w.capitalize() for w in m.group(1).split()) + "Exception", None) if m else None
    if not (isinstance(cls, type) and issubclass(cls, duckdb.Error)):
        cls = duckdb.Error
    return cls(str(exc))


def from_duckdb(exc: Exception) -> PgError:
    """A DuckDB exception as the error PostgreSQL would give for it (its position, which needs
    the client's statement, is error_positions.locate's)."""
    raw = str(exc)
    m = _RAISED.search(raw)
    if m:  # redduck's own functions raise "[SQLSTATE] message"
        return PgError(m.group(1), m.group(2).strip())
    code = None
    for pattern, c in _BY_MESSAGE:
        if re.search(pattern, raw, re.I):
            code = c
            break
    if code is None:
        for cls, c in _BY_CLASS:
            if isinstance(exc, cls):
                code = c
                break
    if code is None:
        code = E.INTERNAL_ERROR if isinstance(exc, duckdb.InternalException) else E.DATA_EXCEPTION \
            if isinstance(exc, duckdb.DataError) else E.INTERNAL_ERROR
    if isinstance(exc, duckdb.InterruptException):
        return PgError(E.QUERY_CANCELED, "canceling statement due to user request")
    first, _, rest = raw.partition("\n")
    message = _PREFIX.sub("", first).strip()
    hint = None
    detail = rest.split("\nLINE ")[0].strip() or None
    if detail and detail.startswith("Did you mean"):
        hint, detail = _without_catalog_guesses(detail, message), None
    call = _no_such_call(message, detail)
    if call is not None:
        code, message, detail, hint = call
        return PgError(code, message, detail=detail, hint=hint)
    for pattern, fix in _REWORD:
        m = re.match(pattern, message)
        if m:
            fixed = fix(m)
            if isinstance(fixed, tuple):
                message, detail = fixed
            else:
                message = fixed
            break
    else:
        message = message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message
    return PgError(code, message, detail=detail, hint=hint)
