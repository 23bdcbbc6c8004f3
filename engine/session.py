"""One client session's engine state: a DuckDB cursor, settings, cursors, prepared SQL.

The server drives it from one worker thread at a time; every method blocks.
"""
from __future__ import annotations

import datetime as dt

import logging
import threading
from dataclasses import dataclass, field

import duckdb
from sqlglot import exp

from redduck.protocol import types as T
from redduck.protocol.errors import (ACTIVE_SQL_TRANSACTION, DUPLICATE_CURSOR,
                                     DUPLICATE_PREPARED_STATEMENT, IN_FAILED_SQL_TRANSACTION,
                                     INVALID_CURSOR_NAME, INVALID_SQL_STATEMENT_NAME,
                                     NO_ACTIVE_SQL_TRANSACTION, READ_ONLY_SQL_TRANSACTION,
                                     SERIALIZATION_FAILURE, UNDEFINED_FUNCTION, PgError)

from . import tags
from .catalog.columns import record as record_declared_types
from .constraint_errors import name_constraint
from .column_sources import column_sources
from .error_positions import called_function, locate
from .errors import from_duckdb
from .params import infer_param_oids
from .result import Column, Result
from .rowsource import READER_ROWS, STREAM_BUFFER, RowSource
from .settings import Settings, display
from .sqltext import StatementText, TokenStream, split_statements
from .statements import find_hook
from .statements.base import UtilityPlan
from .translate import TranslateContext, Translator
from .types import oid_of, sql_name_of, typmod_of

log = logging.getLogger("redduck.session")


@dataclass
class Plan:
    """A statement parsed and classified, not yet run (a prepared statement's body)."""
    stmt: StatementText
    utility: UtilityPlan | None = None
    translation: object | None = None
    param_oids: list = field(default_factory=list)
    returns_rows: bool = False
    columns: list | None = None
    catalog_version: int = -1
    inline: bool = False   # cheap enough to run on the event loop
    sources: list | None = None       # (table OID, column number) per result column
    constant_candidate: bool = False  # literals only: run once, then answer from `constant`
    constant: tuple | None = None
    acl_key: tuple | None = None      # (privilege, catalog versions) it was last authorized at
    writes: bool = False              # not a plain query: Sync ends its implicit transaction

    @property
    def empty(self) -> bool:
        return self.utility is None and self.translation is None


@dataclass
class SqlCursor:
    source: RowSource
    columns: list
    hold: bool
    statement: str = ""
    binary: bool = False
    scroll: bool = False


def _streamable(tr, plan: Plan) -> bool:
    """A query that may run as a relation: one that only reads, in one DuckDB statement
    (a relation of DML would run it again; a prelude would not run at all)."""
    return not plan.writes and not tr.duck.meta.get("prelude")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# what a read-only transaction may not run (PostgreSQL's 25006)
_WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.TruncateTable,
           exp.Comment, exp.Grant)


def result_column(name: str, duck_type: str, engine) -> Column:
    """A result column as PostgreSQL describes it; an enum column is of its enum type (its
    values travel as text, as PostgreSQL sends enum values)."""
    if duck_type.startswith("ENUM(") and (enum_oid := engine.enum_type_oid(duck_type)):
        return Column(name, enum_oid, 4, -1, codec_oid=T.TEXT)
    oid = oid_of(duck_type)
    return Column(name, oid, T.typlen(oid), typmod_of(duck_type))


class EngineSession:
    def __init__(self, engine, pid: int, user: str, database: str, startup: dict | None = None) -> None:
        self.engine = engine
        self.pid = pid
        self.user = user
        self.database = database
        self.cursor = engine.db.cursor()
        self.cursor.execute("SET search_path = 'public,main'")
        self.cursor.execute(f"SET streaming_buffer_size = '{STREAM_BUFFER}'")
        overrides = {"session_authorization": user,
                     "is_superuser": "on" if engine.security.is_superuser(user) else "off",
                     **engine.server_settings}
        for k, v in (startup or {}).items():
            if Settings.canonical(k, must_exist=False) in Settings().as_dict():
                overrides[Settings.canonical(k)] = v
        self.settings = Settings(overrides)
        self.tx = "I"
        self.duck_tx_open = False
        self.implicit_tx = False        # a multi-statement Query's own transaction
        # DuckDB has no subtransactions: savepoints are emulated by replaying the writes of
        # the transaction up to the savepoint after a full rollback (see rollback_to_savepoint)
        self.tx_log: list = []          # (sql, params) of writes in the open transaction
        self.savepoints: list = []      # (name, len(tx_log) when it was set)
        # settings changed inside the open transaction: name → (value before, SET LOCAL?); a
        # rollback restores them all, a commit the LOCAL ones (PostgreSQL's SET is transactional)
        self.tx_settings: dict = {}
        self.tx_unreplayable = ""       # why a replay is impossible (COPY in the transaction)
        self.translator = Translator()
        self._plans: dict = {}
        from .prepared_cache import PreparedCache
        self.prepared_cache = PreparedCache(self.cursor)          # (sql, param oids, catalog and settings versions) → Plan
        self.attached: list[RowSource] = []
        self.cursors: dict[str, SqlCursor] = {}
        self.sql_prepared: dict[str, Plan] = {}
        self._lock = threading.Lock()
        self._context = None
        self._context_key = None
        self.running = False
        # what pg_stat_activity shows of this session
        self.client_addr: str | None = None
        self.started = _now()
        self.query_start = None
        self.xact_start = None
        self.current_query = ""
        engine.sessions[pid] = self

    # ------------------------------------------------------------ planning

    def split(self, sql: str) -> list[StatementText]:
        return split_statements(sql)

    def context(self) -> TranslateContext:
        key = (self.settings.version, self.engine.catalog_version, len(self.cursors))
        if self._context is not None and self._context_key == key and not self.cursors:
            return self._context
        self._context_key = key
        self._context = TranslateContext(pid=self.pid, database=self.database, user=self.user,
                                settings=self.settings.as_dict(),
                                model_functions=self.engine.model_function_names(),
                                model_packings=self.engine.model_packings(),
                                catalog_version=self.engine.catalog_version,
                                cursors=tuple((n, c.statement, c.hold, c.binary, c.scroll)
                                              for n, c in self.cursors.items()),
                                column_type=self.engine.column_type,
                                declared_length=self.engine.declared_length)
        return self._context

    def _plan_key(self, sql: str, param_oids: tuple):
        return (sql, param_oids, self.engine.catalog_version, self.settings.version)

    def cached_plan(self, sql: str, param_oids: tuple = ()) -> Plan | None:
        """A plan for this exact text, made earlier in this session, if still valid."""
        return self._plans.get(self._plan_key(sql, param_oids))

    def plan_text(self, sql: str, param_oids: tuple = ()) -> Plan:
        """Plan a Parse message's text (one statement, or none)."""
        stmts = split_statements(sql)
        if len(stmts) > 1:
            raise PgError("42601", "cannot insert multiple commands into a prepared statement")
        plan = self.plan(stmts[0], param_oids) if stmts else Plan(StatementText("", 0, ()))
        self._remember(self._plan_key(sql, param_oids), plan)
        return plan

    def remember_text(self, sql: str, plan: Plan) -> None:
        """Remember a one-statement query string's plan under the whole string."""
        self._remember(self._plan_key(sql, ()), plan)

    def plan_cached(self, stmt: StatementText) -> Plan:
        key = self._plan_key(stmt.sql, ())
        plan = self._plans.get(key)
        if plan is None or plan.stmt.offset != stmt.offset:
            plan = self.plan(stmt)
            self._remember(key, plan)
        return plan

    def _remember(self, key, plan: Plan) -> None:
        self._plans[key] = plan
        if len(self._plans) > 256:
            self._plans.pop(next(iter(self._plans)))

    def plan(self, stmt: StatementText, param_oids: tuple = ()) -> Plan:
        if not stmt.tokens:
            return Plan(stmt)
        hook = find_hook(TokenStream(stmt))
        if hook is not None:
            up = hook(TokenStream(stmt))
            oids = list(param_oids[:up.param_count]) + [T.TEXT] * max(0, up.param_count - len(param_oids))
            return Plan(stmt, utility=up, param_oids=[o or T.TEXT for o in oids],
                        returns_rows=up.columns is not None or up.describe is not None, columns=up.columns,
                        inline=up.inline)
        tr = self.translator.translate(stmt, self.context())
        oids = infer_param_oids(tr.tree, tr.param_count, self.engine.column_type, tuple(param_oids),
                                self.engine.model_signatures() if tr.param_count else None)
        if tr.param_count and isinstance(tr.duck, exp.Insert):
            self._check_insert_columns(stmt, tr.duck)
        return Plan(stmt, translation=tr, param_oids=oids, returns_rows=tags.returns_rows(tr.tree),
                    inline=tags.trivial(tr.tree), constant_candidate=tags.constant(tr.tree),
                    writes=tags.writes(tr.tree))

    def _check_insert_columns(self, stmt: StatementText, tree: exp.Insert) -> None:
        """A prepared INSERT's target columns exist, as PostgreSQL checks at Parse: the types
        inferred for its parameters are theirs, and a client encodes its values by them
        (asyncpg would otherwise report a typo in a column name as a value it cannot encode)."""
        target = tree.this
        if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table) or not target.expressions:
            return
        probe = exp.select(*[exp.column(c.copy()) for c in target.expressions]).from_(target.this.copy()).limit(0)
        self._detach_all()
        try:
            self.cursor.sql(probe.sql(dialect="duckdb"))
        except duckdb.Error as e:
            raise self._fail(e, Plan(stmt)) from None

    # ------------------------------------------------------------ describing

    def describe(self, plan: Plan) -> list[Column] | None:
        """Row description without running the statement (None: it returns no rows)."""
        if not plan.returns_rows:
            return None
        if plan.columns is not None and (plan.utility or plan.catalog_version == self.engine.catalog_version):
            return plan.columns
        if plan.utility is not None:
            return plan.utility.describe(self) if plan.utility.describe else plan.utility.columns
        self.authorize(plan)
        tree = plan.translation.duck.copy()
        oids = plan.param_oids

        def typed_null(node):
            from .params import param_index
            idx = param_index(node)
            if idx:
                oid = oids[idx - 1] if idx <= len(oids) else T.TEXT
                return exp.cast(exp.null(), exp.DataType.build(sql_name_of(oid), dialect="duckdb"))
            return node

        tree = tree.transform(typed_null)
        self._detach_all()
        self.ensure_transaction()
        if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
            returning = tree.args.get("returning")
            table = tree.this if isinstance(tree.this, exp.Table) else tree.find(exp.Table)
            tree = exp.select(*returning.expressions).from_(table.copy()).limit(0)
        try:
            rel = self.cursor.sql(tree.sql(dialect="duckdb"))
        except duckdb.Error as e:
            raise self._fail(e, plan)
        cols = self._float_digits(self._with_sources(plan, [result_column(n, str(t), self.engine)
                                                            for n, t in zip(rel.columns, rel.types)]))
        plan.columns, plan.catalog_version = cols, self.engine.catalog_version
        return cols

    # ------------------------------------------------------------ running

    def state_name(self) -> str:
        if self.running:
            return "active"
        return {"T": "idle in transaction", "E": "idle in transaction (aborted)"}.get(self.tx, "idle")

    def execute(self, plan: Plan, params: list | None = None) -> Result:
        params = params or []
        self.current_query, self.query_start = plan.stmt.sql, _now()
        if self.tx != "I" and self.xact_start is None:
            self.xact_start = self.query_start
        elif self.tx == "I":
            self.xact_start = None
        if plan.empty:
            return Result(tag="")
        if self.tx == "E" and not (plan.utility and plan.utility.allowed_in_failed_tx):
            raise PgError(IN_FAILED_SQL_TRANSACTION,
                          "current transaction is aborted, commands ignored until end of transaction block")
        if plan.utility is not None:
            try:
                result = plan.utility.run(self, params)
            except PgError:
                self._mark_failed()
                raise
            except duckdb.Error as e:
                raise self._fail(e, plan)
            if result is None:
                result = Result(tag=plan.utility.tag)
            elif not result.tag and result.rows is None and plan.utility.tag:
                result.tag = plan.utility.tag
            return result
        return self._run_sql(plan, params)

    def search_path(self) -> tuple:
        parts = [p.strip().strip('"') for p in self.settings.get("search_path").split(",")]
        return tuple(p for p in parts if p and p != "$user") + ("main",)

    def authorize(self, plan: Plan) -> None:
        """Privilege checks for a translated statement (cached until grants or the catalog change)."""
        sec = self.engine.security
        if plan.translation is None or sec.is_superuser(self.user):
            return
        key = (sec.version, self.engine.catalog_version)
        if plan.acl_key != key:
            try:
                self.engine.authorizer.check(self.user, plan.translation.tree, self.search_path())
            except PgError:
                self._mark_failed()
                raise
            plan.acl_key = key

    def _run_sql(self, plan: Plan, params: list) -> Result:
        tr = plan.translation
        self.authorize(plan)
        if self._read_only() and (isinstance(tr.tree, _WRITES) or tags.selects_into(tr.tree)):
            self._mark_failed()
            what = tags.tag_for(tr.tree, 0).split(" ")[0] if tags.is_dml(tr.tree) else tags.tag_for(tr.tree)
            raise PgError(READ_ONLY_SQL_TRANSACTION, f"cannot execute {what} in a read-only transaction")
        if plan.constant is not None:  # constants only: the result never changes
            cols, rows = plan.constant
            return Result(columns=cols, rows=RowSource(batches=[list(rows)]), tag_prefix="SELECT")
        met = self._detach_all()
        if met is not None and self.duck_tx_open:
            # DuckDB ran an open cursor's query ahead, and its failure aborted the transaction
            raise PgError(IN_FAILED_SQL_TRANSACTION,
                          "current transaction is aborted, commands ignored until end of transaction block",
                          detail=f"An open cursor's query failed while its rows were read ahead: {met.message}")
        existed = self._table_exists_already(tr.tree)
        with self.engine.exec_gate:
            self.running = True
        # a translation of several statements (DROP a, b; TRUNCATE a, b) is all or nothing, as
        # the one statement it stands for; in a transaction it already is
        own_tx = bool(tr.duck.meta.get("prelude")) and self.tx == "I"
        try:
            self.ensure_transaction()
            if own_tx:
                self.cursor.execute("BEGIN TRANSACTION")
            relation = None
            if tr.sql in self.engine.large_results:
                # its last result was large: a relation's reader streams it (rowsource.py)
                relation = self._relation(tr, params)
            elif params:
                self.cursor.execute(tr.sql, params)
            elif tags.preparable(tr.tree):
                self.prepared_cache.execute(tr.sql, self.engine.catalog_version)
            else:
                self.cursor.execute(tr.sql)
            if plan.returns_rows:
                desc = (relation if relation is not None else self.cursor).description or ()
                cols = self._float_digits(self._with_sources(plan, [result_column(d[0], str(d[1]), self.engine)
                                                                    for d in desc]))
                if plan.constant_candidate and relation is None and not any("INTERVAL" in str(d[1]) for d in desc):
                    rows = self.cursor.fetchall()
                    plan.constant = (cols, tuple(rows))
                    return Result(columns=cols, rows=RowSource(batches=[rows]), tag_prefix="SELECT")
                hooks = {"on_close": self._on_source_closed, "on_error": lambda e: self._fail(e, plan)}
                if relation is not None:
                    src = self._attach(RowSource(reader=relation.to_arrow_reader(READER_ROWS), **hooks))
                else:
                    src = self._attach(RowSource(self.cursor, restream=self._restreamer(tr, plan, params), **hooks))
                if src.large or relation is not None:
                    self.engine.large_results.record(tr.sql, src.large and _streamable(tr, plan))
                prefix = "SELECT" if tags.returns_rows(tr.tree) and not tags.is_dml(tr.tree) else \
                    tags.tag_for(tr.tree, 0).rsplit(" ", 1)[0]
                return Result(columns=cols, rows=src, tag_prefix=prefix)
            if self.tx == "T":
                self.tx_log.append((tr.sql, list(params)))
            count = None
            if tags.is_dml(tr.tree) or tags.selects_into(tr.tree) or (
                    isinstance(tr.tree, exp.Create) and tr.tree.expression is not None):
                row = self.cursor.fetchone()
                count = row[0] if row else 0
            else:
                self.cursor.fetchall()
            if isinstance(tr.tree, (exp.Create, exp.Drop, exp.Alter, exp.TruncateTable, exp.Comment)) \
                    or tags.selects_into(tr.tree):
                if not existed:
                    record_declared_types(self.cursor, tr.tree, self.search_path()[0])
                self.engine.bump_catalog()
                if isinstance(tr.tree, (exp.Create, exp.Drop)):
                    self.engine.authorizer.record_created(self.user, tr.tree, self.search_path())
            if own_tx:
                self.cursor.execute("COMMIT")
                own_tx = False
            return Result(tag=tags.tag_for(tr.tree, count),
                          notices=[PgError("01000", w, severity="WARNING") for w in tr.duck.meta.get("warnings", ())])
        except duckdb.Error as e:
            if own_tx:
                try:
                    self.cursor.execute("ROLLBACK")
                except duckdb.Error:
                    pass
            raise self._fail(e, plan)
        finally:
            self.running = False
            self.engine.statement_finished()

    def _float_digits(self, cols: list) -> list:
        """extra_float_digits of 0 or less: floats written with 15 (float4: 6) plus that many
        significant digits, as PostgreSQL does; above 0 the shortest exact form (its default)."""
        extra = int(self.settings.get("extra_float_digits") or 1)
        if extra > 0:
            return cols
        from dataclasses import replace
        base = {T.FLOAT8: 15, T.FLOAT4: 6}
        return [replace(c, float_digits=base[c.type_oid] + extra) if c.type_oid in base else c for c in cols]

    def _read_only(self) -> bool:
        """BEGIN READ ONLY, SET TRANSACTION READ ONLY, or default_transaction_read_only outside one."""
        explicit = self.tx != "I" and not self.implicit_tx
        return self.settings["transaction_read_only" if explicit else "default_transaction_read_only"] == "on"

    def _table_exists_already(self, tree) -> bool:
        """CREATE TABLE IF NOT EXISTS of a table that exists changes nothing (not even its types)."""
        if not (isinstance(tree, exp.Create) and tree.args.get("exists")
                and (tree.args.get("kind") or "").upper() == "TABLE"):
            return False
        table = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        return isinstance(table, exp.Table) and \
            self.engine.table_columns(table.db or self.search_path()[0], table.name) is not None

    def _with_sources(self, plan: Plan, cols: list) -> list:
        """Table OID and column number for columns read straight from a table, as
        PostgreSQL fills them in RowDescription (column_sources.py)."""
        if plan.sources is None:
            plan.sources = column_sources(plan.translation.tree, self.engine.table_columns) or []
        if not plan.sources or len(plan.sources) != len(cols):
            return cols
        from dataclasses import replace
        out = []
        for c, (oid, num) in zip(cols, plan.sources):
            if oid:
                c = replace(c, table_oid=oid, column_number=num)
                # varchar(n) and char(n), which DuckDB keeps as its one VARCHAR, and the enum type
                # a column was declared with, which DuckDB knows only by its labels (catalog/columns.py)
                if (c.type_oid == T.TEXT or c.codec_oid == T.TEXT) and (decl := self.engine.declared_type(oid, num)):
                    c = replace(c, type_oid=decl[0], type_modifier=decl[1])
            out.append(c)
        return out

    def _fail(self, e: Exception, plan: Plan | None = None) -> PgError:
        err = locate(from_duckdb(e), str(e), plan.stmt if plan is not None else None)
        if err.code == UNDEFINED_FUNCTION and self.engine.models is not None:
            called = called_function(str(e))
            hint = self.engine.models.call_hint(called) if called else None
            if hint:
                err.hint = hint
        self._mark_failed()
        if plan is not None and plan.translation is not None:
            name_constraint(err, plan.translation.tree, self.engine)
        return err

    def _mark_failed(self) -> None:
        if self.tx == "T":
            self.tx = "E"

    def _restreamer(self, tr, plan: Plan, params: list):
        """How to run this query again as a stream, for a result that proves large or has
        intervals (rowsource.py); None where running it twice could change anything."""
        if not _streamable(tr, plan):
            return None

        def restream():
            if not tags.side_effect_free(tr.duck):   # walked only when it is needed
                return None
            self.cursor.abort()   # the executed result's rows: not one has been sent
            return self._relation(tr, params).to_arrow_reader(READER_ROWS)
        return restream

    def _relation(self, tr, params: list):
        """The query as a DuckDB relation, whose Arrow reader streams (rowsource.py)."""
        return self.cursor.sql(tr.sql, params=params or None)

    def _attach(self, src: RowSource) -> RowSource:
        if src.attached:
            self.attached.append(src)
        return src

    def _on_source_closed(self, src: RowSource) -> None:
        if src in self.attached:
            self.attached.remove(src)

    def _detach_all(self) -> PgError | None:
        """Free the cursor of the results still reading from it; returns a failure met."""
        met = None
        for src in list(self.attached):
            met = src.detach() or met
        self.attached.clear()
        return met

    def interrupt(self) -> None:
        try:
            self.cursor.interrupt()
        except duckdb.Error:
            pass

    # ------------------------------------------------------------ transactions

    def begin_implicit(self) -> None:
        """A Query of several statements runs as one transaction, as in PostgreSQL: if one
        fails, none of them is kept (unless the Query itself says BEGIN or COMMIT)."""
        if self.tx == "I":
            self.tx = "T"
            self.duck_tx_open = False
            self.implicit_tx = True

    def end_implicit(self) -> None:
        if not self.implicit_tx:
            return
        self.implicit_tx = False
        if self.tx == "T":
            self.commit()
        elif self.tx == "E":
            self.rollback()

    def begin(self, modes: dict) -> Result:
        if self.implicit_tx:   # BEGIN inside a multi-statement Query: the block becomes explicit
            self.implicit_tx = False
            for k, v in modes.items():
                self.settings.set(k, v)
            return Result(tag="BEGIN")
        if self.tx != "I":
            return Result(tag="BEGIN", notices=[PgError(ACTIVE_SQL_TRANSACTION,
                                                        "there is already a transaction in progress",
                                                        severity="WARNING")])
        # DuckDB's transaction starts with the first statement that needs it, as
        # PostgreSQL's snapshot does; BEGIN … COMMIT with nothing between costs nothing
        self.tx = "T"
        self.duck_tx_open = False
        for k, v in modes.items():
            self.settings.set(k, v)
        return Result(tag="BEGIN")

    def commit(self) -> Result:
        self.implicit_tx = False
        if self.tx == "I":
            return Result(tag="COMMIT", notices=[PgError(NO_ACTIVE_SQL_TRANSACTION,
                                                         "there is no transaction in progress",
                                                         severity="WARNING")])
        self._detach_all()
        failed = self.tx == "E"
        try:
            if self.duck_tx_open:
                self.cursor.execute("ROLLBACK" if failed else "COMMIT")
        except duckdb.Error as e:
            self.tx = "I"
            self._end_transaction()
            try:
                self.cursor.execute("ROLLBACK")
            except duckdb.Error:
                pass
            err = from_duckdb(e)
            if err.code != SERIALIZATION_FAILURE:
                err.code = SERIALIZATION_FAILURE
            raise err from None
        self.tx = "I"
        self._end_transaction()
        return Result(tag="ROLLBACK" if failed else "COMMIT", parameter_status=self._restore_settings(failed))

    def rollback(self) -> Result:
        self.implicit_tx = False
        if self.tx == "I":
            return Result(tag="ROLLBACK", notices=[PgError(NO_ACTIVE_SQL_TRANSACTION,
                                                           "there is no transaction in progress",
                                                           severity="WARNING")])
        self._abandon_transaction()
        return Result(tag="ROLLBACK", parameter_status=self._restore_settings(True))

    def _restore_settings(self, everything: bool) -> dict:
        """At the end of a transaction: undo its SET LOCALs (and, rolled back, all its SETs)."""
        changed, self.tx_settings = self.tx_settings, {}
        status = {}
        for name, (before, local) in changed.items():
            if everything or local:
                change = self.settings.set(name, before, by_client=False)
                if name == "search_path":
                    self._apply_search_path(before)
                if change.reported:
                    status[change.name] = change.value
        return status

    def savepoint(self, name: str) -> Result:
        if self.tx == "I":
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, "SAVEPOINT can only be used in transaction blocks")
        self.savepoints.append((name, len(self.tx_log)))
        return Result(tag="SAVEPOINT")

    def _find_savepoint(self, name: str) -> int:
        for i in range(len(self.savepoints) - 1, -1, -1):
            if self.savepoints[i][0] == name:
                return i
        raise PgError("3B001", f'savepoint "{name}" does not exist')

    def release_savepoint(self, name: str) -> Result:
        if self.tx == "I":
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, "RELEASE SAVEPOINT can only be used in transaction blocks")
        del self.savepoints[self._find_savepoint(name):]
        return Result(tag="RELEASE")

    def rollback_to_savepoint(self, name: str) -> Result:
        if self.tx == "I":
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, "ROLLBACK TO SAVEPOINT can only be used in transaction blocks")
        i = self._find_savepoint(name)
        keep = self.savepoints[i][1]
        del self.savepoints[i + 1:]
        if self.tx == "T" and len(self.tx_log) == keep:
            return Result(tag="ROLLBACK")  # nothing written since the savepoint
        if self.tx_unreplayable:
            self.tx = "E"
            raise PgError("0A000", f"cannot roll back to savepoint \"{name}\": {self.tx_unreplayable}",
                          hint="Roll back the whole transaction.")
        self._detach_all()
        try:
            self.cursor.execute("ROLLBACK")
        except duckdb.Error:
            pass
        self.cursor.execute("BEGIN TRANSACTION")
        self.duck_tx_open = True
        self.tx_log = self.tx_log[:keep]
        try:
            for sql, params in self.tx_log:
                self.cursor.execute(sql, params) if params else self.cursor.execute(sql)
                self.cursor.fetchall()
        except duckdb.Error as e:
            self.tx = "E"
            err = from_duckdb(e)
            err.message = f"could not restore the transaction at savepoint \"{name}\": {err.message}"
            raise err from None
        self.tx = "T"
        return Result(tag="ROLLBACK")

    def ensure_transaction(self) -> None:
        """Open DuckDB's transaction if the client's BEGIN has not needed it yet."""
        if self.tx != "I" and not self.duck_tx_open:
            self.cursor.execute("BEGIN TRANSACTION")
            self.duck_tx_open = True

    def _end_transaction(self) -> None:
        self.duck_tx_open = False
        self.tx_log, self.savepoints, self.tx_unreplayable = [], [], ""
        for name in [n for n, c in self.cursors.items() if not c.hold]:
            self.cursors.pop(name).source.close()
        self.settings.set("transaction_isolation", self.settings["default_transaction_isolation"])
        self.settings.set("transaction_read_only", self.settings["default_transaction_read_only"])

    def abort_transaction(self) -> None:
        """The client went away or the server stops: roll back whatever is open."""
        for c in self.cursors.values():
            c.source.close()
        self.cursors.clear()
        if self.tx != "I":
            self._abandon_transaction()
        self._detach_all()

    def _abandon_transaction(self) -> None:
        """Roll DuckDB's transaction back (if one was opened) and forget the client's."""
        self._detach_all()
        if self.duck_tx_open:
            try:
                self.cursor.execute("ROLLBACK")
            except duckdb.Error:
                pass
        self.tx = "I"
        self._end_transaction()

    def close(self) -> None:
        try:
            # results nobody will read are dropped, never drained: abort_transaction would
            # otherwise read a vanished client's whole result into a spill file first
            for src in list(self.attached) + [c.source for c in self.cursors.values()]:
                src.close()
            self.cursors.clear()
            self.abort_transaction()
            try:
                self.cursor.close()
            except duckdb.Error:
                pass
        finally:
            # only now: until its cursor is closed DuckDB's threads may still be producing a
            # result of this session's, calling model functions (Engine.when_quiescent)
            self.engine.sessions.pop(self.pid, None)

    # ------------------------------------------------------------ settings

    def set_setting(self, name: str, value: str, local: bool = False) -> Result:
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        canon = Settings.canonical(name)
        if self.tx != "I" and not self.implicit_tx:
            before, was_local = self.tx_settings.get(canon, (self.settings.get(canon) or "", False))
            self.tx_settings[canon] = (before, was_local or local)
        elif local:   # outside a transaction SET LOCAL does nothing (PostgreSQL warns)
            return Result(tag="SET", notices=[PgError("25P01", "SET LOCAL can only be used in transaction blocks",
                                                      severity="WARNING")])
        change = self.settings.set(name, value)
        if canon == "search_path":
            self._apply_search_path(value)
        return Result(tag="SET", parameter_status={change.name: change.value} if change.reported else {})

    def set_many(self, changes: dict) -> Result:
        for k, v in changes.items():
            self.settings.set(k, v)
        return Result(tag="SET")

    def _apply_search_path(self, value: str) -> None:
        schemas = []
        for part in value.split(","):
            p = part.strip().strip('"')
            if p == "$user" or not p:
                continue
            schemas.append(p)
        if "main" not in schemas:
            schemas.append("main")
        existing = {r[0] for r in self.cursor.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()").fetchall()}
        schemas = [s for s in schemas if s in existing] or ["public", "main"]
        self._detach_all()
        self.cursor.execute(f"SET search_path = '{','.join(schemas)}'")

    def reset_setting(self, name: str, tag: str = "RESET") -> Result:
        change = self.settings.reset(name)
        if Settings.canonical(name) == "search_path":
            self._apply_search_path(change.value)
        return Result(tag=tag, parameter_status={change.name: change.value} if change.reported else {})

    def reset_all(self) -> Result:
        status = {c.name: c.value for c in self.settings.reset_all() if c.reported}
        self._apply_search_path(self.settings["search_path"])
        return Result(tag="RESET", parameter_status=status)

    def show_setting(self, name: str) -> Result:
        canon = Settings.canonical(name)
        value = self.settings[canon]
        col = display(canon)
        return Result(columns=[Column(col, T.TEXT)], rows=RowSource(batches=[[(value,)]]), tag="SHOW")

    def show_all(self) -> Result:
        rows = [(display(k), v, "") for k, v in sorted(self.settings.as_dict().items())]
        return Result(columns=[Column("name", T.TEXT), Column("setting", T.TEXT), Column("description", T.TEXT)],
                      rows=RowSource(batches=[rows]), tag="SHOW")

    # ------------------------------------------------------------ SQL cursors

    def declare_cursor(self, name: str, query: StatementText, hold: bool, binary: bool, scroll: bool,
                       params=None) -> Result:
        if self.tx == "I" and not hold:
            raise PgError(NO_ACTIVE_SQL_TRANSACTION, "DECLARE CURSOR can only be used in transaction blocks")
        if name in self.cursors:
            raise PgError(DUPLICATE_CURSOR, f'cursor "{name}" already exists')
        plan = self.plan(query)
        if not plan.returns_rows:
            raise PgError("42601", "cursor can only scan a query that returns rows")
        res = self._run_sql(plan, list(params or [])) if plan.translation else self.execute(plan, params)
        self.cursors[name] = SqlCursor(res.rows, res.columns, hold, query.sql, binary, scroll)
        if hold:
            res.rows.detach()  # survives COMMIT
        return Result(tag="DECLARE CURSOR")

    def cursor_columns(self, name: str) -> list[Column]:
        c = self.cursors.get(name)
        if c is None:
            raise PgError(INVALID_CURSOR_NAME, f'cursor "{name}" does not exist')
        return c.columns

    def fetch_cursor(self, name: str, count: int | None, move: bool = False) -> Result:
        c = self.cursors.get(name)
        if c is None:
            raise PgError(INVALID_CURSOR_NAME, f'cursor "{name}" does not exist')
        pieces = c.source.fetch(count or 0) if count != 0 else []
        if count is None:
            while not c.source.exhausted:
                pieces += c.source.fetch(0)
        n = sum(len(p) for p in pieces)
        if move:
            return Result(tag=f"MOVE {n}")
        return Result(columns=c.columns, rows=RowSource(batches=pieces), tag=f"FETCH {n}")

    def close_cursor(self, name: str | None) -> Result:
        if name is None:
            for c in self.cursors.values():
                c.source.close()
            self.cursors.clear()
            return Result(tag="CLOSE CURSOR ALL")
        c = self.cursors.pop(name, None)
        if c is None:
            raise PgError(INVALID_CURSOR_NAME, f'cursor "{name}" does not exist')
        c.source.close()
        return Result(tag="CLOSE CURSOR")

    # ------------------------------------------------------------ SQL PREPARE/EXECUTE

    def sql_prepare(self, name: str, body: StatementText, types: list[str]) -> Result:
        if name in self.sql_prepared:
            raise PgError(DUPLICATE_PREPARED_STATEMENT, f'prepared statement "{name}" already exists')
        from .params import cast_oid
        oids = tuple(cast_oid(exp.DataType.build(t, dialect="postgres")) for t in types)
        self.sql_prepared[name] = self.plan(body, oids)
        return Result(tag="PREPARE")

    def _sql_prepared(self, name: str) -> Plan:
        p = self.sql_prepared.get(name)
        if p is None:
            raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{name}" does not exist')
        return p

    def sql_prepared_columns(self, name: str):
        return self.describe(self._sql_prepared(name))

    def sql_execute(self, name: str, args_sql: str | None) -> Result:
        plan = self._sql_prepared(name)
        params = []
        if args_sql:
            self._detach_all()
            self.ensure_transaction()
            row = self.cursor.execute(f"SELECT {args_sql.strip()[1:-1]}").fetchone()
            params = list(row)
        if plan.utility is None and plan.translation is not None:
            from redduck.protocol.codecs.values import decode_text
            params = [decode_text(str(v), o) if isinstance(v, str) and o != T.TEXT else v
                      for v, o in zip(params, plan.param_oids)]
        return self.execute(plan, params)

    def sql_deallocate(self, name: str | None) -> Result:
        if name is None:
            self.sql_prepared.clear()
            return Result(tag="DEALLOCATE ALL")
        if self.sql_prepared.pop(name, None) is None:
            raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{name}" does not exist')
        return Result(tag="DEALLOCATE")

    # ------------------------------------------------------------ misc

    def discard(self, what: str) -> Result:
        if what == "ALL":
            if self.tx != "I":
                raise PgError(ACTIVE_SQL_TRANSACTION, "DISCARD ALL cannot run inside a transaction block")
            self.close_cursor(None)
            self.sql_prepared.clear()
            self.reset_all()
        elif what == "PLANS":
            self.translator.clear()
            self._plans.clear()
            self.prepared_cache.clear()
        return Result(tag=f"DISCARD {what}")

    def checkpoint(self) -> Result:
        self._detach_all()
        self.cursor.execute("CHECKPOINT")
        return Result(tag="CHECKPOINT")

    def explain(self, body: StatementText, analyze: bool) -> Result:
        plan = self.plan(body)
        if plan.translation is None:
            raise PgError("0A000", "EXPLAIN is supported for ordinary SQL statements only")
        self.authorize(plan)
        self._detach_all()
        self.ensure_transaction()
        from .explain_format import pg_explain_lines, profiled
        try:
            doc = self.cursor.execute(("EXPLAIN ANALYZE (FORMAT JSON) " if analyze else "EXPLAIN (FORMAT JSON) ")
                                      + plan.translation.sql).fetchall()[0][-1]
            if analyze and not profiled(doc):
                # DuckDB writes no profile for some plans (count(*) read from metadata):
                # the statement has run; show its plan without the actual figures
                doc, analyze = self.cursor.execute("EXPLAIN (FORMAT JSON) " + plan.translation.sql).fetchall()[0][-1], False
        except duckdb.Error as e:
            raise self._fail(e)
        lines = [(line,) for line in pg_explain_lines(doc, analyze)]
        return Result(columns=[Column("QUERY PLAN", T.TEXT)], rows=RowSource(batches=[lines]), tag="EXPLAIN")

    def copy(self, stmt) -> Result:
        from .copy_exec import start_copy
        return start_copy(self, stmt)
