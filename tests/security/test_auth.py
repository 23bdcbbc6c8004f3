"""TLS and password authentication with real clients: each method, each sslmode, and
the failures (wrong password, unknown role, no matching rule, a rejecting rule)."""
import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import time

import asyncpg
import psycopg
import pytest

from tests.security.conftest import ADMIN_PASSWORD, admin, log_text
from tests.test_jdbc import _jar


def _psql(srv, user, password, sslmode="disable", extra="", sql="SELECT current_user"):
    exe = shutil.which("psql")
    if exe is None:
        pytest.skip("psql is not installed")
    conninfo = f"host=127.0.0.1 port={srv.port} dbname={srv.dbname} user={user} sslmode={sslmode} {extra}"
    env = dict(os.environ, PGPASSWORD=password, PGCONNECT_TIMEOUT="10")
    return subprocess.run([exe, "-X", "-A", "-t", conninfo, "-c", sql, "-c", "\\conninfo"],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("sslmode", ["disable", "require", "verify-ca", "verify-full"])
def test_psql_scram_each_sslmode(secure, sslmode):
    extra = f"sslrootcert={secure.cert}" if sslmode.startswith("verify") else ""
    p = _psql(secure, "alice", "alice-pw", sslmode, extra)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0] == "alice"
    assert ("SSL connection" in p.stdout) == (sslmode != "disable"), p.stdout


def test_psql_verify_fails_with_a_foreign_root(secure, tmp_path):
    from redduck.server.auth.tls import write_self_signed
    other, _ = write_self_signed(str(tmp_path / "other"))
    p = _psql(secure, "alice", "alice-pw", "verify-ca", f"sslrootcert={other}")
    assert p.returncode != 0 and "certificate verify failed" in p.stderr


def test_psql_md5_and_password_methods(secure):
    for user, pw in (("md5user", "md5-pw"), ("pwuser", "plain-pw")):
        ok = _psql(secure, user, pw)
        assert ok.returncode == 0 and ok.stdout.splitlines()[0] == user, ok.stderr
        bad = _psql(secure, user, "nope")
        assert f'password authentication failed for user "{user}"' in bad.stderr


def test_psycopg_scram_over_tls(secure):
    with psycopg.connect(secure.dsn(user="alice", password="alice-pw", sslmode="verify-full",
                                    sslrootcert=secure.cert)) as c:
        assert c.pgconn.ssl_in_use
        assert c.execute("SELECT current_user, session_user").fetchone() == ("alice", "alice")


def test_wrong_password_and_unknown_role_look_the_same(secure):
    errors = []
    for user in ("alice", "no_such_role"):
        with pytest.raises(psycopg.OperationalError) as e:
            psycopg.connect(secure.dsn(user=user, password="wrong"))
        errors.append(str(e.value))
        assert f'password authentication failed for user "{user}"' in str(e.value)
    assert errors[0].replace("alice", "X") == errors[1].replace("no_such_role", "X")


def test_missing_password_is_refused(secure):
    with pytest.raises(psycopg.OperationalError) as e:
        psycopg.connect(secure.dsn(user="alice", password=""))
    assert "password" in str(e.value)


def test_sqlstates_of_login_failures(secure):
    async def sqlstate(**kw):
        try:
            c = await asyncpg.connect(host="127.0.0.1", port=secure.port, database=secure.dbname, ssl=False, **kw)
        except asyncpg.PostgresError as e:
            return e.sqlstate, str(e)
        await c.close()
        return None, ""

    async def main():
        return [await sqlstate(user="alice", password="wrong"),
                await sqlstate(user="sslonly", password="ssl-pw"),     # hostssl only: no rule matches
                await sqlstate(user="blocked", password="x"),
                await sqlstate(user="nologin", password="x"),
                await sqlstate(user="trusted")]
    wrong, norule, reject, nologin, trusted = asyncio.run(main())
    assert wrong[0] == "28P01"
    assert norule[0] == "28000" and "no pg_hba.conf entry" in norule[1] and "no encryption" in norule[1]
    assert reject[0] == "28000" and "rejects connection" in reject[1]
    assert nologin[0] == "28000" and "not permitted to log in" in nologin[1]
    assert trusted == (None, "")


def test_hostssl_rule_needs_tls(secure):
    with psycopg.connect(secure.dsn(user="sslonly", password="ssl-pw", sslmode="require")) as c:
        assert c.execute("SELECT current_user").fetchone() == ("sslonly",)


def test_asyncpg_scram_over_tls(secure):
    async def main():
        ctx = ssl.create_default_context(cafile=secure.cert)
        c = await asyncpg.connect(host="127.0.0.1", port=secure.port, user="alice", password="alice-pw",
                                  database=secure.dbname, ssl=ctx)
        try:
            assert c._transport.get_extra_info("sslcontext") is not None
            return await c.fetchval("SELECT current_user")
        finally:
            await c.close()
    assert asyncio.run(main()) == "alice"


def test_pgjdbc_scram_over_tls(secure, tmp_path):
    jar = _jar()
    if jar is None or shutil.which("javac") is None:
        pytest.skip("pgjdbc or javac is not installed")
    src = tmp_path / "JdbcLogin.java"
    src.write_text("""
import java.sql.*;
public class JdbcLogin {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection(a[0], a[1], a[2]);
             ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
            rs.next();
            System.out.println("user " + rs.getString(1));
        } catch (SQLException e) {
            System.out.println("error " + e.getSQLState());
        }
    }
}""")
    subprocess.run(["javac", "-cp", jar, "-d", str(tmp_path), str(src)], check=True, timeout=180)

    def run(mode, user, pw):
        url = f"jdbc:postgresql://127.0.0.1:{secure.port}/{secure.dbname}?sslmode={mode}&sslrootcert={secure.cert}"
        return subprocess.run(["java", "-cp", f"{jar}:{tmp_path}", "JdbcLogin", url, user, pw],
                              capture_output=True, text=True, timeout=120).stdout.strip()
    assert run("verify-full", "alice", "alice-pw") == "user alice"
    assert run("require", "md5user", "md5-pw") == "user md5user"
    assert run("disable", "alice", "wrong") == "error 28P01"


def test_passwords_stored_as_verifiers_and_never_logged(secure):
    with admin(secure) as c:
        rows = dict(c.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN "
                              "('alice', 'md5user', 'admin')").fetchall())
    assert all(v.startswith("SCRAM-SHA-256$4096:") for v in rows.values()), rows
    assert not any(pw in v for v in rows.values() for pw in ("alice-pw", "md5-pw", ADMIN_PASSWORD))
    log = log_text(secure)
    for pw in ("alice-pw", "md5-pw", "plain-pw", "ssl-pw", ADMIN_PASSWORD):
        assert pw not in log


def test_alter_role_password_and_drop_role(secure):
    with admin(secure) as c:
        c.execute("CREATE ROLE bob LOGIN PASSWORD 'one'")
        with psycopg.connect(secure.dsn(user="bob", password="one")) as b:
            b.execute("ALTER ROLE bob PASSWORD 'two'")   # anyone may change their own password
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(secure.dsn(user="bob", password="one"))
        psycopg.connect(secure.dsn(user="bob", password="two")).close()
        c.execute("DROP ROLE bob")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(secure.dsn(user="bob", password="two"))
        with pytest.raises(psycopg.errors.UndefinedObject):
            c.execute("DROP ROLE bob")
        c.execute("DROP ROLE IF EXISTS bob")


def test_role_membership_in_hba(secure):
    with admin(secure) as c:
        c.execute("CREATE ROLE carol LOGIN PASSWORD 'carol-pw' IN ROLE staff")
        assert c.execute("SELECT pg_has_role('carol', 'staff', 'MEMBER')").fetchone() == (True,)
    with psycopg.connect(secure.dsn(user="carol", password="carol-pw")) as c:
        assert c.execute("SELECT current_user").fetchone() == ("carol",)


def test_a_client_that_never_finishes_startup_is_dropped(secure):
    with socket.create_connection(("127.0.0.1", secure.port)) as s:
        s.settimeout(10)
        t0 = time.monotonic()
        assert s.recv(100) == b""          # the server closes it
        assert time.monotonic() - t0 < 8
    # the same for one stuck in the password exchange
    from redduck.protocol import messages as M
    with socket.create_connection(("127.0.0.1", secure.port)) as s:
        s.settimeout(10)
        s.sendall(M.StartupMessage({"user": "alice", "database": secure.dbname}).encode())
        first = s.recv(100)
        assert first[:1] == b"R"           # AuthenticationSASL; then the client goes silent
        while s.recv(100):
            pass


def test_sslmode_require_refused_without_tls(server):
    with pytest.raises(psycopg.OperationalError, match="server does not support SSL"):
        psycopg.connect(server.dsn(sslmode="require"))
    with psycopg.connect(server.dsn(sslmode="prefer")) as c:   # falls back, as with PostgreSQL
        assert not c.pgconn.ssl_in_use
