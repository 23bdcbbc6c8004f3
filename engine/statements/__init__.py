"""Statements sqlglot does not parse (or parses wrongly), each a small hook.

`find_hook` looks at the leading words of a statement's tokens and returns the
handler that parses and runs it, or None for ordinary SQL (translated by sqlglot).
"""
from __future__ import annotations

from typing import Callable

from ..sqltext import TokenStream

# (leading words, handler module function) — longest match first; extensions add theirs
_HOOKS: list[tuple[tuple[str, ...], Callable]] = []


def register(words: tuple[str, ...], handler: Callable) -> None:
    _HOOKS.append((words, handler))
    _HOOKS.sort(key=lambda h: -len(h[0]))


def find_hook(ts: TokenStream):
    for words, handler in _HOOKS:
        if all(ts.word(i) == w for i, w in enumerate(words)):
            return handler
    return None


def _load() -> None:
    from . import copy, cursors, grants, misc, prepared, roles, settings_stmt, transaction  # noqa: F401


_load()
