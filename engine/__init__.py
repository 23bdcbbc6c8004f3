"""DuckDB execution, SQL translation, the pg_catalog layer and the model layer."""
from __future__ import annotations

import importlib

# loaded on first use: a training process imports this package for engine.ml alone and
# needs none of the SQL side (DuckDB, sqlglot, the catalog: half a second of imports)
_EXPORTS = {"Engine": ".engine", "EngineConfig": ".engine", "Column": ".result", "Result": ".result",
            "EngineSession": ".session", "Plan": ".session"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
