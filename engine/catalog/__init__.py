"""pg_catalog emulation on top of DuckDB's own pg_catalog views: the functions PostgreSQL
clients call while they learn a database, installed as DuckDB macros."""
from .macros import install_catalog_macros, CATALOG_FUNCTIONS

__all__ = ["install_catalog_macros", "CATALOG_FUNCTIONS"]
