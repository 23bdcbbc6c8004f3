"""Model lifecycle through real clients: functions in every session, errors, restarts,
concurrency, multiclass and regression quality, DROP during training."""
import threading
import time

import numpy as np
import psycopg
import pytest
from psycopg import errors as pgerr

from tests.ml.conftest import FAST


def load_table(conn, name, frame):
    import pandas as pd
    cols = ", ".join(f'"{c}" {"double precision" if pd.api.types.is_numeric_dtype(frame[c]) else "text"}'
                     for c in frame.columns)
    conn.execute(f"drop table if exists {name}")
    conn.execute(f"create table {name} ({cols})")
    with conn.cursor().copy(f"copy {name} from stdin") as cp:
        for row in frame.itertuples(index=False):
            cp.write_row(row)


@pytest.fixture(scope="module")
def cc(server, creditcard_csv):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("drop table if exists cc")
        c.execute("create table cc (txtime int, " + ", ".join(f"v{i} float8" for i in range(1, 29))
                  + ", amount float8, class int)")
        c.execute(f"copy cc from '{creditcard_csv}' csv ignoreheader 1")
    return "cc"


ARGS = "txtime," + ",".join(f"v{i}" for i in range(1, 29)) + ",amount"


def test_function_exists_at_once_and_errors_until_ready(server, cc):
    with psycopg.connect(server.dsn(), autocommit=True) as other, \
            psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create model m_state from (select * from cc where txtime < 100000) target class "
                  "function m_state_fn settings (max_runtime 120)")
        state = c.execute("show model m_state").fetchall()
        assert dict(state)["Model State"] in ("QUEUED", "TRAINING")
        with pytest.raises(psycopg.Error) as ei:
            other.execute(f"select m_state_fn({ARGS}) from cc limit 1")
        assert 'model "m_state" is not ready' in str(ei.value)
        assert ei.value.sqlstate == "55000"
        with pytest.raises(psycopg.Error) as ei:
            other.execute("select m_state_fn(1, 2.0) from cc limit 1")
        assert ei.value.sqlstate == "42883" and "m_state_fn(INTEGER, DOUBLE" in str(ei.value)
        # at the call, with the parameters named as CREATE MODEL's columns
        assert ei.value.diag.statement_position == "8"
        assert ei.value.diag.message_hint.startswith(
            'model "m_state" is called as m_state_fn(txtime int4, v1 float8, v2 float8,')
        with pytest.raises(pgerr.DuplicateObject):
            c.execute("create model m_state from cc target class function other_fn")
        with pytest.raises(psycopg.Error) as ei:
            c.execute("create model m_clash from cc target class function m_state_fn")
        assert ei.value.sqlstate == "42723"
        with pytest.raises(pgerr.UndefinedColumn):
            c.execute("create model m_bad from cc target no_such_col function m_bad_fn")
        assert c.execute("select wait_for_model('m_state', 300)").fetchone()[0] == "READY"
        # a session opened before CREATE MODEL scores too, and both functions agree
        rows = other.execute(f"select m_state_fn({ARGS}) as l, m_state_fn_prob({ARGS}) as p, "
                             f"m_state_fn_probabilities({ARGS}) as q from cc where txtime >= 100000").fetchall()
        assert len(rows) > 1000
        for label, prob, alias in rows[:200]:
            assert prob == alias
            first = prob["labels"].get("0", prob["labels"].get(0))  # JSON keys arrive as text
            assert first == label
            assert sum(prob["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        got = other.execute(f"select p.labels[0] = m_state_fn({ARGS}), p.probabilities[0] >= p.probabilities[1] "
                            f"from (select *, m_state_fn_prob({ARGS}) as p from cc limit 500) s").fetchall()
        assert all(a and b for a, b in got)
        info = other.execute("select model_state, function_name from svv_ml_model_info where model_name = 'm_state'").fetchone()
        assert info == ("ready", "m_state_fn")
        from tests.conftest import psql
        df = psql(server, "-c", "\\df").stdout
        assert "m_state_fn " in df and "m_state_fn_prob " in df
        dt = psql(server, "-c", "\\dt").stdout
        assert "train_m_state" not in dt and "models" not in dt
        c.execute("drop model m_state")
        with pytest.raises(psycopg.Error):
            other.execute(f"select m_state_fn({ARGS}) from cc limit 1")
        with pytest.raises(pgerr.UndefinedObject):
            c.execute("drop model m_state")
        c.execute("drop model if exists m_state")


def test_sessions_stay_responsive_while_training(server, cc):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create model m_busy from cc target class function m_busy_fn")
        lat = []
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            c.execute("select 1").fetchone()
            lat.append(time.perf_counter() - t0)
            time.sleep(0.01)
        states = dict(c.execute("show model m_busy").fetchall())
        waited = {}

        def wait():   # a session waiting for the model when it is dropped hears so
            with psycopg.connect(server.dsn(), autocommit=True) as w:
                waited["state"] = w.execute("select wait_for_model('m_busy')").fetchone()[0]
        waiter = threading.Thread(target=wait)
        waiter.start()
        time.sleep(0.5)
        c.execute("drop model m_busy")  # also cancels the training in flight
        waiter.join(30)
    assert waited.get("state") in ("DROPPED", "READY")   # READY: it finished before the drop
    p99 = float(np.percentile(lat, 99))
    assert p99 < 0.05, f"p99 {p99 * 1000:.1f} ms"
    assert states["Model State"] in ("TRAINING", "READY", "QUEUED")


def test_concurrent_create_model_queues_and_both_finish(server, cc):
    with psycopg.connect(server.dsn(), autocommit=True) as a, psycopg.connect(server.dsn(), autocommit=True) as b:
        ta = threading.Thread(target=a.execute, args=(f"create model m_q1 from cc target class function m_q1_fn {FAST}",))
        ta.start()
        b.execute(f"create model m_q2 from cc target class function m_q2_fn {FAST}")
        ta.join()
        states = {r[1]: r[2] for r in b.execute("show model all").fetchall()}
        assert {"m_q1", "m_q2"} <= set(states)
        assert sorted([states["m_q1"], states["m_q2"]]) != ["TRAINING", "TRAINING"]  # concurrency 1
        assert b.execute("select wait_for_model('m_q1', 300), wait_for_model('m_q2', 300)").fetchone() == ("READY", "READY")
        a.execute("drop model m_q1")
        a.execute("drop model m_q2")


def test_drop_model_while_another_session_scores(server, cc):
    # DuckDB crashed the whole server when a Python function was removed while a query on
    # another cursor was calling it: a dropped model's functions now fail every call and are
    # removed once no statement can be running them (service._retire)
    with psycopg.connect(server.dsn(), autocommit=True) as a, psycopg.connect(server.dsn(), autocommit=True) as b:
        b.execute(f"create model m_drop from cc target class function m_drop_fn {FAST}")
        assert b.execute("select wait_for_model('m_drop', 300)").fetchone()[0] == "READY"
        a.execute("create temp table big as select cc.* from cc, range(150)")   # 6M rows: seconds to score
        pid = a.execute("select pg_backend_pid()").fetchone()[0]
        got = {}

        def score():
            try:
                got["rows"] = a.execute(f"select count(*) filter (where m_drop_fn({ARGS}) = 1) from big").fetchone()
            except psycopg.Error as e:
                got["error"] = e
        t = threading.Thread(target=score)
        t.start()
        assert _wait_until(lambda: b.execute("select state from pg_stat_activity where pid = %s",
                                             [pid]).fetchone()[0] == "active", 30)
        time.sleep(0.3)
        b.execute("drop model m_drop")
        t.join(60)
        assert not t.is_alive() and "rows" not in got, got
        assert got["error"].sqlstate == "42704" and 'model "m_drop" does not exist' in str(got["error"])
        assert a.execute("select 1").fetchone() == (1,)   # both sessions and the server live on
        with pytest.raises(psycopg.Error) as ei:
            a.execute(f"select m_drop_fn({ARGS}) from cc limit 1")
        assert ei.value.sqlstate in ("42704", "42883")
        assert b.execute("select count(*) from pg_proc where proname like 'm_drop_fn%'").fetchone()[0] == 0
        # the function name can be taken again
        b.execute(f"create model m_drop2 from cc target class function m_drop_fn {FAST}")
        assert b.execute("select wait_for_model('m_drop2', 300)").fetchone()[0] == "READY"
        assert a.execute(f"select count(m_drop_fn({ARGS})) from cc").fetchone()[0] > 0
        b.execute("drop model m_drop2")


def test_no_training_rows_fail_with_the_reason(server, cc):
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute(f"create model m_none from (select * from cc where class is null) target class "
                  f"function m_none_fn {FAST}")
        assert c.execute("select wait_for_model('m_none', 300)").fetchone()[0] == "FAILED"
        show = dict(c.execute("show model m_none").fetchall())
        assert "no training rows" in show["Failure Reason"] and "non-NULL class" in show["Failure Reason"]
        with pytest.raises(psycopg.Error, match="FAILED"):
            c.execute(f"select m_none_fn({ARGS}) from cc limit 1")
        c.execute("drop model m_none")


def test_multiclass_on_wine(server):
    from sklearn.datasets import load_wine
    frame = load_wine(as_frame=True).frame
    frame["target"] = frame["target"].map({0: "a", 1: "b", 2: "c"})
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        load_table(c, "wine", frame)
        c.execute("create model m_wine from wine target target function m_wine_fn")
        assert c.execute("select wait_for_model('m_wine', 300)").fetchone()[0] == "READY"
        show = dict(c.execute("show model m_wine").fetchall())
        assert show["Problem Type"] == "MulticlassClassification" and show["Objective"] == "Accuracy"
        assert float(show["validation:accuracy"]) >= 0.85
        cols = ",".join(f'"{x}"' for x in frame.columns if x != "target")
        acc = c.execute(f"select avg((m_wine_fn({cols}) = target)::int) from wine").fetchone()[0]
        assert acc >= 0.9
        c.execute("drop model m_wine")


def test_regression_on_diabetes(server):
    from sklearn.datasets import load_diabetes
    frame = load_diabetes(as_frame=True).frame
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        load_table(c, "diabetes", frame)
        c.execute("create model m_diab from diabetes target target function m_diab_fn problem_type (regression)")
        assert c.execute("select wait_for_model('m_diab', 300)").fetchone()[0] == "READY"
        show = dict(c.execute("show model m_diab").fetchall())
        assert show["Problem Type"] == "Regression" and show["Objective"] == "MSE"
        cols = ",".join(f'"{x}"' for x in frame.columns if x != "target")
        r2 = c.execute(f"select 1 - sum((target - m_diab_fn({cols}))^2) / sum((target - (select avg(target) "
                       f"from diabetes))^2) from diabetes").fetchone()[0]
        assert r2 >= 0.4
        with pytest.raises(psycopg.Error):  # regression models have no _prob function
            c.execute(f"select m_diab_fn_prob({cols}) from diabetes")
        c.execute("drop model m_diab")


def test_packed_calls_score_as_the_plain_call(server):
    # a model of numbers only is called with one DOUBLE[k] array (ml/packing.py); the plain
    # call, still reachable qualified, must give the same labels and probabilities, NULLs too,
    # for every kind of number (double, integer, bigint and numeric reach DOUBLE differently)
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create table pk (a double precision, b double precision, n int, m bigint, q numeric(10, 2), y int)")
        rng = np.random.default_rng(1)
        a, b, n = rng.normal(size=3000), rng.normal(size=3000), rng.integers(0, 1000, size=3000)
        m, q = rng.integers(-2**40, 2**40, size=3000), np.round(rng.normal(size=3000) * 100, 2)
        y = ((a * b + n / 500 + q / 200) > 1).astype(int)
        with c.cursor().copy("copy pk from stdin") as cp:
            for row in zip(a.tolist(), b.tolist(), n.tolist(), m.tolist(), q.tolist(), y.tolist()):
                cp.write_row(row)
        c.execute(f"create model m_pk from pk target y function m_pk_fn {FAST}")
        assert c.execute("select wait_for_model('m_pk', 300)").fetchone()[0] == "READY"
        c.execute("insert into pk values (null, 0.5, 10, 7, 1.5, 0), (0.1, null, null, null, null, 1), "
                  "(null, null, null, null, null, 0), ('infinity', -0.5, 3, 1, 2.5, 0)")
        args = "a, b, n, m, q"
        plan = "\n".join(r[-1] for r in c.execute(f"explain select a from pk where m_pk_fn({args}) = 1").fetchall())
        assert "redduck_packed_m_pk_fn" in plan.lower()
        plain = "\n".join(r[-1] for r in c.execute(f"explain select a from pk where main.m_pk_fn({args}) = 1").fetchall())
        assert "redduck_packed" not in plain.lower()
        rows = c.execute(f"select m_pk_fn({args}), main.m_pk_fn({args}), m_pk_fn_prob({args}), "
                         f"main.m_pk_fn_prob({args}) from pk").fetchall()
        assert len(rows) == 3004
        assert all(r[0] == r[1] and r[2] == r[3] for r in rows)
        assert {r[0] for r in rows} == {0, 1}
        # beyond float32's range: infinity in both forms (DuckDB's own cast to FLOAT would fail)
        rows = c.execute("select m_pk_fn(1e300, b, n, m, q), main.m_pk_fn(1e300, b, n, m, q), "
                         "m_pk_fn_prob(-1e300, b, n, m, q), main.m_pk_fn_prob(-1e300, b, n, m, q) from pk").fetchall()
        assert len(rows) == 3004 and all(r[0] == r[1] and r[2] == r[3] for r in rows)
        async def with_asyncpg():  # an untyped $1 is described as the parameter's type (double)
            import asyncpg
            a = await asyncpg.connect(host="127.0.0.1", port=server.port, user="tester", database=server.dbname)
            try:
                st = await a.prepare("select m_pk_fn($1, b, n, m, q) from pk where a is not null order by a limit 5")
                return [t.name for t in st.get_parameters()], [r[0] for r in await st.fetch(0.25)]
            finally:
                await a.close()
        import asyncio
        types, got = asyncio.run(with_asyncpg())
        want = [r[0] for r in c.execute("select main.m_pk_fn(0.25, b, n, m, q) from pk where a is not null "
                                        "order by a limit 5").fetchall()]
        assert types == ["float8"] and got == want
        with pytest.raises(psycopg.Error) as ei:   # wrong types: the plain call's error, as before
            c.execute("select m_pk_fn('x'::text, b, n, m, q) from pk")
        assert ei.value.sqlstate == "42883" and "m_pk_fn(DOUBLE, DOUBLE, INTEGER, BIGINT, DECIMAL(10,2))" in str(ei.value)
        c.execute("drop model m_pk")
        with pytest.raises(psycopg.Error):
            c.execute(f"select m_pk_fn({args}) from pk")


def test_model_survives_restart_and_training_restart_fails_cleanly(fresh_server, tmp_path):
    srv = fresh_server.start()
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        c.execute("create table t (a double precision, b double precision, y int)")
        rng = np.random.default_rng(0)
        a, b = rng.normal(size=3000), rng.normal(size=3000)
        y = ((a + b) > 0).astype(int)
        with c.cursor().copy("copy t from stdin") as cp:
            for row in zip(a.tolist(), b.tolist(), y.tolist()):
                cp.write_row(row)
        c.execute(f"create model m_keep from t target y function m_keep_fn {FAST}")
        assert c.execute("select wait_for_model('m_keep', 300)").fetchone()[0] == "READY"
        before = c.execute("select m_keep_fn(a, b) from t order by a limit 50").fetchall()
        c.execute("create model m_cut from t target y function m_cut_fn")
    srv.kill()  # SIGKILL while m_cut trains (or waits)
    srv.start()
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        after = c.execute("select m_keep_fn(a, b) from t order by a limit 50").fetchall()
        assert after == before
        show = dict(c.execute("show model m_cut").fetchall())
        assert show["Model State"] in ("FAILED", "READY")
        if show["Model State"] == "FAILED":
            assert "restarted" in show["Failure Reason"]
            with pytest.raises(psycopg.Error, match="FAILED"):
                c.execute("select m_cut_fn(a, b) from t limit 1")


def _workers_of(pid: int) -> dict:
    """pid → whether it is a spare (--standby), of the server's training processes."""
    import os
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open(f"/proc/{d}/stat").read()
            cmd = open(f"/proc/{d}/cmdline", "rb").read().split(b"\0")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"redduck.engine.ml.worker" in cmd:
            out[int(d)] = b"--standby" in cmd
    return out


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_until(cond, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_a_spare_training_process_takes_the_next_job_and_leaves_with_the_server(fresh_server):
    import os
    import signal
    srv = fresh_server.start()
    pid = srv.proc.pid
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        c.execute("create table t (a double precision, b double precision, y int)")
        rng = np.random.default_rng(3)
        a, b = rng.normal(size=3000), rng.normal(size=3000)
        with c.cursor().copy("copy t from stdin") as cp:
            for row in zip(a.tolist(), b.tolist(), ((a - b) > 0).astype(int).tolist()):
                cp.write_row(row)
        assert _workers_of(pid) == {}   # none before the first CREATE MODEL
        c.execute(f"create model m_sp1 from t target y function m_sp1_fn {FAST}")
        assert c.execute("select wait_for_model('m_sp1', 300)").fetchone()[0] == "READY"
        assert _wait_until(lambda: list(_workers_of(pid).values()) == [True])
        spare = next(iter(_workers_of(pid)))
        c.execute(f"create model m_sp2 from t target y function m_sp2_fn {FAST}")
        assert c.execute("select wait_for_model('m_sp2', 300)").fetchone()[0] == "READY"
        # the spare ran m_sp2 and exited (an unused spare stands by), and a new one stands by
        assert _wait_until(lambda: not _alive(spare))
        assert _wait_until(lambda: list(_workers_of(pid).values()) == [True])
        assert spare not in _workers_of(pid)
        acc = c.execute("select avg((m_sp2_fn(a, b) = y)::int) from t").fetchone()[0]
        assert acc > 0.8   # a linear boundary; chance is 0.5
        # a quoted name may hold '/' and a newline: neither reaches the job's path or the spare
        c.execute(f'create model "we/ird\nname" from t target y function m_sp_weird_fn {FAST}')
        assert c.execute("select wait_for_model('we/ird\nname', 300)").fetchone()[0] == "READY"
        assert c.execute("select avg((m_sp_weird_fn(a, b) = y)::int) from t").fetchone()[0] > 0.8
        assert _wait_until(lambda: list(_workers_of(pid).values()) == [True])
        # a spare that died is replaced by a fresh start
        dead = next(iter(_workers_of(pid)))
        os.kill(dead, signal.SIGKILL)
        c.execute(f"create model m_sp3 from t target y function m_sp3_fn {FAST}")
        assert c.execute("select wait_for_model('m_sp3', 300)").fetchone()[0] == "READY"
        assert c.execute("select avg((m_sp3_fn(a, b) = y)::int) from t").fetchone()[0] > 0.8
        assert _wait_until(lambda: list(_workers_of(pid).values()) == [True])
        last = next(iter(_workers_of(pid)))
    srv.stop()
    assert _wait_until(lambda: not _alive(last), 10)
    # a server killed outright: its spare reads end-of-file and exits
    srv.start()
    pid = srv.proc.pid
    with psycopg.connect(srv.dsn(), autocommit=True) as c:
        c.execute(f"create model m_sp4 from t target y function m_sp4_fn {FAST}")
        assert c.execute("select wait_for_model('m_sp4', 300)").fetchone()[0] == "READY"
        assert _wait_until(lambda: list(_workers_of(pid).values()) == [True])
        orphan = next(iter(_workers_of(pid)))
    srv.kill()
    assert _wait_until(lambda: not _alive(orphan), 30)
