"""Server lifecycle and robustness: startup, databases, bad input, concurrency, shutdown."""
import os
import signal
import socket
import struct
import threading
import time
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pgerr

from redduck.protocol import messages as M
from redduck.protocol.framing import split_backend


def raw_connect(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(M.StartupMessage({"user": "tester", "database": server.dbname}).encode())
    buf = b""
    while b"Z\x00\x00\x00\x05" not in buf:
        chunk = s.recv(65536)
        assert chunk, "server closed during startup"
        buf += chunk
    return s


def read_until_ready(s) -> list:
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        if buf.endswith(b"Z\x00\x00\x00\x05I") or buf.endswith(b"Z\x00\x00\x00\x05T") or buf.endswith(b"Z\x00\x00\x00\x05E"):
            break
    return [M.decode_backend(t, b) for t, b in split_backend(buf)]


def test_postgres_alias_and_unknown_database(server):
    with psycopg.connect(server.dsn(dbname="postgres")) as c:
        assert c.execute("select current_database()").fetchone()[0] == server.dbname
        # pgjdbc 42.7's getCatalog() asks for current_catalog, bare
        cur = c.execute("select current_catalog")
        assert cur.fetchone()[0] == server.dbname and cur.description[0].name == "current_catalog"
    with pytest.raises(psycopg.OperationalError, match='database "nope" does not exist'):
        psycopg.connect(server.dsn(dbname="nope"))


def test_ssl_request_refused_then_plain_works(server):
    with psycopg.connect(server.dsn(sslmode="prefer")) as c:
        assert c.execute("select 1").fetchone()[0] == 1
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.dsn(sslmode="require"))


def test_empty_query_and_multiple_results(server):
    s = raw_connect(server)
    s.sendall(M.Query("").encode())
    assert [type(m) for m in read_until_ready(s)] == [M.EmptyQueryResponse, M.ReadyForQuery]
    s.sendall(M.Query("select 1; select 'a', 'b'; create table raw_multi(a int)").encode())
    msgs = read_until_ready(s)
    tags = [m.tag for m in msgs if isinstance(m, M.CommandComplete)]
    assert tags == ["SELECT 1", "SELECT 1", "CREATE TABLE"]
    rows = [m.values for m in msgs if isinstance(m, M.DataRow)]
    assert rows == [(b"1",), (b"a", b"b")]
    s.close()


def test_parameter_status_only_when_a_reported_value_changes(server):
    """As PostgreSQL 14+: SET to the value the client already has sends no ParameterStatus;
    a change does, and so does the ROLLBACK that undoes one."""
    s = raw_connect(server)

    def statuses(sql):
        return [(m.name, m.value) for m in read_until_ready_after(s, sql) if isinstance(m, M.ParameterStatus)]
    assert statuses("set application_name = 'a'") == [("application_name", "a")]
    assert statuses("set application_name = 'a'") == []
    assert statuses("set application_name = 'b'") == [("application_name", "b")]
    assert statuses("begin; set application_name = 'c'") == [("application_name", "c")]
    assert statuses("rollback") == [("application_name", "b")]
    assert statuses("set application_name = 'b'") == []
    s.close()


def read_until_ready_after(s, sql: str) -> list:
    s.sendall(M.Query(sql).encode())
    return read_until_ready(s)


def test_extended_protocol_error_discards_until_sync(server):
    s = raw_connect(server)
    s.sendall(M.Parse("", "select * from missing_tab").encode() + M.Bind("", "").encode()
              + M.Execute("").encode() + M.Sync().encode())
    msgs = read_until_ready(s)
    # redduck checks tables when the statement first runs, not at Parse as PostgreSQL does
    kinds = [type(m) for m in msgs]
    assert kinds[-2:] == [M.ErrorResponse, M.ReadyForQuery] and M.CommandComplete not in kinds
    assert msgs[-2].code == "42P01"
    s.sendall(M.Parse("s1", "select $1::int + 1").encode() + M.Describe("S", "s1").encode()
              + M.Bind("p1", "s1", (0,), (b"41",), (0,)).encode() + M.Execute("p1").encode() + M.Sync().encode())
    msgs = read_until_ready(s)
    kinds = [type(m) for m in msgs]
    assert kinds == [M.ParseComplete, M.ParameterDescription, M.RowDescription, M.BindComplete, M.DataRow,
                     M.CommandComplete, M.ReadyForQuery]
    assert msgs[1].oids == (23,)
    assert msgs[4].values == (b"42",)
    s.close()


def test_extended_statements_up_to_sync_are_one_transaction(server):
    """As in PostgreSQL: what runs between two Syncs commits together or not at all
    (pgjdbc's executeBatch, pipelines); reads alone open no transaction."""
    s = raw_connect(server)

    def run(*sqls):
        out = b"".join(M.Parse("", q).encode() + M.Bind("", "").encode() + M.Execute("").encode() for q in sqls)
        s.sendall(out + M.Sync().encode())
        return read_until_ready(s)

    run("create table ext_tx (a int primary key)")
    msgs = run("insert into ext_tx values (1)", "insert into ext_tx values (2)", "insert into ext_tx values (1)")
    assert [m.tag for m in msgs if isinstance(m, M.CommandComplete)] == ["INSERT 0 1", "INSERT 0 1"]
    assert msgs[-2].code == "23505" and msgs[-1].status == "I"
    msgs = run("select count(*) from ext_tx")
    assert [m.values for m in msgs if isinstance(m, M.DataRow)] == [(b"0",)]
    msgs = run("insert into ext_tx values (1)", "select no_such_column from ext_tx")
    assert msgs[-2].code == "42703"
    assert [m.values for m in run("select count(*) from ext_tx") if isinstance(m, M.DataRow)] == [(b"0",)]
    msgs = run("insert into ext_tx values (1)", "insert into ext_tx values (2)")
    assert msgs[-1].status == "I"
    assert [m.values for m in run("select count(*) from ext_tx") if isinstance(m, M.DataRow)] == [(b"2",)]
    # an explicit BEGIN inside still makes a block the client ends
    msgs = run("begin", "insert into ext_tx values (3)")
    assert msgs[-1].status == "T"
    run("rollback")
    assert [m.values for m in run("select count(*) from ext_tx") if isinstance(m, M.DataRow)] == [(b"2",)]
    s.close()


def test_portal_suspended_and_resumed(server):
    s = raw_connect(server)
    s.sendall(M.Query("begin").encode())
    read_until_ready(s)
    s.sendall(M.Parse("", "select * from range(10)").encode() + M.Bind("c", "").encode()
              + M.Execute("c", 4).encode() + M.Sync().encode())
    msgs = read_until_ready(s)
    assert [type(m) for m in msgs].count(M.DataRow) == 4 and any(isinstance(m, M.PortalSuspended) for m in msgs)
    s.sendall(M.Execute("c", 0).encode() + M.Sync().encode())
    msgs = read_until_ready(s)
    assert [m.values[0] for m in msgs if isinstance(m, M.DataRow)] == [str(i).encode() for i in range(4, 10)]
    assert [m.tag for m in msgs if isinstance(m, M.CommandComplete)] == ["SELECT 10"]
    s.close()


@pytest.mark.parametrize("garbage", [
    b"\x00\x00\x00\x08\x00\x01\x00\x00",                         # protocol 1.0
    b"\xff\xff\xff\xff",                                         # absurd length
    M.StartupMessage({"user": "x"}).encode()[:-3],               # truncated, then the client vanishes
])
def test_bad_startup_never_harms_the_server(server, garbage):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    s.sendall(garbage)
    s.shutdown(socket.SHUT_WR)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()
    with psycopg.connect(server.dsn()) as c:
        assert c.execute("select 1").fetchone()[0] == 1


def test_bad_messages_end_only_that_session(server):
    with psycopg.connect(server.dsn(), autocommit=True) as other:
        s = raw_connect(server)
        s.sendall(b"Q" + struct.pack("!i", 2**30) + b"select 1")  # oversized
        msgs = read_until_ready(s)
        assert msgs and isinstance(msgs[0], M.ErrorResponse) and msgs[0].code == "08P01"
        s.close()
        s = raw_connect(server)
        s.sendall(b"@\x00\x00\x00\x04")  # unknown type
        msgs = read_until_ready(s)
        assert isinstance(msgs[0], M.ErrorResponse)
        s.close()
        assert other.execute("select 2").fetchone()[0] == 2


def test_client_vanishing_mid_copy_commits_nothing(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table vanish(a int)")
    s = raw_connect(server)
    s.sendall(M.Query("copy vanish from stdin").encode())
    time.sleep(0.2)
    s.sendall(M.CopyData(b"1\n2\n3\n").encode())
    s.close()
    time.sleep(0.5)
    with psycopg.connect(server.dsn()) as c:
        assert c.execute("select count(*) from vanish").fetchone()[0] == 0


HUGE = "select range, 'padding-' || range from range(200000000)"


def _server_fds(server) -> int:
    return len(os.listdir(f"/proc/{server.proc.pid}/fd"))


def _settle_fds(server, want: int) -> int:
    deadline = time.monotonic() + 10
    while _server_fds(server) > want and time.monotonic() < deadline:
        time.sleep(0.1)
    return _server_fds(server)


def test_client_vanishing_mid_result_harms_nobody(server):
    s = raw_connect(server)
    before = _server_fds(server) - 1
    s.sendall(M.Query(HUGE).encode())
    assert len(s.recv(65536)) > 0     # rows are flowing; then the client goes away
    s.close()
    # its result is dropped, not read on into a spill file, and nothing of it stays open
    assert _settle_fds(server, before) == before
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        for _ in range(3):  # the server is still there, and a large result still streams
            assert c.execute("select count(*) from (select range from range(200000)) t").fetchone()[0] == 200000
            assert len(c.execute("select range from range(200000)").fetchall()) == 200000


# A large result's rest is written by the session's worker straight to the socket
# (server/result_stream.py): it must stop at whole messages, and leave no descriptor behind.


def _startup_with_key(server):
    """A raw connection, and its (process id, secret key) for CancelRequest."""
    s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    s.sendall(M.StartupMessage({"user": "tester", "database": server.dbname}).encode())
    buf = b""
    while not buf.endswith(b"Z\x00\x00\x00\x05I"):
        chunk = s.recv(65536)
        assert chunk, "server closed during startup"
        buf += chunk
    key = next(M.decode_backend(t, b) for t, b in split_backend(buf) if t == b"K")
    return s, key


def _huge_result_started(server):
    """A raw connection whose huge result is on its way, its cancel key, and the server's
    descriptor count without it."""
    s, key = _startup_with_key(server)
    before = _server_fds(server) - 1
    s.sendall(M.Query(HUGE).encode())
    return s, key, before


def _read_to_end(s, stop_at_ready: bool) -> bytes:
    buf = b""
    while not (stop_at_ready and buf.endswith(b"Z\x00\x00\x00\x05I")):
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
    return buf


def test_cancel_of_a_client_that_stopped_reading_ends_between_whole_messages(server):
    s, key, before = _huge_result_started(server)
    head = s.recv(65536)
    assert head
    time.sleep(1.0)                         # the socket fills; the server's writer waits on it
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as c:
        c.sendall(M.CancelRequest(key.process_id, key.secret_key).encode())
    msgs = [M.decode_backend(t, b) for t, b in split_backend(head + _read_to_end(s, True))]
    kinds = [type(m) for m in msgs]
    assert kinds[0] is M.RowDescription and kinds[-2:] == [M.ErrorResponse, M.ReadyForQuery]
    assert set(kinds[1:-2]) == {M.DataRow}
    assert msgs[-2].code == "57014"
    rows = [int(m.values[0]) for m in msgs[1:-2]]
    assert rows == list(range(len(rows))) and len(rows) > 10_000     # in order, none lost
    s.sendall(M.Query("select 41 + 1").encode())                     # the session goes on
    assert [m.values for m in read_until_ready(s) if isinstance(m, M.DataRow)] == [(b"42",)]
    s.close()
    assert _settle_fds(server, before) == before


def test_terminating_a_session_mid_result_sends_its_fatal_after_whole_messages(server):
    s, key, before = _huge_result_started(server)
    got = []
    reader = threading.Thread(target=lambda: got.append(_read_to_end(s, False)))
    reader.start()
    time.sleep(0.5)
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        assert c.execute("select pg_terminate_backend(%s)", [key.process_id]).fetchone()[0] is True
    reader.join(30)
    assert not reader.is_alive(), "the connection was not ended"
    msgs = [M.decode_backend(t, b) for t, b in split_backend(got[0])]
    assert isinstance(msgs[0], M.RowDescription) and {type(m) for m in msgs[1:-1]} == {M.DataRow}
    assert (msgs[-1].severity, msgs[-1].code) == ("FATAL", "57P01")
    s.close()
    assert _settle_fds(server, before) == before


def test_terminating_a_session_whose_client_stopped_reading_ends_it(server):
    s, key, before = _huge_result_started(server)
    assert s.recv(65536)
    time.sleep(1.0)                         # blocked on the client, half way into a chunk
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("select pg_terminate_backend(%s)", [key.process_id])
        time.sleep(1.0)
        # the session is gone from the server's view, and the server serves others
        assert c.execute("select count(*) from pg_stat_activity where pid = %s",
                         [key.process_id]).fetchone()[0] == 0
        assert len(c.execute("select range from range(100000)").fetchall()) == 100000
    s.settimeout(30)
    _read_to_end(s, False)                  # as PostgreSQL, blocked on a write: ends without a word
    s.close()
    assert _settle_fds(server, before) == before


def test_long_query_does_not_block_other_sessions(server):
    def long_query():
        with psycopg.connect(server.dsn(), autocommit=True) as c:
            c.execute("set statement_timeout = '3s'")
            try:
                c.execute("select count(*) from range(100000000000) a")
            except pgerr.QueryCanceled:
                pass
    t = threading.Thread(target=long_query)
    t.start()
    time.sleep(0.3)
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        lat = []
        for _ in range(50):
            t0 = time.perf_counter()
            c.execute("select 1").fetchone()
            lat.append(time.perf_counter() - t0)
    t.join()
    assert max(lat) < 0.5


def test_sigterm_lets_statement_finish_and_exits_zero(fresh_server):
    srv = fresh_server.start()
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        c.execute("create table kept(a int)")
        c.execute("insert into kept values (1), (2)")
    rc = srv.stop(signal.SIGTERM)
    assert rc == 0
    srv.start()
    with psycopg.connect(srv.dsn()) as c:
        assert c.execute("select count(*) from kept").fetchone()[0] == 2


def test_savepoints_are_emulated(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        with pytest.raises(pgerr.NoActiveSqlTransaction):
            c.execute("savepoint a")
        c.execute("create table sp(a int)")
        c.execute("begin")
        c.execute("insert into sp values (1)")
        c.execute("savepoint s1")
        c.execute("insert into sp values (2)")
        with pytest.raises(pgerr.DivisionByZero):
            c.execute("select 1/0")
        c.execute("rollback to savepoint s1")  # the failed transaction is usable again
        c.execute("insert into sp values (3)")
        c.execute("savepoint s2")
        c.execute("release savepoint s2")
        with pytest.raises(psycopg.Error, match='savepoint "nope" does not exist'):
            c.execute("rollback to nope")
        c.execute("rollback to s1")
        c.execute("commit")
        assert [r[0] for r in c.execute("select a from sp order by a").fetchall()] == [1]
    with psycopg.connect(server.dsn()) as c:  # psycopg's nested transaction() uses savepoints
        with c.transaction():
            c.execute("insert into sp values (10)")
            with pytest.raises(pgerr.UndefinedTable):
                with c.transaction():
                    c.execute("insert into sp values (11)")
                    c.execute("select * from missing_table_x")
            c.execute("insert into sp values (12)")
        assert [r[0] for r in c.execute("select a from sp order by a").fetchall()] == [1, 10, 12]


def test_sql_cursors_and_prepare(conn):
    conn.execute("begin")
    conn.execute("declare c1 cursor for select * from range(10)")
    assert [r[0] for r in conn.execute("fetch 3 from c1").fetchall()] == [0, 1, 2]
    conn.execute("move 2 in c1")
    assert [r[0] for r in conn.execute("fetch all from c1").fetchall()] == [5, 6, 7, 8, 9]
    conn.execute("close c1")
    conn.execute("commit")
    conn.execute("prepare q(int) as select $1 * 2")
    assert conn.execute("execute q(21)").fetchone()[0] == 42
    conn.execute("deallocate q")
    with pytest.raises(pgerr.InvalidSqlStatementName):
        conn.execute("execute q(1)")
    conn.execute("discard all")


def test_row_description_names_the_source_table(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table rd_src(a int, b text)")
        oid = c.execute("select oid from pg_catalog.pg_class where relname = 'rd_src'").fetchone()[0]
    s = raw_connect(server)
    s.sendall(M.Query("select b, a, a + 1 from rd_src").encode())
    desc = next(m for m in read_until_ready(s) if isinstance(m, M.RowDescription))
    assert [(f.name, f.table_oid, f.column_number) for f in desc.fields] == [
        ("b", oid, 2), ("a", oid, 1), ("?column?", 0, 0)]
    s.close()


def test_row_description_names_source_tables_across_joins(server):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table rd_emp(id int, name text, dept int)")
        c.execute("create table rd_dept(id int, title varchar(20))")
        c.execute("insert into rd_emp values (1, 'ann', 7)")
        c.execute("insert into rd_dept values (7, 'eng')")
        emp, dept = (c.execute(f"select oid from pg_catalog.pg_class where relname = '{t}'").fetchone()[0]
                     for t in ("rd_emp", "rd_dept"))
        cur = c.execute("select e.name, title, d.id, e.id + 1, dept from rd_emp e join rd_dept d on d.id = e.dept")
        res = cur.pgresult
        assert [(res.ftable(i), res.ftablecol(i)) for i in range(res.nfields)] == [
            (emp, 2), (dept, 2), (dept, 1), (0, 0), (emp, 3)]
        assert res.ftype(1) == 1043 and cur.fetchone()[1] == "eng"        # varchar(20), as declared
        res = c.execute("select * from rd_emp, rd_dept").pgresult
        assert [(res.ftable(i), res.ftablecol(i)) for i in range(res.nfields)] == [
            (emp, 1), (emp, 2), (emp, 3), (dept, 1), (dept, 2)]
        # a CTE named like a table is not that table; columns merged by USING are no one table's
        res = c.execute("with rd_dept as (select 1 as id, 'x' as title) select title from rd_dept").pgresult
        assert (res.ftable(0), res.ftype(0)) == (0, 25)
        res = c.execute("select id, name from rd_emp join rd_dept using (id)").pgresult
        assert [res.ftable(i) for i in range(res.nfields)] == [0, 0]
        with pytest.raises(pgerr.AmbiguousColumn) as ei:   # at the bare `id`, as PostgreSQL
            c.execute("select d.id, id from rd_emp e join rd_dept d on d.id = e.dept")
        assert ei.value.diag.statement_position == "14"


def test_settings_from_environment_and_connection_limit(tmp_path):
    from tests.serverproc import ServerProcess
    srv = ServerProcess(str(tmp_path / "envdb.duckdb"), env={"REDDUCK_MAX_CONNECTIONS": "2",
                                                             "REDDUCK_DATABASE_NAME": "envname"})
    srv.start()
    try:
        a = psycopg.connect(srv.dsn(dbname="envname"))
        b = psycopg.connect(srv.dsn(dbname="envname"))
        with pytest.raises(psycopg.OperationalError, match="too many clients"):
            psycopg.connect(srv.dsn(dbname="envname"))
        assert a.execute("select current_database()").fetchone()[0] == "envname"
        b.close()
        with psycopg.connect(srv.dsn(dbname="envname")) as c:  # a slot is free again
            assert c.execute("select 1").fetchone()[0] == 1
        a.close()
    finally:
        srv.stop()


def test_internal_error_in_a_simple_query_still_ends_it(tmp_path):
    """A bug inside the server (here an injected exception) answers XX000 and ReadyForQuery:
    psql's script goes on, and the failed statement's implicit transaction keeps nothing."""
    from tests.conftest import psql
    from tests.serverproc import ServerProcess
    faults = str(Path(__file__).parent / "faults")
    path = os.pathsep.join(p for p in (faults, os.environ.get("PYTHONPATH")) if p)
    srv = ServerProcess(str(tmp_path / "faultdb.duckdb"),
                        env={"PYTHONPATH": path, "REDDUCK_TEST_FAULT": "select 'boom'"}).start()
    try:
        script = tmp_path / "s.sql"
        script.write_text("select 1 as before;\nselect 'boom';\nselect 2 as after;\n")
        p = psql(srv, "-A", "-t", "-v", "ON_ERROR_STOP=0", "-f", str(script), check=False)
        assert p.stdout.split() == ["1", "2"]
        assert "internal error: RuntimeError: fault injected by the test" in p.stderr
        with psycopg.connect(srv.dsn(), autocommit=True) as c:
            assert c.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
            assert c.execute("select 3").fetchone() == (3,)
    finally:
        srv.stop()
