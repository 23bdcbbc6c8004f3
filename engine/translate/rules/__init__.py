"""Rewrite rules, one small module each, applied in this order.

A rule takes (tree, ctx) and returns the rewritten tree (or None for 'unchanged').
"""
from .aggregate_types import aggregate_types
from .array_concat import array_concat
from .catalog_functions import catalog_functions
from .character_lengths import character_lengths
from .catalog_tables import catalog_tables
from .column_names import pg_column_names
from .enum_order import enum_order
from .forbidden import forbid_server_access
from .insert_literals import insert_literals
from .integer_results import integer_results
from .interval_units import interval_units
from .json_functions import json_functions
from .json_operators import json_operators
from .model_calls import model_calls
from .numeric_division import numeric_division
from .operators import pg_operators
from .pattern_functions import pattern_functions
from .pg_functions import pg_functions
from .pg_ddl import pg_ddl
from .pg_sql import pg_sql
from .pg_types import pg_types
from .privilege_functions import privilege_functions
from .regtypes import regtypes
from .renamed_functions import renamed_functions
from .serial_columns import serial_columns
from .sql_functions import sql_functions
from .typed_literals import typed_literals
from .session_functions import session_functions
from .session_views import session_views
from .session_zone import session_zone
from .xid_age import xid_age

RULES = [forbid_server_access, pg_types, pg_ddl, serial_columns, pg_column_names, session_functions, privilege_functions, session_views, xid_age, regtypes, integer_results, pg_functions, enum_order, aggregate_types, array_concat, insert_literals, character_lengths, pg_sql, pg_operators, json_operators, json_functions, pattern_functions, numeric_division, typed_literals, interval_units, session_zone, renamed_functions, catalog_tables, catalog_functions, sql_functions, model_calls]
