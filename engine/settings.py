"""Session settings (GUCs) as PostgreSQL 15 presents them; redduck's own state.

DuckDB's configuration is locked against clients; what a client may change per session
lives here, and the few that affect DuckDB (search_path) are applied to its cursor.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from redduck.protocol.errors import (CANT_CHANGE_RUNTIME_PARAM, INVALID_PARAMETER_VALUE,
                                     UNDEFINED_OBJECT, PgError)

SERVER_VERSION = "15.18"

# name → (default, reported to the client in ParameterStatus, settable by the client)
_DEFS: dict[str, tuple[str, bool, bool]] = {
    "server_version": (SERVER_VERSION, True, False),
    "server_version_num": ("150018", False, False),
    "server_encoding": ("UTF8", True, False),
    "client_encoding": ("UTF8", True, True),
    "datestyle": ("ISO, MDY", True, True),
    "intervalstyle": ("postgres", True, True),
    "timezone": ("UTC", True, True),
    "integer_datetimes": ("on", True, False),
    "standard_conforming_strings": ("on", True, True),
    "application_name": ("", True, True),
    "is_superuser": ("on", True, False),
    "session_authorization": ("redduck", True, False),
    "default_transaction_read_only": ("off", True, True),
    "in_hot_standby": ("off", True, False),
    "search_path": ('"$user", public', False, True),
    "extra_float_digits": ("1", False, True),
    "statement_timeout": ("0", False, True),
    "lock_timeout": ("0", False, True),
    "idle_in_transaction_session_timeout": ("0", False, True),
    "transaction_isolation": ("read committed", False, True),
    "default_transaction_isolation": ("read committed", False, True),
    "transaction_read_only": ("off", False, True),
    "max_identifier_length": ("63", False, False),
    "lc_collate": ("C", False, False),
    "lc_ctype": ("C", False, False),
    "lc_messages": ("C", False, True),
    "lc_monetary": ("C", False, True),
    "lc_numeric": ("C", False, True),
    "lc_time": ("C", False, True),
    "bytea_output": ("hex", False, True),
    "client_min_messages": ("notice", False, True),
    "row_security": ("on", False, True),
    "synchronous_commit": ("on", False, True),
    "work_mem": ("4MB", False, True),
    "max_connections": ("100", False, False),
    "memory_limit": ("", False, False),      # DuckDB's, as the server was started
    "threads": ("", False, False),
    "block_size": ("8192", False, False),
    "enable_seqscan": ("on", False, True),
    "jit": ("off", False, True),
    "default_with_oids": ("off", False, True),
    "escape_string_warning": ("on", False, True),
    "timezone_abbreviations": ("Default", False, True),
    "data_directory": ("", False, False),
    "port": ("5433", False, False),
    "listen_addresses": ("127.0.0.1", False, False),
    "ssl": ("off", False, False),
    "password_encryption": ("scram-sha-256", False, True),
}

DISPLAY_NAMES = {"datestyle": "DateStyle", "intervalstyle": "IntervalStyle", "timezone": "TimeZone"}
ALIASES = {"time zone": "timezone", "transaction isolation level": "transaction_isolation",
           "session authorization": "session_authorization", "names": "client_encoding"}


def display(name: str) -> str:
    return DISPLAY_NAMES.get(name, name)


@dataclass
class SettingChange:
    name: str
    value: str
    reported: bool


class Settings:
    def __init__(self, overrides: dict | None = None) -> None:
        self.version = 0  # bumped on every change: plans and translations depend on settings
        self._values = {k: v[0] for k, v in _DEFS.items()}
        self._session_defaults = dict(self._values)
        for k, v in (overrides or {}).items():
            self._values[k] = v
            self._session_defaults[k] = v

    def get(self, name: str):
        return self._values.get(self.canonical(name, must_exist=False))

    def __getitem__(self, name: str) -> str:
        return self._values[self.canonical(name)]

    def as_dict(self) -> dict:
        return dict(self._values)

    @staticmethod
    def canonical(name: str, must_exist: bool = True) -> str:
        n = ALIASES.get(name.lower(), name.lower())
        if must_exist and n not in _DEFS and "." not in n:
            raise PgError(UNDEFINED_OBJECT, f'unrecognized configuration parameter "{name}"')
        return n

    def reported(self) -> list[tuple[str, str]]:
        return [(display(k), self._values[k]) for k, d in _DEFS.items() if d[1]]

    def set(self, name: str, value: str, *, by_client: bool = True) -> SettingChange:
        n = self.canonical(name)
        d = _DEFS.get(n)
        if by_client and d is not None and not d[2]:
            raise PgError(CANT_CHANGE_RUNTIME_PARAM, f'parameter "{n}" cannot be changed')
        value = _normalize(n, value)
        if self._values.get(n) != value:
            self._values[n] = value
            self.version += 1
        return SettingChange(display(n), value, bool(d and d[1]))

    def reset(self, name: str) -> SettingChange:
        n = self.canonical(name)
        return self.set(n, self._session_defaults.get(n, ""), by_client=False)

    def reset_all(self) -> list[SettingChange]:
        return [self.reset(n) for n, d in _DEFS.items() if d[2]]

    def statement_timeout_s(self) -> float:
        return parse_duration_ms(self._values["statement_timeout"]) / 1000.0

    def idle_in_transaction_timeout_ms(self) -> float:
        return parse_duration_ms(self._values["idle_in_transaction_session_timeout"])


@functools.lru_cache(maxsize=256)   # read for every statement (statement_timeout): parse each text once
def parse_duration_ms(v: str) -> float:
    v = v.strip().lower()
    units = {"ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000, "us": 0.001}
    for u in sorted(units, key=len, reverse=True):
        if v.endswith(u) and v[:-len(u)].strip().replace(".", "", 1).isdigit():
            return float(v[:-len(u)]) * units[u]
    try:
        return float(v)
    except ValueError:
        raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "statement_timeout": "{v}"') from None


def _normalize(name: str, value: str) -> str:
    if name == "datestyle":
        parts = [p.strip().upper() for p in value.split(",")]
        style = next((p for p in parts if p in ("ISO", "SQL", "POSTGRES", "GERMAN")), "ISO")
        order = next((p for p in parts if p in ("MDY", "DMY", "YMD", "US", "EURO", "EUROPEAN")), "MDY")
        order = {"US": "MDY", "EURO": "DMY", "EUROPEAN": "DMY"}.get(order, order)
        return f"{style.title() if style == 'POSTGRES' else style}, {order}"
    if name == "client_encoding":
        v = value.upper().replace("-", "")
        if v not in ("UTF8", "UNICODE", "SQL_ASCII"):
            raise PgError("22023", f'invalid value for parameter "client_encoding": "{value}"',
                          detail="redduck speaks UTF8 only")
        return "UTF8"
    if name == "timezone":
        return _timezone(value)
    if name == "statement_timeout":
        parse_duration_ms(value)
    if name in ("transaction_isolation", "default_transaction_isolation"):
        return value.lower()
    return value


def _timezone(value: str) -> str:
    import zoneinfo
    v = value.strip()
    if v.upper() in ("UTC", "GMT", "Z", "ZULU"):
        return "UTC" if v.upper() != "GMT" else "GMT"
    if v.lower() == "local" or v.upper() == "DEFAULT":
        return "UTC"
    try:
        zoneinfo.ZoneInfo(v)
        return v
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        pass
    try:  # a numeric offset, as PostgreSQL accepts ('+02', '-5')
        hours = float(v)
        return f"<{'+' if hours >= 0 else '-'}{abs(hours):02g}>{-hours:+g}"
    except ValueError:
        raise PgError(INVALID_PARAMETER_VALUE, f'invalid value for parameter "TimeZone": "{value}"') from None
