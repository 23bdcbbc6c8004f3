"""Catalog functions as DuckDB macros in the `main` schema (on every session's search path).

DuckDB's pg_catalog has pg_class, pg_type (with PostgreSQL's OIDs for the built-in types),
pg_namespace, pg_attribute, pg_index, pg_constraint …; what clients call besides is here.
"""
from __future__ import annotations

import duckdb

from .columns import oid_sql
from .oids import MACRO as STABLE_OID_MACRO
from .oids import namespace, relation, schema_of, stable

_VIEWDEF = ("(SELECT ' ' || regexp_extract(rd_v.sql, "
            "'(?is)^\\s*CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMP\\w*\\s+)?VIEW\\s+.+?\\s+AS\\s+(.*)$', 1) "
            "FROM duckdb_views() rd_v WHERE redduck_pg.stable_oid('r', rd_v.schema_name, rd_v.view_name) = o "
            "AND rd_v.database_name = current_database())")

_DESCRIPTION = ("(SELECT rd_d.description FROM redduck_pg.pg_description rd_d "
                "WHERE rd_d.objoid = o AND rd_d.objsubid = {sub} LIMIT 1)")
_CONSTRAINTDEF = "(SELECT rd_c.redduck_def FROM redduck_pg.pg_constraint rd_c WHERE rd_c.oid = o)"
_INDEXDEF = "(SELECT rd_i.def FROM redduck_pg.pg_indexdef rd_i WHERE rd_i.oid = o LIMIT 1)"

# name → macro body (parameters, expression)
_MACROS = {
    "stable_oid": STABLE_OID_MACRO,
    "redduck_type_alias": ("n", "CASE n WHEN 'integer' THEN 'int4' WHEN 'int' THEN 'int4' WHEN 'bigint' THEN 'int8' "
                                "WHEN 'smallint' THEN 'int2' WHEN 'boolean' THEN 'bool' WHEN 'real' THEN 'float4' "
                                "WHEN 'double precision' THEN 'float8' WHEN 'character varying' THEN 'varchar' "
                                "WHEN 'timestamp without time zone' THEN 'timestamp' "
                                "WHEN 'timestamp with time zone' THEN 'timestamptz' WHEN 'decimal' THEN 'numeric' "
                                "ELSE n END"),
    # OID lookups by name: NULL when missing (the ::reg* casts raise instead, see rules)
    # PostgreSQL's own catalogs have fixed OIDs ('pg_constraint'::regclass is 2606); then the
    # relations of the database, redduck's internal schemas aside
    "to_regclass": ("name", "coalesce(CASE regexp_replace(lower(name), '^pg_catalog\\.', '') "
                            "WHEN 'pg_class' THEN 1259 "
                            "WHEN 'pg_type' THEN 1247 "
                            "WHEN 'pg_proc' THEN 1255 "
                            "WHEN 'pg_namespace' THEN 2615 "
                            "WHEN 'pg_attribute' THEN 1249 "
                            "WHEN 'pg_constraint' THEN 2606 "
                            "WHEN 'pg_index' THEN 2610 "
                            "WHEN 'pg_description' THEN 2609 "
                            "WHEN 'pg_database' THEN 1262 "
                            "WHEN 'pg_authid' THEN 1260 "
                            "WHEN 'pg_am' THEN 2601 "
                            "WHEN 'pg_attrdef' THEN 2604 "
                            "WHEN 'pg_trigger' THEN 2620 "
                            "WHEN 'pg_rewrite' THEN 2618 "
                            "WHEN 'pg_extension' THEN 3079 "
                            "WHEN 'pg_collation' THEN 3456 "
                            "WHEN 'pg_enum' THEN 3501 "
                            "WHEN 'pg_inherits' THEN 2611 "
                            "END, (SELECT rd_c.oid FROM redduck_pg.relations rd_c "
                            "WHERE rd_c.relname = string_split(replace(name, '\"', ''), '.')[-1] "
                            "AND (len(string_split(name, '.')) = 1 "
                            "OR rd_c.nspname = string_split(replace(name, '\"', ''), '.')[1]) "
                            "ORDER BY rd_c.nspname = 'main', rd_c.nspname LIMIT 1))"),
    "to_regtype": ("name", "(SELECT rd_t.oid FROM redduck_pg.pg_type rd_t WHERE rd_t.typname = "
                           "redduck_type_alias(lower(regexp_replace(name, '^pg_catalog\\.', ''))) "
                           "ORDER BY rd_t.oid LIMIT 1)"),
    "to_regnamespace": ("name", "(SELECT oid FROM redduck_pg.pg_namespace WHERE nspname = name LIMIT 1)"),
    "to_regproc": ("name", "(SELECT oid FROM pg_catalog.pg_proc WHERE proname = name LIMIT 1)"),
    # PostgreSQL's internal functions (array_in …) are not in DuckDB's pg_proc: no match, not an error
    "redduck_regproc": ("name", "coalesce(to_regproc(name), 0)"),
    # regtype's output is format_type's name: 'int4'::regtype::text is 'integer'
    "redduck_regtype_name": ("o", "CASE WHEN o = 0 THEN '-' WHEN EXISTS (SELECT 1 FROM redduck_pg.pg_type WHERE oid = o) "
                                  "THEN format_type(o, NULL) ELSE o::VARCHAR END"),
    "redduck_table_is_visible": ("o", "coalesce((SELECT rd_c.nspname IN ('public', 'main', 'pg_catalog') "
                                      "FROM redduck_pg.relations rd_c WHERE rd_c.oid = o LIMIT 1), false)"),
    "redduck_function_is_visible": ("o", "coalesce((SELECT rd_f.schema_name IN ('public', 'main') AND "
                                         "rd_f.database_name = current_database() FROM duckdb_functions() rd_f "
                                         "WHERE rd_f.function_oid = o LIMIT 1), false)"),
    "pg_get_expr": ("e, r", "e::VARCHAR, (e, r, pretty) AS e::VARCHAR"),  # two signatures
    "pg_relation_is_publishable": ("o", "false"),
    # returns the value like PostgreSQL's; the setting itself is not changed (asyncpg only
    # toggles jit with it, which redduck does not have)
    "set_config": ("n, v, is_local", "v"),
    # PostgreSQL's names for the built-in types, as \d and JDBC show them
    # arrays are their element's name and []: format_type(1015, 14) is 'character varying(10)[]'
    "format_type": ("o, m", "CASE WHEN TRY_CAST(o AS BIGINT) IN (SELECT array_oid FROM redduck_pg.array_types) THEN "
                            "redduck_format_scalar((SELECT elem_oid FROM redduck_pg.array_types "
                            "WHERE array_oid = TRY_CAST(o AS BIGINT)), m) "
                            "|| '[]' ELSE redduck_format_scalar(o, m) END"),
    # the OID PostgreSQL clients see for a DuckDB type's name (pg_typeof)
    "redduck_type_oid": ("t", oid_sql("t")),
    # bytes of a bytea, or of a string's UTF-8 (DuckDB's octet_length takes only blobs)
    "redduck_octet_length": ("x", "CASE WHEN typeof(x) = 'BLOB' THEN octet_length(CAST(x AS BLOB)) "
                                  "ELSE strlen(CAST(x AS VARCHAR)) END"),
    # jsonb's top-level keys: an object's keys or an array's strings (the ? operators)
    "jsonb_top_keys": ("j", "CASE json_type(CAST(j AS JSON)) WHEN 'OBJECT' THEN json_keys(CAST(j AS JSON)) "
                            "WHEN 'ARRAY' THEN list_transform(list_filter(json_extract(CAST(j AS JSON), '$[*]'), "
                            "lambda e: json_type(e) = 'VARCHAR'), lambda e: e ->> '$') ELSE [] END"),
    "redduck_format_scalar": ("o, m", "CASE o WHEN 16 THEN 'boolean' WHEN 17 THEN 'bytea' WHEN 20 THEN 'bigint' "
                            "WHEN 21 THEN 'smallint' WHEN 23 THEN 'integer' WHEN 25 THEN 'text' "
                            "WHEN 700 THEN 'real' WHEN 701 THEN 'double precision' "
                            "WHEN 1082 THEN 'date' WHEN 1083 THEN 'time without time zone' "
                            "WHEN 1114 THEN 'timestamp without time zone' WHEN 1184 THEN 'timestamp with time zone' "
                            "WHEN 1186 THEN 'interval' WHEN 2950 THEN 'uuid' WHEN 114 THEN 'json' WHEN 3802 THEN 'jsonb' "
                            "WHEN 1700 THEN CASE WHEN m IS NULL OR m < 0 THEN 'numeric' "
                            # PostgreSQL's typmod is ((p << 16) | s) + 4; DuckDB's pg_attribute says p * 1000 + s
                            "WHEN m >= 65540 THEN 'numeric(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')' "
                            "ELSE 'numeric(' || (m // 1000) || ',' || (m % 1000) || ')' END "
                            "WHEN 1043 THEN CASE WHEN m > 4 THEN 'character varying(' || (m - 4) || ')' "
                            "ELSE 'character varying' END "
                            "WHEN 1042 THEN CASE WHEN m > 4 THEN 'character(' || (m - 4) || ')' ELSE 'character' END "
                            "ELSE coalesce((SELECT rd_t.typname FROM redduck_pg.pg_type rd_t WHERE rd_t.oid = o LIMIT 1), "
                            "'???') END"),
    # information_schema._pg_expandarray(arr): one row per element, as (x, n)
    "_pg_expandarray": ("a", "unnest(list_transform(range(1, len(a) + 1), "
                             "lambda i: struct_pack(x := a[i], n := i::INTEGER)))"),
    # comments: COMMENT ON stores them in DuckDB's catalog; pg_description reads them
    "obj_description": ("o, cat", _DESCRIPTION.format(sub="0") + ", (o) AS " + _DESCRIPTION.format(sub="0")),
    "col_description": ("o, n", _DESCRIPTION.format(sub="n")),
    "shobj_description": ("o, cat", "NULL::VARCHAR"),
    # pretty (psql's \\d): a check's expression without the parentheses DuckDB keeps around it,
    # CHECK (x > 0) where the plain form is CHECK ((x > 0)), as PostgreSQL prints them
    "pg_get_constraintdef": ("o", _CONSTRAINTDEF + ", (o, pretty) AS CASE WHEN pretty AND " + _CONSTRAINTDEF
                             + " LIKE 'CHECK ((%))' THEN 'CHECK ' || substr(" + _CONSTRAINTDEF + ", 8, len(" + _CONSTRAINTDEF
                             + ") - 8) ELSE "
                             + _CONSTRAINTDEF + " END"),
    # no partitioning here: a relation is its own only ancestor
    "pg_partition_ancestors": ("o", "CAST(o AS BIGINT)"),
    "pg_get_serial_sequence": ("t, c", "(SELECT rd_s.schema_name || '.' || rd_s.sequence_name FROM duckdb_sequences() rd_s "
                                       "WHERE rd_s.sequence_name = string_split(replace(t, '\"', ''), '.')[-1] || '_' || c "
                                       "|| '_seq' ORDER BY rd_s.schema_name = 'public' DESC LIMIT 1)"),
    # a view's query, as PostgreSQL shows it (the text after AS)
    "pg_get_viewdef": ("o", _VIEWDEF + ", (o, pretty) AS " + _VIEWDEF),
    "quote_literal": ("s", "CASE WHEN s IS NULL THEN NULL ELSE chr(39) || replace(s::VARCHAR, chr(39), chr(39) || chr(39)) || chr(39) END"),
    "quote_nullable": ("s", "CASE WHEN s IS NULL THEN 'NULL' ELSE chr(39) || replace(s::VARCHAR, chr(39), chr(39) || chr(39)) || chr(39) END"),
    "pg_get_userbyid": ("o", "coalesce((SELECT rd_r.rolname FROM redduck_auth.roles rd_r WHERE rd_r.oid = o), "
                             "'unknown (OID=' || o || ')')"),
    "pg_encoding_to_char": ("e", "'UTF8'"),
    "pg_char_to_encoding": ("e", "6"),
    "pg_is_in_recovery": ("", "false"),
    # the schemas of the search path that exist, pg_catalog first when asked for: DuckDB's
    # own list ends with its internal `main`, which PostgreSQL clients must not see
    "current_schemas": ("implicit", "list_concat(CASE WHEN implicit THEN ['pg_catalog'] ELSE []::VARCHAR[] END, "
                                    "list_filter(system.main.current_schemas(false), "
                                    "lambda s: s NOT IN ('main', 'pg_catalog')))"),
    "txid_current": ("", "redduck_txid_current()"),
    "pg_current_xact_id": ("", "redduck_txid_current()"),
    "array_lower": ("a, d", "CASE WHEN len(a) > 0 AND d = 1 THEN 1 END"),
    "array_upper": ("a, d", "CASE WHEN len(a) > 0 AND d = 1 THEN len(a) END"),
    "quote_ident": ("s", "CASE WHEN regexp_full_match(s, '[a-z_][a-z0-9_$]*') THEN s "
                         "ELSE '\"' || replace(s, '\"', '\"\"') || '\"' END"),
    # (o, n, pretty) with n > 0: the n-th key column's name, as pgjdbc's getIndexInfo asks
    "pg_get_indexdef": ("o", _INDEXDEF + ", (o, col, pretty) AS CASE WHEN col = 0 THEN " + _INDEXDEF + " "
                             "ELSE (SELECT rd_a.attname FROM redduck_pg.pg_index rd_x "
                             "JOIN redduck_pg.pg_attribute rd_a ON rd_a.attrelid = rd_x.indrelid "
                             "AND rd_a.attnum = rd_x.indkey[col] WHERE rd_x.indexrelid = o LIMIT 1) END"),
    "pg_total_relation_size": ("o", "0::BIGINT"),
    "pg_relation_size": ("o", "0::BIGINT"),
    "pg_table_size": ("o", "0::BIGINT"),
    "pg_database_size": ("d", "0::BIGINT"),
    "pg_tablespace_location": ("o", "''"),
    "pg_get_function_identity_arguments": ("o", "''"),
    "pg_get_function_result": ("o", "''"),
    "pg_get_partkeydef": ("o", "NULL::VARCHAR"),
    "pg_get_statisticsobjdef_columns": ("o", "NULL::VARCHAR"),
    "pg_get_function_arguments": ("o", "''"),
    "pg_get_triggerdef": ("o", "'', (o, pretty) AS ''"),
    "pg_get_ruledef": ("o", "''"),
}

# 'name'::reg* → the OID (an error when missing; a string of digits is an OID already)
for _kind, _what in {"regclass": "relation", "regtype": "type", "regnamespace": "schema"}.items():
    _MACROS[f"redduck_{_kind}"] = ("name", f"CASE WHEN regexp_full_match(name, '[0-9]+') THEN name::BIGINT "
                                           f"ELSE coalesce(to_{_kind}(name), error('{_what} \"' || name || "
                                           f"'\" does not exist')) END")
# an OID read as reg*::text → the name (0 is '-', an unknown OID its digits), as PostgreSQL prints them
for _kind, (_col, _table) in {"regclass": ("relname", "redduck_pg.relations"),
                              "regnamespace": ("nspname", "redduck_pg.pg_namespace"),
                              "regproc": ("proname", "pg_catalog.pg_proc")}.items():
    _MACROS[f"redduck_{_kind}_name"] = ("o", f"CASE WHEN o = 0 THEN '-' ELSE coalesce((SELECT {_col} FROM {_table} "
                                             f"WHERE oid = o LIMIT 1), o::VARCHAR) END")

from .pg_function_macros import SCALAR as _PG_FUNCTIONS  # noqa: E402  (PostgreSQL functions DuckDB lacks)
_MACROS.update(_PG_FUNCTIONS)

CATALOG_FUNCTIONS = frozenset(_MACROS)


SCHEMA = "redduck_pg"  # not on any session's search path: \df and \dt do not list these


def _late_macros() -> set:
    """Macros that read redduck_pg's views, or call macros that do."""
    import re
    late = {n for n, (_, body) in _MACROS.items() if "redduck_pg." in body}
    while True:
        more = {n for n, (_, body) in _MACROS.items() if n not in late
                and any(re.search(rf"\b{m}\(", body) for m in late)}
        if not more:
            return late
        late |= more


def install_catalog_macros(con, late: bool = False) -> None:
    """The macros; those reading redduck_pg's views (`late`) come after the views."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    import re
    own = re.compile(r"(?<![.\w])(" + "|".join(sorted(_MACROS, key=len, reverse=True)) + r")\(")  # unqualified only
    con.execute(f"SET search_path = '{SCHEMA},main'")
    late_names = _late_macros()
    # a macro's body is expanded in the caller's query: call our own macros qualified
    todo = [(n, p, own.sub(lambda m: f"{SCHEMA}.{m.group(1)}(", b)) for n, (p, b) in _MACROS.items()
            if (n in late_names) == late]
    while todo:   # a macro binds the macros it calls: create those first, whatever their order here
        failed = []
        for name, params, body in todo:
            try:
                con.execute(f"CREATE OR REPLACE MACRO {SCHEMA}.{name}({params}) AS {body}")
            except (duckdb.CatalogException, duckdb.BinderException):
                failed.append((name, params, body))
        if len(failed) == len(todo):
            raise RuntimeError(f"catalog macros that cannot be created: {[f[0] for f in failed]}")
        todo = failed
    con.execute("SET search_path = 'main'")


# pg_class / pg_attribute with the columns PostgreSQL 15 has and DuckDB's views lack;
# queries naming pg_catalog.pg_class read these instead (rules/catalog_tables.py)
VIEWS = {
    "pg_class": "SELECT *, false AS relforcerowsecurity FROM pg_catalog.pg_class",
    # catalogs of features redduck has not (policies, inheritance, publications, triggers …):
    # present and empty, as on a PostgreSQL database that uses none of them
    # redduck's own schemas (this catalog, the role store) are not the database's: hidden
    # DuckDB's `main` is not PostgreSQL's: shown only while something lives there
    "pg_namespace": "SELECT redduck_pg.stable_oid('n', NULL, nspname) AS oid, nspname, 10::UINTEGER AS nspowner, nspacl "
                    "FROM pg_catalog.pg_namespace WHERE nspname NOT IN ('redduck_pg', 'redduck_auth') "
                    "AND (nspname <> 'main' OR EXISTS (SELECT 1 FROM duckdb_tables() WHERE schema_name = 'main' "
                    "AND database_name = current_database() UNION ALL SELECT 1 FROM duckdb_views() "
                    "WHERE schema_name = 'main' AND NOT internal AND database_name = current_database() "
                    "AND view_name <> 'svv_ml_model_info')) "
                    "UNION ALL SELECT 11, 'pg_catalog', 10, NULL UNION ALL SELECT 13180, 'information_schema', 10, NULL",
    "pg_range": "SELECT NULL::UINTEGER AS rngtypid, NULL::UINTEGER AS rngsubtype, NULL::UINTEGER AS rngmultitypid, "
                "NULL::BIGINT AS rngcollation, NULL::BIGINT AS rngsubopc, NULL::VARCHAR AS rngcanonical, "
                "NULL::VARCHAR AS rngsubdiff WHERE false",
    "pg_policy": "SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS polname, NULL::BIGINT AS polrelid, "
                 "NULL::VARCHAR AS polcmd, NULL::BOOLEAN AS polpermissive, NULL::BIGINT[] AS polroles, "
                 "NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck, NULL::UINTEGER AS xmin WHERE false",
    "pg_collation": "SELECT * FROM (VALUES (100::UINTEGER, 'default', 11::UINTEGER, 10::UINTEGER, 'd', true, -1, "
                    "NULL, NULL, NULL, NULL), (950::UINTEGER, 'C', 11::UINTEGER, 10::UINTEGER, 'c', true, -1, 'C', "
                    "'C', NULL, NULL), (951::UINTEGER, 'POSIX', 11::UINTEGER, 10::UINTEGER, 'c', true, -1, 'POSIX', "
                    "'POSIX', NULL, NULL)) AS c(oid, collname, collnamespace, collowner, collprovider, "
                    "collisdeterministic, collencoding, collcollate, collctype, colliculocale, collversion)",
    "pg_opclass": "SELECT NULL::UINTEGER AS oid, NULL::UINTEGER AS opcmethod, NULL::VARCHAR AS opcname, "
                  "NULL::UINTEGER AS opcnamespace, NULL::UINTEGER AS opcowner, NULL::UINTEGER AS opcfamily, "
                  "NULL::UINTEGER AS opcintype, NULL::BOOLEAN AS opcdefault, NULL::UINTEGER AS opckeytype, "
                  "NULL::UINTEGER AS xmin WHERE false",
    "pg_inherits": "SELECT NULL::BIGINT AS inhrelid, NULL::BIGINT AS inhparent, NULL::INTEGER AS inhseqno, "
                   "NULL::BOOLEAN AS inhdetachpending, NULL::UINTEGER AS xmin WHERE false",
    "pg_publication": "SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS pubname, NULL::BIGINT AS pubowner, "
                      "NULL::BOOLEAN AS puballtables, "
                      "NULL::BOOLEAN AS pubinsert, NULL::BOOLEAN AS pubupdate, NULL::BOOLEAN AS pubdelete, "
                      "NULL::BOOLEAN AS pubtruncate, NULL::BOOLEAN AS pubviaroot WHERE false",
    "pg_publication_rel": "SELECT NULL::BIGINT AS oid, NULL::BIGINT AS prpubid, NULL::BIGINT AS prrelid, "
                          "NULL::VARCHAR AS prqual, NULL::INTEGER[] AS prattrs WHERE false",
    "pg_publication_namespace": "SELECT NULL::BIGINT AS oid, NULL::BIGINT AS pnpubid, NULL::BIGINT AS pnnspid "
                                "WHERE false",
    "pg_statistic_ext": "SELECT NULL::BIGINT AS oid, NULL::BIGINT AS stxrelid, NULL::VARCHAR AS stxname, "
                        "NULL::BIGINT AS stxnamespace, NULL::INTEGER AS stxstattarget, NULL::INTEGER[] AS stxkeys, "
                        "NULL::VARCHAR[] AS stxkind, NULL::VARCHAR AS stxexprs WHERE false",
    "pg_trigger": "SELECT NULL::BIGINT AS oid, NULL::BIGINT AS tgrelid, NULL::BIGINT AS tgparentid, "
                  "NULL::VARCHAR AS tgname, NULL::BIGINT AS tgfoid, NULL::INTEGER AS tgtype, NULL::VARCHAR AS tgenabled, "
                  "NULL::BOOLEAN AS tgisinternal, NULL::BIGINT AS tgconstrrelid, NULL::BIGINT AS tgconstrindid, "
                  "NULL::BIGINT AS tgconstraint, NULL::BOOLEAN AS tgdeferrable, NULL::BOOLEAN AS tginitdeferred, "
                  "NULL::UINTEGER AS xmin WHERE false",
    "pg_rewrite": "SELECT NULL::BIGINT AS oid, NULL::VARCHAR AS rulename, NULL::BIGINT AS ev_class, "
                  "NULL::VARCHAR AS ev_type, NULL::VARCHAR AS ev_enabled, NULL::BOOLEAN AS is_instead, "
                  "NULL::UINTEGER AS xmin WHERE false",
    "pg_foreign_table": "SELECT NULL::BIGINT AS ftrelid, NULL::BIGINT AS ftserver, NULL::VARCHAR[] AS ftoptions, "
                        "NULL::UINTEGER AS xmin WHERE false",
    "pg_partitioned_table": "SELECT NULL::BIGINT AS partrelid, NULL::VARCHAR AS partstrat, "
                            "NULL::INTEGER AS partnatts WHERE false",
    "pg_extension": "SELECT 13000::BIGINT AS oid, 'plpgsql' AS extname, 10::BIGINT AS extowner, "
                    "11::BIGINT AS extnamespace, false AS extrelocatable, '1.0' AS extversion, "
                    "NULL::BIGINT[] AS extconfig, NULL::VARCHAR[] AS extcondition",
    # PostgreSQL's two tablespaces (DuckDB lists one, owned by nobody)
    "pg_tablespace": "SELECT * FROM (VALUES (1663::BIGINT, 'pg_default', 10::BIGINT, NULL::VARCHAR[], "
                     "NULL::VARCHAR[]), (1664, 'pg_global', 10, NULL, NULL)) AS t(oid, spcname, spcowner, spcacl, "
                     "spcoptions)",
    # DuckDB's sequences are bigint; a cache of 0 is PostgreSQL's 1
    "pg_sequence": "SELECT * REPLACE (20 AS seqtypid, greatest(seqcache, 1) AS seqcache) FROM pg_catalog.pg_sequence",
    # roles from redduck's own role store; passwords never shown (pg_authid: superusers only)
    "pg_roles": "SELECT oid::BIGINT AS oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, "
                "rolcanlogin, false AS rolreplication, rolconnlimit, '********' AS rolpassword, rolvaliduntil, "
                "rolsuper AS rolbypassrls, NULL::VARCHAR[] AS rolconfig FROM redduck_auth.roles",
    "pg_authid": "SELECT oid::BIGINT AS oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, "
                 "rolcanlogin, false AS rolreplication, rolsuper AS rolbypassrls, rolconnlimit, "
                 "coalesce(scram, md5) AS rolpassword, rolvaliduntil FROM redduck_auth.roles",
    "pg_auth_members": "SELECT (roleid::BIGINT << 32) + member AS oid, roleid::BIGINT AS roleid, "
                       "member::BIGINT AS member, 10::BIGINT AS grantor, false AS admin_option "
                       "FROM redduck_auth.members",
    "pg_user": "SELECT rolname AS usename, oid::BIGINT AS usesysid, rolcreatedb AS usecreatedb, rolsuper AS usesuper, "
               "false AS userepl, rolsuper AS usebypassrls, '********' AS passwd, rolvaliduntil AS valuntil, "
               "NULL::VARCHAR[] AS useconfig FROM redduck_auth.roles WHERE rolcanlogin",
    "pg_am": "SELECT * FROM (VALUES (2::BIGINT, 'heap', 3::BIGINT, 't'), (403::BIGINT, 'btree', 330::BIGINT, 'i'), "
             "(405::BIGINT, 'hash', 331::BIGINT, 'i'), (783::BIGINT, 'gist', 332::BIGINT, 'i'), "
             "(2742::BIGINT, 'gin', 333::BIGINT, 'i'), (4000::BIGINT, 'spgist', 334::BIGINT, 'i'), "
             "(3580::BIGINT, 'brin', 335::BIGINT, 'i')) AS am(oid, amname, amhandler, amtype)",
    # COMMENT ON table / view / column, as PostgreSQL keeps them
    "pg_description": f"SELECT {relation('database_name', 'schema_name', 'table_name')} AS objoid, "
                      "1259::BIGINT AS classoid, 0 AS objsubid, comment AS description "
                      "FROM duckdb_tables() WHERE comment IS NOT NULL AND comment <> '' UNION ALL "
                      f"SELECT {relation('database_name', 'schema_name', 'view_name')}, 1259::BIGINT, 0, comment "
                      "FROM duckdb_views() WHERE comment IS NOT NULL AND comment <> '' UNION ALL "
                      f"SELECT {relation('database_name', 'schema_name', 'table_name')}, 1259::BIGINT, "
                      "(column_index)::INTEGER, comment FROM duckdb_columns() WHERE comment IS NOT NULL AND comment <> '' "
                      # PostgreSQL's own: plpgsql (the language and its extension), the public schema
                      "UNION ALL SELECT 13576, 2612, 0, 'PL/pgSQL procedural language' "
                      "UNION ALL SELECT 13000, 3079, 0, 'PL/pgSQL procedural language' "
                      "UNION ALL SELECT 2200, 2615, 0, 'standard public schema'",
    "pg_matviews": "SELECT NULL::VARCHAR AS schemaname, NULL::VARCHAR AS matviewname, NULL::VARCHAR AS matviewowner, "
                   "NULL::VARCHAR AS tablespace, NULL::BOOLEAN AS hasindexes, NULL::BOOLEAN AS ispopulated, "
                   "NULL::VARCHAR AS definition WHERE false",
    "pg_tables": "SELECT * REPLACE (coalesce((SELECT o.owner FROM redduck_auth.owners o WHERE o.kind = 'table' "
                 "AND o.schema_name = schemaname AND o.object_name = lower(tablename)), "
                 "(SELECT rolname FROM redduck_auth.roles WHERE oid = 10)) AS tableowner) FROM pg_catalog.pg_tables "
                 "WHERE schemaname NOT IN ('redduck_pg', 'redduck_auth')",
    # statistics PostgreSQL keeps and DuckDB does not: zeros, and DuckDB's row estimate
    "pg_stat_user_tables": f"SELECT {relation('database_name', 'schema_name', 'table_name')} AS relid, "
                           "schema_name AS schemaname, table_name AS relname, "
                           "0::BIGINT AS seq_scan, 0::BIGINT AS seq_tup_read, 0::BIGINT AS idx_scan, "
                           "0::BIGINT AS idx_tup_fetch, 0::BIGINT AS n_tup_ins, 0::BIGINT AS n_tup_upd, "
                           "0::BIGINT AS n_tup_del, 0::BIGINT AS n_tup_hot_upd, estimated_size::BIGINT AS n_live_tup, "
                           "0::BIGINT AS n_dead_tup, 0::BIGINT AS n_mod_since_analyze, 0::BIGINT AS n_ins_since_vacuum, "
                           "NULL::TIMESTAMPTZ AS last_vacuum, NULL::TIMESTAMPTZ AS last_autovacuum, "
                           "NULL::TIMESTAMPTZ AS last_analyze, NULL::TIMESTAMPTZ AS last_autoanalyze, "
                           "0::BIGINT AS vacuum_count, 0::BIGINT AS autovacuum_count, 0::BIGINT AS analyze_count, "
                           "0::BIGINT AS autoanalyze_count FROM duckdb_tables() WHERE database_name = current_database() "
                           "AND schema_name NOT IN ('redduck_pg', 'redduck_auth', 'redduck_ml')",
    # information_schema.table_privileges: explicit grants, plus the owners' implicit ones
    "table_privileges": "SELECT coalesce(g.grantor, g.grantee) AS grantor, CASE WHEN g.grantee = 'public' "
                        "THEN 'PUBLIC' ELSE g.grantee END AS grantee, current_database() AS table_catalog, "
                        "g.schema_name AS table_schema, g.object_name AS table_name, g.privilege AS privilege_type, "
                        "'NO' AS is_grantable, CASE WHEN g.privilege = 'SELECT' THEN 'YES' ELSE 'NO' END "
                        "AS with_hierarchy FROM (SELECT grantor, grantee, schema_name, object_name, privilege "
                        "FROM redduck_auth.grants WHERE kind = 'table' UNION ALL SELECT o.owner, o.owner, "
                        "o.schema_name, o.object_name, p.privilege FROM redduck_auth.owners o, (VALUES ('SELECT'), "
                        "('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) p(privilege) "
                        "WHERE o.kind = 'table') g",
}


def _constraint_name(p: str = "") -> str:
    """PostgreSQL's names for constraints: t_pkey, t_col_key, t_col_fkey, t_col_check (`p`: a
    table alias and dot, where the row's columns need one)."""
    cols = f"array_to_string({p}constraint_column_names, '_')"
    return (f"CASE {p}constraint_type WHEN 'PRIMARY KEY' THEN {p}table_name || '_pkey' "
            f"WHEN 'UNIQUE' THEN {p}table_name || '_' || {cols} || '_key' "
            f"WHEN 'FOREIGN KEY' THEN {p}table_name || '_' || {cols} || '_fkey' "
            f"ELSE {p}table_name || '_' || {cols} || '_check' END")


_CONSTRAINT_NAME = _constraint_name()

# Primary keys and unique constraints are indexes in PostgreSQL's catalog (pg_index rows
# with pg_class rows of relkind 'i'); DuckDB lists only CREATE INDEX ones. Their OID is the
# stable one of their name, as any relation's (catalog/oids.py)
_CONSTRAINT_INDEX_OID = stable("r", "schema_name", _CONSTRAINT_NAME)
_CONSTRAINT_INDEXES = ("FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') "
                       "AND database_name = current_database()")


def _quoted_list(lst: str) -> str:
    return f"array_to_string(list_transform({lst}, lambda n: redduck_pg.quote_ident(n)), ', ')"


def _pg_constraint_sql() -> str:
    """Primary, unique, foreign key and check constraints with PostgreSQL's names, 1-based
    conkey/confkey, the referenced table's OID, and the definition pg_get_constraintdef shows."""
    q = _quoted_list
    return f"""
WITH c AS (
    SELECT * FROM duckdb_constraints()
    WHERE database_name = current_database() AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY', 'CHECK')),
ref AS (
    SELECT c.table_oid, c.constraint_index, min(t.table_oid) AS ref_oid, min(t.schema_name) AS ref_schema
    FROM c JOIN duckdb_tables() t ON t.database_name = c.database_name
        AND t.table_name = string_split(c.referenced_table, '.')[-1]
        AND (t.schema_name = c.schema_name OR len(string_split(c.referenced_table, '.')) > 1)
    WHERE c.constraint_type = 'FOREIGN KEY' GROUP BY ALL),
refcols AS (
    SELECT u.table_oid, u.constraint_index, list((col.column_index)::SMALLINT ORDER BY u.pos) AS confkey
    FROM (SELECT c.table_oid, c.constraint_index, unnest(c.referenced_column_names) AS name,
                 generate_subscripts(c.referenced_column_names, 1) AS pos
          FROM c WHERE c.constraint_type = 'FOREIGN KEY') u
    JOIN ref r USING (table_oid, constraint_index)
    JOIN duckdb_columns() col ON col.table_oid = r.ref_oid AND col.column_name = u.name
    GROUP BY ALL),
refidx AS (  -- a foreign key's conindid is the referenced key's index, as PostgreSQL has it
    SELECT r.table_oid, r.constraint_index, min({stable("r", "k.schema_name", _constraint_name("k."))}) AS idx
    FROM ref r JOIN c USING (table_oid, constraint_index)
    JOIN duckdb_constraints() k ON k.table_oid = r.ref_oid AND k.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
        AND k.constraint_column_names = c.referenced_column_names
    GROUP BY ALL)
SELECT {stable("c", "c.schema_name", _CONSTRAINT_NAME)} AS oid, {_CONSTRAINT_NAME} AS conname,
       {namespace("c.schema_name")} AS connamespace,
       CASE c.constraint_type WHEN 'PRIMARY KEY' THEN 'p' WHEN 'UNIQUE' THEN 'u' WHEN 'FOREIGN KEY' THEN 'f'
            ELSE 'c' END AS contype,
       false AS condeferrable, false AS condeferred, true AS convalidated,
       {stable("r", "c.schema_name", "c.table_name")} AS conrelid,
       0::UINTEGER AS contypid,
       (CASE WHEN c.constraint_type IN ('PRIMARY KEY', 'UNIQUE') THEN {stable("r", "c.schema_name", _CONSTRAINT_NAME)}
            ELSE coalesce(refidx.idx, 0) END)::UINTEGER AS conindid,
       0::UINTEGER AS conparentid,
       (CASE WHEN ref.ref_oid IS NULL THEN 0 ELSE {stable("r", "ref.ref_schema", "string_split(c.referenced_table, '.')[-1]")}
            END)::UINTEGER AS confrelid,
       CASE WHEN c.constraint_type = 'FOREIGN KEY' THEN 'a' ELSE ' ' END AS confupdtype,
       CASE WHEN c.constraint_type = 'FOREIGN KEY' THEN 'a' ELSE ' ' END AS confdeltype,
       CASE WHEN c.constraint_type = 'FOREIGN KEY' THEN 's' ELSE ' ' END AS confmatchtype,
       true AS conislocal, 0 AS coninhcount, false AS connoinherit,
       list_transform(c.constraint_column_indexes, lambda i: (i + 1)::SMALLINT) AS conkey,
       CASE WHEN c.constraint_type = 'FOREIGN KEY' THEN refcols.confkey
            END AS confkey,
       NULL::UINTEGER[] AS conpfeqop, NULL::UINTEGER[] AS conppeqop, NULL::UINTEGER[] AS conffeqop,
       NULL::UINTEGER[] AS conexclop, c.expression AS conbin,
       CASE c.constraint_type
            WHEN 'PRIMARY KEY' THEN 'PRIMARY KEY (' || {q('c.constraint_column_names')} || ')'
            WHEN 'UNIQUE' THEN 'UNIQUE (' || {q('c.constraint_column_names')} || ')'
            WHEN 'FOREIGN KEY' THEN 'FOREIGN KEY (' || {q('c.constraint_column_names')} || ') REFERENCES '
                 || CASE WHEN ref.ref_schema IN ('public', 'main') THEN '' ELSE ref.ref_schema || '.' END
                 || string_split(c.referenced_table, '.')[-1] || '(' || {q('c.referenced_column_names')} || ')'
            ELSE 'CHECK (' || c.expression || ')' END AS redduck_def
FROM c LEFT JOIN ref USING (table_oid, constraint_index) LEFT JOIN refcols USING (table_oid, constraint_index)
    LEFT JOIN refidx USING (table_oid, constraint_index)
"""


def _pg_index_sql() -> str:
    """DuckDB's pg_index with indkey/indclass/indoption filled in for CREATE INDEX indexes of
    plain columns (DuckDB leaves them NULL), and the primary key and unique indexes."""
    keys = ("(SELECT k.index_oid, list(c.column_index::INTEGER ORDER BY k.pos) AS keys FROM "
            "(SELECT index_oid, table_oid, unnest(string_split(replace(replace(trim(expressions, '[]'), chr(39), ''), "
            "'\"', ''), ', ')) AS name, generate_subscripts(string_split(trim(expressions, '[]'), ', '), 1) AS pos "
            "FROM duckdb_indexes()) k JOIN duckdb_columns() c ON c.table_oid = k.table_oid AND c.column_name = k.name "
            "GROUP BY k.index_oid)")
    zeros = "list_transform(coalesce(i.indkey, dk.keys), lambda x: 0)"
    return ("SELECT i.* REPLACE (coalesce(nullif(i.indnatts, 0), len(dk.keys))::INTEGER AS indnatts, "
            "coalesce(nullif(i.indnkeyatts, 0), len(dk.keys))::INTEGER AS indnkeyatts, "
            "coalesce(i.indkey, dk.keys) AS indkey, "
            f"coalesce(i.indclass, {zeros}::BIGINT[]) AS indclass, "
            f"coalesce(i.indoption, {zeros}::INTEGER[]) AS indoption, "
            f"coalesce(i.indcollation, {zeros}::BIGINT[]) AS indcollation, "
            "CASE WHEN dk.keys IS NOT NULL THEN NULL ELSE i.indexprs END AS indexprs, "
            f"{relation('di.database_name', 'di.schema_name', 'di.index_name')} AS indexrelid, "
            f"{relation('di.database_name', 'di.schema_name', 'di.table_name')} AS indrelid), "
            f"false AS indnullsnotdistinct FROM pg_catalog.pg_index i LEFT JOIN {keys} dk ON dk.index_oid = i.indexrelid "
            "JOIN duckdb_indexes() di ON di.index_oid = i.indexrelid "
            "UNION ALL "
            f"SELECT {_CONSTRAINT_INDEX_OID}, {stable('r', 'schema_name', 'table_name')}, "
            "len(constraint_column_indexes)::INTEGER, "
            "len(constraint_column_indexes)::INTEGER, true, constraint_type = 'PRIMARY KEY', false, true, false, "
            "true, false, true, true, false, list_transform(constraint_column_indexes, lambda c: (c + 1)::INTEGER), "
            "list_transform(constraint_column_indexes, lambda c: 0::BIGINT), "
            "list_transform(constraint_column_indexes, lambda c: 0::BIGINT), "
            "list_transform(constraint_column_indexes, lambda c: 0::INTEGER), NULL::VARCHAR, NULL, false "
            f"{_CONSTRAINT_INDEXES}")


def _pg_class_sql(con) -> str:
    """DuckDB's pg_class with typed reloptions/relacl, the owner from redduck's role store
    (the bootstrap superuser, OID 10, for what nobody created through redduck), plus the
    indexes PostgreSQL has for primary keys and unique constraints."""
    cols = con.execute("DESCRIBE pg_catalog.pg_class").fetchall()
    given = {"oid": _CONSTRAINT_INDEX_OID, "relname": _CONSTRAINT_NAME, "relnamespace": namespace("schema_name"),
             "relkind": "'i'", "relam": "403::BIGINT", "relnatts": "len(constraint_column_indexes)::INTEGER",
             "relpersistence": "'p'", "relhasindex": "false", "relispartition": "false", "relchecks": "0",
             "relowner": "10::BIGINT", "reltablespace": "0::BIGINT", "reloftype": "0::BIGINT",
             "relreplident": "'n'", "relrowsecurity": "false", "relhasrules": "false", "relhastriggers": "false",
             "relpages": "1", "reltuples": "0"}   # as a new btree index (pgjdbc's getIndexInfo reads them)
    list_cols = {"reloptions", "relacl"}
    oids_schema = schema_of("rd_cs.database_name", "rd_cs.schema_name")

    def typed(n: str, t: str) -> str:
        if n in list_cols:
            return "VARCHAR[]"
        return "VARCHAR" if t.strip('"') == "NULL" else t

    # joins, not correlated subqueries: catalog queries read pg_class often (15 ms → a few)
    types = {n: t for n, t, *_ in cols}
    replaced = [f"CAST({relation('rd_cs.database_name', 'rd_cs.schema_name', 'c.relname')} AS {typed('oid', types['oid'])}) "
                "AS oid",
                f"CAST({namespace(oids_schema)} AS {typed('relnamespace', types['relnamespace'])}) AS relnamespace",
                "CAST(c.reloptions AS VARCHAR[]) AS reloptions", "CAST(acl.items AS VARCHAR[]) AS relacl",
                f"CAST(coalesce(ow.owner_oid, 10) AS {typed('relowner', 'INTEGER')}) AS relowner",
                "coalesce(CAST(c.relreplident AS VARCHAR), 'd') AS relreplident",
                # PostgreSQL's access methods: heap tables, btree indexes (DuckDB says 0 / its ART)
                "CAST(CASE c.relkind WHEN 'r' THEN 2 WHEN 'i' THEN 403 ELSE 0 END AS INTEGER) AS relam",
                f"CAST(CASE WHEN c.relkind = 'i' THEN 1 ELSE c.relpages END AS {typed('relpages', 'BIGINT')}) "
                "AS relpages",
                # psql looks for foreign keys only where a table "has triggers", as FKs do in PostgreSQL
                "coalesce(c.relhastriggers, false) OR fk.fk_oid IS NOT NULL OR rf.ref_name IS NOT NULL "
                "AS relhastriggers"]
    joins = ("LEFT JOIN (SELECT rd_n.oid AS nsp, rd_o.object_name AS name, min(rd_r.oid) AS owner_oid "
             "FROM redduck_auth.owners rd_o JOIN redduck_auth.roles rd_r ON rd_r.rolname = rd_o.owner "
             "JOIN pg_catalog.pg_namespace rd_n ON rd_n.nspname = rd_o.schema_name WHERE rd_o.kind = 'table' "
             "GROUP BY ALL) ow ON ow.nsp = c.relnamespace AND ow.name = lower(c.relname) "
             "LEFT JOIN (SELECT DISTINCT table_oid AS fk_oid FROM duckdb_constraints() "
             "WHERE constraint_type = 'FOREIGN KEY') fk ON fk.fk_oid = c.oid "
             "LEFT JOIN (SELECT DISTINCT string_split(referenced_table, '.')[-1] AS ref_name "
             "FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY') rf ON rf.ref_name = c.relname "
             f"LEFT JOIN ({_ACL_SQL}) acl ON acl.nsp = c.relnamespace AND acl.name = lower(c.relname) "
             "LEFT JOIN duckdb_schemas() rd_cs ON rd_cs.oid = c.relnamespace")
    select = [f"CAST({given[n]} AS {typed(n, t)})" if n in given else f"NULL::{typed(n, t)}" for n, t, *_ in cols]
    hidden = ("c.relnamespace NOT IN (SELECT oid FROM duckdb_schemas() WHERE schema_name IN "
              "('redduck_pg', 'redduck_auth'))")
    # xmin inline: a wrapping SELECT *, xmin … trips DuckDB's decorrelation in psql's \d queries
    return (f"SELECT c.* REPLACE ({', '.join(replaced)}), false AS relforcerowsecurity, "
            f"redduck_catalog_xid() AS xmin FROM pg_catalog.pg_class c {joins} WHERE {hidden} "
            f"UNION ALL SELECT {', '.join(select)}, false, redduck_catalog_xid() {_CONSTRAINT_INDEXES} "
            "AND schema_name NOT IN ('redduck_pg', 'redduck_auth')")


# relacl as PostgreSQL's aclitem text (owner=arwdDxt/owner, alice=r/owner, =r/owner for PUBLIC):
# NULL, the default, until something is granted
_ACL_SQL = (
    "SELECT rd_n.oid AS nsp, a.object_name AS name, list(a.item ORDER BY a.ord, a.item) AS items FROM ("
    "SELECT o.schema_name, o.object_name, 0 AS ord, o.owner || '=arwdDxt/' || o.owner AS item "
    "FROM redduck_auth.owners o WHERE o.kind = 'table' AND EXISTS (SELECT 1 FROM redduck_auth.grants g "
    "WHERE g.kind = 'table' AND g.schema_name = o.schema_name AND g.object_name = o.object_name) "
    "UNION ALL SELECT g.schema_name, g.object_name, 1, CASE WHEN g.grantee = 'public' THEN '' ELSE g.grantee END "
    "|| '=' || string_agg(l.letter, '' ORDER BY strpos('arwdDxt', l.letter)) || '/' || min(g.grantor) "
    "FROM redduck_auth.grants g JOIN (VALUES ('SELECT', 'r'), ('INSERT', 'a'), ('UPDATE', 'w'), ('DELETE', 'd'), "
    "('TRUNCATE', 'D'), ('REFERENCES', 'x'), ('TRIGGER', 't')) l(privilege, letter) ON l.privilege = g.privilege "
    "WHERE g.kind = 'table' GROUP BY g.schema_name, g.object_name, g.grantee) a "
    "JOIN pg_catalog.pg_namespace rd_n ON rd_n.nspname = a.schema_name GROUP BY ALL")


def _pg_indexdef_sql() -> str:
    """pg_get_indexdef's text, as PostgreSQL writes it: CREATE [UNIQUE] INDEX n ON s.t USING btree (cols)."""
    return (f"SELECT {stable('r', 'schema_name', 'index_name')} AS oid, "
            "'CREATE ' || CASE WHEN is_unique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' "
            "|| index_name || ' ON ' || schema_name || '.' || table_name || ' USING btree (' "
            "|| replace(replace(trim(expressions, '[]'), chr(39), ''), '\"', '') || ')' AS def FROM duckdb_indexes() WHERE database_name = current_database() "
            f"UNION ALL SELECT {_CONSTRAINT_INDEX_OID}, 'CREATE UNIQUE INDEX ' || {_CONSTRAINT_NAME} || ' ON ' "
            "|| schema_name || '.' || table_name || ' USING btree (' "
            f"|| {_quoted_list('constraint_column_names')} || ')' {_CONSTRAINT_INDEXES}")


def _pg_type_sql(con) -> str:
    """DuckDB's pg_type with typelem/typarray/typdelim filled in, plus PostgreSQL's array
    types (_int4 …), which clients such as asyncpg look up to build array codecs."""
    from redduck.protocol import types as T
    cols = con.execute("DESCRIBE pg_catalog.pg_type").fetchall()
    ns = "11"

    arrays = {t.oid: t.array_oid for t in T.BY_OID.values() if t.array_oid}
    arr_case = "CASE oid " + " ".join(f"WHEN {o} THEN {a}" for o, a in arrays.items()) + " ELSE 0 END"
    # built-in types live in DuckDB's system catalog, whose schema pg_namespace does not list:
    # they belong to pg_catalog (OID 11), as in PostgreSQL
    # an enum's OID and schema are the stable ones of its name (catalog/oids.py)
    base = {"oid": f"CASE WHEN rd_e.type_oid IS NOT NULL THEN {stable('t', 'rd_e.schema_name', 'rd_e.type_name')} "
                   "ELSE oid END",
            "typnamespace": f"CASE WHEN rd_e.type_oid IS NOT NULL THEN {namespace('rd_e.schema_name')} ELSE 11 END",
            "typowner": "10",
            "typdelim": "','", "typrelid": "0", "typelem": "0", "typarray": arr_case, "typbasetype": "0",
            "typtypmod": "-1", "typndims": "0", "typnotnull": "false", "typcollation": "0"}
    oid_cols = {"oid", "typnamespace", "typrelid", "typelem", "typarray", "typbasetype", "typcollation"}
    def col_type(n: str, t: str) -> str:
        if n in oid_cols:
            return "UINTEGER"  # reported as oid, as PostgreSQL types these columns
        if t.strip('"') == "NULL":  # DuckDB leaves these untyped: numbers, but typdelim
            return "VARCHAR" if n in ("typdelim", "typalign", "typstorage", "typdefault") else "BIGINT"
        return t

    # PostgreSQL's typlen for the types it shares with DuckDB (DuckDB reports its own sizes)
    base["typlen"] = "CASE WHEN typtype = 'e' THEN 4 ELSE CASE oid " + " ".join(  # an enum value: a 4-byte OID
        f"WHEN {t.oid} THEN {T.typlen(t.oid)}" for t in T.BY_OID.values()) + " ELSE typlen END END"
    base["typbyval"] = "typtype = 'e' OR oid IN (16, 18, 20, 21, 23, 26, 700, 701, 1082, 1083, 1114, 1184)"
    base["typalign"] = "CASE WHEN oid IN (20, 701, 1083, 1114, 1184, 1186) THEN 'd' WHEN oid IN (16, 18, 2950) " \
                       "THEN 'c' WHEN oid = 21 THEN 's' ELSE 'i' END"
    base["typstorage"] = "CASE WHEN typtype = 'e' OR oid IN (16, 18, 20, 21, 23, 26, 700, 701, 1082, 1083, 1114, " \
                         "1184, 2950) THEN 'p' WHEN oid = 1700 THEN 'm' ELSE 'x' END"
    select_base = [f"CAST({base[n] if n in base else n} AS {col_type(n, t)}) AS {n}" for n, t, *_ in cols]
    # PostgreSQL's base types DuckDB's pg_type lacks (text, name, oid, json, jsonb, bpchar, reg*)
    present = {r[0] for r in con.execute("SELECT oid FROM pg_catalog.pg_type").fetchall()}
    categories = {"text": "S", "name": "S", "char": "S", "bpchar": "S", "json": "U", "jsonb": "U", "void": "P",
                  "unknown": "X"}
    missing = [t for t in T.BY_OID.values() if t.oid not in present]
    extra_given = {"oid": "m.moid", "typname": "m.mname", "typnamespace": ns, "typowner": "10", "typlen": "m.mlen",
                   "typbyval": "m.mlen BETWEEN 1 AND 8", "typtype": "CASE WHEN m.mname = 'void' THEN 'p' ELSE 'b' END",
                   "typcategory": "m.mcat", "typispreferred": "m.mname = 'text'", "typisdefined": "true",
                   "typdelim": "','", "typrelid": "0", "typelem": "0", "typarray": "m.marr", "typalign": "'i'",
                   "typstorage": "'x'", "typbasetype": "0", "typtypmod": "-1", "typndims": "0",
                   "typnotnull": "false", "typcollation": "0"}
    select_extra = [f"CAST({extra_given[n]} AS {col_type(n, t)})" if n in extra_given else f"NULL::{col_type(n, t)}"
                    for n, t, *_ in cols]
    extra_values = ", ".join(f"({t.oid}, '{t.name}', {T.typlen(t.oid)}, '{categories.get(t.name, 'N')}', "
                             f"{t.array_oid or 0})" for t in missing)
    arr_given = {"oid": "a.aoid", "typname": "'_' || a.ename", "typnamespace": ns, "typowner": "10",
                 "typlen": "-1", "typbyval": "false", "typtype": "'b'", "typcategory": "'A'",
                 "typispreferred": "false", "typisdefined": "true", "typdelim": "','", "typrelid": "0",
                 "typelem": "a.eoid", "typarray": "0", "typalign": "'i'", "typstorage": "'x'",
                 "typbasetype": "0", "typtypmod": "-1", "typndims": "0", "typnotnull": "false",
                 "typcollation": "0"}
    select_arr = [f"CAST({arr_given[n]} AS {col_type(n, t)})" if n in arr_given else f"NULL::{col_type(n, t)}"
                  for n, t, *_ in cols]
    values = ", ".join(f"({t.array_oid}, {t.oid}, '{t.name}')" for t in T.BY_OID.values() if t.array_oid)
    sql = (f"SELECT {', '.join(select_base)} FROM pg_catalog.pg_type LEFT JOIN duckdb_types() rd_e "
           "ON rd_e.type_oid = pg_type.oid AND rd_e.logical_type = 'ENUM' AND NOT rd_e.internal "
           "WHERE pg_type.oid IS NOT NULL UNION ALL "
           f"SELECT {', '.join(select_arr)} FROM (VALUES {values}) AS a(aoid, eoid, ename)")
    if missing:
        sql += (f" UNION ALL SELECT {', '.join(select_extra)} "
                f"FROM (VALUES {extra_values}) AS m(moid, mname, mlen, mcat, marr)")
    return sql


# catalogs whose rows carry xmin (DataGrip selects it from each of these)
# (the empty ones carry a NULL xmin of their own: a wrapping SELECT over an empty view trips
# DuckDB's decorrelation in psql's \\d queries)
_XMIN_CATALOGS = {"pg_namespace", "pg_type", "pg_attribute", "pg_index", "pg_constraint", "pg_description",
                  "pg_am", "pg_collation", "pg_extension", "pg_language"}
# DuckDB's own pg_catalog views, read through redduck_pg only to add xmin
_DUCKDB_CATALOGS_WITH_XMIN = ("pg_proc", "pg_database", "pg_tablespace", "pg_attrdef", "pg_enum", "pg_sequence",
                              "pg_depend")


# PostgreSQL's OIDs of the catalogs, the tableoid of their rows (the empty ones carry a NULL of their own)
_TABLEOIDS = {"pg_class": 1259, "pg_constraint": 2606, "pg_proc": 1255, "pg_type": 1247, "pg_namespace": 2615,
              "pg_language": 2612, "pg_attrdef": 2604, "pg_index": 2610, "pg_attribute": 1249, "pg_database": 1262,
              "pg_am": 2601, "pg_collation": 3456, "pg_extension": 3079, "pg_description": 2609, "pg_enum": 3501,
              "pg_tablespace": 1213, "pg_depend": 2608, "pg_sequence": 2224, "pg_authid": 1260,
              "pg_auth_members": 1261, "pg_policy": 3256, "pg_trigger": 2620, "pg_rewrite": 2618,
              "pg_opclass": 2616, "pg_publication": 6104, "pg_statistic_ext": 3381, "pg_inherits": 2611,
              "pg_range": 3541}


def pg_proc_sql(model_functions: str | None = None) -> str:
    """DuckDB's pg_proc with stable namespace OIDs: the built-ins (DuckDB's system catalog)
    are pg_catalog's; `model_functions`, a condition on p.proname, puts those in public."""
    models = f"WHEN {model_functions} THEN 2200 " if model_functions else ""
    return (f"SELECT p.* REPLACE (CASE {models}WHEN rd_s.database_name = current_database() "
            f"THEN {namespace('rd_s.schema_name')} ELSE 11 END AS pronamespace) "
            "FROM pg_catalog.pg_proc p LEFT JOIN duckdb_schemas() rd_s ON rd_s.oid = p.pronamespace")


# every relation, schema and enum type with DuckDB's OID of this run and the stable one
_OID_MAP = (f"SELECT table_oid AS duck_oid, {relation('database_name', 'schema_name', 'table_name')} AS oid "
            "FROM duckdb_tables() UNION ALL "
            f"SELECT view_oid, {relation('database_name', 'schema_name', 'view_name')} FROM duckdb_views() "
            f"UNION ALL SELECT sequence_oid, {relation('database_name', 'schema_name', 'sequence_name')} "
            f"FROM duckdb_sequences() UNION ALL SELECT index_oid, "
            f"{relation('database_name', 'schema_name', 'index_name')} FROM duckdb_indexes() "
            f"UNION ALL SELECT oid, {namespace('schema_name')} FROM duckdb_schemas() "
            f"WHERE database_name = current_database() UNION ALL SELECT type_oid, "
            f"{stable('t', 'schema_name', 'type_name')} FROM duckdb_types() WHERE logical_type = 'ENUM' "
            "AND NOT internal")


def create_view(con, name: str) -> None:
    """redduck_pg.<name> from VIEWS, with the system columns tools read."""
    body, system = VIEWS[name], []
    if name in _XMIN_CATALOGS or name in _DUCKDB_CATALOGS_WITH_XMIN:
        # the system column tools read as a change stamp (catalog/xids.py)
        system.append("redduck_catalog_xid() AS xmin")
    if name in _TABLEOIDS:   # which catalog a row is from (psql's \\dd matches descriptions by it)
        system.append(f"{_TABLEOIDS[name]}::UINTEGER AS tableoid")
    if system:
        body = f"SELECT *, {', '.join(system)} FROM ({body})"
    con.execute(f"CREATE OR REPLACE VIEW redduck_pg.{name} AS {body}")


# every relation's stable OID, name and schema: what reg* casts look up (pg_class is heavier)
_RELATIONS = ("SELECT rd_r.oid, rd_r.relname, rd_r.nspname, rd_n.oid AS relnamespace FROM ("
              + " UNION ALL ".join(
                  f"SELECT {relation('database_name', 'schema_name', n)} AS oid, {n} AS relname, "
                  f"{schema_of('database_name', 'schema_name')} AS nspname FROM {f}()"
                  for f, n in (("duckdb_tables", "table_name"), ("duckdb_views", "view_name"),
                               ("duckdb_sequences", "sequence_name"), ("duckdb_indexes", "index_name")))
              + f" UNION ALL SELECT {_CONSTRAINT_INDEX_OID}, {_CONSTRAINT_NAME}, schema_name {_CONSTRAINT_INDEXES}"
              ") rd_r LEFT JOIN redduck_pg.pg_namespace rd_n ON rd_n.nspname = rd_r.nspname "
              "WHERE rd_r.nspname NOT IN ('redduck_pg', 'redduck_auth')")


# views over a Python function, created by their module once it is registered: activity.py's
# pg_stat_activity (kept in VIEWS, which the translator reads, by the first engine of a process)
_INSTALLED_ELSEWHERE = {"pg_stat_activity"}


def install_catalog_views(con) -> None:
    from .empty_catalogs import EMPTY_CATALOGS, TABLE_MACROS
    con.execute("CREATE SCHEMA IF NOT EXISTS redduck_pg")
    from .columns import (DDL, array_types_sql, attrdef_sql, attribute_sql, attributes_with_indexes_sql,
                          columns_sql, enum_columns_sql)
    con.execute(DDL)
    VIEWS["array_types"] = array_types_sql()
    VIEWS["enum_columns"] = enum_columns_sql()
    VIEWS["table_attributes"] = attribute_sql()
    VIEWS["pg_attrdef"] = attrdef_sql()
    VIEWS["pg_class"] = _pg_class_sql(con)
    VIEWS["pg_type"] = _pg_type_sql(con)
    VIEWS["pg_index"] = _pg_index_sql()
    VIEWS["pg_constraint"] = _pg_constraint_sql()
    VIEWS["pg_indexdef"] = _pg_indexdef_sql()
    VIEWS["oid_map"] = _OID_MAP
    VIEWS["relations"] = _RELATIONS
    VIEWS["pg_proc"] = pg_proc_sql()
    VIEWS["pg_enum"] = (f"SELECT NULL::UINTEGER AS oid, {stable('t', 'schema_name', 'type_name')} AS enumtypid, "
                        "CAST(generate_subscripts(labels, 1) AS FLOAT) AS enumsortorder, unnest(labels) AS enumlabel "
                        "FROM duckdb_types() WHERE logical_type = 'ENUM' AND NOT internal")
    VIEWS["pg_sequence"] = (f"SELECT {relation('database_name', 'schema_name', 'sequence_name')} AS seqrelid, "
                            "20::UINTEGER AS seqtypid, start_value AS seqstart, increment_by AS seqincrement, "
                            "max_value AS seqmax, min_value AS seqmin, 1::BIGINT AS seqcache, \"cycle\" AS seqcycle "
                            "FROM duckdb_sequences()")
    # DuckDB's dependencies between its entries, by the stable OIDs
    VIEWS["pg_depend"] = ("SELECT d.* REPLACE (coalesce(m1.oid, d.objid) AS objid, coalesce(m2.oid, d.refobjid) "
                          "AS refobjid) FROM duckdb_dependencies() d LEFT JOIN redduck_pg.oid_map m1 "
                          "ON m1.duck_oid = d.objid LEFT JOIN redduck_pg.oid_map m2 ON m2.duck_oid = d.refobjid")
    VIEWS["pg_attribute"] = attributes_with_indexes_sql()   # reads pg_index
    VIEWS["columns"] = columns_sql()   # reads pg_type
    VIEWS.update(EMPTY_CATALOGS)
    for name in _DUCKDB_CATALOGS_WITH_XMIN:
        VIEWS.setdefault(name, f"SELECT * FROM pg_catalog.{name}")
    for name in VIEWS:
        if name not in _INSTALLED_ELSEWHERE:
            create_view(con, name)
    for name, (params, body) in TABLE_MACROS.items():
        con.execute(f"CREATE OR REPLACE MACRO redduck_pg.{name}({params}) AS TABLE {body}")
    install_catalog_macros(con, late=True)
