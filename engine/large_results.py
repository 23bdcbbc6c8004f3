"""Queries whose last result proved large, remembered for every session: each then runs as a
relation whose Arrow reader streams (rowsource.py), in every session, not only in the one that
learned it (a pool's connections, a BI tool's dashboard refreshed from several sessions).
Keyed by the SQL DuckDB runs; a wrong guess costs a little speed, never a different answer."""
from __future__ import annotations

import threading
from collections import OrderedDict


class LargeResults:
    def __init__(self, size: int = 1024) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __contains__(self, sql: str) -> bool:
        return sql in self._seen

    def record(self, sql: str, large: bool) -> None:
        with self._lock:
            if large:
                self._seen[sql] = None
                self._seen.move_to_end(sql)
                if len(self._seen) > self._size:
                    self._seen.popitem(last=False)
            else:
                self._seen.pop(sql, None)
