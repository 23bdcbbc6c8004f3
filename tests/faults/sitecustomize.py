"""Loaded by a test server started with this folder on PYTHONPATH: the statement text in
REDDUCK_TEST_FAULT raises a plain Python exception inside the server, as a bug would, so that
tests can check what a client sees then (an error, ReadyForQuery, a session that goes on)."""
import os

_FAULT = os.environ.get("REDDUCK_TEST_FAULT")

if _FAULT:
    from redduck.engine import session as _session

    _split = _session.EngineSession.split

    def _faulty_split(self, sql):
        if sql.strip().rstrip(";").strip() == _FAULT:
            raise RuntimeError("fault injected by the test")
        return _split(self, sql)

    _session.EngineSession.split = _faulty_split
