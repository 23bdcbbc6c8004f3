"""pg_hba.conf rules: `host|hostssl|hostnossl DATABASE USER ADDRESS METHOD`, first match wins."""
from __future__ import annotations

import ipaddress
import shlex
from dataclasses import dataclass
from pathlib import Path

METHODS = ("trust", "reject", "password", "md5", "scram-sha-256")
CONNECTION_TYPES = ("host", "hostssl", "hostnossl")


class HbaError(ValueError):
    pass


@dataclass(frozen=True)
class HbaRule:
    conn_type: str
    databases: tuple[str, ...]
    users: tuple[str, ...]
    network: object            # an ip_network, or "all"
    method: str
    line: int = 0

    def matches(self, ssl: bool, database: str, user: str, address: str, member_of) -> bool:
        if self.conn_type == "hostssl" and not ssl or self.conn_type == "hostnossl" and ssl:
            return False
        if not any(d == "all" or d == database or (d == "sameuser" and database == user)
                   for d in self.databases):
            return False
        if not any(u == "all" or u == user or (u.startswith("+") and member_of(user, u[1:]))
                   for u in self.users):
            return False
        if self.network == "all":
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.version != self.network.version and getattr(ip, "ipv4_mapped", None):
            ip = ip.ipv4_mapped
        return ip.version == self.network.version and ip in self.network


def parse(text: str) -> list[HbaRule]:
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            fields = shlex.split(line)
        except ValueError as e:
            raise HbaError(f"line {n}: {e}") from None
        kind = fields[0]
        if kind == "local":
            continue  # no Unix-domain socket here
        if kind not in CONNECTION_TYPES:
            raise HbaError(f"line {n}: invalid connection type {kind!r}")
        if len(fields) < 5:
            raise HbaError(f"line {n}: expected {kind} DATABASE USER ADDRESS METHOD")
        databases, users, addr = fields[1].split(","), fields[2].split(","), fields[3]
        rest = fields[4:]
        if "/" not in addr and addr not in ("all", "samehost", "samenet") and len(rest) >= 2 \
                and rest[0] not in METHODS:
            addr, rest = f"{addr}/{rest[0]}", rest[1:]   # ADDRESS NETMASK
        method = rest[0]
        if method not in METHODS:
            raise HbaError(f"line {n}: invalid authentication method {method!r}")
        rules.append(HbaRule(kind, tuple(databases), tuple(users), _network(addr, n), method, n))
    return rules


def _network(addr: str, n: int):
    if addr == "all":
        return "all"
    if addr == "samehost":
        return ipaddress.ip_network("127.0.0.0/8")
    try:
        if "/" not in addr:
            ip = ipaddress.ip_address(addr)
            return ipaddress.ip_network(f"{addr}/{ip.max_prefixlen}")
        return ipaddress.ip_network(addr, strict=False)
    except ValueError:
        raise HbaError(f"line {n}: invalid IP address {addr!r} (host names are not supported)") from None


def load(path: str) -> list[HbaRule]:
    return parse(Path(path).read_text())


def default_rules(host: str) -> list[HbaRule]:
    """No file given: trust from the loopback addresses only; everyone else is rejected."""
    return parse("host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n")


def find(rules: list[HbaRule], ssl: bool, database: str, user: str, address: str,
         member_of=lambda user, role: False) -> HbaRule | None:
    for r in rules:
        if r.matches(ssl, database, user, address, member_of):
            return r
    return None
