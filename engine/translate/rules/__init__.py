"""Rewrite rules, one small module each, applied in this order.

A rule takes (tree, ctx) and returns the rewritten tree (or None for 'unchanged').
"""
from .column_names import pg_column_names
from .forbidden import forbid_server_access
from .session_functions import session_functions
from .session_views import session_views

RULES = [forbid_server_access, pg_column_names, session_functions, session_views]
