"""The values CREATE MODEL's SETTINGS and HYPERPARAMETERS accept, checked while parsing, so
that a bad one is the statement's error at the value (22023), not a training process that
fails later with a Python message (or a job that cannot start)."""
from __future__ import annotations

SWITCHES = {"on", "off", "true", "false", "yes", "no", "1", "0"}


def _number(v) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v))
    except ValueError:
        return None


def _positive_number(v) -> str | None:
    x = _number(v)
    return None if x is not None and x > 0 else "a positive number"


def _non_negative_number(v) -> str | None:
    x = _number(v)
    return None if x is not None and x >= 0 else "a number not below 0"


def _positive_integer(v) -> str | None:
    x = _number(v)
    return None if x is not None and x > 0 and x == int(x) else "a positive integer"


def _integer(v) -> str | None:
    x = _number(v)
    return None if x is not None and x == int(x) else "an integer"


def _layer_sizes(v) -> str | None:
    parts = [p.strip() for p in str(v).replace(";", ",").split(",")]
    ok = parts and all(p.isdigit() and int(p) > 0 for p in parts)
    return None if ok else "layer widths, e.g. '64,32'"


def _switch(v) -> str | None:
    return None if str(v).strip().lower() in SWITCHES else "on or off"


def _switch_or_layers(v) -> str | None:
    return None if _switch(v) is None or _layer_sizes(v) is None else "off, on or the student's layer widths, e.g. '32,16'"


CHECKS = {
    "MAX_RUNTIME": _positive_number, "MAX_CELLS": _positive_integer, "MAX_BATCH_ROWS": _positive_integer,
    "SEED": _integer, "EPOCHS": _positive_integer, "BATCH_SIZE": _positive_integer,
    "MINI_BATCH_SIZE": _positive_integer, "NUM_ROUND": _positive_integer, "PATIENCE": _positive_integer,
    "LEARNING_RATE": _positive_number, "WEIGHT_DECAY": _non_negative_number,
    "HIDDEN_LAYERS": _layer_sizes, "HIDDEN_LAYER_SIZES": _layer_sizes,
    "ENSEMBLE": _switch, "DISTILL": _switch_or_layers,
}


def problem_with(key: str, value) -> str | None:
    """What `key` expects when `value` is not it; None when the value will do."""
    check = CHECKS.get(key)
    return check(value) if check else None


CLASSIFICATION_OBJECTIVES = {"F1", "F1_Macro", "AUC", "Accuracy"}
REGRESSION_OBJECTIVES = {"MSE", "MAE", "RMSE", "R2"}


def objective_mismatch(problem_type: str | None, objective: str | None, shown: str = "") -> str | None:
    """Why OBJECTIVE cannot be used for PROBLEM_TYPE (`shown`: how the statement spelt it)."""
    if not problem_type or not objective:
        return None
    wanted = REGRESSION_OBJECTIVES if problem_type == "regression" else CLASSIFICATION_OBJECTIVES
    if objective in wanted:
        return None
    return f"OBJECTIVE '{objective}' does not apply to PROBLEM_TYPE {shown or problem_type.upper()}; use one of " \
           + ", ".join(sorted(wanted))
