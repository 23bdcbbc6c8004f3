"""A helper the rules share: replace nodes innermost first, so that each sees its
arguments already rewritten."""
from __future__ import annotations

from sqlglot import exp


def replace_innermost_first(tree: exp.Expression, nodes: list, fix) -> exp.Expression:
    """`nodes` in pre-order; each is replaced by fix(node) when that differs. Returns the tree."""
    for node in reversed(nodes):
        new = fix(node)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree
