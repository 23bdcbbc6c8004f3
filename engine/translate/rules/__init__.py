"""Rewrite rules, one small module each, applied in this order.

A rule takes (tree, ctx) and returns the rewritten tree (or None for 'unchanged').
"""
from .catalog_functions import catalog_functions
from .catalog_tables import catalog_tables
from .column_names import pg_column_names
from .enum_order import enum_order
from .forbidden import forbid_server_access
from .operators import pg_operators
from .pg_functions import pg_functions
from .pg_sql import pg_sql
from .privilege_functions import privilege_functions
from .regtypes import regtypes
from .serial_columns import serial_columns
from .session_functions import session_functions
from .session_views import session_views
from .xid_age import xid_age

RULES = [forbid_server_access, serial_columns, pg_column_names, session_functions, privilege_functions, session_views, xid_age, regtypes, pg_functions, enum_order, pg_sql, pg_operators, catalog_tables, catalog_functions]
