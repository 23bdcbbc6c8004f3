"""Large results over TLS: their rest goes through the event loop, which alone can encrypt
(server/result_stream.py's LoopWriter), and must arrive as whole and in order as over TCP."""
import psycopg
import pytest

QUERY = "select i, 'row ' || i as s, i * 0.5 as d from range(300000) t(i)"


def _tls(srv):
    return psycopg.connect(srv.dsn(user="sslonly", password="ssl-pw", sslmode="require"), autocommit=True)


@pytest.mark.parametrize("binary", [False, True])
def test_a_large_result_over_tls_arrives_whole_and_in_order(secure, binary):
    with _tls(secure) as c:
        assert c.info.pgconn.ssl_in_use
        for _ in range(2):      # the first run finds it large; the second streams from the start
            rows = c.cursor(binary=binary).execute(QUERY).fetchall()
            assert len(rows) == 300000
            assert [r[0] for r in rows] == list(range(300000))
            assert rows[123456] == (123456, "row 123456", 61728.0)
        assert c.execute("select 1 + 1").fetchone()[0] == 2


def test_cancel_of_a_large_result_over_tls(secure):
    with _tls(secure) as c:
        c.execute("set statement_timeout = '1s'")
        cur = c.cursor()
        with pytest.raises(psycopg.errors.QueryCanceled):
            cur.execute("select i, 'row ' || i from range(300000000) t(i)")
            for _ in cur:       # psycopg reads the whole result before it returns: the timeout stops it
                pass
        c.execute("reset statement_timeout")
        assert c.execute("select 2 + 2").fetchone()[0] == 4
