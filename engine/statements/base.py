"""What a hook returns: a UtilityPlan that can be described and run."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..result import Column


@dataclass
class UtilityPlan:
    """A parsed utility statement. `run(session, params)` returns a Result."""
    run: Callable
    tag: str = ""
    columns: list[Column] | None = None      # known without running (None: no rows)
    describe: Callable | None = None         # computes columns lazily (FETCH)
    allowed_in_failed_tx: bool = False
    param_count: int = 0
    kind: str = "utility"
    inline: bool = False                     # cheap: may run on the event loop, no thread hop
    inline_without_duck_tx: bool = False     # COMMIT/ROLLBACK of a transaction DuckDB never saw
    extra: dict = field(default_factory=dict)
