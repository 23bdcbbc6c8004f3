"""redduck: the PostgreSQL wire protocol on DuckDB, with Redshift-ML-style models."""
__version__ = "0.1.0"
