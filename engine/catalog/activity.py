"""pg_stat_activity, pg_cancel_backend and pg_terminate_backend over the engine's sessions.

Every EngineSession registers itself with the engine; a Python function lists them for
the pg_stat_activity view, and the server lends the engine its cancel and terminate.
"""
from __future__ import annotations

from redduck.protocol.errors import INSUFFICIENT_PRIVILEGE

ACTIVITY_TYPE = ("STRUCT(pid INTEGER, usename VARCHAR, application_name VARCHAR, client_addr VARCHAR, "
                 "backend_start TIMESTAMPTZ, xact_start TIMESTAMPTZ, query_start TIMESTAMPTZ, state VARCHAR, "
                 "query VARCHAR)[]")

VIEW_SQL = ("SELECT (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database() LIMIT 1) AS datid, "
            "current_database() AS datname, s.pid, NULL::INTEGER AS leader_pid, "
            "(SELECT r.oid FROM redduck_auth.roles r WHERE r.rolname = s.usename) AS usesysid, s.usename, "
            "s.application_name, s.client_addr, NULL::VARCHAR AS client_hostname, NULL::INTEGER AS client_port, "
            "s.backend_start, s.xact_start, s.query_start, s.query_start AS state_change, "
            "NULL::VARCHAR AS wait_event_type, NULL::VARCHAR AS wait_event, s.state, NULL::BIGINT AS backend_xid, "
            "NULL::BIGINT AS backend_xmin, NULL::BIGINT AS query_id, s.query, 'client backend' AS backend_type "
            "FROM (SELECT unnest(redduck_sessions()) AS s)")


def install_activity_functions(engine) -> None:
    def sessions():
        out = []
        for s in list(engine.sessions.values()):
            out.append({"pid": s.pid, "usename": s.user,
                        "application_name": s.settings.get("application_name"),
                        "client_addr": s.client_addr, "backend_start": s.started,
                        "xact_start": s.xact_start if s.tx != "I" else None,
                        "query_start": s.query_start, "state": s.state_name(), "query": s.current_query})
        return out

    def signal(kind: str):
        def fn(caller: str, pid: int) -> bool:
            target = engine.sessions.get(pid)
            if target is None:
                return False
            store = engine.security
            if not store.is_superuser(caller) and target.user not in store.roles_of(caller) \
                    and not store.member_of(caller, "pg_signal_backend"):
                # the "[SQLSTATE] message" form becomes the client's error (engine/errors.py)
                raise RuntimeError(f"[{INSUFFICIENT_PRIVILEGE}] permission denied to {kind} backend")
            hook = engine.backend_control.get(kind)
            return bool(hook and hook(pid))
        return fn

    engine.db.create_function("redduck_sessions", sessions, [], ACTIVITY_TYPE, side_effects=True)
    engine.db.create_function("redduck_cancel_backend", signal("cancel"), ["VARCHAR", "INTEGER"], "BOOLEAN",
                              side_effects=True)
    engine.db.create_function("redduck_terminate_backend", signal("terminate"), ["VARCHAR", "INTEGER"], "BOOLEAN",
                              side_effects=True)
    # the view reads the function, so it comes after it (and after the other catalog views)
    from .macros import VIEWS
    VIEWS["pg_stat_activity"] = VIEW_SQL
    engine.db.execute(f"CREATE OR REPLACE VIEW redduck_pg.pg_stat_activity AS {VIEW_SQL}")
