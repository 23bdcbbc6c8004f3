"""SIGKILL during acknowledged autocommit inserts, an open multi-statement transaction and a
COPY; after a restart on the same file every acknowledged row is there and nothing of an
unacknowledged transaction is. (SIGKILL during training: tests/ml/test_models.py.)"""
import threading
import time

import psycopg


def _insert_stream(srv, acked: list, stop: threading.Event) -> None:
    try:
        with psycopg.connect(srv.dsn(), autocommit=True) as c:
            i = 0
            while not stop.is_set():
                c.execute("INSERT INTO acked VALUES (%s)", (i,))
                acked.append(i)              # only after the server said INSERT 0 1
                i += 1
    except psycopg.Error:
        pass                                 # the server died under us


def test_sigkill_keeps_acknowledged_rows_and_drops_open_transactions(fresh_server):
    srv = fresh_server.start()
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        c.execute("CREATE TABLE acked (i INT)")
        c.execute("CREATE TABLE tx_rows (i INT)")
        c.execute("CREATE TABLE copied (i INT, s TEXT)")
        c.execute("CREATE ROLE survivor LOGIN")
        c.execute("GRANT SELECT ON acked TO survivor")
    committed = psycopg.connect(srv.dsn())
    with committed.transaction():
        committed.execute("INSERT INTO tx_rows SELECT range FROM range(100)")
    open_tx = psycopg.connect(srv.dsn())
    open_tx.execute("INSERT INTO tx_rows SELECT range + 1000 FROM range(5000)")
    open_tx.execute("UPDATE tx_rows SET i = -i WHERE i < 50")       # never committed

    copy_conn = psycopg.connect(srv.dsn(), autocommit=True)
    copy_started = threading.Event()

    def copy_forever():
        try:
            with copy_conn.cursor().copy("COPY copied FROM STDIN") as cp:
                n = 0
                while True:
                    cp.write_row((n, "x" * 50))
                    n += 1
                    if n == 20_000:
                        copy_started.set()
        except Exception:
            copy_started.set()
    threading.Thread(target=copy_forever, daemon=True).start()

    acked, stop = [], threading.Event()
    writer = threading.Thread(target=_insert_stream, args=(srv, acked, stop), daemon=True)
    writer.start()
    assert copy_started.wait(60)
    deadline = time.monotonic() + 30
    while len(acked) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill()
    stop.set()
    writer.join(10)
    for c in (committed, open_tx, copy_conn):
        c.close()
    assert len(acked) >= 200

    srv.start()
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        present = {r[0] for r in c.execute("SELECT i FROM acked").fetchall()}
        assert set(acked) <= present                        # every acknowledged insert
        assert len(present - set(acked)) <= 1               # at most the one in flight
        assert c.execute("SELECT count(*), min(i), max(i) FROM tx_rows").fetchone() == (100, 0, 99)
        assert c.execute("SELECT count(*) FROM copied").fetchone() == (0,)   # the COPY never finished
        c.execute("INSERT INTO acked VALUES (-1)")          # and the database takes writes again
    with psycopg.connect(srv.dsn(user="survivor"), autocommit=True) as c:   # roles and grants too
        assert c.execute("SELECT count(*) FROM acked").fetchone()[0] == len(present) + 1
