"""asyncpg: $n parameters, prepared statements, cursors, COPY helpers, executemany, cancel."""
import asyncio
import datetime as dt
import decimal

import asyncpg
import pytest


def run(coro):
    return asyncio.run(coro)


async def connect(server):
    return await asyncpg.connect(host="127.0.0.1", port=server.port, user="tester", database=server.dbname)


def test_parameters_and_binary_codecs(server):
    async def main():
        c = await connect(server)
        try:
            await c.execute("create table ap(a int, b text, c double precision, d timestamp, e numeric(12,4), f bool, g date)")
            row = (1, "x", 2.5, dt.datetime(2024, 5, 6, 7, 8, 9), decimal.Decimal("3.1416"), True, dt.date(2024, 1, 1))
            await c.execute("insert into ap values ($1,$2,$3,$4,$5,$6,$7)", *row)
            got = await c.fetchrow("select * from ap where a = $1 and b = $2", 1, "x")
            assert tuple(got) == row
            assert await c.fetchval("select $1::int * 2", 21) == 42
            assert await c.fetchval("select count(*) from ap where c > $1", 1.0) == 1
        finally:
            await c.close()
    run(main())


def test_prepared_statement_reuse_and_executemany(server):
    async def main():
        c = await connect(server)
        try:
            await c.execute("create table ap_many(a int, b text)")
            await c.executemany("insert into ap_many values ($1, $2)", [(i, str(i)) for i in range(200)])
            st = await c.prepare("select b from ap_many where a = $1")
            for i in (3, 50, 199):
                assert await st.fetchval(i) == str(i)
            assert [a.name for a in st.get_attributes()] == ["b"]
            assert [p.name for p in st.get_parameters()] == ["int4"]
        finally:
            await c.close()
    run(main())


def test_cursors_and_interleaved_portals(server):
    async def main():
        c = await connect(server)
        try:
            async with c.transaction():
                cur1 = await c.cursor("select range from range(1000)")
                cur2 = await c.cursor("select range * 10 from range(1000)")
                a = await cur1.fetch(300)
                b = await cur2.fetch(300)
                a2 = await cur1.fetch(800)
                assert [r[0] for r in a + a2] == list(range(1000))
                assert [r[0] for r in b] == [i * 10 for i in range(300)]
                n = 0
                async for _ in c.cursor("select * from range(5000)", prefetch=333):
                    n += 1
                assert n == 5000
        finally:
            await c.close()
    run(main())


def test_copy_records_and_copy_from_query(server, tmp_path):
    async def main():
        c = await connect(server)
        try:
            await c.execute("create table ap_copy(a int, b text, c double precision)")
            recs = [(i, f"r{i}", i * 0.5) for i in range(5000)]
            res = await c.copy_records_to_table("ap_copy", records=recs)
            assert res == "COPY 5000"
            assert await c.fetchval("select sum(a) from ap_copy") == sum(range(5000))
            out = tmp_path / "q.csv"
            res = await c.copy_from_query("select * from ap_copy where a < 3 order by a", output=str(out), format="csv")
            assert res == "COPY 3"
            assert out.read_text().splitlines() == ["0,r0,0", "1,r1,0.5", "2,r2,1"]
        finally:
            await c.close()
    run(main())


def test_cancel_through_timeout(server):
    async def main():
        c = await connect(server)
        try:
            with pytest.raises(asyncio.TimeoutError):
                await c.fetchval("select count(*) from range(100000000000) a", timeout=0.5)
            assert await c.fetchval("select 5") == 5
        finally:
            await c.close()
    run(main())


def test_errors_keep_connection(server):
    async def main():
        c = await connect(server)
        try:
            with pytest.raises(asyncpg.UndefinedTableError):
                await c.fetch("select * from nothing_here")
            with pytest.raises(asyncpg.PostgresSyntaxError):
                await c.fetch("select from from")
            assert await c.fetchval("select 6") == 6
        finally:
            await c.close()
    run(main())


def test_prepared_statements_are_checked_at_parse_with_positions(server):
    """As PostgreSQL: a typo in a prepared INSERT's column list is 42703 at Parse, at the
    column (before, the parameter was described as text and asyncpg refused to encode an int
    for it); errors in parameterized queries point at what they are about."""
    async def main():
        c = await connect(server)
        try:
            await c.execute("create table ap_pos (a int)")
            for sql, exc, at in [("insert into ap_pos (no_col) values ($1)", asyncpg.UndefinedColumnError, "no_col"),
                                 ("select no_col from ap_pos where a = $1", asyncpg.UndefinedColumnError, "no_col"),
                                 ("select no_fn($1)", asyncpg.UndefinedFunctionError, "no_fn"),
                                 ("select * from no_table where a = $1", asyncpg.UndefinedTableError, "no_table")]:
                with pytest.raises(exc) as ei:
                    await c.fetch(sql, 1)
                assert sql[int(ei.value.position) - 1:].startswith(at)
            await c.execute("insert into ap_pos (a) values ($1)", 7)
            assert await c.fetchval("select a from ap_pos") == 7
        finally:
            await c.close()
    run(main())


def test_array_columns_and_parameters(server):
    """asyncpg introspects array types through pg_type (its recursive INTRO_LOOKUP_TYPES)."""
    async def main():
        c = await connect(server)
        try:
            await c.execute("create table ap_arr(a int[], b text[])")
            await c.execute("insert into ap_arr values ($1, $2)", [1, None, 3], ["x", "y z"])
            row = await c.fetchrow("select a, b from ap_arr")
            assert row["a"] == [1, None, 3] and row["b"] == ["x", "y z"]
            assert await c.fetchval("select count(*) from ap_arr where 3 = any(a)") == 1
        finally:
            await c.close()
    run(main())


def test_enums_arrays_and_codecs(server):
    """An untyped `= any($1)` takes an array of the column's type; enum columns are of their enum
    type (asyncpg introspects it); set_type_codec finds json in pg_catalog."""
    import json

    async def main():
        c = await connect(server)
        try:
            await c.execute("drop table if exists ap_en")
            await c.execute("drop type if exists ap_mood")
            await c.execute("create type ap_mood as enum ('meh', 'yay')")
            await c.execute("create table ap_en (id int, m ap_mood, j json)")
            await c.execute("""insert into ap_en values (1, 'yay', '{"k": [1]}'), (2, 'meh', null)""")
            assert [r["id"] for r in await c.fetch("select id from ap_en where id = any($1) order by id", [1, 2])] \
                == [1, 2]
            stmt = await c.prepare("select m from ap_en order by id")
            assert stmt.get_attributes()[0].type.name == "ap_mood" and await stmt.fetchval() == "yay"
            await c.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
            assert await c.fetchval("select j from ap_en where id = 1") == {"k": [1]}
        finally:
            await c.close()
    run(main())


# a query DuckDB runs as a relation once its result proved large (engine/rowsource.py): the
# rows, a failure met after the first of them, and its reading while the session runs others
STREAMED = "select i, i * 2 as j, 's' || i as s from range($1::bigint) t(i) order by i"


def test_large_results_stream_the_same_rows_on_repeat(server):
    async def main():
        c = await connect(server)
        try:
            st = await c.prepare(STREAMED)
            for n in (150_000, 150_000, 70_000, 5):   # the first run learns it is large
                rows = await st.fetch(n)
                assert [tuple(r) for r in rows] == [(i, 2 * i, f"s{i}") for i in range(n)]
            async with c.transaction():   # two portals of it, read in turns
                a, b = await st.cursor(100_000), await st.cursor(100_000)
                got_a, got_b = [], []
                for _ in range(4):
                    got_a += await a.fetch(25_000)
                    got_b += await b.fetch(25_000)
                    assert await c.fetchval("select count(*) from range(10)") == 10
                assert [r[0] for r in got_a] == [r[0] for r in got_b] == list(range(100_000))
        finally:
            await c.close()
    run(main())


def test_streamed_result_failing_after_its_first_rows(server):
    async def main():
        c = await connect(server)
        try:
            st = await c.prepare("select i, (case when i < $2::bigint then '1' else $1::text end)::int as v "
                                 "from range(200000) t(i)")
            assert len(await st.fetch("1", 0)) == 200_000      # large: it streams from now on
            with pytest.raises(asyncpg.InvalidTextRepresentationError, match="invalid input syntax for type integer"):
                await st.fetch("x", 150_000)
            assert await c.fetchval("select 7") == 7
            assert len(await st.fetch("2", 0)) == 200_000
            for between in (False, True):   # met while a cursor is read in pieces
                async with c.transaction():
                    cur = await st.cursor("x", 150_000)
                    try:
                        first = await cur.fetch(1000)
                    except asyncpg.InvalidTextRepresentationError:
                        first = None    # DuckDB's threads met it before the first rows were read
                    if first is not None:
                        assert len(first) == 1000
                        if between:     # the cursor is drained for it, and the failure met
                            with pytest.raises(asyncpg.InFailedSQLTransactionError) as ei:
                                await c.fetchval("select 8")
                            assert "open cursor's query failed" in ei.value.detail
                        with pytest.raises(asyncpg.InvalidTextRepresentationError):
                            await cur.fetch(200_000)
                    with pytest.raises(asyncpg.InFailedSQLTransactionError):
                        await c.fetchval("select 8")
                assert await c.fetchval("select 9") == 9
        finally:
            await c.close()
    run(main())


def test_cancel_while_a_streamed_result_is_being_sent(server):
    """DuckDB is done (or streaming) and the rows are going out: a cancel stops them at the next
    piece with 57014, as PostgreSQL stops sending, rather than after all 200 million."""
    async def main():
        c = await connect(server)
        try:
            st = await c.prepare("select i, 'row ' || i as s from range($1::bigint) t(i)")
            assert len(await st.fetch(1000)) == 1000          # large: it streams from now on
            t0 = asyncio.get_running_loop().time()
            with pytest.raises(asyncio.TimeoutError):
                await st.fetch(200_000_000, timeout=1.0)
            assert await c.fetchval("select 10") == 10
            assert asyncio.get_running_loop().time() - t0 < 30
        finally:
            await c.close()
    run(main())


def test_statement_timeout_counts_the_sending_of_rows(server):
    """As in PostgreSQL, statement_timeout bounds the whole statement, the rows' sending too:
    a client that reads 200 million rows slower than the timeout is stopped, with 57014."""
    async def main():
        c = await connect(server)
        try:
            st = await c.prepare("select i, 'row ' || i as s from range($1::bigint) t(i)")
            assert len(await st.fetch(1000)) == 1000          # large: it streams from now on
            await c.execute("set statement_timeout = '1s'")
            t0 = asyncio.get_running_loop().time()
            with pytest.raises(asyncpg.QueryCanceledError, match="statement timeout"):
                await st.fetch(200_000_000)
            assert asyncio.get_running_loop().time() - t0 < 30
            assert len(await st.fetch(5)) == 5                # the timeout stops only what overruns
            await c.execute("reset statement_timeout")
        finally:
            await c.close()
    run(main())
