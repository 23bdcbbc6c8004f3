"""Catalogs of what redduck has none of (locks, event triggers, foreign servers, operator
families …), present with PostgreSQL 15's columns so that tools' introspection queries
(DataGrip reads most of them) run and find nothing, as on a database that uses none of
these; and the few with fixed rows (languages, time zones)."""
from __future__ import annotations


def _empty(columns: str) -> str:
    """`name TYPE, …` → a typed query with no rows (and the system columns tools select)."""
    cols = [c.strip().rsplit(" ", 1) for c in columns.split(",")]
    cols += [[n, "UINTEGER"] for n in ("xmin", "tableoid") if n not in {c[0] for c in cols}]   # system columns
    return "SELECT " + ", ".join(f"NULL::{t} AS {n}" for n, t in cols) + " WHERE false"


EMPTY_CATALOGS = {
    "pg_locks": _empty("locktype VARCHAR, database BIGINT, relation BIGINT, page INTEGER, tuple SMALLINT, "
                       "virtualxid VARCHAR, transactionid BIGINT, classid BIGINT, objid BIGINT, objsubid SMALLINT, "
                       "virtualtransaction VARCHAR, pid INTEGER, mode VARCHAR, granted BOOLEAN, fastpath BOOLEAN, "
                       "waitstart TIMESTAMPTZ"),
    "pg_shdescription": _empty("objoid BIGINT, classoid BIGINT, description VARCHAR"),
    "pg_event_trigger": _empty("oid BIGINT, evtname VARCHAR, evtevent VARCHAR, evtowner BIGINT, evtfoid BIGINT, "
                               "evtenabled VARCHAR, evttags VARCHAR[]"),
    "pg_foreign_data_wrapper": _empty("oid BIGINT, fdwname VARCHAR, fdwowner BIGINT, fdwhandler BIGINT, "
                                      "fdwvalidator BIGINT, fdwacl VARCHAR[], fdwoptions VARCHAR[]"),
    "pg_foreign_server": _empty("oid BIGINT, srvname VARCHAR, srvowner BIGINT, srvfdw BIGINT, srvtype VARCHAR, "
                                "srvversion VARCHAR, srvacl VARCHAR[], srvoptions VARCHAR[]"),
    "pg_user_mappings": _empty("umid BIGINT, srvid BIGINT, srvname VARCHAR, umuser BIGINT, usename VARCHAR, "
                               "umoptions VARCHAR[]"),
    "pg_operator": _empty("oid BIGINT, oprname VARCHAR, oprnamespace BIGINT, oprowner BIGINT, oprkind VARCHAR, "
                          "oprcanmerge BOOLEAN, oprcanhash BOOLEAN, oprleft BIGINT, oprright BIGINT, "
                          "oprresult BIGINT, oprcom BIGINT, oprnegate BIGINT, oprcode BIGINT, oprrest BIGINT, "
                          "oprjoin BIGINT"),
    "pg_aggregate": _empty("aggfnoid BIGINT, aggkind VARCHAR, aggnumdirectargs SMALLINT, aggtransfn BIGINT, "
                           "aggfinalfn BIGINT, aggcombinefn BIGINT, aggserialfn BIGINT, aggdeserialfn BIGINT, "
                           "aggmtransfn BIGINT, aggminvtransfn BIGINT, aggmfinalfn BIGINT, aggfinalextra BOOLEAN, "
                           "aggmfinalextra BOOLEAN, aggfinalmodify VARCHAR, aggmfinalmodify VARCHAR, "
                           "aggsortop BIGINT, aggtranstype BIGINT, aggtransspace INTEGER, aggmtranstype BIGINT, "
                           "aggmtransspace INTEGER, agginitval VARCHAR, aggminitval VARCHAR"),
    "pg_opfamily": _empty("oid BIGINT, opfmethod BIGINT, opfname VARCHAR, opfnamespace BIGINT, opfowner BIGINT"),
    "pg_amop": _empty("oid BIGINT, amopfamily BIGINT, amoplefttype BIGINT, amoprighttype BIGINT, "
                      "amopstrategy SMALLINT, amoppurpose VARCHAR, amopopr BIGINT, amopmethod BIGINT, "
                      "amopsortfamily BIGINT"),
    "pg_amproc": _empty("oid BIGINT, amprocfamily BIGINT, amproclefttype BIGINT, amprocrighttype BIGINT, "
                        "amprocnum SMALLINT, amproc BIGINT"),
    # PostgreSQL's built-in languages, with their OIDs (plpgsql is installed there by default, as
    # pg_extension says; redduck refuses its functions with 0A000)
    "pg_language": "SELECT * FROM (VALUES (12::BIGINT, 'internal', 10::BIGINT, false, false, 0::BIGINT, 0::BIGINT, "
                   "2246::BIGINT, NULL::VARCHAR[]), (13, 'c', 10, false, false, 0, 0, 2247, NULL), "
                   "(14, 'sql', 10, false, true, 0, 0, 2248, NULL), (13576, 'plpgsql', 10, true, true, 13573, "
                   "13574, 13575, NULL)) AS l(oid, lanname, lanowner, lanispl, "
                   "lanpltrusted, lanplcallfoid, laninline, lanvalidator, lanacl)",
    "pg_conversion": _empty("oid BIGINT, conname VARCHAR, connamespace BIGINT, conowner BIGINT, "
                            "conforencoding INTEGER, contoencoding INTEGER, conproc BIGINT, condefault BOOLEAN"),
    "pg_cast": _empty("oid BIGINT, castsource BIGINT, casttarget BIGINT, castfunc BIGINT, castcontext VARCHAR, "
                      "castmethod VARCHAR"),
    "pg_db_role_setting": _empty("setdatabase BIGINT, setrole BIGINT, setconfig VARCHAR[]"),
    "pg_largeobject_metadata": _empty("oid BIGINT, lomowner BIGINT, lomacl VARCHAR[]"),
    "pg_largeobject": _empty("loid BIGINT, pageno INTEGER, data BLOB"),
    "pg_default_acl": _empty("oid BIGINT, defaclrole BIGINT, defaclnamespace BIGINT, defaclobjtype VARCHAR, "
                             "defaclacl VARCHAR[]"),
    "pg_ts_parser": _empty("oid BIGINT, prsname VARCHAR, prsnamespace BIGINT, prsstart BIGINT, prstoken BIGINT, "
                           "prsend BIGINT, prsheadline BIGINT, prslextype BIGINT"),
    "pg_ts_template": _empty("oid BIGINT, tmplname VARCHAR, tmplnamespace BIGINT, tmplinit BIGINT, "
                             "tmpllexize BIGINT"),
    "pg_ts_config": _empty("oid BIGINT, cfgname VARCHAR, cfgnamespace BIGINT, cfgowner BIGINT, cfgparser BIGINT"),
    "pg_ts_dict": _empty("oid BIGINT, dictname VARCHAR, dictnamespace BIGINT, dictowner BIGINT, "
                         "dicttemplate BIGINT, dictinitoption VARCHAR"),
    "pg_ts_config_map": _empty("mapcfg BIGINT, maptokentype INTEGER, mapseqno INTEGER, mapdict BIGINT"),
    "pg_subscription": _empty("oid BIGINT, subdbid BIGINT, subskiplsn VARCHAR, subname VARCHAR, subowner BIGINT, "
                              "subenabled BOOLEAN, subbinary BOOLEAN, substream BOOLEAN, subtwophasestate VARCHAR, "
                              "subdisableonerr BOOLEAN, subconninfo VARCHAR, subslotname VARCHAR, "
                              "subsynccommit VARCHAR, subpublications VARCHAR[]"),
    "pg_policies": _empty("schemaname VARCHAR, tablename VARCHAR, policyname VARCHAR, permissive VARCHAR, "
                          "roles VARCHAR[], cmd VARCHAR, qual VARCHAR, with_check VARCHAR"),
    "pg_seclabel": _empty("objoid BIGINT, classoid BIGINT, objsubid INTEGER, provider VARCHAR, label VARCHAR"),
    "pg_seclabels": _empty("objoid BIGINT, classoid BIGINT, objsubid INTEGER, objtype VARCHAR, "
                           "objnamespace BIGINT, objname VARCHAR, provider VARCHAR, label VARCHAR"),
    "pg_init_privs": _empty("objoid BIGINT, classoid BIGINT, objsubid INTEGER, privtype VARCHAR, "
                            "initprivs VARCHAR[]"),
    "pg_shdepend": _empty("dbid BIGINT, classid BIGINT, objid BIGINT, objsubid INTEGER, refclassid BIGINT, "
                          "refobjid BIGINT, deptype VARCHAR"),
    "pg_replication_slots": _empty("slot_name VARCHAR, plugin VARCHAR, slot_type VARCHAR, datoid BIGINT, "
                                   "database VARCHAR, temporary BOOLEAN, active BOOLEAN, active_pid INTEGER, "
                                   "xmin BIGINT, catalog_xmin BIGINT, restart_lsn VARCHAR, "
                                   "confirmed_flush_lsn VARCHAR, wal_status VARCHAR, safe_wal_size BIGINT, "
                                   "two_phase BOOLEAN"),
    "pg_stat_replication": _empty("pid INTEGER, usesysid BIGINT, usename VARCHAR, application_name VARCHAR, "
                                  "client_addr VARCHAR, client_hostname VARCHAR, client_port INTEGER, "
                                  "backend_start TIMESTAMPTZ, backend_xmin BIGINT, state VARCHAR, sent_lsn VARCHAR, "
                                  "write_lsn VARCHAR, flush_lsn VARCHAR, replay_lsn VARCHAR, write_lag INTERVAL, "
                                  "flush_lag INTERVAL, replay_lag INTERVAL, sync_priority INTEGER, "
                                  "sync_state VARCHAR, reply_time TIMESTAMPTZ"),
    "pg_prepared_xacts": _empty("transaction BIGINT, gid VARCHAR, prepared TIMESTAMPTZ, owner VARCHAR, "
                                "database VARCHAR"),
    "pg_transform": _empty("oid BIGINT, trftype BIGINT, trflang BIGINT, trffromsql BIGINT, trftosql BIGINT"),
    "pg_rules": _empty("schemaname VARCHAR, tablename VARCHAR, rulename VARCHAR, definition VARCHAR"),
    "pg_stats": _empty("schemaname VARCHAR, tablename VARCHAR, attname VARCHAR, inherited BOOLEAN, "
                       "null_frac FLOAT, avg_width INTEGER, n_distinct FLOAT, most_common_vals VARCHAR, "
                       "most_common_freqs FLOAT[], histogram_bounds VARCHAR, correlation FLOAT, "
                       "most_common_elems VARCHAR, most_common_elem_freqs FLOAT[], elem_count_histogram FLOAT[]"),
    "pg_group": _empty("groname VARCHAR, grosysid BIGINT, grolist BIGINT[]"),
    "pg_user_mapping": _empty("oid BIGINT, umuser BIGINT, umserver BIGINT, umoptions VARCHAR[]"),
    "pg_stat_user_functions": _empty("funcid BIGINT, schemaname VARCHAR, funcname VARCHAR, calls BIGINT, "
                                     "total_time DOUBLE, self_time DOUBLE"),
    "pg_publication_tables": _empty("pubname VARCHAR, schemaname VARCHAR, tablename VARCHAR, attnames VARCHAR[], "
                                    "rowfilter VARCHAR"),
    "pg_timezone_names": "SELECT name, abbrev, utc_offset, is_dst FROM pg_timezone_names()",
    "pg_timezone_abbrevs": "SELECT DISTINCT abbrev, utc_offset, is_dst FROM pg_timezone_names()",
}

# set-returning functions clients call in FROM
TABLE_MACROS = {
    "pg_available_extension_versions": ("", "SELECT 'plpgsql' AS name, '1.0' AS version, true AS installed, "
                                            "true AS superuser, true AS trusted, false AS relocatable, "
                                            "'pg_catalog' AS schema, NULL::VARCHAR[] AS requires, "
                                            "'PL/pgSQL procedural language' AS comment"),
    # SQL key words, as PostgreSQL's categories (pgjdbc's getSQLKeywords lists them)
    "pg_get_keywords": ("", "SELECT keyword_name AS word, CASE keyword_category WHEN 'reserved' THEN 'R' "
                            "WHEN 'unreserved' THEN 'U' WHEN 'column_name' THEN 'C' ELSE 'T' END AS catcode, "
                            "true AS barelabel, CASE keyword_category WHEN 'reserved' THEN 'reserved' "
                            "WHEN 'unreserved' THEN 'unreserved' WHEN 'column_name' THEN 'unreserved (cannot be "
                            "function or type name)' ELSE 'reserved (can be function or type name)' END AS catdesc, "
                            "'can be bare label' AS baredesc FROM duckdb_keywords()"),
    "pg_available_extensions": ("", "SELECT 'plpgsql' AS name, '1.0' AS default_version, "
                                    "'1.0' AS installed_version, 'PL/pgSQL procedural language' AS comment"),
}

from .pg_function_macros import TABLE as _PG_TABLE_FUNCTIONS  # noqa: E402
TABLE_MACROS.update(_PG_TABLE_FUNCTIONS)
