"""DuckDB execution, SQL translation, the pg_catalog layer and the model layer."""
from .engine import Engine, EngineConfig
from .result import Column, Result
from .session import EngineSession, Plan

__all__ = ["Engine", "EngineConfig", "Column", "Result", "EngineSession", "Plan"]
