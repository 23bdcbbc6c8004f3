"""pgjdbc through `java`: prepared statements, batches, fetch size, CopyManager, cancel,
metadata, in both preferQueryMode=simple and extended, with each pgjdbc installed (Debian's,
and the newest in the local Maven cache)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).parent / "java" / "JdbcCheck.java"


def _version(jar: Path) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in jar.parent.name.split("."))


def _jars() -> list[str]:
    """Debian's pgjdbc (libpostgresql-jdbc-java, 42.5 on bookworm) and the newest one in the
    local Maven cache (what DBeaver, DataGrip and new applications bring: 42.7 sends its own
    catalog queries, e.g. a bare `select current_catalog`), whichever are installed."""
    found = [j for j in ["/usr/share/java/postgresql.jar"] if os.path.exists(j)]
    m2 = sorted((j for j in Path.home().glob(".m2/repository/org/postgresql/postgresql/*/postgresql-*.jar")
                 if j.name == f"postgresql-{j.parent.name}.jar"), key=_version)   # not -sources.jar
    return found + [str(m2[-1])] if m2 else found


JARS = _jars()


def _jar() -> str | None:
    """One pgjdbc jar, for the tests that need just one (fuzz recording, auth)."""
    return JARS[0] if JARS else None


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """JdbcCheck compiled against each jar, on first use."""
    if not JARS or shutil.which("javac") is None:
        pytest.skip("pgjdbc (libpostgresql-jdbc-java) or javac is not installed")
    done: dict[str, Path] = {}

    def classes_for(jar: str) -> Path:
        if jar not in done:
            out = tmp_path_factory.mktemp("java")
            subprocess.run(["javac", "-cp", jar, "-d", str(out), str(SRC)], check=True, capture_output=True,
                           timeout=180)
            done[jar] = out
        return done[jar]
    return classes_for


@pytest.mark.parametrize("jar", JARS or [None], ids=lambda j: Path(j).name if j else "none")
@pytest.mark.parametrize("mode", ["extended", "simple"])
def test_pgjdbc(server, compiled, jar, mode):
    classes = compiled(jar)
    url = f"jdbc:postgresql://127.0.0.1:{server.port}/{server.dbname}?sslmode=disable"
    p = subprocess.run(["java", "-cp", f"{jar}:{classes}", "JdbcCheck", url, mode],
                       capture_output=True, text=True, timeout=240)
    lines = p.stdout.split()
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["ok prepared", "ok batch", "ok batch atomic", "ok select", "ok fetchsize", "ok copy",
                                     "ok cancel", "ok errors", "ok metadata", "ok metadata more"], lines
