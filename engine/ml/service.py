"""The model service: CREATE/SHOW/DROP MODEL, the training queue, the SQL functions.

CREATE MODEL snapshots its query into a table and returns; training runs in a separate
process (engine.ml.worker) fed that snapshot as Arrow, at most `concurrency` at a time
(the rest wait as QUEUED). A server restart marks unfinished models FAILED.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from redduck.protocol import types as T
from redduck.protocol.errors import (ACTIVE_SQL_TRANSACTION, DATATYPE_MISMATCH, DUPLICATE_OBJECT, OBJECT_IN_USE,
                                     UNDEFINED_COLUMN, UNDEFINED_OBJECT, PgError)

from ..types import oid_of
from .launcher import WorkerLauncher
from .packing import PACKED_PREFIX, Packing, packing_order
from .registry import SCHEMA, ModelRecord, ModelRegistry
from .runtime import NOT_READY, ModelFunctions, ModelRuntime, with_arity

log = logging.getLogger("redduck.ml")

EXPLAIN_TYPE = ("STRUCT(explanations STRUCT(kernel_shap STRUCT(label0 STRUCT(expected_value DOUBLE, "
                "global_shap_values MAP(VARCHAR, DOUBLE)))))")
PROBLEM_NAMES = {"binary": "BinaryClassification", "multiclass": "MulticlassClassification",
                 "regression": "Regression"}
DEFAULT_MAX_RUNTIME = 5400


@dataclass
class ModelState:
    record: ModelRecord
    progress: dict = field(default_factory=dict)
    runtime: ModelRuntime | None = None
    process: subprocess.Popen | None = None
    cancelled: bool = False
    packing: tuple | None = None   # argument order of the DOUBLE[k] functions, once registered
    done: threading.Event = field(default_factory=threading.Event)


class ModelService:
    def __init__(self, engine, concurrency: int = 1) -> None:
        from . import statements  # noqa: F401  (registers the statement hooks)
        self.engine = engine
        self.db = engine.db
        self.registry = ModelRegistry(self.db)
        self.states: dict[str, ModelState] = {}
        self._lock = threading.RLock()
        self._db_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="redduck-train")
        self._launcher = WorkerLauncher(dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1"))
        self._retired: set[str] = set()   # functions of dropped models, not removed yet (_retire)
        self._register_sql_functions()
        # \df lists the model functions (they live in DuckDB's system catalog)
        with self._db_lock:
            self.db.execute(
                "CREATE OR REPLACE MACRO redduck_pg.redduck_function_is_visible(o) AS coalesce(("
                "SELECT (rd_f.schema_name IN ('public', 'main') AND rd_f.database_name = current_database()) "
                "OR EXISTS (SELECT 1 FROM redduck_ml.models rd_m WHERE rd_f.function_name IN "
                "(rd_m.function_name, rd_m.prob_function_name, rd_m.function_name || '_probabilities')) "
                "FROM duckdb_functions() rd_f WHERE rd_f.function_oid = o LIMIT 1), false)")
            # … under the public schema, where a PostgreSQL user looks for them
            from ..catalog.macros import VIEWS, create_view, pg_proc_sql
            VIEWS["pg_proc"] = pg_proc_sql(
                "EXISTS (SELECT 1 FROM redduck_ml.models rd_m WHERE p.proname IN "
                "(rd_m.function_name, rd_m.prob_function_name, rd_m.function_name || '_probabilities'))")
            create_view(self.db, "pg_proc")
        for rec in self.registry.all():
            if rec.state in ("TRAINING", "QUEUED"):
                rec.state, rec.reason = "FAILED", "the server restarted during training"
                self.registry.update(rec.name, state=rec.state, reason=rec.reason)
            st = ModelState(rec)
            st.done.set()
            self.states[rec.name] = st
            self._register_model_functions(rec)

    # ------------------------------------------------------------ SQL functions

    def _create_function(self, name: str, fn, params, ret, **kw) -> None:
        with self._db_lock:
            self.db.create_function(name, fn, [duckdb.sqltype(p) for p in params], duckdb.sqltype(ret), **kw)


    def _register_sql_functions(self) -> None:
        self._create_function("explain_model", self.explain_report, ["VARCHAR"], EXPLAIN_TYPE, side_effects=True)
        self._create_function("redduck_wait_for_model", lambda n, t: self.wait(n, t), ["VARCHAR", "DOUBLE"],
                              "VARCHAR", side_effects=True)
        # a Python UDF has one signature; a macro gives wait_for_model('m' [, timeout_s])
        with self._db_lock:
            self.db.execute("CREATE OR REPLACE MACRO main.wait_for_model(name) AS redduck_wait_for_model(name, 0), "
                            "(name, timeout_s) AS redduck_wait_for_model(name, timeout_s)")

    def _register_model_functions(self, rec: ModelRecord) -> None:
        fns = ModelFunctions(self, rec.name)
        n = len(rec.param_types)
        ret, prob_type = _return_types(rec)
        self._create_function(rec.function_name, with_arity(fns.label, n), rec.param_types, ret, type="arrow",
                              null_handling="special")
        if rec.prob_function_name and prob_type:
            for name in (rec.prob_function_name, rec.function_name + "_probabilities"):
                self._create_function(name, with_arity(fns.proba, n), rec.param_types, prob_type, type="arrow",
                                      null_handling="special")
        self._register_packed_functions(rec)

    def _register_packed_functions(self, rec: ModelRecord) -> None:
        """The DOUBLE[k] forms of fn and fn_prob (packing.py), once a READY model's inputs are
        known to be all numbers; without them calls keep their plain form."""
        st = self.states.get(rec.name)
        order = packing_order(rec.spec, rec.param_types) if rec.state == "READY" else None
        if order is None:
            return
        fns = ModelFunctions(self, rec.name)
        arg = [f"DOUBLE[{len(order)}]"]
        ret, prob_type = _return_types(rec)
        try:
            self._create_function(PACKED_PREFIX + rec.function_name, fns.label_packed, arg, ret, type="arrow",
                                  null_handling="special")
            if prob_type:
                self._create_function(PACKED_PREFIX + rec.prob_function_name, fns.proba_packed, arg, prob_type,
                                      type="arrow", null_handling="special")
        except (duckdb.Error, ValueError, TypeError) as e:
            log.warning("model %s: calls stay unpacked: %s", rec.name, e)
            return
        if st is not None:
            st.packing = order

    def packings(self) -> tuple:
        """Packing of every model function callable in DOUBLE[k] form (rules/model_calls.py)."""
        out = []
        with self._lock:
            for st in self.states.values():
                r = st.record
                if st.packing is None or r.state != "READY":
                    continue
                types = tuple(r.param_types)
                out.append(Packing(r.function_name, PACKED_PREFIX + r.function_name, st.packing, types))
                if r.problem_type != "regression":
                    for name in (r.prob_function_name, r.function_name + "_probabilities"):
                        out.append(Packing(name, PACKED_PREFIX + r.prob_function_name, st.packing, types))
        return tuple(sorted(out, key=lambda p: p.function))

    def _retire(self, rec: ModelRecord) -> None:
        """A dropped model's functions (or a failed CREATE's) stay registered, failing every
        call, until no statement can still be running them: DuckDB crashes the process when a
        Python function is removed while a query on another cursor is calling it."""
        for name in _names_of(rec):
            self._retired.update((name, PACKED_PREFIX + name))
        st = self.states.get(rec.name)
        if st is not None:
            st.packing = None

    def sweep_retired(self, wait_s: float = 0.0) -> bool:
        """Remove the retired functions once no session runs a statement or holds a result
        DuckDB is still producing (waiting up to wait_s); False: some are still there. The
        one way model functions leave DuckDB; nothing to do (the usual case) costs nothing."""
        def remove() -> None:   # under the engine's gate: not under self._lock (drop holds it)
            names = sorted(self._retired)
            with self._db_lock:
                present = {r[0] for r in self.db.execute(
                    "SELECT DISTINCT function_name FROM duckdb_functions() WHERE list_contains(?, function_name)",
                    [names]).fetchall()}
                for name in names:
                    try:
                        if name in present:
                            self.db.remove_function(name)
                        self._retired.discard(name)
                    except (duckdb.Error, ValueError) as e:   # stays retired: the next sweep tries again
                        log.warning("cannot remove function %s yet: %s", name, e)
        deadline = time.monotonic() + wait_s
        while self._retired:
            if self.engine.when_quiescent(remove):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def function_models(self) -> dict[str, str]:
        """Model function name → model name."""
        with self._lock:
            out = {}
            for name, st in self.states.items():
                r = st.record
                for fn in _names_of(r):
                    out[fn] = name
                    out[PACKED_PREFIX + fn] = name   # their packed forms need the same privilege
            return out

    def signatures(self) -> dict:
        """Model function name → its parameter types (DuckDB), for parameter inference."""
        with self._lock:
            out = {}
            for st in self.states.values():
                r = st.record
                for fn in _names_of(r):
                    out[fn] = tuple(r.param_types)
            return out

    def call_hint(self, function: str) -> str | None:
        """What a model function takes, named as CREATE MODEL's columns, for an error about a
        call that matches none of its forms; None when `function` is no model's."""
        with self._lock:
            for st in self.states.values():
                r = st.record
                if function.lower() in _names_of(r):
                    params = ", ".join(f"{n} {T.type_name(oid_of(t))}" for n, t in zip(r.param_names, r.param_types))
                    return f'model "{r.name}" is called as {function.lower()}({params})'
        return None

    def owner_of(self, name: str) -> str | None:
        st = self.states.get(name.lower())
        return st.record.owner if st is not None else None

    def function_names(self) -> frozenset:
        with self._lock:
            names = set()
            for st in self.states.values():
                names.update(_names_of(st.record))
            return frozenset(names)

    # ------------------------------------------------------------ state

    def _state(self, name: str) -> ModelState:
        st = self.states.get(name.lower())
        if st is None:
            raise PgError(UNDEFINED_OBJECT, f'model "{name}" does not exist')
        return st

    def state_of(self, name: str) -> tuple[str, str | None]:
        st = self.states.get(name)
        if st is None:
            return "DROPPED", None
        return st.record.state, st.record.reason

    def runtime(self, name: str) -> ModelRuntime | None:
        st = self.states.get(name)
        if st is None or st.record.state != "READY":
            return None
        if st.runtime is None:
            with self._lock:
                if st.runtime is None:
                    rec = st.record
                    onnx = self.registry.onnx(name)
                    label_type = _arrow_type(rec.target_type)
                    st.runtime = ModelRuntime(onnx, rec.spec, rec.problem_type, rec.labels or [], label_type)
        return st.runtime

    # ------------------------------------------------------------ CREATE MODEL

    def create(self, session, spec) -> "object":
        from ..result import Result
        from ..sqltext import split_statements
        if session.tx != "I":
            raise PgError(ACTIVE_SQL_TRANSACTION, "CREATE MODEL cannot run inside a transaction block")
        name = spec.name.lower()
        fn = spec.function.lower()
        wanted = {fn, fn + "_prob", fn + "_probabilities"}
        if wanted & self._retired and not self.sweep_retired(wait_s=5.0):
            raise PgError(OBJECT_IN_USE, f'function "{fn}" of a dropped model may still be called by a running '
                          "statement or an open cursor", position=spec.function_pos,
                          hint="Retry when those have finished, or choose another FUNCTION name.")
        session._detach_all()   # DuckDB's catalog is read on the session's cursor
        with self._lock:
            if name in self.states:
                raise PgError(DUPLICATE_OBJECT, f'model "{spec.name}" already exists')
            taken = self.function_names()
            existing = {r[0] for r in session.cursor.execute(
                "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_name IN (?, ?)",
                [fn, fn + "_prob"]).fetchall()} - self._retired
            if fn in taken or fn + "_prob" in taken or existing:
                clash = fn if (fn in taken or fn in existing) else fn + "_prob"
                raise PgError("42723", f'function "{clash}" already exists', position=spec.function_pos,
                              hint="Choose another FUNCTION name.")
        stmts = split_statements(spec.query_sql)
        if len(stmts) != 1:
            raise PgError("42601", "CREATE MODEL needs one query in FROM", position=spec.query_offset + 1)
        from ..sqltext import StatementText
        stmt = StatementText(stmts[0].sql, spec.query_offset + stmts[0].offset, stmts[0].tokens)
        plan = session.plan(stmt)
        if plan.translation is None or not plan.returns_rows:
            raise PgError("42601", "CREATE MODEL … FROM needs a query", position=spec.query_offset + 1)
        session.authorize(plan)
        table = f'{SCHEMA}."train_{name}"'
        try:
            session.cursor.execute(f"DROP TABLE IF EXISTS {table}")
            session.cursor.execute(f"CREATE TABLE {table} AS {plan.translation.sql}")
        except duckdb.Error as e:
            from ..errors import from_duckdb
            err = from_duckdb(e)
            raise err from None
        cols = session.cursor.execute(f"DESCRIBE {table}").fetchall()
        names = [c[0] for c in cols]
        types = {c[0]: c[1] for c in cols}
        target = next((n for n in names if n.lower() == spec.target.lower()), None)
        if target is None:
            session.cursor.execute(f"DROP TABLE IF EXISTS {table}")
            raise PgError(UNDEFINED_COLUMN, f'TARGET column "{spec.target}" is not in the FROM query',
                          position=spec.target_pos, hint="Columns: " + ", ".join(names))
        features = [n for n in names if n != target]
        if not features:
            session.cursor.execute(f"DROP TABLE IF EXISTS {table}")
            raise PgError("42P10", "CREATE MODEL needs at least one column besides the TARGET")
        if spec.arg_types is not None and len(spec.arg_types) != len(features):
            session.cursor.execute(f"DROP TABLE IF EXISTS {table}")
            raise PgError(DATATYPE_MISMATCH, f"FUNCTION {spec.function} declares {len(spec.arg_types)} argument types "
                          f"but the query has {len(features)} input columns ({', '.join(features)})",
                          position=spec.function_pos)
        rows = session.cursor.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        problem = spec.problem_type
        if problem is None:
            # inferred now, as the worker would, so that the functions are registered once with
            # their final types (a regression has no fn_prob, and its fn returns DOUBLE)
            from .worker import infer_problem
            quoted = '"' + target.replace('"', '""') + '"'
            problem, _ = infer_problem(session.cursor.sql(f"SELECT {quoted} FROM {table}").to_arrow_table()
                                       .column(0))
        settings = dict(spec.settings)
        settings.setdefault("MAX_RUNTIME", DEFAULT_MAX_RUNTIME)
        rec = ModelRecord(name=name, schema_name=spec.schema or "public", owner=session.user, state="QUEUED",
                          model_type="mlp", problem_type=problem, objective=spec.objective,
                          target=target, target_type=types[target], function_name=fn,
                          prob_function_name=fn + "_prob", param_names=features,
                          param_types=[types[f] for f in features], hyperparameters=spec.hyperparameters,
                          settings=settings, created_at=dt.datetime.now(dt.timezone.utc),
                          training_table=table, training_rows=rows)
        st = ModelState(rec)
        with self._lock:
            try:
                self._register_model_functions(rec)
            except (duckdb.Error, ValueError, TypeError) as e:
                self._retire(rec)   # whatever of them was registered; swept when nothing runs
                session.cursor.execute(f"DROP TABLE IF EXISTS {table}")
                raise PgError("42883", f"cannot create the model functions: {e}") from None
            self.registry.insert(rec)
            self.states[name] = st
        self.engine.bump_catalog()
        self._pool.submit(self._train, st)
        notices = [PgError("00000", f"{what} is accepted and ignored: redduck trains locally", severity="NOTICE")
                   for what in spec.ignored]
        return Result(tag="CREATE MODEL", notices=notices)

    # ------------------------------------------------------------ training

    def _train(self, st: ModelState) -> None:
        rec = st.record
        if st.cancelled:
            return
        job_dir = None
        try:
            # a quoted model name may hold any character ('/', a newline): not in the path
            safe = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in rec.name)[:40]
            job_dir = tempfile.mkdtemp(prefix=f"redduck-train-{safe}-")
            rec.state, rec.started_at = "TRAINING", dt.datetime.now(dt.timezone.utc)
            self.registry.update(rec.name, state="TRAINING", started_at=rec.started_at)
            self.registry.export_arrow(rec.training_table, os.path.join(job_dir, "data.arrow"))
            s = rec.settings or {}
            job = {"target": rec.target, "features": rec.param_names, "feature_types": rec.param_types,
                   "problem_type": rec.problem_type, "objective": rec.objective,
                   "max_runtime": float(s.get("MAX_RUNTIME", DEFAULT_MAX_RUNTIME)),
                   "max_cells": s.get("MAX_CELLS"), "seed": int(s.get("SEED", (rec.hyperparameters or {}).get("SEED", 42))),
                   "hyperparameters": rec.hyperparameters or {}}
            with open(os.path.join(job_dir, "job.json"), "w") as f:
                json.dump(job, f)
            st.process = self._launcher.start(job_dir, os.path.join(job_dir, "worker.log"))
            hard_limit = time.monotonic() + job["max_runtime"] + 300
            while st.process.poll() is None:
                if st.cancelled or time.monotonic() > hard_limit:
                    st.process.kill()
                    st.process.wait()
                    break
                self._read_progress(st, job_dir)
                try:
                    st.process.wait(0.2)   # returns as soon as the job is done
                except subprocess.TimeoutExpired:
                    pass
            if st.cancelled:
                return
            result_path = os.path.join(job_dir, "result.json")
            if os.path.exists(result_path):
                result = json.load(open(result_path))
                onnx = open(os.path.join(job_dir, "model.onnx"), "rb").read()
                self._finish(st, result, onnx)
            else:
                reason = "training exceeded MAX_RUNTIME" if st.process.returncode and time.monotonic() > hard_limit \
                    else f"the training process exited with code {st.process.returncode}"
                err_path = os.path.join(job_dir, "error.json")
                if os.path.exists(err_path):
                    reason = json.load(open(err_path))["error"]
                self._fail(st, reason)
        except Exception as e:  # never leave a model in TRAINING
            log.exception("training %s failed", rec.name)
            self._fail(st, f"{type(e).__name__}: {e}")
        finally:
            st.process = None
            if job_dir is not None:
                shutil.rmtree(job_dir, ignore_errors=True)
            st.done.set()

    def _read_progress(self, st: ModelState, job_dir: str) -> None:
        try:
            with open(os.path.join(job_dir, "progress.json")) as f:
                st.progress = json.load(f)
        except (OSError, ValueError):
            pass

    def _finish(self, st: ModelState, result: dict, onnx: bytes) -> None:
        rec = st.record
        rec.state = "READY"
        rec.problem_type = result["problem_type"]
        rec.objective = result["objective"]
        rec.labels = result["labels"]
        rec.metrics = dict(result["metrics"], hidden=result["hidden"], teacher=result.get("teacher"),
                           learning_rate=result["learning_rate"],
                           epochs=result["epochs"], train_seconds=result["train_seconds"],
                           validation_rows=result["validation_rows"], metric_name=result["metric_name"])
        rec.spec = result["spec"]
        rec.explanation = result["explanation"]
        rec.finished_at = dt.datetime.now(dt.timezone.utc)
        with self._lock:
            if st.cancelled:
                return
            self.registry.update(rec.name, onnx=onnx, state="READY", problem_type=rec.problem_type,
                                 objective=rec.objective, labels=rec.labels, metrics=rec.metrics, spec=rec.spec,
                                 explanation=rec.explanation, finished_at=rec.finished_at)
            self._register_packed_functions(rec)
        self.engine.bump_catalog()   # sessions re-translate: calls of this model may now be packed
        log.info("model %s READY: %s", rec.name, {k: v for k, v in rec.metrics.items() if isinstance(v, float)})

    def _fail(self, st: ModelState, reason: str) -> None:
        rec = st.record
        rec.state, rec.reason, rec.finished_at = "FAILED", reason, dt.datetime.now(dt.timezone.utc)
        with self._lock:
            if not st.cancelled:
                self.registry.update(rec.name, state="FAILED", reason=reason, finished_at=rec.finished_at)
        log.warning("model %s FAILED: %s", rec.name, reason)

    def wait(self, name: str, timeout: float | None) -> str:
        st = self._state(name)
        st.done.wait(timeout if timeout and timeout > 0 else None)
        if st.cancelled and self.states.get(st.record.name) is not st:
            return "DROPPED"   # dropped while it was awaited
        return st.record.state

    # ------------------------------------------------------------ DROP / SHOW / explain

    def drop(self, name: str, if_exists: bool):
        from ..result import Result
        with self._lock:
            st = self.states.get(name.lower())
            if st is None:
                if if_exists:
                    return Result(tag="DROP MODEL", notices=[PgError("00000", f'model "{name}" does not exist, skipping',
                                                                      severity="NOTICE")])
                raise PgError(UNDEFINED_OBJECT, f'model "{name}" does not exist')
            st.cancelled = True
            if st.process is not None and st.process.poll() is None:
                st.process.kill()
            self._retire(st.record)
            self.registry.delete(st.record.name)
            del self.states[st.record.name]
            st.done.set()
        self.sweep_retired()
        self.engine.bump_catalog()
        return Result(tag="DROP MODEL")

    def explain_report(self, name: str) -> dict:
        st = self.states.get((name or "").lower())
        if st is None:
            raise RuntimeError(f'[42704] model "{name}" does not exist')
        if st.record.state != "READY" or not st.record.explanation:
            raise RuntimeError(f'[{NOT_READY}] the explainability report of model "{name}" is not available: '
                               f"model state is {st.record.state}")
        e = st.record.explanation
        return {"explanations": {"kernel_shap": {"label0": {"expected_value": e["expected_value"],
                                                            "global_shap_values": e["global_shap_values"]}}}}

    def show(self, name: str) -> list[tuple[str, str]]:
        st = self._state(name)
        r = st.record
        rows = [("Model Name", r.name), ("Schema Name", r.schema_name), ("Owner", r.owner),
                ("Creation Time", r.created_at.strftime("%a, %d.%m.%Y %H:%M:%S") if r.created_at else ""),
                ("Model State", r.state)]
        if r.state == "READY" and r.metrics:
            name_ = r.metrics.get("metric_name", "validation:metric")
            rows.append((name_, f"{r.metrics.get(name_, 0.0):.6f}"))
        if r.state in ("TRAINING", "QUEUED"):
            rows.append(("Training Progress", _progress_text(st.progress, r.state)))
        if r.state == "FAILED":
            rows.append(("Failure Reason", r.reason or ""))
        rows += [("Estimated Cost", "0.000000"), ("Target Column", r.target.upper()), ("Model Type", r.model_type),
                 ("Problem Type", PROBLEM_NAMES.get(r.problem_type or "", "") if r.problem_type else ""),
                 ("Objective", r.objective or ""), ("AutoML Job Name", f"redduck-{r.name}-v{r.version}"),
                 ("Function Name", r.function_name)]
        if r.problem_type != "regression":
            rows.append(("", r.prob_function_name))
        rows += [("Function Parameters", " ".join(r.param_names)),
                 ("Function Parameter Types", " ".join(T.type_name(oid_of(t)) for t in r.param_types)),
                 ("IAM Role", "default"), ("S3 Bucket", str((r.settings or {}).get("S3_BUCKET", ""))),
                 ("Max Runtime", str((r.settings or {}).get("MAX_RUNTIME", DEFAULT_MAX_RUNTIME)))]
        if r.state == "READY" and r.metrics:
            rows.append(("Training Rows", str(r.training_rows)))
            hidden = r.metrics.get("hidden", [])
            if hidden and isinstance(hidden[0], list):
                net = "ensemble of " + " + ".join("x".join(map(str, h)) for h in hidden)
            else:
                net = "x".join(str(h) for h in hidden) + f", lr {r.metrics.get('learning_rate')}, " \
                                                         f"{r.metrics.get('epochs')} epochs"
            teacher = r.metrics.get("teacher")
            if teacher:
                net += ", distilled from " + (
                    "an ensemble of " + " + ".join("x".join(map(str, h)) for h in teacher)
                    if isinstance(teacher[0], list) else "x".join(map(str, teacher)))
            rows.append(("Network", net))
            rows.append(("Training Seconds", f"{r.metrics.get('train_seconds', 0):.1f}"))
        return rows

    def show_all(self) -> list[tuple]:
        return [(st.record.schema_name, st.record.name, st.record.state, st.record.model_type,
                 st.record.function_name) for st in sorted(self.states.values(), key=lambda s: s.record.name)]

    def shutdown(self) -> None:
        for st in list(self.states.values()):
            if st.process is not None and st.process.poll() is None:
                st.cancelled = True
                st.process.kill()
                rec = st.record
                self.registry.update(rec.name, state="FAILED", reason="the server stopped during training")
        self._launcher.close()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _progress_text(p: dict, state: str) -> str:
    if state == "QUEUED":
        return "waiting for a training slot"
    if not p or p.get("phase") != "training":
        return (p or {}).get("phase", "starting")
    if p.get("candidate") == "distilled":
        return (f"distilling into {'x'.join(map(str, p['hidden']))}, epoch {p['epoch']}, "
                f"best validation {p['best_validation']:.4f}")
    return (f"candidate {p['candidate']}/{p['candidates']} ({'x'.join(map(str, p['hidden']))}, lr {p['learning_rate']}), "
            f"epoch {p['epoch']}, best validation {p['best_validation']:.4f}, elapsed {p['elapsed_s']:.1f}s")


def _return_types(r: ModelRecord) -> tuple[str, str | None]:
    """SQL types of fn and fn_prob (None: regression has no fn_prob)."""
    if r.problem_type == "regression":
        return "DOUBLE", None
    return r.target_type, f"STRUCT(labels MAP(INTEGER, {r.target_type}), probabilities MAP(INTEGER, DOUBLE))"


def _names_of(r: ModelRecord) -> list[str]:
    """The SQL names of a model's functions: fn, fn_prob and Redshift's fn_probabilities."""
    return [n for n in (r.function_name, r.prob_function_name, r.function_name + "_probabilities") if n]


def _arrow_type(duck_type: str) -> pa.DataType:
    con = duckdb.connect()
    try:
        return con.sql(f"SELECT NULL::{duck_type} AS x").to_arrow_table().schema.field("x").type
    finally:
        con.close()
