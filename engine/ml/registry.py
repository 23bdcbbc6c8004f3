"""ModelRegistry: models, their state, metrics and ONNX bytes, in DuckDB tables of the
same database file (schema `redduck_ml`), so data and models back up together."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

SCHEMA = "redduck_ml"

_DDL = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.models (
        name VARCHAR PRIMARY KEY, schema_name VARCHAR, owner VARCHAR, state VARCHAR, reason VARCHAR,
        model_type VARCHAR, problem_type VARCHAR, objective VARCHAR, target VARCHAR, target_type VARCHAR,
        function_name VARCHAR, prob_function_name VARCHAR, param_names VARCHAR[], param_types VARCHAR[],
        labels JSON, metrics JSON, hyperparameters JSON, settings JSON, spec JSON, explanation JSON,
        created_at TIMESTAMPTZ, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
        training_table VARCHAR, training_rows BIGINT, version INTEGER, onnx BLOB)""",
    # like Redshift's SVV_ML_MODEL_INFO
    f"""CREATE OR REPLACE VIEW main.svv_ml_model_info AS
        SELECT schema_name, name AS model_name, lower(state) AS model_state, model_type, problem_type,
               objective, target AS target_column, function_name, prob_function_name, created_at AS creation_time,
               json_extract(metrics, '$.' || coalesce(objective_metric, 'f1'))::DOUBLE AS validation_metric
        FROM (SELECT *, CASE objective WHEN 'F1' THEN 'f1' WHEN 'AUC' THEN 'auc' WHEN 'Accuracy' THEN 'accuracy'
                     WHEN 'F1_Macro' THEN 'f1_macro' WHEN 'MSE' THEN 'mse' ELSE lower(objective) END AS objective_metric
              FROM {SCHEMA}.models)""",
]

_COLUMNS = ["name", "schema_name", "owner", "state", "reason", "model_type", "problem_type", "objective", "target",
            "target_type", "function_name", "prob_function_name", "param_names", "param_types", "labels", "metrics",
            "hyperparameters", "settings", "spec", "explanation", "created_at", "started_at", "finished_at",
            "training_table", "training_rows", "version"]
_JSON = {"labels", "metrics", "hyperparameters", "settings", "spec", "explanation"}


@dataclass
class ModelRecord:
    name: str
    schema_name: str = "public"
    owner: str = ""
    state: str = "QUEUED"
    reason: str | None = None
    model_type: str = "mlp"
    problem_type: str | None = None
    objective: str | None = None
    target: str = ""
    target_type: str = ""
    function_name: str = ""
    prob_function_name: str = ""
    param_names: list = field(default_factory=list)
    param_types: list = field(default_factory=list)
    labels: list | None = None
    metrics: dict | None = None
    hyperparameters: dict | None = None
    settings: dict | None = None
    spec: dict | None = None
    explanation: dict | None = None
    created_at: object = None
    started_at: object = None
    finished_at: object = None
    training_table: str = ""
    training_rows: int | None = None
    version: int = 1


class ModelRegistry:
    def __init__(self, db) -> None:
        self._lock = threading.Lock()
        self._cur = db.cursor()
        for stmt in _DDL:
            self._cur.execute(stmt)

    def _row_to_record(self, row) -> ModelRecord:
        d = dict(zip(_COLUMNS, row))
        for k in _JSON:
            if d[k] is not None:
                d[k] = json.loads(d[k])
        return ModelRecord(**d)

    def all(self) -> list[ModelRecord]:
        with self._lock:
            rows = self._cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM {SCHEMA}.models ORDER BY name").fetchall()
        return [self._row_to_record(r) for r in rows]

    def get(self, name: str) -> ModelRecord | None:
        with self._lock:
            row = self._cur.execute(f"SELECT {', '.join(_COLUMNS)} FROM {SCHEMA}.models WHERE name = ?",
                                    [name]).fetchone()
        return self._row_to_record(row) if row else None

    def onnx(self, name: str) -> bytes | None:
        with self._lock:
            row = self._cur.execute(f"SELECT onnx FROM {SCHEMA}.models WHERE name = ?", [name]).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def insert(self, rec: ModelRecord) -> None:
        vals = [json.dumps(getattr(rec, c)) if c in _JSON and getattr(rec, c) is not None else getattr(rec, c)
                for c in _COLUMNS]
        with self._lock:
            self._cur.execute(f"INSERT INTO {SCHEMA}.models ({', '.join(_COLUMNS)}) VALUES "
                              f"({', '.join('?' for _ in _COLUMNS)})", vals)

    def update(self, name: str, onnx: bytes | None = None, **fields) -> None:
        sets, vals = [], []
        for k, v in fields.items():
            sets.append(f"{k} = ?")
            vals.append(json.dumps(v) if k in _JSON and v is not None else v)
        if onnx is not None:
            sets.append("onnx = ?")
            vals.append(onnx)
        with self._lock:
            self._cur.execute(f"UPDATE {SCHEMA}.models SET {', '.join(sets)} WHERE name = ?", vals + [name])

    def delete(self, name: str) -> None:
        with self._lock:
            rec = self._cur.execute(f"SELECT training_table FROM {SCHEMA}.models WHERE name = ?", [name]).fetchone()
            self._cur.execute(f"DELETE FROM {SCHEMA}.models WHERE name = ?", [name])
            if rec and rec[0]:
                self._cur.execute(f"DROP TABLE IF EXISTS {rec[0]}")

    def export_arrow(self, table: str, path: str) -> int:
        import pyarrow as pa
        with self._lock:
            data = self._cur.sql(f"SELECT * FROM {table}").to_arrow_table()
        with pa.ipc.new_file(path, data.schema) as w:
            w.write_table(data)
        return data.num_rows
