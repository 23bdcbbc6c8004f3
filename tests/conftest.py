import os
import shutil
import subprocess

import pytest

from tests.serverproc import ServerProcess


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("srv")
    imports = d / "imports"
    imports.mkdir()
    srv = ServerProcess(str(d / "testdb.duckdb"), import_dirs=[str(imports)]).start()
    srv.import_dir = str(imports)
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for tests that restart or kill it."""
    imports = tmp_path / "imports"
    imports.mkdir()
    srv = ServerProcess(str(tmp_path / "fresh.duckdb"), import_dirs=[str(imports)])
    srv.import_dir = str(imports)
    yield srv
    srv.stop()


@pytest.fixture
def conn(server):
    import psycopg
    with psycopg.connect(server.dsn(), autocommit=True) as c:
        yield c


def psql(server, *args, input=None, check=True, env=None, user="tester"):
    """Run Debian's psql against the server; returns the CompletedProcess."""
    exe = shutil.which("psql")
    if exe is None:
        pytest.skip("psql is not installed")
    cmd = [exe, "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(server.port), "-U", user,
           "-d", server.dbname, *args]
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, PGCONNECT_TIMEOUT="10", **(env or {})))
    if check and p.returncode != 0:
        raise AssertionError(f"psql failed ({p.returncode}): {p.stderr}")
    return p
