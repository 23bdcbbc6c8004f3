"""Record what real clients send: a loopback proxy in front of a server captures each
connection's client-to-server bytes while psql, psycopg, asyncpg and pgjdbc do ordinary work."""
from __future__ import annotations

import asyncio
import os
import shutil
import struct
import subprocess
import tempfile
import threading

from tests.serverproc import free_port


class Recorder:
    """A TCP proxy on a free loopback port; `conversations` holds one bytes object per connection."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.conversations: list[bytes] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Recorder":
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_server(self._proxy, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _proxy(self, creader, cwriter) -> None:
        sreader, swriter = await asyncio.open_connection("127.0.0.1", self.target_port)
        sent = bytearray()

        async def pump(src, dst, record):
            try:
                while data := await src.read(65536):
                    if record is not None:
                        record += data
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                try:
                    dst.close()
                except Exception:
                    pass
        await asyncio.gather(pump(creader, swriter, sent), pump(sreader, cwriter, None))
        if sent:
            self.conversations.append(bytes(sent))


def split_messages(data: bytes) -> list[bytes]:
    """Frontend bytes → messages: length-prefixed startup packets first, then typed ones."""
    out, pos = [], 0
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from("!i", data, pos)
        code = struct.unpack_from("!i", data, pos + 4)[0]
        out.append(data[pos:pos + length])
        pos += length
        if code != 80877103:   # after SSLRequest another startup packet follows
            break
    while pos + 5 <= len(data):
        (length,) = struct.unpack_from("!i", data, pos + 1)
        out.append(data[pos:pos + 1 + length])
        pos += 1 + length
    return out


PSQL_SCRIPT = r"""
SELECT 1;
CREATE TABLE IF NOT EXISTS fuzz_t (id INT PRIMARY KEY, name TEXT, v DOUBLE PRECISION);
INSERT INTO fuzz_t VALUES (1, 'a', 1.5) ON CONFLICT DO NOTHING;
\d fuzz_t
\dt
SELECT * FROM fuzz_t WHERE id = 1;
BEGIN; UPDATE fuzz_t SET v = v + 1; ROLLBACK;
\copy fuzz_t TO STDOUT
SELECT 1/0;
"""


def record_clients(port: int, dbname: str, user: str = "tester") -> list[bytes]:
    """Run each real client through a recording proxy; return the recorded conversations."""
    import psycopg
    with Recorder(port) as rec:
        env = dict(os.environ, PGCONNECT_TIMEOUT="10")
        if shutil.which("psql"):
            subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(rec.port), "-U", user, "-d", dbname,
                            "-c", "SELECT 1"], input=PSQL_SCRIPT, env=env, capture_output=True, text=True,
                           timeout=60)
            subprocess.run(["psql", "-X", "-h", "127.0.0.1", "-p", str(rec.port), "-U", user, "-d", dbname],
                           input=PSQL_SCRIPT, env=env, capture_output=True, text=True, timeout=60)
        dsn = f"host=127.0.0.1 port={rec.port} user={user} dbname={dbname} sslmode=disable"
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute("CREATE TABLE IF NOT EXISTS fuzz_t (id INT PRIMARY KEY, name TEXT, v DOUBLE PRECISION)")
            c.execute("SELECT * FROM fuzz_t WHERE id = %s AND name <> %s", (1, "x"))
            c.execute("SELECT %s::int, %s::text, %s::float8", (1, "two", 3.0), binary=True)
            c.cursor().executemany("INSERT INTO fuzz_t VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                                   [(i, f"n{i}", i / 3) for i in range(2, 6)])
            with c.cursor().copy("COPY fuzz_t (id, name) TO STDOUT") as cp:
                list(cp)
            with c.cursor() as cur:
                cur.execute("SELECT generate_series(1, 100)")
                cur.fetchmany(10)
        with psycopg.connect(dsn) as c:
            with c.cursor(name="named") as cur:
                cur.execute("SELECT * FROM fuzz_t")
                cur.fetchmany(2)
            with c.cursor().copy("COPY fuzz_t FROM STDIN") as cp:
                cp.write_row((100, "copied", 1.0))
            c.rollback()

        async def with_asyncpg():
            import asyncpg
            con = await asyncpg.connect(host="127.0.0.1", port=rec.port, user=user, database=dbname, ssl=False)
            try:
                await con.fetch("SELECT * FROM fuzz_t WHERE id > $1", 0)
                stmt = await con.prepare("SELECT $1::int + 1, $2::text")
                await stmt.fetchrow(1, "a")
                async with con.transaction():
                    async for _ in con.cursor("SELECT generate_series(1, 50)", prefetch=10):
                        pass
                await con.copy_records_to_table("fuzz_t", records=[(200, "r", 2.0)], columns=["id", "name", "v"])
                await con.execute("DELETE FROM fuzz_t WHERE id = 200")
            finally:
                await con.close()
        asyncio.run(with_asyncpg())
        _record_jdbc(rec.port, dbname, user)
    return rec.conversations


_JAVA = """
import java.sql.*;
public class FuzzConversation {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection(a[0], a[1], "")) {
            try (PreparedStatement p = c.prepareStatement("SELECT * FROM fuzz_t WHERE id = ? OR name = ?")) {
                p.setInt(1, 1); p.setString(2, "x");
                try (ResultSet rs = p.executeQuery()) { while (rs.next()) { } }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(2);
                try (ResultSet rs = s.executeQuery("SELECT generate_series(1, 10)")) { while (rs.next()) { } }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO fuzz_t VALUES (?, ?, ?)")) {
                for (int i = 300; i < 303; i++) { p.setInt(1, i); p.setString(2, "j"); p.setDouble(3, i); p.addBatch(); }
                p.executeBatch();
            }
            c.rollback();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) { while (rs.next()) { } }
        }
    }
}
"""


def _record_jdbc(port: int, dbname: str, user: str) -> None:
    from tests.test_jdbc import _jar
    jar = _jar()
    if jar is None or shutil.which("javac") is None:
        return
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "FuzzConversation.java")
        with open(src, "w") as f:
            f.write(_JAVA)
        subprocess.run(["javac", "-cp", jar, "-d", d, src], check=True, capture_output=True, timeout=180)
        url = f"jdbc:postgresql://127.0.0.1:{port}/{dbname}?sslmode=disable"
        subprocess.run(["java", "-cp", f"{jar}:{d}", "FuzzConversation", url, user],
                       capture_output=True, timeout=120)
