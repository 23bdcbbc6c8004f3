"""Roles, memberships, grants and owners, kept in DuckDB tables of the database file.

Schema `redduck_auth` is closed to clients (see authorize.py); passwords are stored only
as SCRAM verifiers (and md5 hashes when an md5 rule is configured). Reads come from an
in-memory copy reloaded after each change, so a privilege check never touches DuckDB.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

log = logging.getLogger("redduck.security")

SCHEMA = "redduck_auth"
PUBLIC = "public"
# PostgreSQL's predefined roles that matter here, with their OIDs
PREDEFINED = {"pg_read_all_data": 6181, "pg_write_all_data": 6182,
              "pg_read_server_files": 4569, "pg_write_server_files": 4570}
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
SCHEMA_PRIVILEGES = ("USAGE", "CREATE")

_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {SCHEMA}.roles (
    oid UINTEGER PRIMARY KEY, rolname VARCHAR UNIQUE NOT NULL, rolsuper BOOLEAN NOT NULL,
    rolinherit BOOLEAN NOT NULL, rolcreaterole BOOLEAN NOT NULL, rolcreatedb BOOLEAN NOT NULL,
    rolcanlogin BOOLEAN NOT NULL, rolconnlimit INTEGER NOT NULL, rolvaliduntil TIMESTAMPTZ,
    scram VARCHAR, md5 VARCHAR);
CREATE TABLE IF NOT EXISTS {SCHEMA}.members (
    roleid UINTEGER NOT NULL, member UINTEGER NOT NULL, PRIMARY KEY (roleid, member));
CREATE TABLE IF NOT EXISTS {SCHEMA}.grants (
    kind VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, object_name VARCHAR NOT NULL,
    grantee VARCHAR NOT NULL, privilege VARCHAR NOT NULL, grantor VARCHAR NOT NULL,
    PRIMARY KEY (kind, schema_name, object_name, grantee, privilege));
CREATE TABLE IF NOT EXISTS {SCHEMA}.owners (
    kind VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, object_name VARCHAR NOT NULL,
    owner VARCHAR NOT NULL, PRIMARY KEY (kind, schema_name, object_name));
"""


def create_tables(con) -> None:
    """The tables, and PostgreSQL's predefined roles (before the catalog views that read them)."""
    for stmt in _DDL.split(";"):
        if stmt.strip():
            con.execute(stmt)
    for name, oid in PREDEFINED.items():
        con.execute(f"INSERT INTO {SCHEMA}.roles VALUES (?, ?, false, true, false, false, false, -1, "
                    "NULL, NULL, NULL) ON CONFLICT DO NOTHING", [oid, name])


@dataclass
class Role:
    oid: int
    name: str
    superuser: bool = False
    inherit: bool = True
    createrole: bool = False
    createdb: bool = False
    login: bool = False
    connlimit: int = -1
    valid_until: object = None
    scram: str | None = None
    md5: str | None = None


_ROLE_COLUMNS = "oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, " \
                "rolconnlimit, rolvaliduntil, scram, md5"


class SecurityStore:
    def __init__(self, db) -> None:
        self._cur = db.cursor()
        self._lock = threading.RLock()
        self.version = 0
        self.roles: dict[str, Role] = {}
        self.members: dict[str, set[str]] = {}      # role → the roles it is a direct member of
        self.grants: set[tuple] = set()             # (kind, schema, name, grantee, privilege)
        self.grant_rows: list[tuple] = []
        self.owners: dict[tuple, str] = {}          # (kind, schema, name) → owner
        self.reload()   # the tables: create_tables, run by open_database before the catalog views

    # ------------------------------------------------------------ reading

    def reload(self) -> None:
        with self._lock:
            rows = self._cur.execute(f"SELECT {_ROLE_COLUMNS} FROM {SCHEMA}.roles").fetchall()
            self.roles = {r[1]: Role(*r) for r in rows}
            by_oid = {r.oid: r.name for r in self.roles.values()}
            self.members = {}
            for roleid, member in self._cur.execute(f"SELECT roleid, member FROM {SCHEMA}.members").fetchall():
                if roleid in by_oid and member in by_oid:
                    self.members.setdefault(by_oid[member], set()).add(by_oid[roleid])
            self.grant_rows = self._cur.execute(
                f"SELECT kind, schema_name, object_name, grantee, privilege, grantor FROM {SCHEMA}.grants").fetchall()
            self.grants = {r[:5] for r in self.grant_rows}
            self.owners = {(k, s, n): o for k, s, n, o in
                           self._cur.execute(f"SELECT kind, schema_name, object_name, owner FROM {SCHEMA}.owners").fetchall()}
            self.version += 1

    def role(self, name: str) -> Role | None:
        return self.roles.get(name)

    def is_superuser(self, name: str) -> bool:
        r = self.roles.get(name)
        return bool(r and r.superuser)

    def roles_of(self, name: str) -> set[str]:
        """`name`, every role it is a member of (inheriting), and PUBLIC."""
        seen, todo = {name, PUBLIC}, [name]
        while todo:
            r = todo.pop()
            role = self.roles.get(r)
            if role is not None and not role.inherit and r != name:
                continue
            for parent in self.members.get(r, ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def member_of(self, user: str, role: str) -> bool:
        return role in self.roles_of(user)

    def owner(self, kind: str, schema: str, name: str) -> str | None:
        return self.owners.get((kind, schema.lower(), name.lower()))

    def has(self, user: str, kind: str, schema: str, name: str, privilege: str) -> bool:
        """May `user` use `privilege` on the object? Superusers and owners always may."""
        if self.is_superuser(user):
            return True
        schema, name = schema.lower(), name.lower()
        mine = self.roles_of(user)
        if self.owners.get((kind, schema, name)) in mine:
            return True
        if kind == "table":
            if privilege == "SELECT" and "pg_read_all_data" in mine:
                return True
            if privilege in ("INSERT", "UPDATE", "DELETE") and "pg_write_all_data" in mine:
                return True
        for who in mine:
            if (kind, schema, name, who, privilege) in self.grants:
                return True
        return False

    # ------------------------------------------------------------ writing

    def _write(self, sql: str, params=()) -> None:
        with self._lock:
            self._cur.execute(sql, list(params))

    def create_role(self, role: Role) -> None:
        with self._lock:
            if not role.oid or any(r.oid == role.oid for r in self.roles.values()):
                role.oid = self._cur.execute(
                    f"SELECT greatest(coalesce(max(oid), 0) + 1, 16384) FROM {SCHEMA}.roles").fetchone()[0]
            self._write(f"INSERT INTO {SCHEMA}.roles ({_ROLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [role.oid, role.name, role.superuser, role.inherit, role.createrole, role.createdb,
                         role.login, role.connlimit, role.valid_until, role.scram, role.md5])
            self.reload()

    def update_role(self, role: Role) -> None:
        with self._lock:
            self._write(f"UPDATE {SCHEMA}.roles SET rolsuper = ?, rolinherit = ?, rolcreaterole = ?, rolcreatedb = ?, "
                        "rolcanlogin = ?, rolconnlimit = ?, rolvaliduntil = ?, scram = ?, md5 = ? WHERE oid = ?",
                        [role.superuser, role.inherit, role.createrole, role.createdb, role.login, role.connlimit,
                         role.valid_until, role.scram, role.md5, role.oid])
            self.reload()

    def rename_role(self, old: str, new: str) -> None:
        with self._lock:
            self._write(f"UPDATE {SCHEMA}.roles SET rolname = ?, md5 = NULL WHERE rolname = ?", [new, old])
            self._write(f"UPDATE {SCHEMA}.grants SET grantee = ? WHERE grantee = ?", [new, old])
            self._write(f"UPDATE {SCHEMA}.owners SET owner = ? WHERE owner = ?", [new, old])
            self.reload()

    def drop_role(self, name: str) -> None:
        with self._lock:
            oid = self.roles[name].oid
            self._write(f"DELETE FROM {SCHEMA}.members WHERE roleid = ? OR member = ?", [oid, oid])
            self._write(f"DELETE FROM {SCHEMA}.grants WHERE grantee = ?", [name])
            self._write(f"DELETE FROM {SCHEMA}.roles WHERE oid = ?", [oid])
            self.reload()

    def objects_owned_by(self, name: str) -> list[tuple]:
        return [k for k, o in self.owners.items() if o == name]

    def grant_membership(self, role: str, member: str) -> None:
        with self._lock:
            self._write(f"INSERT INTO {SCHEMA}.members VALUES (?, ?) ON CONFLICT DO NOTHING",
                        [self.roles[role].oid, self.roles[member].oid])
            self.reload()

    def revoke_membership(self, role: str, member: str) -> None:
        with self._lock:
            self._write(f"DELETE FROM {SCHEMA}.members WHERE roleid = ? AND member = ?",
                        [self.roles[role].oid, self.roles[member].oid])
            self.reload()

    def grant(self, rows: list[tuple], grantor: str) -> None:
        with self._lock:
            for kind, schema, name, grantee, priv in rows:
                self._write(f"INSERT INTO {SCHEMA}.grants VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                            [kind, schema.lower(), name.lower(), grantee, priv, grantor])
            self.reload()

    def revoke(self, rows: list[tuple]) -> None:
        with self._lock:
            for kind, schema, name, grantee, priv in rows:
                self._write(f"DELETE FROM {SCHEMA}.grants WHERE kind = ? AND schema_name = ? AND object_name = ? "
                            "AND grantee = ? AND privilege = ?", [kind, schema.lower(), name.lower(), grantee, priv])
            self.reload()

    def set_owner(self, kind: str, schema: str, name: str, owner: str) -> None:
        with self._lock:
            self._write(f"INSERT OR REPLACE INTO {SCHEMA}.owners VALUES (?, ?, ?, ?)",
                        [kind, schema.lower(), name.lower(), owner])
            self.reload()

    def forget_object(self, kind: str, schema: str, name: str) -> None:
        with self._lock:
            key = [kind, schema.lower(), name.lower()]
            self._write(f"DELETE FROM {SCHEMA}.owners WHERE kind = ? AND schema_name = ? AND object_name = ?", key)
            self._write(f"DELETE FROM {SCHEMA}.grants WHERE kind = ? AND schema_name = ? AND object_name = ?", key)
            self.reload()

    def bootstrap_superuser(self, name: str, verifier: str | None, md5: str | None) -> None:
        """The superuser named on the command line exists (and has this password, when given)."""
        role = self.roles.get(name)
        if role is None:
            # the bootstrap superuser has PostgreSQL's OID 10, which unowned objects name as owner
            self.create_role(Role(10, name, superuser=True, createrole=True, createdb=True, login=True,
                                  scram=verifier, md5=md5))
            log.info("created superuser role %s", name)
        elif verifier or not role.superuser or not role.login:
            role.superuser = role.login = True
            if verifier:
                role.scram, role.md5 = verifier, md5
            self.update_role(role)
