"""SQLAlchemy 2 with psycopg and psycopg2, and pandas, on a real server."""
import pandas as pd
import pytest
import sqlalchemy as sa


@pytest.mark.parametrize("driver", ["psycopg", "psycopg2"])
def test_engine_roundtrip_and_pandas(server, driver):
    url = f"postgresql+{driver}://tester@127.0.0.1:{server.port}/{server.dbname}"
    eng = sa.create_engine(url)
    table = f"sa_{driver}"
    with eng.begin() as c:
        c.execute(sa.text(f"drop table if exists {table}"))
        c.execute(sa.text(f"create table {table} (id int, name text, score double precision)"))
        c.execute(sa.text(f"insert into {table} values (:i, :n, :s)"),
                  [{"i": i, "n": f"n{i}", "s": i / 2} for i in range(10)])
    with eng.connect() as c:
        assert c.execute(sa.text(f"select count(*) from {table} where score > :x"), {"x": 2}).scalar() == 5
    df = pd.read_sql(f"select * from {table} order by id", eng)
    assert list(df.columns) == ["id", "name", "score"]
    assert df["score"].sum() == pytest.approx(22.5)
    eng.dispose()
