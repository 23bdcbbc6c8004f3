"""The catalog as PostgreSQL clients read it: psql's \\d commands and SQLAlchemy's inspector."""
import psycopg
import pytest
import sqlalchemy as sa

from tests.conftest import psql


def setup_schema(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("drop view if exists cat_view")
        c.execute("drop table if exists cat_items")
        c.execute("create table cat_items (id int primary key, name text not null default 'x', price double precision)")
        c.execute("create index cat_items_price on cat_items(price)")
        c.execute("create view cat_view as select id, name from cat_items")


def test_psql_describe_commands(server):
    setup_schema(server)
    dt = psql(server, "-c", "\\dt").stdout
    assert "cat_items" in dt and "redduck_ml" not in dt and "models" not in dt
    d = psql(server, "-c", "\\d cat_items").stdout
    assert 'Table "public.cat_items"' in d
    for col in ("id", "name", "price"):
        assert f" {col} " in d
    assert "not null" in d and "'x'" in d and "cat_items_price" in d
    assert "| integer " in d and "| double precision" in d and "PRIMARY KEY" in d
    assert "cat_view" in psql(server, "-c", "\\dv").stdout
    assert server.dbname in psql(server, "-c", "\\l").stdout
    assert "public" in psql(server, "-c", "\\dn").stdout
    df = psql(server, "-c", "\\df").stdout
    assert "redduck_regclass" not in df and "to_regtype" not in df


def test_reg_casts_and_lookups(conn):
    conn.execute("create table if not exists cat_oids(a int)")
    oid = conn.execute("select 'cat_oids'::regclass::oid").fetchone()[0]
    assert oid > 0
    assert conn.execute("select relname from pg_catalog.pg_class where oid = 'cat_oids'::regclass").fetchone()[0] == "cat_oids"
    assert conn.execute("select to_regtype('int4'), to_regclass('no_such_thing')").fetchone() == (23, None)
    # OID 10 is the bootstrap superuser, as in PostgreSQL (the tests' server names it tester)
    assert conn.execute("select pg_catalog.pg_get_userbyid(10), pg_catalog.pg_encoding_to_char(6)").fetchone() == (
        "tester", "UTF8")


def test_sqlalchemy_inspector(server):
    setup_schema(server)
    eng = sa.create_engine(f"postgresql+psycopg://tester@127.0.0.1:{server.port}/{server.dbname}")
    insp = sa.inspect(eng)
    assert insp.has_table("cat_items")
    assert not insp.has_table("nope_nope")
    eng.dispose()


def _keyed_schema(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        for sql in ["drop table if exists key_emp", "drop table if exists key_dept",
                    "create table key_dept (id int primary key, name varchar(40) not null unique)",
                    "create table key_emp (id serial primary key, name text not null, "
                    "dept_id int references key_dept (id), salary numeric(10,2) default 1000.00)",
                    "create index key_emp_name_idx on key_emp (name)",
                    "comment on table key_emp is 'employees'",
                    "comment on column key_emp.salary is 'monthly, in euros'"]:
            c.execute(sql)


def test_psql_shows_keys_indexes_and_comments(server):
    _keyed_schema(server)
    d = psql(server, "-c", "\\d key_emp").stdout
    assert '"key_emp_pkey" PRIMARY KEY, btree (id)' in d
    assert '"key_emp_name_idx" btree (name)' in d
    assert "Foreign-key constraints:" in d
    assert '"key_emp_dept_id_fkey" FOREIGN KEY (dept_id) REFERENCES key_dept(id)' in d
    assert "nextval('key_emp_id_seq'::regclass)" in d   # as PostgreSQL prints a serial's default
    dept = psql(server, "-c", "\\d key_dept").stdout
    assert '"key_dept_name_key" UNIQUE CONSTRAINT, btree (name)' in dept
    assert 'TABLE "key_emp" CONSTRAINT "key_emp_dept_id_fkey"' in dept
    plus = psql(server, "-c", "\\d+ key_emp").stdout
    assert "monthly, in euros" in plus and "plain" in plus
    assert "employees" in psql(server, "-c", "\\dt+ key_emp").stdout


def test_catalog_keys_comments_and_serials(conn, server):
    _keyed_schema(server)
    rows = conn.execute("select conname, contype, conkey, confkey, confrelid::regclass::text, "
                        "pg_get_constraintdef(oid) from pg_constraint where conrelid = 'key_emp'::regclass "
                        "order by contype").fetchall()
    assert rows == [("key_emp_dept_id_fkey", "f", [3], [1], "key_dept", "FOREIGN KEY (dept_id) REFERENCES key_dept(id)"),
                    ("key_emp_pkey", "p", [1], None, "-", "PRIMARY KEY (id)")]
    assert conn.execute("select obj_description('key_emp'::regclass, 'pg_class'), "
                        "col_description('key_emp'::regclass, 4)").fetchone() == ("employees", "monthly, in euros")
    ids = conn.execute("insert into key_emp (name) values ('a'), ('b') returning id").fetchall()
    assert ids == [(1,), (2,)]
    assert conn.execute("select pg_get_serial_sequence('key_emp', 'id')").fetchone() == ("public.key_emp_id_seq",)
    types = dict(conn.execute("select column_name, data_type from information_schema.columns "
                              "where table_name = 'key_emp'").fetchall())
    assert types == {"id": "integer", "name": "text", "dept_id": "integer", "salary": "numeric"}
    assert conn.execute("select interval '1 year 2 months 3 days', 'int4'::regtype::text").fetchone()[1] == "integer"


def test_sqlalchemy_reflects_keys(server):
    _keyed_schema(server)
    eng = sa.create_engine(f"postgresql+psycopg://tester@127.0.0.1:{server.port}/{server.dbname}")
    try:
        insp = sa.inspect(eng)
        assert insp.get_pk_constraint("key_emp")["constrained_columns"] == ["id"]
        fks = insp.get_foreign_keys("key_emp")
        assert [(f["constrained_columns"], f["referred_table"], f["referred_columns"]) for f in fks] == [
            (["dept_id"], "key_dept", ["id"])]
        assert {i["name"] for i in insp.get_indexes("key_emp")} >= {"key_emp_name_idx"}
        assert insp.get_table_comment("key_emp")["text"] == "employees"
        cols = {c["name"]: c for c in insp.get_columns("key_emp")}
        assert cols["salary"]["comment"] == "monthly, in euros"
        assert str(cols["salary"]["type"]) == "NUMERIC(10, 2)"
    finally:
        eng.dispose()


def test_enum_columns_keep_the_type_they_were_declared_with(server):
    """DuckDB keeps only an enum column's labels, and two enum types may have the same ones:
    the declared type is remembered, for \\d, pg_attribute and RowDescription alike."""
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create type same_a as enum ('lo', 'hi')")
        c.execute("create type same_b as enum ('lo', 'hi')")
        c.execute("create table same_t (x same_b, y same_a)")
        c.execute("alter table same_t add column z same_b")
        c.execute("insert into same_t values ('hi', 'lo', 'lo')")
        oids = dict(c.execute("select typname, oid from pg_type where typname like 'same\\_%'").fetchall())
        assert c.execute("select attname, atttypid from pg_attribute where attrelid = 'same_t'::regclass "
                         "and attnum > 0 order by attnum").fetchall() == [
            ("x", oids["same_b"]), ("y", oids["same_a"]), ("z", oids["same_b"])]
        cur = c.execute("select x, y, z from same_t")
        assert [d.type_code for d in cur.description] == [oids["same_b"], oids["same_a"], oids["same_b"]]
        assert cur.fetchone() == ("hi", "lo", "lo")
    d = psql(server, "-c", "\\d same_t").stdout
    assert [line.split("|")[1].strip() for line in d.splitlines() if line.strip()[:2] in ("x ", "y ", "z ")] == [
        "same_b", "same_a", "same_b"]


def test_psql_types_schemas_and_view_definitions(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("drop view if exists vd_view")
        c.execute("drop table if exists vd_t")
        c.execute("drop type if exists vd_mood")
        c.execute("create type vd_mood as enum ('sad', 'ok')")
        c.execute("create table vd_t (a int, m vd_mood)")
        c.execute("create view vd_view as select a from vd_t")
    dt = psql(server, "-c", "\\dT").stdout
    assert "vd_mood" in dt and "integer" not in dt          # built-in types belong to pg_catalog
    assert "sad" in psql(server, "-c", "\\dT+ vd_mood").stdout
    d = psql(server, "-c", "\\d vd_t").stdout                 # an enum column shows its type's name
    assert [line.split("|")[1].strip() for line in d.splitlines() if line.strip().startswith("m ")] == ["vd_mood"]
    dn = psql(server, "-c", "\\dn").stdout
    assert "public" in dn and "tester" in dn and "redduck_pg" not in dn and "redduck_auth" not in dn
    view = psql(server, "-c", "\\d+ vd_view").stdout
    assert "View definition:" in view and "SELECT a FROM vd_t" in view


def test_relacl_and_dp_show_grants(conn, server):
    conn.execute("drop table if exists acl_t")
    conn.execute("drop role if exists acl_reader")
    conn.execute("create table acl_t (a int)")
    conn.execute("create role acl_reader")
    assert conn.execute("select relacl from pg_class where relname = 'acl_t'").fetchone() == (None,)
    conn.execute("grant select, insert on acl_t to acl_reader")
    conn.execute("grant select on acl_t to public")
    acl = conn.execute("select relacl from pg_class where relname = 'acl_t'").fetchone()[0]
    assert acl == ["tester=arwdDxt/tester", "=r/tester", "acl_reader=ar/tester"]
    assert "acl_reader=ar/tester" in psql(server, "-c", "\\dp acl_t").stdout
    conn.execute("revoke all on acl_t from acl_reader")
    conn.execute("revoke select on acl_t from public")
    assert conn.execute("select relacl from pg_class where relname = 'acl_t'").fetchone() == (None,)
    conn.execute("drop table acl_t")
    conn.execute("drop role acl_reader")


def test_activity_cancel_and_terminate(server):
    import threading
    import time
    with psycopg.connect(server.dsn(application_name="watcher"), autocommit=True) as c, \
            psycopg.connect(server.dsn(application_name="victim"), autocommit=True) as v:
        pid = v.info.backend_pid
        rows = dict(c.execute("select application_name, state from pg_stat_activity "
                              "where usename = current_user").fetchall())
        assert rows["watcher"] == "active" and rows["victim"] == "idle"
        errors = []

        def long_query():
            try:
                v.execute("select count(*) from range(20000000000)").fetchall()
            except psycopg.Error as e:
                errors.append(e.sqlstate)
        t = threading.Thread(target=long_query)
        t.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and c.execute(
                "select state from pg_stat_activity where pid = %s", (pid,)).fetchone() != ("active",):
            time.sleep(0.05)
        assert c.execute("select pg_cancel_backend(%s)", (pid,)).fetchone() == (True,)
        t.join(20)
        assert errors == ["57014"]
        assert c.execute("select pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        time.sleep(0.3)
        with pytest.raises(psycopg.OperationalError):
            v.execute("select 1")
        assert c.execute("select count(*) from pg_stat_activity where pid = %s", (pid,)).fetchone() == (0,)
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("drop table if exists stat_t")
        c.execute("create table stat_t (a int)")
        assert ("public", "stat_t") in c.execute("select schemaname, relname from pg_stat_user_tables").fetchall()
        assert c.execute("select count(*) from pg_matviews").fetchone() == (0,)
        assert c.execute("select tableowner from pg_tables where tablename = 'stat_t'").fetchone() == ("tester",)
        assert c.execute("select xmin is not null from pg_class where relname = 'stat_t'").fetchone() == (True,)


def test_every_psql_describe_command_runs(server):
    """Each \\d command psql 15 has answers as PostgreSQL does on a database that has none of
    the object kind (text search, casts, publications …), and the rest show what exists."""
    setup_schema(server)
    for cmd in ("\\dd", "\\dc", "\\dC", "\\drds", "\\dl", "\\dRp", "\\dRs", "\\dX", "\\ddp", "\\dF", "\\dFp",
                "\\dFt", "\\dFd", "\\df+", "\\dD", "\\dy", "\\dE", "\\des", "\\dew", "\\det", "\\deu", "\\dO",
                "\\dP", "\\dA", "\\do", "\\z", "\\dconfig", "\\du", "\\db", "\\dx"):
        out = psql(server, "-c", cmd, check=False)
        assert out.returncode == 0 and "ERROR" not in out.stderr, (cmd, out.stderr)
    assert "plpgsql" in psql(server, "-c", "\\dL").stdout
    di = psql(server, "-c", "\\di").stdout
    assert "cat_items_pkey" in di and "cat_items_price" in di
    idx = psql(server, "-A", "-c", "\\d cat_items_price").stdout
    assert "price|double precision|yes|price" in idx
    sv = psql(server, "-c", "\\sv cat_view").stdout
    assert "CREATE OR REPLACE VIEW public.cat_view AS" in sv and "cat_items" in sv


def _oids(c):
    return dict(c.execute(
        "select 'class:' || relname, oid from pg_class where relnamespace = 'public'::regnamespace "
        "union all select 'type:' || typname, oid from pg_type where typname = 'stab_mood' "
        "union all select 'con:' || conname, oid from pg_constraint where conname like 'stab%' "
        "union all select 'nsp:' || nspname, oid from pg_namespace").fetchall())


def test_oids_stay_the_same_across_restarts_and_new_objects(fresh_server):
    """DuckDB renumbers its catalog at every start (and by name order): the OIDs clients see
    are the stable ones of each object, as PostgreSQL keeps them; public is 2200."""
    fresh_server.start()
    with psycopg.connect(fresh_server.dsn(), autocommit=True) as c:
        c.execute("create type stab_mood as enum ('a', 'b')")
        c.execute("create table stab_b (id int primary key, m stab_mood)")
        c.execute("create table stab_c (id int references stab_b (id), v text unique)")
        c.execute("create index stab_c_v on stab_c (v)")
        before = _oids(c)
    fresh_server.stop()
    fresh_server.start()
    with psycopg.connect(fresh_server.dsn(), autocommit=True) as c:
        c.execute("create table stab_a (x int)")   # sorts first: DuckDB would renumber the rest
        after = _oids(c)
        assert {k: v for k, v in after.items() if k in before} == before
        assert after["nsp:public"] == 2200 and after["nsp:pg_catalog"] == 11
        assert len(set(after.values())) == len(after)
        stab_b = after["class:stab_b"]
        assert c.execute("select 'stab_b'::regclass::oid").fetchone()[0] == stab_b
        assert c.execute("select count(*) from pg_attribute where attrelid = %s and attnum > 0", [stab_b]
                         ).fetchone()[0] == 2
        assert c.execute("select confrelid from pg_constraint where conname = 'stab_c_id_fkey'").fetchone()[0] == stab_b
        assert c.execute("select indrelid from pg_index where indexrelid = %s", [after["class:stab_c_v"]]
                         ).fetchone()[0] == after["class:stab_c"]
        assert c.execute("select atttypid from pg_attribute where attrelid = %s and attname = 'm'", [stab_b]
                         ).fetchone()[0] == after["type:stab_mood"]
        assert c.execute("select enumtypid from pg_enum where enumlabel = 'b'").fetchone()[0] == after["type:stab_mood"]
        cur = c.execute("select id, m from stab_b")   # RowDescription names the table by the same OID
        assert (cur.pgresult.ftable(0), cur.pgresult.ftablecol(1)) == (stab_b, 2)
