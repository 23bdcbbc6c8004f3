"""DataGrip connecting, listing the database's objects and refreshing after a change, with
its own introspection SQL (tests/replays/datagrip_sql.py names the source), against a real
server and the replay schema (tests/replays/schema.py)."""
import pytest

from .datagrip_sql import Q


@pytest.fixture(scope="module")
def public(c):
    return c.execute("select oid from pg_catalog.pg_namespace where nspname = 'public'").fetchone()[0]


def run(c, name, nsp, saved_txid=0):
    sql, params = Q[name]
    args = None if params is None else [nsp if p == "NSP" else saved_txid for p in params.split(",")]
    cur = c.execute(sql, args)
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def test_every_introspection_query_runs(c, public):
    for name in Q:
        run(c, name, public)   # each raises on an error; the contents are checked below


def test_connect_queries(c, public):
    assert run(c, "schemas", public) == [{"a": c.info.dbname, "b": ["public"]}]
    assert run(c, "session", public) == [{"current_database": c.info.dbname, "current_schema": "public",
                                          "current_user": "tester"}]
    dbs = run(c, "databases", public)
    assert dbs[0]["name"] == c.info.dbname and dbs[0]["owner"] == "tester" and dbs[0]["allow_connections"]
    roles = {r["role_name"]: r for r in run(c, "roles", public)}
    assert roles["tester"]["is_super"] and roles["tester"]["can_login"]
    spaces = {r["name"]: r for r in run(c, "tablespaces", public)}
    assert set(spaces) == {"pg_default", "pg_global"} and spaces["pg_default"]["id"] == 1663
    nsps = run(c, "namespaces", public)
    assert nsps[0]["name"] == "public" and nsps[0]["id"] == public   # the current schema first
    assert {"pg_catalog", "information_schema"} <= {n["name"] for n in nsps}
    assert not {"main", "redduck_pg", "redduck_auth"} & {n["name"] for n in nsps}
    assert run(c, "superuser", public) == [{"usesuper": True}]
    assert [e["name"] for e in run(c, "extensions", public)] == ["plpgsql"]
    assert run(c, "locks", public) == [] and run(c, "event_triggers", public) == []
    txid = run(c, "txid", public)[0]["current_txid"]
    assert txid > 0 and run(c, "txid", public)[0]["current_txid"] > txid


def test_schema_objects(c, public):
    oids = dict(c.execute("select relname, oid from pg_catalog.pg_class where relnamespace = %s", (public,)).fetchall())
    tables = {t["table_name"]: t for t in run(c, "tables", public)}
    assert {"rp_emp": "r", "rp_dept": "r", "rp_active": "v"}.items() <= {n: t["table_kind"] for n, t in
                                                                       tables.items()}.items()
    assert tables["rp_emp"]["table_id"] == oids["rp_emp"] and tables["rp_emp"]["owner"] == "tester"
    assert {r["oid"] for r in run(c, "table_ids", public)} >= {oids["rp_emp"], oids["rp_dept"], oids["rp_active"]}

    cols = [r for r in run(c, "columns", public) if r["table_id"] == oids["rp_emp"]]
    assert [(r["column_position"], r["column_name"]) for r in cols] == [
        (1, "id"), (2, "name"), (3, "dept_id"), (4, "salary")]
    by_name = {r["column_name"]: r for r in cols}
    assert by_name["id"]["type_spec"] == "integer" and by_name["salary"]["type_spec"] == "numeric(10,2)"
    assert by_name["id"]["mandatory"] and by_name["name"]["mandatory"] and not by_name["dept_id"]["mandatory"]
    assert "nextval" in by_name["id"]["column_default_expression"]
    assert by_name["salary"]["column_default_expression"].startswith("1000")

    indexes = {r["index_name"]: r for r in run(c, "indexes", public)}
    assert {"rp_emp_name_idx", "rp_emp_pkey", "rp_dept_pkey", "rp_dept_name_key"} <= set(indexes)
    assert indexes["rp_emp_pkey"]["is_primary"] and not indexes["rp_emp_name_idx"]["is_unique"]
    assert indexes["rp_dept_name_key"]["is_unique"] and indexes["rp_emp_name_idx"]["table_id"] == oids["rp_emp"]

    cons = {r["con_name"]: r for r in run(c, "constraints", public)}
    fk = cons["rp_emp_dept_id_fkey"]
    assert (fk["con_kind"], fk["con_columns"], fk["ref_table_id"], fk["ref_columns"]) == (
        "f", [3], oids["rp_dept"], [1])
    assert (cons["rp_emp_pkey"]["con_kind"], cons["rp_emp_pkey"]["con_columns"]) == ("p", [1])
    assert cons["rp_dept_name_key"]["con_kind"] == "u"
    assert cons["rp_emp_pkey"]["index_id"] == indexes["rp_emp_pkey"]["index_id"]

    seqs = {s["sequence_name"]: s for s in run(c, "sequences", public)}
    assert seqs["rp_emp_id_seq"]["data_type"] == "bigint" and seqs["rp_emp_id_seq"]["inc_value"] == 1


def test_refresh_sees_only_what_changed(c, public):
    """DataGrip saves txid_current() after introspecting and later asks only for objects
    whose xmin is younger: none without DDL, the new table after one."""
    saved = run(c, "txid", public)[0]["current_txid"]
    assert run(c, "tables", public, saved) == []
    c.execute("create table rp_added (x int)")
    try:
        changed = {t["table_name"] for t in run(c, "tables", public, saved)}
        assert "rp_added" in changed
        assert "rp_added" in {t["table_name"] for t in run(c, "tables", public, 0)}
    finally:
        c.execute("drop table rp_added")
