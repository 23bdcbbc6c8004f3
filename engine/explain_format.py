"""DuckDB's plan (EXPLAIN … FORMAT JSON) written the way PostgreSQL's EXPLAIN writes one:

    Limit  (cost=0.00..12.00 rows=5 width=16)
      ->  Hash Join  (cost=0.00..10.00 rows=2 width=16)
            Hash Cond: (a = a)
            ->  Seq Scan on t  (cost=0.00..1.00 rows=100 width=8)

Tools read these lines (Superset takes the total cost from `cost=a..b`, pgAdmin and
DBeaver show the tree). DuckDB estimates rows only, so the costs are those estimates summed
up the tree: comparable within a plan, not PostgreSQL's units. Projections, which
PostgreSQL has no node for, are left out; a filter becomes its scan's `Filter:` line.
"""
from __future__ import annotations

import json

_NAMES = {"SEQ_SCAN": "Seq Scan", "TABLE_SCAN": "Seq Scan", "INDEX_SCAN": "Index Scan", "HASH_JOIN": "Hash Join",
          "NESTED_LOOP_JOIN": "Nested Loop", "BLOCKWISE_NL_JOIN": "Nested Loop", "CROSS_PRODUCT": "Nested Loop",
          "PIECEWISE_MERGE_JOIN": "Merge Join", "IE_JOIN": "Merge Join", "HASH_GROUP_BY": "HashAggregate",
          "PERFECT_HASH_GROUP_BY": "HashAggregate", "UNGROUPED_AGGREGATE": "Aggregate",
          "SIMPLE_AGGREGATE": "Aggregate", "ORDER_BY": "Sort", "TOP_N": "Limit", "LIMIT": "Limit",
          "STREAMING_LIMIT": "Limit", "STREAMING_WINDOW": "WindowAgg", "WINDOW": "WindowAgg", "UNION": "Append",
          "DUMMY_SCAN": "Result", "EMPTY_RESULT": "Result", "COLUMN_DATA_SCAN": "Values Scan",
          "DELIM_SCAN": "CTE Scan", "CTE_SCAN": "CTE Scan", "CTE": "CTE", "INSERT": "Insert", "UPDATE": "Update",
          "DELETE": "Delete", "UNNEST": "Function Scan", "TABLE_FUNCTION": "Function Scan",
          "HASH_DISTINCT": "HashAggregate", "LEFT_DELIM_JOIN": "Hash Join", "RIGHT_DELIM_JOIN": "Hash Join"}
_DETAILS = {"Conditions": "Hash Cond", "Order By": "Sort Key", "Groups": "Group Key", "Filters": "Filter",
            "Expression": "Filter"}
_SKIPPED = {"PROJECTION", "RESULT_COLLECTOR", "EXPLAIN_ANALYZE", "EXPLAIN"}


def _node_name(node: dict) -> str:
    kind = node.get("name") or node.get("type") or "?"
    name = _NAMES.get(kind, kind.replace("_", " ").title())
    info = node.get("extra_info") or {}
    table = info.get("Table") or info.get("Table Name")
    if table and name in ("Seq Scan", "Index Scan", "Insert", "Update", "Delete"):
        name += f" on {str(table).split('.')[-1]}"
    return name


def _details(node: dict) -> list[str]:
    info = node.get("extra_info") or {}
    out = []
    for key, label in _DETAILS.items():
        value = info.get(key)
        if value:
            text = ", ".join(value) if isinstance(value, list) else str(value)
            out.append(f"{label}: ({text})" if label in ("Hash Cond", "Filter") else f"{label}: {text}")
    return out


def _rows(node: dict) -> int:
    try:
        return int((node.get("extra_info") or {}).get("Estimated Cardinality", 0))
    except (TypeError, ValueError):
        return 0


def _width(node: dict) -> int:
    proj = (node.get("extra_info") or {}).get("Projections")
    count = len(proj) if isinstance(proj, list) else (str(proj).count(",") + 1 if proj else 1)
    return 8 * count


def _visible(node: dict) -> list[dict]:
    """The node, or (for nodes PostgreSQL has no counterpart of) its children."""
    if (node.get("name") or node.get("type")) in _SKIPPED:
        return [v for ch in node.get("children", []) for v in _visible(ch)]
    return [node]


def _render(node: dict, depth: int, analyze: bool, out: list[str]) -> float:
    """Appends the node's lines, then its children's; returns its total cost."""
    kids = [v for ch in node.get("children", []) for v in _visible(ch)]
    if (node.get("name") or node.get("type")) == "FILTER" and len(kids) == 1:
        # a filter above a scan: PostgreSQL shows it as the scan's own Filter line
        child = kids[0]
        child["extra_info"] = {**(child.get("extra_info") or {}),
                               "Expression": (node.get("extra_info") or {}).get("Expression")}
        return _render(child, depth, analyze, out)
    below: list[str] = []
    cost = sum(_render(k, depth + 1, analyze, below) for k in kids) + _rows(node) * 0.01
    head = f"{_node_name(node)}  (cost=0.00..{cost:.2f} rows={_rows(node)} width={_width(node)})"
    if analyze:
        ms = float(node.get("timing") or 0) * 1000
        head += f" (actual time=0.000..{ms:.3f} rows={int(node.get('intermediate_rows') or 0)} loops=1)"
    out.append(("" if depth == 0 else " " * (6 * depth - 4) + "->  ") + head)
    out += [" " * (6 * depth + 2) + d for d in _details(node)]
    out += below
    return cost


def profiled(plan_json: str) -> bool:
    doc = json.loads(plan_json)
    return isinstance(doc, dict) and "operator" in doc


def pg_explain_lines(plan_json: str, analyze: bool) -> list[str]:
    doc = json.loads(plan_json)
    roots = doc.get("operator", doc.get("children", [])) if isinstance(doc, dict) else doc
    nodes = [v for r in roots for v in _visible(r)]
    out: list[str] = []
    for node in nodes:
        _render(node, 0, analyze, out)
    if analyze and isinstance(doc, dict):
        planning = float((doc.get("planner") or {}).get("total_time") or 0) * 1000
        execution = float((doc.get("query") or {}).get("total_time") or 0) * 1000
        out += [f"Planning Time: {planning:.3f} ms", f"Execution Time: {execution:.3f} ms"]
    return out
