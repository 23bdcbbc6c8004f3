"""Privileges on the statement tree: tables (in subqueries and CTEs too), schemas, model
functions, CREATE MODEL, server files, ATTACH/INSTALL; GRANT lets in, REVOKE shuts out,
and the catalog (has_table_privilege, pg_roles, table_privileges) tells the truth."""
import psycopg
import pytest
from psycopg import errors

from tests.security.conftest import admin


@pytest.fixture(scope="module")
def setup(secure):
    with admin(secure) as c:
        for sql in ["CREATE ROLE analysts", "CREATE ROLE dana LOGIN PASSWORD 'dana-pw' IN ROLE staff",
                    "CREATE TABLE secrets (id INT, v TEXT)", "INSERT INTO secrets VALUES (1, 'a'), (2, 'b')",
                    "CREATE TABLE open_t (id INT)", "INSERT INTO open_t VALUES (1)",
                    "CREATE VIEW secret_view AS SELECT id FROM secrets",
                    "CREATE SCHEMA sales", "CREATE TABLE sales.orders (id INT)", "INSERT INTO sales.orders VALUES (7)"]:
            c.execute(sql)
    return secure


def dana(srv):
    return psycopg.connect(srv.dsn(user="dana", password="dana-pw"), autocommit=True)


def denied(c, sql, match=None):
    with pytest.raises(errors.InsufficientPrivilege, match=match):
        c.execute(sql)


def test_select_needs_a_grant_everywhere_in_the_tree(setup):
    with dana(setup) as c:
        denied(c, "SELECT * FROM secrets", "permission denied for table secrets")
        denied(c, "SELECT * FROM (VALUES (1)) v(id) WHERE id IN (SELECT id FROM secrets)", "secrets")
        denied(c, "WITH x AS (SELECT * FROM secrets) SELECT * FROM x", "secrets")
        denied(c, "SELECT (SELECT max(v) FROM public.secrets)", "secrets")
        denied(c, "SELECT * FROM secret_view", "secret_view")
    with admin(setup) as a:
        a.execute("GRANT SELECT ON secrets, open_t TO dana")
    with dana(setup) as c:
        assert c.execute("WITH x AS (SELECT * FROM secrets) SELECT count(*) FROM x").fetchone() == (2,)
        assert c.execute("SELECT has_table_privilege('secrets', 'SELECT'), "
                         "has_table_privilege('dana', 'secrets', 'INSERT')").fetchone() == (True, False)
        denied(c, "INSERT INTO secrets VALUES (3, 'c')", "secrets")
        denied(c, "UPDATE secrets SET v = 'x'", "secrets")
        denied(c, "DELETE FROM secrets", "secrets")
        denied(c, "INSERT INTO open_t SELECT id FROM secrets", "open_t")
    with admin(setup) as a:
        a.execute("GRANT INSERT, DELETE ON TABLE secrets TO dana")
    with dana(setup) as c:
        c.execute("INSERT INTO secrets VALUES (3, 'c')")
        c.execute("DELETE FROM secrets WHERE id = 3")
        denied(c, "UPDATE secrets SET v = 'x'")
    with admin(setup) as a:
        a.execute("REVOKE ALL ON secrets FROM dana")
    with dana(setup) as c:
        denied(c, "SELECT * FROM secrets")


def test_grants_to_a_group_role_and_public(setup):
    with admin(setup) as a:
        a.execute("GRANT SELECT ON secret_view TO analysts")
        a.execute("GRANT analysts TO dana")
    with dana(setup) as c:
        assert c.execute("SELECT count(*) FROM secret_view").fetchone() == (2,)   # the view, not the table
        denied(c, "SELECT * FROM secrets")
    with admin(setup) as a:
        a.execute("REVOKE analysts FROM dana")
        a.execute("GRANT SELECT ON secret_view TO PUBLIC")
    with dana(setup) as c:
        assert c.execute("SELECT count(*) FROM secret_view").fetchone() == (2,)
    with admin(setup) as a:
        a.execute("REVOKE SELECT ON secret_view FROM PUBLIC")
    with dana(setup) as c:
        denied(c, "SELECT * FROM secret_view")


def test_schemas_and_all_tables_in_schema(setup):
    with dana(setup) as c:
        denied(c, "SELECT * FROM sales.orders", "schema sales")
        denied(c, "CREATE TABLE dana_t (a INT)", "schema public")
    with admin(setup) as a:
        a.execute("GRANT USAGE ON SCHEMA sales TO dana")
        a.execute("GRANT SELECT ON ALL TABLES IN SCHEMA sales TO dana")
        a.execute("GRANT CREATE ON SCHEMA public TO dana")
    with dana(setup) as c:
        assert c.execute("SELECT * FROM sales.orders").fetchall() == [(7,)]
        c.execute("CREATE TABLE dana_t (a INT)")       # the creator owns it
        c.execute("INSERT INTO dana_t VALUES (1)")
        c.execute("GRANT SELECT ON dana_t TO analysts")
        denied(c, "DROP TABLE secrets", "must be owner of table secrets")
        denied(c, "ALTER TABLE open_t ADD COLUMN z INT", "must be owner")
        c.execute("DROP TABLE dana_t")
    with admin(setup) as a:
        got = a.execute("SELECT grantee, privilege_type FROM information_schema.table_privileges "
                        "WHERE table_schema = 'sales' AND table_name = 'orders' AND grantee = 'dana'").fetchall()
        assert got == [("dana", "SELECT")]


def test_server_files_attach_install(setup, tmp_path):
    with dana(setup) as c:
        denied(c, "SELECT * FROM read_csv('/etc/passwd')", "server files")
        denied(c, "COPY open_t FROM '/etc/hostname'", "server files")
        denied(c, "COPY open_t TO '/tmp/out.csv'")
        denied(c, "ATTACH '/tmp/x.duckdb' AS x")
        denied(c, "INSTALL httpfs")
        denied(c, "SELECT * FROM redduck_auth.roles", "schema redduck_auth")
        denied(c, "SELECT * FROM redduck_ml.models", "schema redduck_ml")
        denied(c, "SELECT rolpassword FROM pg_authid", "pg_authid")
        assert ("dana", "********") in c.execute("SELECT rolname, rolpassword FROM pg_roles").fetchall()
    with admin(setup) as a:   # even a superuser reads only the import folders
        denied(a, "SELECT * FROM read_csv('/etc/passwd')")


def test_role_management_needs_createrole(setup):
    with dana(setup) as c:
        denied(c, "CREATE ROLE eve", "permission denied to create role")
        denied(c, "ALTER ROLE alice PASSWORD 'x'")
        denied(c, "GRANT analysts TO dana")
        denied(c, "GRANT CREATE MODEL TO dana")
    with admin(setup) as a:
        a.execute("ALTER ROLE dana CREATEROLE")
    with dana(setup) as c:
        c.execute("CREATE ROLE eve")
        denied(c, "CREATE ROLE mallory SUPERUSER")
        c.execute("DROP ROLE eve")
    with admin(setup) as a:
        a.execute("ALTER ROLE dana NOCREATEROLE")
        roles = dict(a.execute("SELECT rolname, rolcreaterole FROM pg_roles").fetchall())
        assert roles["dana"] is False and "eve" not in roles
        with pytest.raises(errors.DuplicateObject):
            a.execute("CREATE ROLE dana")
    from tests.conftest import psql
    du = psql(setup, "-c", "\\du", env={"PGPASSWORD": "admin-Pw-1"}, user="admin").stdout
    assert "dana" in du and "admin" in du and "Superuser" in du and "pg_read_server_files" not in du


def test_models_create_and_execute_privileges(setup):
    from sklearn.datasets import load_iris
    frame = load_iris(as_frame=True).frame
    rows = ", ".join(f"({r[0]}, {r[1]}, {r[2]}, {r[3]}, {int(r[4])})" for r in frame.itertuples(index=False))
    with admin(setup) as a:
        a.execute("CREATE TABLE iris (sl DOUBLE, sw DOUBLE, pl DOUBLE, pw DOUBLE, species INT)")
        a.execute(f"INSERT INTO iris VALUES {rows}")
        a.execute("GRANT SELECT ON iris TO dana")
    with dana(setup) as c:
        denied(c, "CREATE MODEL m_iris FROM iris TARGET species FUNCTION m_iris_fn", "create model")
    with admin(setup) as a:
        a.execute("GRANT CREATE MODEL TO dana")
    with dana(setup) as c:
        c.execute("CREATE MODEL m_iris FROM (SELECT * FROM iris) TARGET species FUNCTION m_iris_fn "
                  "HYPERPARAMETERS DEFAULT EXCEPT (EPOCHS '5', HIDDEN_LAYERS '16')")
        assert c.execute("SELECT wait_for_model('m_iris', 240)").fetchone()[0] == "READY"
        assert c.execute("SELECT count(m_iris_fn(sl, sw, pl, pw)) FROM iris").fetchone() == (150,)
    with psycopg.connect(setup.dsn(user="alice", password="alice-pw"), autocommit=True) as c:
        denied(c, "SELECT m_iris_fn(1, 2, 3, 4)", "model m_iris")
        denied(c, "SELECT m_iris_fn_prob(1, 2, 3, 4)", "model m_iris")
        # the packed form calls are rewritten to (ml/packing.py) is the same model
        denied(c, "SELECT redduck_packed_m_iris_fn([1, 2, 3, 4]::FLOAT[4])", "model m_iris")
        denied(c, "SELECT * FROM explain_model('m_iris')", "model m_iris")
        denied(c, "SHOW MODEL m_iris", "model m_iris")
        denied(c, "DROP MODEL m_iris", "must be owner of model m_iris")
        denied(c, "CREATE MODEL m2 FROM iris TARGET species FUNCTION m2_fn")
    with dana(setup) as c:
        c.execute("GRANT EXECUTE ON MODEL m_iris TO alice")   # the owner grants
    with psycopg.connect(setup.dsn(user="alice", password="alice-pw"), autocommit=True) as c:
        assert c.execute("SELECT m_iris_fn(5.1, 3.5, 1.4, 0.2)").fetchone()[0] in (0, 1, 2)
        assert dict(c.execute("SHOW MODEL m_iris").fetchall())["Model State"] == "READY"
        assert c.execute("SELECT has_function_privilege('m_iris_fn(double precision)', 'EXECUTE')").fetchone() == (True,)
        denied(c, "DROP MODEL m_iris")
    with admin(setup) as a:
        a.execute("REVOKE EXECUTE ON MODEL m_iris FROM alice")
        a.execute("REVOKE CREATE MODEL FROM dana")
    with psycopg.connect(setup.dsn(user="alice", password="alice-pw"), autocommit=True) as c:
        denied(c, "SELECT m_iris_fn(1, 2, 3, 4)")
    with dana(setup) as c:
        c.execute("DROP MODEL m_iris")


def test_connection_limits(setup):
    with admin(setup) as a:
        a.execute("CREATE ROLE limited LOGIN PASSWORD 'l' CONNECTION LIMIT 1")
        a.execute("GRANT staff TO limited")
    first = psycopg.connect(setup.dsn(user="limited", password="l"))
    try:
        with pytest.raises(psycopg.OperationalError, match='too many connections for role "limited"'):
            psycopg.connect(setup.dsn(user="limited", password="l"))
        assert first.execute("SELECT 1").fetchone() == (1,)
    finally:
        first.close()
