"""CREATE/ALTER/DROP ROLE and USER (PostgreSQL's grammar; passwords become SCRAM verifiers)."""
from __future__ import annotations

from sqlglot.tokens import TokenType

from redduck.protocol.errors import DUPLICATE_OBJECT, INSUFFICIENT_PRIVILEGE, UNDEFINED_OBJECT, PgError

from . import register
from .base import UtilityPlan

_FLAGS = {"SUPERUSER": ("superuser", True), "NOSUPERUSER": ("superuser", False),
          "CREATEDB": ("createdb", True), "NOCREATEDB": ("createdb", False),
          "CREATEROLE": ("createrole", True), "NOCREATEROLE": ("createrole", False),
          "INHERIT": ("inherit", True), "NOINHERIT": ("inherit", False),
          "LOGIN": ("login", True), "NOLOGIN": ("login", False),
          "REPLICATION": (None, True), "NOREPLICATION": (None, False),
          "BYPASSRLS": (None, True), "NOBYPASSRLS": (None, False)}


def _role_names(ts) -> list[str]:
    names = [ts.name()]
    while ts.is_type(TokenType.COMMA):
        ts.next()
        names.append(ts.name())
    return names


def _options(ts, allow_roles: bool) -> dict:
    """Role options: {'superuser': True, 'password': '…' | None, 'in_role': [...], …}."""
    opts: dict = {}
    ts.accept("WITH")
    while not ts.at_end():
        w = ts.word()
        if w in _FLAGS:
            ts.next()
            key, value = _FLAGS[w]
            if key:
                opts[key] = value
        elif ts.accept("CONNECTION", "LIMIT"):
            opts["connlimit"] = ts.number()
        elif w in ("ENCRYPTED", "UNENCRYPTED", "PASSWORD"):
            ts.accept("ENCRYPTED") or ts.accept("UNENCRYPTED")
            ts.expect("PASSWORD")
            opts["password"] = None if ts.accept("NULL") else ts.string()
        elif ts.accept("VALID", "UNTIL"):
            opts["valid_until"] = ts.string()
        elif allow_roles and (ts.accept("IN", "ROLE") or ts.accept("IN", "GROUP")):
            opts.setdefault("in_role", []).extend(_role_names(ts))
        elif allow_roles and (ts.accept("ROLE") or ts.accept("USER") or ts.accept("ADMIN")):
            opts.setdefault("members", []).extend(_role_names(ts))
        elif ts.accept("SYSID"):
            ts.number()
        else:
            raise ts.error(f'unrecognized role option "{ts.peek().text}"')
    return opts


def _create(ts):
    ts.expect("CREATE")
    login = ts.word() == "USER"
    ts.next()
    name_tok = ts.peek()
    name = ts.name()
    opts = _options(ts, allow_roles=True)
    opts.setdefault("login", login)
    return UtilityPlan(lambda s, p: create_role(s, name, opts, name_tok.start + 1), tag="CREATE ROLE")


def _alter(ts):
    ts.expect("ALTER")
    ts.next()  # ROLE | USER
    name = ts.name()
    if ts.accept("RENAME", "TO"):
        new = ts.name()
        ts.done()
        return UtilityPlan(lambda s, p: rename_role(s, name, new), tag="ALTER ROLE")
    if ts.word() in ("SET", "RESET"):
        return UtilityPlan(lambda s, p: None, tag="ALTER ROLE")  # per-role defaults: accepted, not kept
    opts = _options(ts, allow_roles=False)
    return UtilityPlan(lambda s, p: alter_role(s, name, opts), tag="ALTER ROLE")


def _drop(ts):
    ts.expect("DROP")
    ts.next()
    if_exists = ts.accept("IF", "EXISTS")
    names = _role_names(ts)
    ts.done()
    return UtilityPlan(lambda s, p: drop_roles(s, names, if_exists), tag="DROP ROLE")


# ---------------------------------------------------------------- running

def _may_manage(session, target_super: bool) -> None:
    store = session.engine.security
    me = store.role(session.user)
    if store.is_superuser(session.user):
        return
    if target_super:
        raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied to create role",
                      detail='Only roles with the SUPERUSER attribute may create roles with the SUPERUSER attribute.')
    if me is None or not me.createrole:
        raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied to create role",
                      detail="Only roles with the CREATEROLE attribute may create roles.")


def _apply(session, role, opts: dict) -> None:
    from redduck.protocol.scram import make_verifier, md5_hash
    for key in ("superuser", "createdb", "createrole", "inherit", "login", "connlimit", "valid_until"):
        if key in opts:
            setattr(role, key, opts[key])
    if "password" in opts:
        pw = opts["password"]
        if pw is None or pw == "":
            role.scram = role.md5 = None
        elif pw.startswith("SCRAM-SHA-256$"):
            from redduck.protocol.scram import ScramError, parse_verifier
            try:
                parse_verifier(pw)
            except ScramError as e:
                raise PgError("22023", f"invalid SCRAM secret: {e}") from None
            role.scram, role.md5 = pw, None
        elif len(pw) == 35 and pw.startswith("md5") and all(c in "0123456789abcdef" for c in pw[3:]):
            role.scram, role.md5 = None, pw
        else:
            role.scram = make_verifier(pw)
            role.md5 = md5_hash(pw, role.name) if session.engine.config.md5_passwords else None


def create_role(session, name: str, opts: dict, pos: int):
    from ..security.store import Role
    store = session.engine.security
    _may_manage(session, opts.get("superuser", False))
    if name.lower() == "public" or name.startswith("pg_"):
        raise PgError("42939", f'role name "{name}" is reserved',
                      detail='Role names starting with "pg_" are reserved.' if name.startswith("pg_") else None)
    if store.role(name) is not None:
        raise PgError(DUPLICATE_OBJECT, f'role "{name}" already exists', position=pos)
    for r in opts.get("in_role", []) + opts.get("members", []):
        if store.role(r) is None:
            raise PgError(UNDEFINED_OBJECT, f'role "{r}" does not exist')
    role = Role(0, name)
    _apply(session, role, opts)
    store.create_role(role)
    for r in opts.get("in_role", []):
        store.grant_membership(r, name)
    for m in opts.get("members", []):
        store.grant_membership(name, m)
    session.engine.bump_catalog()


def alter_role(session, name: str, opts: dict):
    store = session.engine.security
    role = store.role(name)
    if role is None:
        raise PgError(UNDEFINED_OBJECT, f'role "{name}" does not exist')
    only_password = set(opts) <= {"password"}
    if not (only_password and name == session.user):
        if not store.is_superuser(session.user):
            me = store.role(session.user)
            if role.superuser or opts.get("superuser") or me is None or not me.createrole:
                raise PgError(INSUFFICIENT_PRIVILEGE, "permission denied to alter role",
                              detail=f'Only roles with the CREATEROLE attribute may alter role "{name}".')
    if name == session.user and opts.get("superuser") is False and store.is_superuser(name):
        others = [r for r in store.roles.values() if r.superuser and r.name != name and r.login]
        if not others:
            raise PgError(INSUFFICIENT_PRIVILEGE, "cannot remove the last superuser's SUPERUSER attribute")
    _apply(session, role, opts)
    store.update_role(role)
    session.engine.bump_catalog()


def rename_role(session, old: str, new: str):
    store = session.engine.security
    if store.role(old) is None:
        raise PgError(UNDEFINED_OBJECT, f'role "{old}" does not exist')
    if old == session.user:
        raise PgError("0A000", "session user cannot be renamed")
    if store.role(new) is not None:
        raise PgError(DUPLICATE_OBJECT, f'role "{new}" already exists')
    _may_manage(session, store.role(old).superuser)
    store.rename_role(old, new)
    session.engine.bump_catalog()
    return None


def drop_roles(session, names: list[str], if_exists: bool):
    from redduck.protocol.errors import PgError as E
    store = session.engine.security
    notices = []
    for name in names:
        role = store.role(name)
        if role is None:
            if if_exists:
                notices.append(E("00000", f'role "{name}" does not exist, skipping', severity="NOTICE"))
                continue
            raise PgError(UNDEFINED_OBJECT, f'role "{name}" does not exist')
        if name == session.user:
            raise PgError("55006", "current user cannot be dropped")
        if name.startswith("pg_"):
            raise PgError("42939", f'cannot drop role {name}', detail="It is a predefined role.")
        _may_manage(session, role.superuser)
        owned = store.objects_owned_by(name)
        if owned:
            kind, schema, obj = owned[0]
            raise PgError("2BP01", f'role "{name}" cannot be dropped because some objects depend on it',
                          detail=f"owner of {kind} {obj}" + (f" and {len(owned) - 1} other objects" if len(owned) > 1 else ""))
        store.drop_role(name)
    session.engine.bump_catalog()
    if notices:
        from ..result import Result
        return Result(tag="DROP ROLE", notices=notices)
    return None


register(("CREATE", "ROLE"), _create)
register(("CREATE", "USER"), _create)
register(("CREATE", "GROUP"), _create)
register(("ALTER", "ROLE"), _alter)
register(("ALTER", "USER"), _alter)
register(("DROP", "ROLE"), _drop)
register(("DROP", "USER"), _drop)
register(("DROP", "GROUP"), _drop)
