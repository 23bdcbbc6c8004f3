"""DataGrip's (JetBrains database tools') introspection SQL for PostgreSQL, verbatim as a
live DataGrip/IntelliJ session sends it through pgjdbc on connect and on refreshing a
schema, from the capture in the public repository ybrs/pg_catalog (captures/intellij.yaml;
the same statements are logged in datafusion-contrib/datafusion-postgres issue #165).
Only the placeholders differ: pgjdbc's $n are written %s for psycopg, which sends them as
$n again; the repeated "changed since the saved transaction id" test is AGE.

Each entry: name → (sql, parameters), where NSP is the OID of the schema browsed and 0 the
saved transaction id of a first introspection (DataGrip passes 0 then)."""

AGE = "coalesce(nullif(greatest(pg_catalog.age(%s::varchar::xid), -1), -1), 2147483647)"
Q = {}
Q["schemas"] = ("select current_database() as a, current_schemas(false) as b", None)
Q["session"] = ("select current_database(), current_schema(), current_user", None)
Q["startup"] = ("select round(extract(epoch from pg_postmaster_start_time() at time zone 'UTC')) as startup_time", None)
Q["locks"] = ("""select L.transactionid::varchar::bigint as transaction_id
from pg_catalog.pg_locks L
where L.transactionid is not null
order by pg_catalog.age(L.transactionid) desc
limit 1""", None)
Q["txid"] = ("""select case
  when pg_catalog.pg_is_in_recovery()
    then null
  else
    (pg_catalog.txid_current() % 4294967296)::varchar::bigint
  end as current_txid""", None)
Q["databases"] = ("""select N.oid::bigint as id,
       datname as name,
       D.description,
       datistemplate as is_template,
       datallowconn as allow_connections,
       pg_catalog.pg_get_userbyid(N.datdba) as "owner"
from pg_catalog.pg_database N
  left join pg_catalog.pg_shdescription D on N.oid = D.objoid
order by case when datname = pg_catalog.current_database() then -1::bigint else N.oid::bigint end""", None)
Q["datestyle"] = ("show DateStyle", None)
Q["timezones"] = ("""select name, is_dst from pg_catalog.pg_timezone_names
union distinct
select abbrev as name, is_dst from pg_catalog.pg_timezone_abbrevs""", None)
Q["roles"] = ("""select R.oid::bigint as role_id, rolname as role_name,
  rolsuper is_super, rolinherit is_inherit,
  rolcreaterole can_createrole, rolcreatedb can_createdb,
  rolcanlogin can_login, rolreplication /* false */ is_replication,
  rolconnlimit conn_limit, rolvaliduntil valid_until,
  rolbypassrls /* false */ bypass_rls, rolconfig config,
  D.description
from pg_catalog.pg_roles R
  left join pg_catalog.pg_shdescription D on D.objoid = R.oid""", None)
Q["members"] = ("""select member id, roleid role_id, admin_option
          from pg_catalog.pg_auth_members order by id, roleid::text""", None)
Q["tablespaces"] = ("""select T.oid::bigint as id, T.spcname as name,
       T.xmin as state_number, pg_catalog.pg_get_userbyid(T.spcowner) as owner,
       pg_catalog.pg_tablespace_location(T.oid) /* null */ as location,
       T.spcoptions /* null */ as options,
       D.description as comment
from pg_catalog.pg_tablespace T
  left join pg_catalog.pg_shdescription D on D.objoid = T.oid
--  where pg_catalog.age(T.xmin) <= #TXAGE""", None)
Q["acls"] = ("""select T.oid as object_id,
                 T.spcacl as acl
          from pg_catalog.pg_tablespace T
          union all
          select T.oid as object_id,
                 T.datacl as acl
          from pg_catalog.pg_database T """, None)
Q["namespaces"] = ("""select N.oid::bigint as id,
       N.xmin as state_number,
       nspname as name,
       D.description,
       pg_catalog.pg_get_userbyid(N.nspowner) as "owner"
from pg_catalog.pg_namespace N
  left join pg_catalog.pg_description D on N.oid = D.objoid
order by case when nspname = pg_catalog.current_schema() then -1::bigint else N.oid::bigint end""", None)
Q["superuser"] = ("""select usesuper
from pg_user
where usename = current_user""", None)
Q["event_triggers"] = ("""select t.oid as id,
       t.xmin as state_number,
       t.evtname as name,
       t.evtevent as event,
       t.evtfoid as routine_id,
       pg_catalog.pg_get_userbyid(t.evtowner) as owner,
       t.evttags as tags,
       case when t.evtenabled = 'D' then 1 else 0 end as is_disabled
from pg_catalog.pg_event_trigger t""", None)
Q["extensions"] = ("""select E.oid        as id,
       E.xmin       as state_number,
       extname      as name,
       extversion   as version,
       extnamespace as schema_id,
       nspname      as schema_name
       ,
       array(select unnest
             from unnest(available_versions)
             where unnest > extversion) as available_updates
from pg_catalog.pg_extension E
       join pg_namespace N on E.extnamespace = N.oid
       left join (select name, array_agg(version) as available_versions
                  from pg_available_extension_versions()
                  group by name) V on E.extname = V.name""", None)
Q["sequence_ids"] = ("""select oid
from pg_catalog.pg_class
where relkind = 'S'
  and relnamespace = %s::oid""", "NSP")
Q["sequences"] = (f"""select cls.xmin as sequence_state_number,
       sq.seqrelid as sequence_id,
       cls.relname as sequence_name,
       pg_catalog.format_type(sq.seqtypid, null) as data_type,
       sq.seqstart as start_value,
       sq.seqincrement as inc_value,
       sq.seqmin as min_value,
       sq.seqmax as max_value,
       sq.seqcache as cache_size,
       sq.seqcycle as cycle_option,
       pg_catalog.pg_get_userbyid(cls.relowner) as "owner"
from pg_catalog.pg_sequence sq
    join pg_class cls on sq.seqrelid = cls.oid
    where cls.relnamespace = %s::oid
and pg_catalog.age(cls.xmin) <= {AGE}""", "NSP,0")
Q["types"] = (f"""select T.oid as type_id,
       T.xmin as type_state_number,
       T.typname as type_name,
       T.typtype as type_sub_kind,
       T.typcategory as type_category,
       T.typrelid as class_id,
       T.typbasetype as base_type_id,
       case when T.typtype in ('c','e') then null
            else pg_catalog.format_type(T.typbasetype, T.typtypmod) end as type_def,
       T.typndims as dimensions_number,
       T.typdefault as default_expression,
       T.typnotnull as mandatory,
       pg_catalog.pg_get_userbyid(T.typowner) as "owner"
from pg_catalog.pg_type T
         left outer join pg_catalog.pg_class C
             on T.typrelid = C.oid
where T.typnamespace = %s::oid
  and pg_catalog.age(T.xmin) <= {AGE}
  and (T.typtype in ('d','e') or
       C.relkind = 'c'::"char" or
       (T.typtype = 'b' and (T.typelem = 0 OR T.typcategory <> 'A')) or
       T.typtype = 'p' and not T.typisdefined)
order by 1""", "NSP,0")
Q["table_ids"] = ("""select oid from pg_catalog.pg_class C
where relkind in ('r', 'm', 'v', 'p', 'f')
  and relnamespace = %s::oid""", "NSP")
Q["tables"] = (f"""select T.relkind as table_kind,
       T.relname as table_name,
       T.oid as table_id,
       T.xmin as table_state_number,
       false /* T.relhasoids */ as table_with_oids,
       T.reltablespace as tablespace_id,
       T.reloptions as options,
       T.relpersistence as persistence,
       (select pg_catalog.array_agg(inhparent::bigint order by inhseqno)::varchar from pg_catalog.pg_inherits where T.oid = inhrelid) as ancestors,
       (select pg_catalog.array_agg(inhrelid::bigint order by inhrelid)::varchar from pg_catalog.pg_inherits where T.oid = inhparent) as successors,
       T.relispartition /* false */ as is_partition,
       pg_catalog.pg_get_partkeydef(T.oid) /* null */ as partition_key,
       pg_catalog.pg_get_expr(T.relpartbound, T.oid) /* null */ as partition_expression,
       T.relam am_id,
       pg_catalog.pg_get_userbyid(T.relowner) as "owner"
from pg_catalog.pg_class T
where relnamespace = %s::oid
       and relkind in ('r', 'm', 'v', 'f', 'p')
and pg_catalog.age(T.xmin) <= {AGE}
order by table_kind, table_id""", "NSP,0")
Q["columns"] = (f"""with T as ( select distinct
                  T.oid as table_id, T.relname as table_name
            from pg_catalog.pg_class T
                 , pg_catalog.pg_attribute A
            where T.relnamespace = %s::oid
              and T.relkind in ('r', 'm', 'v', 'f', 'p')
              and (pg_catalog.age(A.xmin) <= {AGE} or pg_catalog.age(T.xmin) <= {AGE})
              and A.attrelid = T.oid
            )
select T.table_id,
       C.attnum as column_position,
       C.attname as column_name,
       C.xmin as column_state_number,
       C.atttypmod as type_mod,
       C.attndims as dimensions_number,
       pg_catalog.format_type(C.atttypid, C.atttypmod) as type_spec,
       C.atttypid as type_id,
       C.attnotnull as mandatory,
       pg_catalog.pg_get_expr(D.adbin, T.table_id) /* D.adsrc */ as column_default_expression,
       not C.attislocal as column_is_inherited,
       C.attfdwoptions as options,
       C.attisdropped as column_is_dropped,
       C.attidentity /* null */ as identity_kind,
       C.attgenerated /* null */ as generated
from T
  join pg_catalog.pg_attribute C on T.table_id = C.attrelid
  left join pg_catalog.pg_attrdef D on (C.attrelid, C.attnum) = (D.adrelid, D.adnum)
where attnum > 0
order by table_id, attnum""", "NSP,0,0")
Q["index_ids"] = ("""select IX.indexrelid
from pg_catalog.pg_index IX,
     pg_catalog.pg_class IC
where IC.oid = IX.indrelid
  and IC.relnamespace = %s::oid""", "NSP")
Q["indexes"] = (f"""select tab.oid               table_id,
       tab.relkind           table_kind,
       ind_stor.relname      index_name,
       ind_head.indexrelid   index_id,
       ind_stor.xmin         state_number,
       ind_head.indisunique  is_unique,
       ind_head.indisprimary is_primary,
       ind_head.indnullsnotdistinct /* false */ nulls_not_distinct,
       pg_catalog.pg_get_expr(ind_head.indpred, ind_head.indrelid) as condition,
       (select pg_catalog.array_agg(inhparent::bigint order by inhseqno)::varchar from pg_catalog.pg_inherits where ind_stor.oid = inhrelid) as ancestors,
       ind_stor.reltablespace tablespace_id,
       opcmethod as access_method_id
from pg_catalog.pg_class tab
         join pg_catalog.pg_index ind_head
              on ind_head.indrelid = tab.oid
         join pg_catalog.pg_class ind_stor
              on tab.relnamespace = ind_stor.relnamespace and ind_stor.oid = ind_head.indexrelid
         left join pg_catalog.pg_opclass on pg_opclass.oid = ANY(indclass)
where tab.relnamespace = %s::oid
        and tab.relkind in ('r', 'm', 'v', 'p')
        and ind_stor.relkind in ('i', 'I')
and pg_catalog.age(ind_stor.xmin) <= {AGE}""", "NSP,0")
Q["constraint_ids"] = ("""select oid
from pg_catalog.pg_constraint
where conrelid != 0 and connamespace = %s::oid""", "NSP")
Q["constraints"] = (f"""select T.oid table_id,
       relkind table_kind,
       C.oid::bigint con_id,
       C.xmin::varchar::bigint con_state_id,
       conname con_name,
       contype con_kind,
       conkey con_columns,
       conindid index_id,
       confrelid ref_table_id,
       condeferrable is_deferrable,
       condeferred is_init_deferred,
       confupdtype on_update,
       confdeltype on_delete,
      connoinherit no_inherit,
      pg_catalog.pg_get_expr(conbin, T.oid) /* consrc */ con_expression,
       confkey ref_columns,
       conexclop::int[] excl_operators,
       array(select unnest::regoper::varchar from unnest(conexclop)) excl_operators_str
from pg_catalog.pg_constraint C
         join pg_catalog.pg_class T
              on C.conrelid = T.oid
   where relkind in ('r', 'v', 'f', 'p')
     and relnamespace = %s::oid
     and contype in ('p', 'u', 'f', 'c', 'x')
     and connamespace = %s::oid
and pg_catalog.age(T.xmin) <= {AGE} or pg_catalog.age(c.xmin) <= {AGE}""", "NSP,NSP,0,0")
