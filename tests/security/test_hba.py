"""pg_hba rules, parsed and matched (pure: no server)."""
from pathlib import Path

import pytest

from redduck.server.auth import hba


def test_parse_and_first_match_wins():
    rules = hba.parse("""
        # comment
        local   all  all                     trust
        host    all  admin   127.0.0.1/32    trust
        host    db1  +staff  10.0.0.0 255.0.0.0  md5
        hostssl all  all     0.0.0.0/0       scram-sha-256
        host    all  all     ::1/128         password
        hostnossl all all    all             reject
    """)
    assert [r.method for r in rules] == ["trust", "md5", "scram-sha-256", "password", "reject"]
    staff = {("bob", "staff")}
    member = lambda u, g: (u, g) in staff  # noqa: E731
    assert hba.find(rules, False, "x", "admin", "127.0.0.1", member).method == "trust"
    assert hba.find(rules, False, "db1", "bob", "10.9.8.7", member).method == "md5"
    assert hba.find(rules, False, "db2", "bob", "10.9.8.7", member).method == "reject"
    assert hba.find(rules, True, "db2", "bob", "10.9.8.7", member).method == "scram-sha-256"
    assert hba.find(rules, False, "x", "eve", "::1", member).method == "password"
    assert hba.find(hba.parse("host all all 127.0.0.1/32 trust"), False, "x", "u", "10.0.0.1") is None


def test_default_rules_trust_loopback_only():
    rules = hba.default_rules("0.0.0.0")
    assert hba.find(rules, False, "d", "u", "127.0.0.1").method == "trust"
    assert hba.find(rules, False, "d", "u", "::1").method == "trust"
    assert hba.find(rules, False, "d", "u", "192.168.1.5") is None


@pytest.mark.parametrize("line, message", [
    ("hots all all 127.0.0.1/32 trust", "invalid connection type"),
    ("host all all 127.0.0.1/32 kerberos", "invalid authentication method"),
    ("host all all example.com trust", "host names are not supported"),
    ("host all all", "expected host DATABASE USER ADDRESS METHOD"),
])
def test_bad_lines_are_refused_with_their_line_number(line, message):
    with pytest.raises(hba.HbaError, match=message):
        hba.parse(line)


def test_the_example_file_in_deploy_parses():
    rules = hba.load(str(Path(__file__).parents[2] / "deploy" / "pg_hba.conf"))
    assert hba.find(rules, True, "d", "u", "10.1.2.3").method == "scram-sha-256"
    assert hba.find(rules, False, "d", "u", "10.1.2.3").method == "reject"
