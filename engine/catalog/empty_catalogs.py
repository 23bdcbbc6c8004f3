"""Catalogs of what redduck has none of (locks, event triggers, foreign servers, operator
families …), present with PostgreSQL 15's columns so that tools' introspection queries
(DataGrip reads most of them) run and find nothing, as on a database that uses none of
these; and the few with fixed rows (languages, time zones)."""
from __future__ import annotations


def _empty(columns: str) -> str:
    """`name TYPE, …` → a typed query with no rows (and the xmin tools select)."""
    cols = [c.strip().rsplit(" ", 1) for c in columns.split(",")] + [["xmin", "UINTEGER"]]
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
    # PostgreSQL's built-in languages, with their OIDs
    "pg_language": "SELECT * FROM (VALUES (12::BIGINT, 'internal', 10::BIGINT, false, false, 0::BIGINT, 0::BIGINT, "
                   "2246::BIGINT, NULL::VARCHAR[]), (13, 'c', 10, false, false, 0, 0, 2247, NULL), "
                   "(14, 'sql', 10, false, true, 0, 0, 2248, NULL)) AS l(oid, lanname, lanowner, lanispl, "
                   "lanpltrusted, lanplcallfoid, laninline, lanvalidator, lanacl)",
    "pg_timezone_names": "SELECT name, abbrev, utc_offset, is_dst FROM pg_timezone_names()",
    "pg_timezone_abbrevs": "SELECT DISTINCT abbrev, utc_offset, is_dst FROM pg_timezone_names()",
}

# set-returning functions clients call in FROM
TABLE_MACROS = {
    "pg_available_extension_versions": ("", "SELECT 'plpgsql' AS name, '1.0' AS version, true AS installed, "
                                            "true AS superuser, true AS trusted, false AS relocatable, "
                                            "'pg_catalog' AS schema, NULL::VARCHAR[] AS requires, "
                                            "'PL/pgSQL procedural language' AS comment"),
    "pg_available_extensions": ("", "SELECT 'plpgsql' AS name, '1.0' AS default_version, "
                                    "'1.0' AS installed_version, 'PL/pgSQL procedural language' AS comment"),
}
