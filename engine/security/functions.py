"""The SQL function behind has_*_privilege and pg_has_role: one Python call per row, on
catalog queries only (tools ask about a few objects at a time)."""
from __future__ import annotations

from .authorize import table_ref
from .store import SCHEMA_PRIVILEGES, TABLE_PRIVILEGES


def install_privilege_function(engine) -> None:
    auth, store = engine.authorizer, engine.security

    def user_name(u: str) -> str:
        if u.isdigit():
            return next((r.name for r in store.roles.values() if r.oid == int(u)), u)
        return u

    def table_of(obj: str):
        if obj.isdigit():
            return auth.relation_by_oid(int(obj))
        return auth.resolve(table_ref(obj))

    def privilege(kind, user, obj, privs):
        if kind is None or user is None or obj is None or privs is None:
            return None
        user = user_name(user)
        wanted = [p.strip().upper().replace(" WITH GRANT OPTION", "") for p in privs.split(",")]
        if kind == "role":
            role = user_name(obj)
            return store.is_superuser(user) or store.member_of(user, role)
        if kind == "database":
            return store.is_superuser(user) or any(p in ("CONNECT", "TEMP", "TEMPORARY") for p in wanted)
        if kind in ("function", "other"):
            models = engine.models.function_models() if engine.models else {}
            fn = obj.split("(")[0].split(".")[-1].strip('"').lower()
            return auth.may_use_model(user, models[fn]) if fn in models else True
        if kind == "schema":
            schema = obj.strip('"') if obj.startswith('"') else obj.lower()
            if schema in ("public", "main", "pg_catalog", "information_schema") and wanted == ["USAGE"]:
                return True
            return any(store.has(user, "schema", "", schema, p) for p in wanted if p in SCHEMA_PRIVILEGES)
        where = table_of(obj)
        if where is None:
            return False
        if where[0] in ("pg_catalog", "information_schema", "redduck_pg"):
            return any(p == "SELECT" for p in wanted)
        return any(store.has(user, "table", where[0], where[1], p) for p in wanted if p in TABLE_PRIVILEGES)

    engine.db.create_function("redduck_privilege", privilege, ["VARCHAR"] * 4, "BOOLEAN",
                              null_handling="special", side_effects=True)
