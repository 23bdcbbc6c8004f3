"""PostgreSQL functions DuckDB has not, as macros (installed with the catalog's, in redduck_pg,
where calls are pointed by rules/catalog_functions.py and, in FROM, rules/catalog_tables.py).

Arrays are DuckDB lists (1-based, one dimension); json and jsonb are DuckDB's JSON."""
from __future__ import annotations

_JSON = "CAST(j AS JSON)"

SCALAR = {
    # arrays
    "array_remove": ("a, x", "list_filter(a, lambda e: e IS DISTINCT FROM x)"),
    "array_replace": ("a, x, y", "list_transform(a, lambda e: CASE WHEN e IS NOT DISTINCT FROM x THEN y ELSE e END)"),
    "array_positions": ("a, x", "list_filter(range(1, len(a) + 1), lambda i: a[i] IS NOT DISTINCT FROM x)"),
    "array_dims": ("a", "CASE WHEN len(a) > 0 THEN '[1:' || len(a) || ']' END"),
    "array_ndims": ("a", "CASE WHEN len(a) > 0 THEN 1 END"),
    "trim_array": ("a, n", "a[1:len(a) - n]"),
    "array_fill": ("v, d", "list_transform(range(d[1]), lambda i: v)"),
    # json
    "json_typeof": ("j", f"CASE json_type({_JSON}) WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' "
                         "WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' "
                         "ELSE 'number' END"),
    "jsonb_typeof": ("j", "json_typeof(j)"),
    "jsonb_array_length": ("j", f"json_array_length({_JSON})"),
    "jsonb_strip_nulls": ("j", f"json_strip_nulls({_JSON})"),
    "jsonb_pretty": ("j", f"json_pretty({_JSON})"),
    "to_jsonb": ("x", "to_json(x)"),
    # a value for a varchar(n)/char(n) column (rules/character_lengths.py): spaces past n are cut,
    # anything else longer is 22001
    "fit_length": ("v, n, t", "CASE WHEN v IS NULL OR length(CAST(v AS VARCHAR)) <= n THEN v "
                              "WHEN length(rtrim(CAST(v AS VARCHAR))) <= n THEN left(CAST(v AS VARCHAR), n) "
                              "ELSE error('value too long for type ' || t) END"),
    # numbers, bytes, time
    "width_bucket": ("x, lo, hi, n", "CASE WHEN x < lo THEN 0 WHEN x >= hi THEN n + 1 "
                                     "ELSE CAST(floor((x - lo) * n / (hi - lo)) AS INTEGER) + 1 END"),
    "get_byte": ("b, n", "CAST('0x' || substr(hex(b), n * 2 + 1, 2) AS INTEGER)"),
    "convert_from": ("b, enc", "decode(b)"),
    "convert_to": ("s, enc", "encode(s)"),
    # DuckDB keeps one time per transaction: the statement's and the clock's are that
    "clock_timestamp": ("", "now()"),
    "statement_timestamp": ("", "now()"),
    "timeofday": ("", "strftime(now(), '%a %b %d %H:%M:%S.%f %Y %Z')"),
    # catalog helpers psql calls for what redduck has none of (SQL-standard bodies, statistics)
    "pg_get_function_sqlbody": ("o", "NULL::VARCHAR"),
    "pg_get_functiondef": ("o", "NULL::VARCHAR"),
    "pg_statistics_obj_is_visible": ("o", "false"),
}

# set-returning functions of one column: (parameters, the list, the column's name in FROM)
_SETS = {
    "string_to_table": ("s, d", "string_split(s, d)", "string_to_table"),
    "regexp_split_to_table": ("s, p", "string_split_regex(s, p)", "regexp_split_to_table"),
    "json_object_keys": ("j", f"json_keys({_JSON})", "json_object_keys"),
    "jsonb_object_keys": ("j", f"json_keys({_JSON})", "jsonb_object_keys"),
    "json_array_elements": ("j", f"json_extract({_JSON}, '$[*]')", "value"),
    "jsonb_array_elements": ("j", f"json_extract({_JSON}, '$[*]')", "value"),
    "json_array_elements_text": ("j", f"json_extract_string({_JSON}, '$[*]')", "value"),
    "jsonb_array_elements_text": ("j", f"json_extract_string({_JSON}, '$[*]')", "value"),
}
# … in a select list, each row of the list a row of the result
SCALAR.update({name: (params, f"unnest({items})") for name, (params, items, _) in _SETS.items()})

# set-returning functions in FROM: the columns PostgreSQL gives them
TABLE = {
    "json_each": ("j", f"SELECT key, value FROM json_each({_JSON})"),
    "jsonb_each": ("j", f"SELECT key, value FROM json_each({_JSON})"),
    "json_each_text": ("j", f"SELECT key, value ->> '$' AS value FROM json_each({_JSON})"),
    "jsonb_each_text": ("j", f"SELECT key, value ->> '$' AS value FROM json_each({_JSON})"),
    **{name: (params, f"SELECT unnest({items}) AS {column}") for name, (params, items, column) in _SETS.items()},
}
