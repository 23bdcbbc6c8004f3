// A small pgjdbc program run by tests/test_jdbc.py against a real redduck server.
// Each check prints "ok <name>" or throws; the test asserts on the printed lines.
import java.sql.*;
import java.io.StringReader;
import java.io.StringWriter;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

public class JdbcCheck {
    static void check(boolean cond, String what) {
        if (!cond) throw new AssertionError(what);
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String mode = args[1];  // simple | extended
        try (Connection c = DriverManager.getConnection(url + "&preferQueryMode=" + mode, "tester", "")) {
            String t = "jdbc_" + mode;
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists " + t);
                s.execute("create table " + t + " (id int, name text, score double precision, at timestamp)");
            }
            // PreparedStatement with typed setters
            try (PreparedStatement ps = c.prepareStatement("insert into " + t + " values (?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "one");
                ps.setDouble(3, 1.5);
                ps.setTimestamp(4, Timestamp.valueOf("2024-03-04 05:06:07.5"));
                check(ps.executeUpdate() == 1, "executeUpdate count");
            }
            System.out.println("ok prepared");
            // executeBatch with update counts
            try (PreparedStatement ps = c.prepareStatement("insert into " + t + " (id, name) values (?, ?)")) {
                for (int i = 2; i <= 11; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "n" + i);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                check(counts.length == 10, "batch length");
                for (int n : counts) check(n == 1 || n == Statement.SUCCESS_NO_INFO, "batch count " + n);
            }
            System.out.println("ok batch");
            // a batch that fails part way: in extended mode it is one transaction up to Sync and
            // keeps no row; in simple mode pgjdbc sends each row as its own Query, and the rows
            // before the failure stay (both as PostgreSQL 15 does, checked against it)
            try (PreparedStatement ps = c.prepareStatement("insert into " + t + " (id, name) values (?::int, ?)")) {
                ps.setString(1, "100");
                ps.setString(2, "a");
                ps.addBatch();
                ps.setString(1, "oops");
                ps.setString(2, "b");
                ps.addBatch();
                boolean failed = false;
                try {
                    ps.executeBatch();
                } catch (BatchUpdateException e) {
                    failed = true;
                }
                check(failed, "bad batch fails");
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from " + t + " where id >= 100")) {
                int expected = mode.equals("extended") ? 0 : 1;
                check(rs.next() && rs.getInt(1) == expected, "failed batch keeps " + expected + " rows");
            }
            try (Statement s = c.createStatement()) {
                s.execute("delete from " + t + " where id >= 100");
            }
            System.out.println("ok batch atomic");
            try (PreparedStatement ps = c.prepareStatement("select name, score, at from " + t + " where id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    check(rs.next(), "row");
                    check(rs.getString(1).equals("one"), "name");
                    check(rs.getDouble(2) == 1.5, "score");
                    check(rs.getTimestamp(3).equals(Timestamp.valueOf("2024-03-04 05:06:07.5")), "timestamp " + rs.getTimestamp(3));
                    ResultSetMetaData md = rs.getMetaData();
                    check(md.getColumnCount() == 3 && md.getColumnName(1).equals("name"), "metadata");
                    check(md.getColumnType(2) == Types.DOUBLE, "double type");
                }
            }
            System.out.println("ok select");
            // setFetchSize with autocommit off streams through a portal
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(100);
                try (ResultSet rs = s.executeQuery("select range from range(2500)")) {
                    long n = 0, sum = 0;
                    while (rs.next()) { n++; sum += rs.getLong(1); }
                    check(n == 2500 && sum == 2500L * 2499 / 2, "fetchsize rows " + n);
                }
            }
            c.commit();
            c.setAutoCommit(true);
            System.out.println("ok fetchsize");
            // CopyManager in and out
            CopyManager cm = ((PGConnection) c.unwrap(PGConnection.class)).getCopyAPI();
            long in = cm.copyIn("copy " + t + " (id, name) from stdin with (format csv)",
                                new StringReader("100,a\n101,b\n102,c\n"));
            check(in == 3, "copy in " + in);
            StringWriter w = new StringWriter();
            long out = cm.copyOut("copy (select id, name from " + t + " where id >= 100 order by id) to stdout", w);
            check(out == 3 && w.toString().equals("100\ta\n101\tb\n102\tc\n"), "copy out " + w);
            System.out.println("ok copy");
            // Statement.cancel from another thread
            try (Statement s = c.createStatement()) {
                Thread th = new Thread(() -> {
                    try { Thread.sleep(500); s.cancel(); } catch (Exception e) { }
                });
                th.start();
                try {
                    s.executeQuery("select count(*) from range(100000000000) a");
                    throw new AssertionError("not cancelled");
                } catch (SQLException e) {
                    check("57014".equals(e.getSQLState()), "cancel sqlstate " + e.getSQLState());
                }
                th.join();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 7")) {
                check(rs.next() && rs.getInt(1) == 7, "after cancel");
            }
            System.out.println("ok cancel");
            // errors carry SQLSTATE and the connection stays usable
            try (Statement s = c.createStatement()) {
                s.executeQuery("select * from does_not_exist");
                throw new AssertionError("no error");
            } catch (SQLException e) {
                check("42P01".equals(e.getSQLState()), "sqlstate " + e.getSQLState());
            }
            System.out.println("ok errors");
            // DatabaseMetaData: tables, columns, primary keys, schemas, catalogs
            DatabaseMetaData md = c.getMetaData();
            check(md.getDatabaseProductName().equals("PostgreSQL"), "product " + md.getDatabaseProductName());
            check(md.getDatabaseProductVersion().startsWith("15"), "version " + md.getDatabaseProductVersion());
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists " + t + "_child");   // it references _meta: first
                s.execute("drop table if exists " + t + "_meta");
                s.execute("create table " + t + "_meta (id int primary key, name varchar not null, score double precision)");
            }
            try (ResultSet rs = md.getTables(null, "public", t + "_meta", new String[]{"TABLE"})) {
                check(rs.next() && rs.getString("TABLE_NAME").equals(t + "_meta") && !rs.next(), "getTables");
            }
            try (ResultSet rs = md.getColumns(null, "public", t + "_meta", "%")) {
                StringBuilder names = new StringBuilder();
                while (rs.next()) {
                    names.append(rs.getString("COLUMN_NAME")).append(rs.getInt("NULLABLE")).append(",");
                }
                check(names.toString().equals("id0,name0,score1,"), "getColumns " + names);
            }
            try (ResultSet rs = md.getPrimaryKeys(null, "public", t + "_meta")) {
                check(rs.next() && rs.getString("COLUMN_NAME").equals("id") && rs.getInt("KEY_SEQ") == 1, "getPrimaryKeys");
            }
            // foreign keys and indexes, as BI tools read them
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists " + t + "_child");
                s.execute("create table " + t + "_child (id int primary key, meta_id int references " + t
                          + "_meta (id), label text)");
                s.execute("create index " + t + "_child_label on " + t + "_child (label)");
                s.execute("comment on column " + t + "_child.label is 'shown'");
            }
            try (ResultSet rs = md.getImportedKeys(null, "public", t + "_child")) {
                check(rs.next() && rs.getString("PKTABLE_NAME").equals(t + "_meta")
                      && rs.getString("PKCOLUMN_NAME").equals("id") && rs.getString("FKCOLUMN_NAME").equals("meta_id")
                      && rs.getInt("KEY_SEQ") == 1 && !rs.next(), "getImportedKeys");
            }
            try (ResultSet rs = md.getExportedKeys(null, "public", t + "_meta")) {
                check(rs.next() && rs.getString("FKTABLE_NAME").equals(t + "_child"), "getExportedKeys");
            }
            try (ResultSet rs = md.getIndexInfo(null, "public", t + "_child", false, false)) {
                StringBuilder idx = new StringBuilder();
                while (rs.next()) {
                    idx.append(rs.getString("INDEX_NAME")).append(":").append(rs.getString("COLUMN_NAME"))
                       .append(rs.getBoolean("NON_UNIQUE") ? ":n" : ":u").append(",");
                }
                check(idx.toString().equals(t + "_child_pkey:id:u," + t + "_child_label:label:n,"), "getIndexInfo " + idx);
            }
            try (ResultSet rs = md.getColumns(null, "public", t + "_child", "label")) {
                check(rs.next() && "shown".equals(rs.getString("REMARKS")), "getColumns remarks");
            }
            boolean sawPublic = false;
            try (ResultSet rs = md.getSchemas()) {
                while (rs.next()) sawPublic |= rs.getString(1).equals("public");
            }
            check(sawPublic, "getSchemas");
            try (ResultSet rs = md.getCatalogs()) {
                check(rs.next(), "getCatalogs");
            }
            System.out.println("ok metadata");
            // the rest of DatabaseMetaData a BI tool calls, and typed setters and column types
            check(md.getSQLKeywords().length() > 100, "getSQLKeywords");
            try (ResultSet rs = md.getFunctions(null, "public", "%")) { while (rs.next()) { } }
            try (ResultSet rs = md.getIndexInfo(null, "public", t + "_child", true, false)) {
                check(rs.next() && rs.getString("INDEX_NAME").equals(t + "_child_pkey") && rs.getInt("PAGES") == 1,
                      "getIndexInfo unique");
            }
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists " + t + "_typed");
                s.execute("create table " + t + "_typed (id serial primary key, code varchar(12), born date)");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into " + t + "_typed (code, born) values (?, ?)")) {
                ps.setString(1, "x");
                ps.setDate(2, Date.valueOf("2020-01-02"));   // sent as '2020-01-02 +00'
                check(ps.executeUpdate() == 1, "setDate insert");
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, code, born from " + t + "_typed")) {
                ResultSetMetaData rm = rs.getMetaData();
                check(rm.isAutoIncrement(1) && rm.getColumnTypeName(2).equals("varchar") && rm.getPrecision(2) == 12,
                      "typed columns " + rm.getColumnTypeName(2) + " " + rm.getPrecision(2));
                check(rs.next() && rs.getDate(3).toString().equals("2020-01-02"), "setDate value");
            }
            try (ResultSet rs = md.getColumns(null, "public", t + "_typed", "code")) {
                check(rs.next() && rs.getString("TYPE_NAME").equals("varchar") && rs.getInt("COLUMN_SIZE") == 12,
                      "getColumns varchar(12)");
            }
            System.out.println("ok metadata more");
        }
    }
}
