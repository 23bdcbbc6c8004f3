"""A server with TLS, a pg_hba file and a superuser password, shared by the security tests."""
from pathlib import Path

import psycopg
import pytest

from tests.serverproc import ServerProcess

HBA = """\
# type      database user       address        method
host        all      trusted    127.0.0.1/32   trust
host        all      md5user    127.0.0.1/32   md5
host        all      pwuser     127.0.0.1/32   password
host        all      blocked    127.0.0.1/32   reject
hostssl     all      sslonly    127.0.0.1/32   scram-sha-256
host        all      admin,alice,bob,nologin,no_such_role,+staff 127.0.0.1/32 scram-sha-256
"""
ADMIN_PASSWORD = "admin-Pw-1"


@pytest.fixture(scope="module")
def secure(tmp_path_factory):
    d = tmp_path_factory.mktemp("secure")
    (d / "hba.conf").write_text(HBA)
    srv = ServerProcess(str(d / "secure.duckdb"),
                        extra_args=["--hba", str(d / "hba.conf"), "--tls-self-signed", "--superuser", "admin",
                                    "--startup-timeout", "2"],
                        env={"REDDUCK_SUPERUSER_PASSWORD": ADMIN_PASSWORD})
    # the server's own ServerProcess adds --superuser tester; the later flag wins
    srv.start()
    srv.cert = str(d / "tls" / "server.crt")
    with admin(srv) as c:
        for sql in ["CREATE ROLE staff",      # members log in with SCRAM (the +staff rule)
                    "CREATE ROLE alice LOGIN PASSWORD 'alice-pw'",
                    "CREATE USER md5user PASSWORD 'md5-pw'",
                    "CREATE USER pwuser PASSWORD 'plain-pw'",
                    "CREATE USER sslonly PASSWORD 'ssl-pw'",
                    "CREATE USER trusted",
                    "CREATE ROLE nologin PASSWORD 'x'"]:
            c.execute(sql)
    yield srv
    srv.stop()


def admin(srv, **kw):
    return psycopg.connect(srv.dsn(user="admin", password=ADMIN_PASSWORD, **kw), autocommit=True)


def log_text(srv) -> str:
    return Path(srv.log_path).read_text(errors="replace")
