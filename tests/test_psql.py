"""Debian's psql against a real server: scripts, \\copy, errors and exit codes."""
from tests.conftest import psql


def test_multi_statement_script(server):
    out = psql(server, "-q", "-A", "-t", "-c",
               "create table psql_multi(a int, b text); insert into psql_multi values (1,'x'),(2,'y'); "
               "select count(*) from psql_multi; select b from psql_multi order by a desc").stdout
    assert out.split() == ["2", "y", "x"]


def test_script_file_with_command_tags(server, tmp_path):
    script = tmp_path / "s.sql"
    script.write_text("create table psql_tags(a int);\ninsert into psql_tags select * from range(5);\n"
                      "update psql_tags set a = a + 1 where a > 2;\ndelete from psql_tags where a = 0;\n"
                      "drop table psql_tags;\n")
    out = psql(server, "-f", str(script)).stdout.split("\n")
    assert out[:5] == ["CREATE TABLE", "INSERT 0 5", "UPDATE 2", "DELETE 1", "DROP TABLE"]


def test_error_gives_nonzero_exit_and_message(server):
    p = psql(server, "-c", "select * from no_such_table", check=False)
    assert p.returncode != 0
    assert 'relation "no_such_table" does not exist' in p.stderr


def test_syntax_error_shows_position(server):
    p = psql(server, "-c", "select 1 frm t", check=False)
    assert p.returncode != 0
    assert "syntax error" in p.stderr
    assert "LINE 1:" in p.stderr and "^" in p.stderr


def test_unknown_column_is_shown_where_it_is(server):
    p = psql(server, "-c", "select 1 as a,\n  no_col + 1 from range(3)", check=False)
    assert p.returncode != 0
    lines = p.stderr.splitlines()
    assert 'ERROR:  column "no_col" does not exist' in lines[0]
    assert lines[1] == "LINE 2:   no_col + 1 from range(3)"
    assert lines[2] == " " * len("LINE 2:   ") + "^"


def test_copy_in_and_out(server, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,alpha\n2,\"be,ta\"\n3,\n")
    psql(server, "-c", "create table psql_copy(id int, name text)")
    out = psql(server, "-c", f"\\copy psql_copy from '{src}' with (format csv, header)").stdout
    assert "COPY 3" in out
    dst = tmp_path / "out.txt"
    psql(server, "-c", f"\\copy (select * from psql_copy order by id) to '{dst}'")
    assert dst.read_text() == "1\talpha\n2\tbe,ta\n3\t\\N\n"
    dst_csv = tmp_path / "out.csv"
    psql(server, "-c", f"\\copy psql_copy to '{dst_csv}' with (format csv, header)")
    assert dst_csv.read_text().splitlines() == ["id,name", "1,alpha", '2,"be,ta"', "3,"]


def test_fetch_count_uses_cursors(server):
    out = psql(server, "-A", "-t", "-v", "FETCH_COUNT=7", "-c", "select * from range(20)").stdout.split()
    assert out == [str(i) for i in range(20)]


def test_variables_and_expanded_output(server):
    out = psql(server, "-v", "x=41", "-x", input="select :x + 1 as answer;\n").stdout
    assert "answer | 42" in out
