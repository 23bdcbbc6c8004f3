"""Replays of the catalog SQL that BI and SQL tools send on connect and while browsing,
as their public sources write it, against a real server and a schema with keys,
an index, a view, an enum and comments. Each query's source is named above it."""


def rows(c, sql, params=None):
    return c.execute(sql, params).fetchall()


def named(c, sql, params=None):
    cur = c.execute(sql, params)
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


# ---------------------------------------------------------------- pgcli (dbcli/pgcli, pgcli/pgexecute.py)

def test_pgcli_completion_queries(c):
    assert "public" in [r[0] for r in rows(c, "SELECT * FROM unnest(current_schemas(true))")]
    assert "public" in [r[0] for r in rows(c, "SELECT  nspname FROM    pg_catalog.pg_namespace ORDER BY 1 ")]
    tables = rows(c, """SELECT  n.nspname schema_name, c.relname table_name
        FROM    pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE   c.relkind = ANY(%s) ORDER BY 1,2;""", (["r", "p", "f"],))
    assert ("public", "rp_emp") in tables and ("public", "rp_dept") in tables
    assert ("public", "rp_active") not in tables
    cols = rows(c, """SELECT  nsp.nspname schema_name, cls.relname table_name, att.attname column_name,
                att.atttypid::regtype::text type_name, att.atthasdef AS has_default,
                pg_catalog.pg_get_expr(def.adbin, def.adrelid, true) as default
        FROM    pg_catalog.pg_attribute att
                INNER JOIN pg_catalog.pg_class cls ON att.attrelid = cls.oid
                INNER JOIN pg_catalog.pg_namespace nsp ON cls.relnamespace = nsp.oid
                LEFT OUTER JOIN pg_attrdef def ON def.adrelid = att.attrelid AND def.adnum = att.attnum
        WHERE   cls.relkind = ANY(%s) AND NOT att.attisdropped AND att.attnum  > 0
        ORDER BY 1, 2, att.attnum""", (["r", "p", "f"],))
    emp = [(r[2], r[3]) for r in cols if r[1] == "rp_emp"]
    assert emp == [("id", "integer"), ("name", "text"), ("dept_id", "integer"), ("salary", "numeric")]
    fks = rows(c, """SELECT s_p.nspname AS parentschema, t_p.relname AS parenttable,
               unnest(( select array_agg(attname ORDER BY i) from
                    (select unnest(confkey) as attnum, generate_subscripts(confkey, 1) as i) x
                    JOIN pg_catalog.pg_attribute c USING(attnum) WHERE c.attrelid = fk.confrelid )) AS parentcolumn,
               s_c.nspname AS childschema, t_c.relname AS childtable,
               unnest(( select array_agg(attname ORDER BY i) from
                    (select unnest(conkey) as attnum, generate_subscripts(conkey, 1) as i) x
                    JOIN pg_catalog.pg_attribute c USING(attnum) WHERE c.attrelid = fk.conrelid )) AS childcolumn
        FROM pg_catalog.pg_constraint fk
        JOIN pg_catalog.pg_class      t_p ON t_p.oid = fk.confrelid
        JOIN pg_catalog.pg_namespace  s_p ON s_p.oid = t_p.relnamespace
        JOIN pg_catalog.pg_class      t_c ON t_c.oid = fk.conrelid
        JOIN pg_catalog.pg_namespace  s_c ON s_c.oid = t_c.relnamespace
        WHERE fk.contype = 'f';""")
    assert ("public", "rp_dept", "id", "public", "rp_emp", "dept_id") in fks
    assert (c.info.dbname,) in rows(c, "SELECT d.datname FROM pg_catalog.pg_database d ORDER BY 1")


# ---------------------------------------------------------------- DBeaver (dbeaver/dbeaver, plugins/
# org.jkiss.dbeaver.ext.postgresql: PostgreDataSource, PostgreDatabase, PostgreSchema, PostgreTableBase)

def test_dbeaver_connect_and_browse(c):
    c.execute("SET extra_float_digits = 3")
    c.execute("SET application_name = 'DBeaver 25.1.5 - Main <redduck>'")
    schema, user = rows(c, "SELECT current_schema(),session_user")[0]
    assert schema == "public" and user == "tester"
    ns = rows(c, "SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n LEFT OUTER JOIN "
                 "pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND "
                 "d.classoid='pg_namespace'::regclass ORDER BY nspname")
    assert "public" in [r[2] for r in ns]   # n.oid, then n.* (oid, nspname, …)
    db = rows(c, "SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname=%s", (c.info.dbname,))
    assert len(db) == 1
    assert rows(c, "SELECT * FROM pg_catalog.pg_settings where name='standard_conforming_strings'")[0][1] == "on"
    assert rows(c, "SELECT version()")[0][0].startswith("PostgreSQL 15")
    rows(c, "SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1")
    public = rows(c, "SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'public'")[0][0]
    rels = rows(c, "SELECT c.oid,c.*,d.description FROM pg_catalog.pg_class c LEFT OUTER JOIN pg_catalog.pg_description "
                   "d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_class'::regclass "
                   "WHERE c.relnamespace=%s AND c.relkind not in ('i','I','c')", (public,))
    by_name = {r[2]: r for r in rels}
    assert {"rp_emp", "rp_dept", "rp_active"} <= set(by_name)
    assert by_name["rp_emp"][-1] == "employees"
    emp = by_name["rp_emp"][0]
    idx = named(c, "SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,c.reltablespace,tc.relname as tabrelname,"
                  "dsc.description,pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr,"
                  "pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr "
                  "FROM pg_catalog.pg_index i INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid "
                  "INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid "
                  "LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid "
                  "WHERE  i.indrelid=%s ORDER BY tabrelname, c.relname", (emp,))
    assert sorted(r["relname"] for r in idx) == ["rp_emp_name_idx", "rp_emp_pkey"]
    assert all(r["tabrelname"] == "rp_emp" for r in idx)
    cons = named(c, "SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace,d.description, "
                   "case when c.contype='c' then \"substring\"(pg_get_constraintdef(c.oid), 7) else null end consrc_copy "
                   "FROM pg_catalog.pg_constraint c INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid "
                   "LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid "
                   "LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 "
                   "AND d.classoid='pg_constraint'::regclass WHERE c.conrelid=%s ORDER BY c.oid", (emp,))
    assert sorted(r["conname"] for r in cons) == ["rp_emp_dept_id_fkey", "rp_emp_pkey"]
    attrs = named(c, "SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,"
                    "dsc.description FROM pg_catalog.pg_attribute a INNER JOIN pg_catalog.pg_class c ON "
                    "(a.attrelid=c.oid) LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid AND "
                    "a.attnum = ad.adnum) LEFT OUTER JOIN pg_catalog.pg_description dsc ON "
                    "(c.oid=dsc.objoid AND a.attnum = dsc.objsubid) WHERE NOT a.attisdropped AND c.oid=%s "
                    "ORDER BY a.attnum", (emp,))
    assert [r["attname"] for r in attrs if r["attnum"] > 0] == ["id", "name", "dept_id", "salary"]
    roles = named(c, "SELECT a.oid,a.* FROM pg_catalog.pg_roles a ORDER BY a.rolname")
    assert "tester" in [r["rolname"] for r in roles]


# ---------------------------------------------------------------- Metabase (metabase/metabase,
# src/metabase/driver/postgres.clj: describe-table's primary keys and the field comments query)

def test_metabase_describe_queries(c):
    pks = rows(c, """SELECT a.attname AS pk_column, c.relname AS table_name, n.nspname AS table_schema
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE i.indisprimary AND n.nspname = 'public' AND c.relname = 'rp_emp'""")
    assert pks == [("id", "rp_emp", "public")]
    comments = rows(c, """SELECT c.relname AS table_name, obj_description(c.oid, 'pg_class') AS description
        FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = 'public' AND c.relname LIKE 'rp\\_%'
        ORDER BY 1""")
    assert comments == [("rp_active", None), ("rp_dept", None), ("rp_emp", "employees")]
    cols = rows(c, """SELECT column_name, data_type, udt_name, is_nullable, column_default, ordinal_position
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'rp_emp'
        ORDER BY ordinal_position""")
    assert [(r[0], r[1], r[3]) for r in cols] == [("id", "integer", "NO"), ("name", "text", "NO"),
                                                   ("dept_id", "integer", "YES"), ("salary", "numeric", "YES")]
