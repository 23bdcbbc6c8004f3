"""The session state machine in process, driven by hypothesis with random sequences of
well-formed frontend messages over a real in-memory engine: it never raises anything but
ProtocolError, every reply is well framed, and every Sync is answered by ReadyForQuery."""
import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redduck.engine import Engine, EngineConfig
from redduck.protocol import messages as M
from redduck.protocol.errors import ProtocolError
from redduck.protocol.framing import FrontendFramer, split_backend
from redduck.server.app import Server
from redduck.server.config import ServerConfig
from redduck.server.session import Session, SessionState

SQL = ["SELECT 1", "SELECT $1::int + 1", "SELECT * FROM sm_t", "INSERT INTO sm_t VALUES ($1)", "BEGIN",
       "COMMIT", "ROLLBACK", "SELECT 1/0", "SELEC oops", "", "SELECT generate_series(1, 20)",
       "COPY sm_t FROM STDIN", "COPY sm_t TO STDOUT", "DECLARE c CURSOR FOR SELECT 1", "FETCH 1 FROM c",
       "SET search_path = public", "SHOW TimeZone", "SELECT 1; SELECT 2", "SAVEPOINT s", "ROLLBACK TO s",
       "SELECT i FROM range(300) t(i)"]   # large: it streams from its second run
names = st.sampled_from(["", "a", "b"])
params = st.lists(st.one_of(st.none(), st.sampled_from([b"1", b"x", b"\x00\x00\x00\x01", b"\xff\xfe"])), max_size=2)
message = st.one_of(
    st.builds(M.Query, st.sampled_from(SQL)),
    st.builds(M.Parse, names, st.sampled_from(SQL), st.lists(st.sampled_from([0, 23, 25]), max_size=2).map(tuple)),
    st.builds(M.Bind, names, names, st.lists(st.sampled_from([0, 1]), max_size=2).map(tuple), params.map(tuple),
              st.lists(st.sampled_from([0, 1]), max_size=2).map(tuple)),
    st.builds(M.Describe, st.sampled_from(["S", "P"]), names),
    st.builds(M.Execute, names, st.sampled_from([0, 1, 5])),
    st.builds(M.Close, st.sampled_from(["S", "P"]), names),
    st.just(M.Sync()), st.just(M.Flush()),
    st.builds(M.CopyData, st.sampled_from([b"1\n", b"x\n", b"\\N\n"])), st.just(M.CopyDone()),
    st.builds(M.CopyFail, st.just("stop")),
)


@pytest.fixture(scope="module")
def server():
    engine = Engine(EngineConfig(database=":memory:", ml=False, superuser="tester"))
    engine.db.execute("CREATE TABLE public.sm_t (a INT)")
    yield Server(ServerConfig(), engine)
    engine.close()


async def _converse(server, msgs):
    session = Session(server, "fuzz:1", "127.0.0.1")
    server._framers[session.pid] = FrontendFramer()
    out = []

    async def flush():
        out.append(session.take_output())
    try:
        await session.handle(M.StartupMessage({"user": "tester", "database": "memory"}), flush)
        assert session.state is SessionState.READY
        for m in msgs:
            try:
                await session.handle(m, flush)
            except ProtocolError:
                return
            await flush()
            replies = list(split_backend(b"".join(out)))
            assert all(t in b"123CDEHIKNRSTZcdnstvWGA" for t, _ in replies)
            if isinstance(m, M.Sync) and session.state is SessionState.READY:
                assert replies[-1][0] == b"Z"
            out.clear()
    finally:
        session.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(message, min_size=1, max_size=25))
def test_random_message_sequences(server, msgs):
    asyncio.run(_converse(server, msgs + [M.Sync()]))
