"""Transaction ids as change stamps, for tools that read `xmin`, `age(xid)` and
`txid_current()` to re-read only what changed (DataGrip, IntelliJ's database tools).

DuckDB has no per-row xids, so the stamps are coarse and honest: every catalog row's xmin
is the xid of the last DDL; the counter advances on each DDL and each txid_current(), and
never starts below the clock (seconds since 2023), so a value saved before a restart is
not in the future of the next run unless that run is younger than its use. A tool that
compares `age(xmin)` with the age of its saved txid then re-reads everything after any DDL
and nothing when there was none, which is correct, if not as fine-grained as PostgreSQL.
"""
from __future__ import annotations

import threading
import time

_EPOCH = 1_672_531_200            # 2023-01-01: keeps the values well inside 32 bits
FIRST_NORMAL = 3                  # PostgreSQL's FirstNormalTransactionId
FROZEN_AGE = 2_147_483_647        # age() of a non-normal xid


class XidClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0
        self.catalog = self.next()

    def next(self) -> int:
        with self._lock:
            self._last = max(self._last + 1, int(time.time()) - _EPOCH, FIRST_NORMAL)
            return self._last

    def catalog_changed(self) -> None:
        self.catalog = self.next()

    def age(self, xid: int | None) -> int | None:
        if xid is None:
            return None
        if xid < FIRST_NORMAL:
            return FROZEN_AGE
        return self._last - int(xid)


def install_xid_functions(con, clock: XidClock) -> None:
    con.create_function("redduck_txid_current", clock.next, [], "BIGINT", side_effects=True)
    con.create_function("redduck_catalog_xid", lambda: clock.catalog, [], "UINTEGER", side_effects=True)
    con.create_function("redduck_xid_age", clock.age, ["BIGINT"], "INTEGER", null_handling="special",
                        side_effects=True)
