"""The catalog as PostgreSQL clients read it: psql's \\d commands and SQLAlchemy's inspector."""
import psycopg
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
