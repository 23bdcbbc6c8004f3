"""A connection with the replay schema created, shared by the replay modules."""
import psycopg
import pytest

from .schema import SCHEMA


@pytest.fixture(scope="module")
def c(server):
    with psycopg.connect(server.dsn(), autocommit=True) as conn:
        for sql in SCHEMA:
            conn.execute(sql)
        yield conn
