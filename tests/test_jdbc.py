"""pgjdbc through `java`: prepared statements, batches, fetch size, CopyManager, cancel,
in both preferQueryMode=simple and extended."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

JARS = ["/usr/share/java/postgresql.jar"]
SRC = Path(__file__).parent / "java" / "JdbcCheck.java"


def _jar():
    for j in JARS:
        if os.path.exists(j):
            return j
    m2 = sorted(Path.home().glob(".m2/repository/org/postgresql/postgresql/*/postgresql-*.jar"))
    return str(m2[-1]) if m2 else None


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    jar = _jar()
    if jar is None or shutil.which("javac") is None:
        pytest.skip("pgjdbc (libpostgresql-jdbc-java) or javac is not installed")
    out = tmp_path_factory.mktemp("java")
    subprocess.run(["javac", "-cp", jar, "-d", str(out), str(SRC)], check=True, capture_output=True, timeout=180)
    return jar, out


@pytest.mark.parametrize("mode", ["extended", "simple"])
def test_pgjdbc(server, compiled, mode):
    jar, classes = compiled
    url = f"jdbc:postgresql://127.0.0.1:{server.port}/{server.dbname}?sslmode=disable"
    p = subprocess.run(["java", "-cp", f"{jar}:{classes}", "JdbcCheck", url, mode],
                       capture_output=True, text=True, timeout=240)
    lines = p.stdout.split()
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["ok prepared", "ok batch", "ok batch atomic", "ok select", "ok fetchsize", "ok copy",
                                     "ok cancel", "ok errors", "ok metadata", "ok metadata more"], lines
