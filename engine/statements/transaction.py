"""BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT; SAVEPOINT refused clearly."""
from __future__ import annotations

from redduck.protocol.errors import FEATURE_NOT_SUPPORTED, PgError

from . import register
from .base import UtilityPlan


def _tx_modes(ts) -> dict:
    modes = {}
    while not ts.at_end():
        if ts.accept("ISOLATION", "LEVEL"):
            words = []
            while ts.word() in ("SERIALIZABLE", "REPEATABLE", "READ", "COMMITTED", "UNCOMMITTED"):
                if ts.word() == "READ" and ts.word(1) in ("ONLY", "WRITE"):
                    break
                words.append(ts.next().text.lower())
            modes["transaction_isolation"] = " ".join(words)
        elif ts.accept("READ", "ONLY"):
            modes["transaction_read_only"] = "on"
        elif ts.accept("READ", "WRITE"):
            modes["transaction_read_only"] = "off"
        elif ts.accept("NOT", "DEFERRABLE") or ts.accept("DEFERRABLE") or ts.accept(","):
            pass
        else:
            ts.done()
    return modes


def _begin(ts):
    ts.accept("WORK") or ts.accept("TRANSACTION")
    modes = _tx_modes(ts)
    return UtilityPlan(lambda s, p: s.begin(modes), tag="BEGIN", inline=True)


def _start(ts):
    ts.expect("START", "TRANSACTION")
    modes = _tx_modes(ts)
    return UtilityPlan(lambda s, p: s.begin(modes), tag="START TRANSACTION")


def _begin_hook(ts):
    ts.next()
    return _begin(ts)


def _commit(ts):
    ts.next()
    ts.accept("WORK") or ts.accept("TRANSACTION")
    if ts.accept("AND"):
        ts.accept("NO")
        ts.expect("CHAIN")
    ts.done()
    return UtilityPlan(lambda s, p: s.commit(), tag="COMMIT", allowed_in_failed_tx=True,
                       inline_without_duck_tx=True)


def _rollback(ts):
    ts.next()
    ts.accept("WORK") or ts.accept("TRANSACTION")
    if ts.accept("TO"):
        ts.accept("SAVEPOINT")
        name = ts.name()
        ts.done()
        return UtilityPlan(lambda s, p: s.rollback_to_savepoint(name), tag="ROLLBACK", allowed_in_failed_tx=True)
    if ts.accept("AND"):
        ts.accept("NO")
        ts.expect("CHAIN")
    ts.done()
    return UtilityPlan(lambda s, p: s.rollback(), tag="ROLLBACK", allowed_in_failed_tx=True,
                       inline_without_duck_tx=True)


def _savepoint(ts):
    ts.expect("SAVEPOINT")
    name = ts.name()
    ts.done()
    return UtilityPlan(lambda s, p: s.savepoint(name), tag="SAVEPOINT")


def _release(ts):
    ts.expect("RELEASE")
    ts.accept("SAVEPOINT")
    name = ts.name()
    ts.done()
    return UtilityPlan(lambda s, p: s.release_savepoint(name), tag="RELEASE")


def _prepare_transaction(ts):
    raise PgError(FEATURE_NOT_SUPPORTED, "prepared transactions (two-phase commit) are not supported",
                  position=ts.stmt.offset + 1)


register(("BEGIN",), _begin_hook)
register(("START", "TRANSACTION"), _start)
register(("COMMIT",), _commit)
register(("END",), _commit)
register(("ROLLBACK",), _rollback)
register(("ABORT",), _rollback)
register(("SAVEPOINT",), _savepoint)
register(("RELEASE",), _release)
register(("PREPARE", "TRANSACTION"), _prepare_transaction)
register(("COMMIT", "PREPARED"), _prepare_transaction)
register(("ROLLBACK", "PREPARED"), _prepare_transaction)
