"""The protocol state machine of one client connection.

Messages that may come at any time are handled first, then by SessionState. The engine
is called off the event loop through `run` (one worker thread per session), so a long
statement in one session never delays another.
"""
from __future__ import annotations

import asyncio
import enum
import functools
import logging
import secrets
import struct
from dataclasses import dataclass, field

from redduck.protocol import messages as M
from redduck.protocol import types as T
from redduck.protocol.codecs import values
from redduck.protocol.codecs.copy_format import encode_copy_header, BINARY_TRAILER
from redduck.protocol.errors import (FEATURE_NOT_SUPPORTED, INTERNAL_ERROR,
                                     INVALID_CATALOG_NAME, INVALID_CURSOR_NAME,
                                     INVALID_SQL_STATEMENT_NAME, PROTOCOL_VIOLATION, QUERY_CANCELED,
                                     PgError, ProtocolError)

from .auth import hba
from .auth.exchange import AuthFailed, PasswordExchange
from .copy_pipe import CopyPipe
from .encode import column_formats, encode_ahead, encode_copy_pieces, encode_pieces, encoder_pool
from .result_stream import LoopWriter, SocketWriter, can_write_directly, stream_rows

log = logging.getLogger("redduck.session")

FIRST_CHUNK_ROWS = 2048   # rows encoded with the statement's execution, before the first write


class SessionState(enum.Enum):
    STARTUP = "startup"
    AUTHENTICATING = "authenticating"
    READY = "ready"
    COPY_IN = "copy-in"
    FAILED_AWAIT_SYNC = "failed-await-sync"
    CLOSED = "closed"


@dataclass
class Prepared:
    plan: object
    param_oids: list


@dataclass
class Portal:
    prepared: Prepared
    params: list
    result_formats: tuple
    result: object | None = None
    columns: list | None = None
    done: bool = False
    sent: int = 0
    describe_pending: bool = False   # RowDescription owed, sent with the first Execute


@dataclass
class CopyIn:
    target: object
    pipe: object                  # CopyPipe the decoder reads while data arrives
    job: object                   # the decoding/inserting future
    result_after: list = field(default_factory=list)  # remaining statements of a simple query
    extended: bool = False


class Session:
    def __init__(self, server, peer: str, address: str = "") -> None:
        self.server = server
        self.peer = peer
        self.address = address        # the client's IP address, for pg_hba rules
        self.tls = False
        self.want_tls = False
        self._exchange: PasswordExchange | None = None
        self._startup_params: dict = {}
        self._auth_database = ""
        self.state = SessionState.STARTUP
        self.engine = None            # EngineSession after startup
        self.pid = server.next_pid()
        self.secret = secrets.randbits(31)
        self.out: list[bytes] = []
        self.statements: dict[str, Prepared] = {}
        self.portals: dict[str, Portal] = {}
        self.copy: CopyIn | None = None
        self.user = ""
        self._timed_out = False
        self._sending = False         # rows of a result are going out (_send_result)
        self._stop_sending = ""       # why to stop them: a CancelRequest, or statement_timeout
        self._statement_start = 0.0   # the loop's clock when the statement (or Execute) began
        self._pending_describe: str | None = None   # portal whose RowDescription is deferred
        self._reported: dict[str, str] = {}   # the ParameterStatus values the client last got
        self.executor = None
        self.writer = None            # the connection's StreamWriter and task, for terminate()
        self._direct_out = None       # result_stream.SocketWriter while the worker writes a result
        self.task = None

    # ------------------------------------------------------------ output

    def send(self, *msgs: M.Message) -> None:
        for m in msgs:
            self.out.append(m.encode())

    def send_raw(self, data: bytes) -> None:
        if data:
            self.out.append(data)

    def _buffered(self) -> int:
        return sum(len(b) for b in self.out)

    def take_output(self) -> bytes:
        data = b"".join(self.out)
        self.out.clear()
        return data

    def send_error(self, err: PgError) -> None:
        self.send(M.ErrorResponse.from_error(err))

    def send_notice(self, n: PgError) -> None:
        self.send(M.NoticeResponse(n.severity, n.code, n.message, n.detail, n.hint))

    def ready(self) -> None:
        self.send(M.ReadyForQuery(self.engine.tx if self.engine else "I"))

    # ------------------------------------------------------------ engine calls

    async def run(self, fn, *args, inline: bool = False):
        """Run an engine call on this session's worker thread, under statement_timeout;
        `inline` calls (constant SELECTs, SET, SHOW …) run right here, saving the hop."""
        if inline:
            return fn(*args)
        if self.engine is None or self.state is SessionState.CLOSED:
            raise ConnectionError("the session is closed")
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self.executor, fn, *args)
        timeout = self.engine.settings.statement_timeout_s() if self.engine else 0
        self._timed_out = False
        if timeout > 0:
            done, _ = await asyncio.wait({fut}, timeout=timeout)
            if not done:
                self._timed_out = True
                self.engine.interrupt()
        try:
            return await asyncio.shield(fut)
        except PgError as e:
            if e.code == QUERY_CANCELED and self._timed_out:
                e.message = "canceling statement due to statement timeout"
            raise
        except asyncio.CancelledError:
            if self.engine is not None:
                self.engine.interrupt()
            raise

    def cancel(self) -> None:
        if self.engine and self.engine.running:
            self.engine.interrupt()
        elif self._sending:   # DuckDB is done or streaming: stop at the next piece, as PostgreSQL does
            self._stop_sending = "user request"

    def _check_cancel(self, src) -> None:
        if self._stop_sending:
            why, self._stop_sending = self._stop_sending, ""
            src.close()
            raise PgError(QUERY_CANCELED, f"canceling statement due to {why}")

    def terminate(self) -> None:
        """pg_terminate_backend: stop the statement, tell the client why, end the connection."""
        self.cancel()
        fatal = M.ErrorResponse("FATAL", "57P01", "terminating connection due to administrator command").encode()
        if self._direct_out is not None:   # the worker owns the socket: it writes this after its chunk
            self._direct_out.farewell = fatal
        elif self.writer is not None:
            try:
                self.writer.write(fatal)
            except (ConnectionError, RuntimeError):
                pass
        self.state = SessionState.CLOSED
        if self.task is not None:
            self.task.cancel()

    # ------------------------------------------------------------ dispatch

    async def handle(self, msg: M.Message, flush) -> None:
        if self.state is SessionState.STARTUP:
            await self._startup(msg)
            return
        if self.state is SessionState.AUTHENTICATING:
            await self._authenticate(msg)
            return
        if isinstance(msg, M.Terminate):
            self.state = SessionState.CLOSED
            return
        if self.state is SessionState.COPY_IN:
            await self._copy_message(msg, flush)
            return
        if self.state is SessionState.FAILED_AWAIT_SYNC:
            if isinstance(msg, M.Sync):
                self.state = SessionState.READY
                await self._sync_point()
            return
        try:
            pending = self._pending_describe
            if pending is not None and not (isinstance(msg, M.Execute) and msg.portal == pending):
                await self._resolve_describe()
            if isinstance(msg, M.Query):
                await self._simple_query(msg.sql, flush)
            elif isinstance(msg, M.Parse):
                await self._parse(msg)
            elif isinstance(msg, M.Bind):
                await self._bind(msg)
            elif isinstance(msg, M.Describe):
                await self._describe(msg)
            elif isinstance(msg, M.Execute):
                await self._execute(msg, flush)
            elif isinstance(msg, M.Close):
                self._close(msg)
            elif isinstance(msg, M.Sync):
                await self._sync_point()
            elif isinstance(msg, M.Flush):
                await flush()
            elif isinstance(msg, (M.CopyData, M.CopyDone, M.CopyFail)):
                pass  # stray copy messages after a failed COPY are ignored, as PostgreSQL does
            else:
                raise ProtocolError(f"unexpected message {type(msg).__name__}")
        except PgError as e:
            self.send_error(e)
            self._after_error(e)   # an implicit transaction up to Sync keeps nothing now
            await self._failed(msg)
        except (ProtocolError, ConnectionError, asyncio.CancelledError):
            raise
        except Exception as e:  # a bug: report it, keep the session
            log.exception("session %d: internal error", self.pid)
            self.send_error(PgError(INTERNAL_ERROR, f"internal error: {type(e).__name__}: {e}"))
            self._after_error(None)
            await self._failed(msg)

    async def _failed(self, msg: M.Message) -> None:
        """After an error: a simple Query is over (its implicit transaction rolled back, and
        ReadyForQuery, which its client waits for); extended messages are skipped until Sync."""
        if isinstance(msg, M.Query):
            await self._end_query()
        else:
            self.state = SessionState.FAILED_AWAIT_SYNC

    # ------------------------------------------------------------ startup

    async def _startup(self, msg) -> None:
        if isinstance(msg, M.SSLRequest) and self.server.tls_context is not None and not self.tls:
            self.send_raw(b"S")
            self.want_tls = True       # the connection loop upgrades after flushing the 'S'
            self.server.framer_for(self).expect_startup = True
            return
        if isinstance(msg, (M.SSLRequest, M.GSSENCRequest)):
            if self.tls:
                raise ProtocolError("SSLRequest received on an encrypted connection")
            self.send_raw(b"N")
            self.server.framer_for(self).expect_startup = True
            return
        if isinstance(msg, M.CancelRequest):
            self.server.cancel(msg.process_id, msg.secret_key)
            self.state = SessionState.CLOSED
            return
        if not isinstance(msg, M.StartupMessage):
            raise ProtocolError(f"unexpected message {type(msg).__name__} during startup")
        if msg.version >> 16 != 3:
            self._fatal(FEATURE_NOT_SUPPORTED, f"unsupported frontend protocol {msg.version >> 16}."
                        f"{msg.version & 0xFFFF}: server supports 3.0 to 3.0")
            return
        params = msg.parameters
        unknown = [k for k in params if k.startswith("_pq_.")]
        if msg.version & 0xFFFF or unknown:
            # NegotiateProtocolVersion: we speak 3.0 and none of the _pq_ options
            from redduck.protocol.buffers import cstr, frame, int32
            self.send_raw(frame(b"v", int32(0) + int32(len(unknown)) + b"".join(cstr(u) for u in unknown)))
        self.user = params.get("user", "")
        if not self.user:
            self._fatal("28000", "no PostgreSQL user name specified in startup packet")
            return
        database = params.get("database", self.user)
        if params.get("replication"):
            self._fatal(FEATURE_NOT_SUPPORTED, "replication connections are not supported")
            return
        self._startup_params = params
        store = self.server.engine.security
        where = (f'host "{self.address}", user "{self.user}", database "{database}", '
                 f'{"SSL encryption" if self.tls else "no encryption"}')
        rule = hba.find(self.server.hba_rules, self.tls, database, self.user, self.address, store.member_of)
        if rule is None:
            self._fatal("28000", f"no pg_hba.conf entry for {where}")
            return
        if rule.method == "reject":
            self._fatal("28000", f"pg_hba.conf rejects connection for {where}")
            return
        role = store.role(self.user)
        if rule.method == "trust":
            await self._authenticated(role, database)
            return
        self._exchange = PasswordExchange(rule.method, self.user, role)
        self._auth_database = database
        self.state = SessionState.AUTHENTICATING
        self.send(self._exchange.start())

    async def _authenticate(self, msg) -> None:
        if not isinstance(msg, M.PasswordMessage):
            self._fatal("08P01", f"expected password response, got message type {msg.type_byte.decode('latin-1')!r}")
            return
        try:
            reply = self._exchange.answer(msg.data)
        except AuthFailed as e:
            log.info("session %d (%s): authentication failed for role %s: %s", self.pid, self.peer, self.user, e)
            self._fatal("28P01", f'password authentication failed for user "{self.user}"')
            return
        if reply is not None and reply.code != 12:
            self.send(reply)
            return
        if reply is not None:
            self.send(reply)   # SASL final: the server's proof
        await self._authenticated(self._exchange.role, self._auth_database)

    def _fatal(self, code: str, message: str) -> None:
        self.send(M.ErrorResponse("FATAL", code, message))
        self.state = SessionState.CLOSED

    async def _authenticated(self, role, database: str) -> None:
        params = self._startup_params
        if role is None:
            self._fatal("28000", f'role "{self.user}" does not exist')
            return
        if not role.login:
            self._fatal("28000", f'role "{self.user}" is not permitted to log in')
            return
        if not self.server.engine.accepts_database(database):
            self._fatal(INVALID_CATALOG_NAME, f'database "{database}" does not exist')
            return
        refusal = self.server.admit(self, role)
        if refusal:
            self.send_error(refusal)
            self.state = SessionState.CLOSED
            return
        startup = {k: v for k, v in params.items() if k not in ("user", "database", "options", "replication")}
        for opt in params.get("options", "").split():
            # "-c name=value" as libpq's PGOPTIONS sends it
            if "=" in opt and not opt.startswith("-"):
                k, _, v = opt.partition("=")
                startup[k] = v
        from concurrent.futures import ThreadPoolExecutor
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"redduck-{self.pid}")
        try:
            self.engine = await asyncio.get_running_loop().run_in_executor(
                self.executor, self.server.engine.session, self.pid, self.user, startup)
        except PgError as e:
            self._fatal(e.code, e.message)
            return
        self.engine.client_addr = self.address
        self.send(M.Authentication(0))
        for name, value in self.engine.settings.reported():
            self._reported[name] = value
            self.send(M.ParameterStatus(name, value))
        self.send(M.BackendKeyData(self.pid, self.secret))
        self.state = SessionState.READY
        self.ready()

    # ------------------------------------------------------------ simple query

    async def _simple_query(self, sql: str, flush) -> None:
        self._statement_start = asyncio.get_running_loop().time()
        plan = self.engine.cached_plan(sql)
        if plan is not None and self._inline(plan):
            try:
                first = (self._plan_run_prefetch(None, (), 0, plan=plan), None)
            except PgError as e:
                first = (None, e)
            await self._run_statements([plan.stmt], flush, first)
            return
        try:
            stmts, first = await self.run(self._split_and_run_first, sql)
        except PgError as e:
            self._after_error(e)
            self.send_error(e)
            self.ready()
            return
        if not stmts:
            self.send(M.EmptyQueryResponse())
            self.ready()
            return
        await self._run_statements(stmts, flush, first)

    def _inline(self, plan) -> bool:
        if plan.inline:
            return True
        up = plan.utility
        return bool(up is not None and up.inline_without_duck_tx and not self.engine.duck_tx_open)

    def _split_and_run_first(self, sql: str):
        """Worker thread: split, and run the first statement (the common case is one)."""
        stmts = self.engine.split(sql)
        if not stmts:
            return stmts, None
        if len(stmts) > 1:
            self.engine.begin_implicit()
        try:
            plan = self.engine.plan_cached(stmts[0])
            if len(stmts) == 1:
                self.engine.remember_text(sql, plan)
            return stmts, (self._plan_run_prefetch(stmts[0], (), 0, plan=plan), None)
        except PgError as e:
            return stmts, (None, e)

    def _plan_run_prefetch(self, stmt, formats, max_rows, params=None, plan=None, prefetch=True):
        """Worker thread: plan (unless given), execute, and encode the first chunk of rows:
        up to max_rows, or FIRST_CHUNK_ROWS, so that a large result's first bytes go out soon."""
        if plan is None:
            plan = self.engine.plan_cached(stmt)
        result = self.engine.execute(plan, params or [])
        if prefetch and result.rows is not None and result.copy_out is None and result.copy_in is None:
            cols = result.columns or []
            fmts = column_formats(formats, len(cols))
            result.prefetched = _fetch_encoded(result.rows, max_rows or FIRST_CHUNK_ROWS, cols, fmts,
                                               self.engine.settings["timezone"])
        return plan, result

    async def _run_statements(self, stmts, flush, first=None) -> None:
        for i, stmt in enumerate(stmts):
            if i > 0:
                self._statement_start = asyncio.get_running_loop().time()
            try:
                if i == 0 and first is not None:
                    (done, err) = first
                    if err is not None:
                        if err.code == QUERY_CANCELED and self._timed_out:
                            err.message = "canceling statement due to statement timeout"
                        raise err
                    plan, result = done
                else:
                    plan, result = await self.run(self._plan_run_prefetch, stmt, (), 0)
                if result.copy_in is not None:
                    self._start_copy_in(result, stmts[i + 1:], extended=False)
                    return
                await self._send_result(result, plan, formats=(), max_rows=0, flush=flush, describe=True)
            except PgError as e:
                self._after_error(e)
                self.send_error(e.shifted(0))
                break
            except (ProtocolError, ConnectionError, asyncio.CancelledError):
                raise
            except Exception as e:  # a bug: report it, keep the session
                log.exception("session %d: internal error", self.pid)
                self._after_error(None)
                self.send_error(PgError(INTERNAL_ERROR, f"internal error: {type(e).__name__}: {e}"))
                break
        await self._end_query()

    async def _end_implicit(self) -> None:
        """An implicit transaction (a simple Query's, or the messages up to Sync) commits,
        or rolls back after an error."""
        if self.engine is not None and self.engine.implicit_tx:
            try:
                await self.run(self.engine.end_implicit)
            except PgError as e:
                self.send_error(e)

    async def _end_query(self) -> None:
        await self._end_implicit()
        self.ready()

    def _after_error(self, e: PgError) -> None:
        if self.engine and self.engine.tx == "T":
            self.engine.tx = "E"

    async def _send_result(self, result, plan, formats, max_rows: int, flush, describe: bool,
                           portal: Portal | None = None) -> bool:
        """Send notices, rows and the completion; returns True when the portal is suspended."""
        for n in result.notices:
            self.send_notice(n)
        for name, value in result.parameter_status.items():
            if self._reported.get(name) != value:   # as PostgreSQL 14+: only a changed value
                self._reported[name] = value
                self.send(M.ParameterStatus(name, value))
        if result.copy_out is not None:
            await self._send_copy_out(result, flush)
            return False
        if result.rows is None:
            self.send(M.CommandComplete(result.tag) if result.tag else M.EmptyQueryResponse())
            return False
        cols = result.columns or []
        fmts = column_formats(formats, len(cols))
        if describe:
            self.send(row_description(cols, fmts))
        tz = self.engine.settings["timezone"]
        src = result.rows
        self._sending, self._stop_sending = True, ""
        # statement_timeout counts the rows' sending too, as in PostgreSQL
        timeout = self.engine.settings.statement_timeout_s()
        timer = asyncio.get_running_loop().call_at(self._statement_start + timeout, self._sending_timed_out) \
            if timeout > 0 else None
        try:
            return await self._send_rows(result, src, cols, fmts, tz, max_rows, flush, portal)
        finally:
            self._sending = False
            if timer is not None:
                timer.cancel()

    def _sending_timed_out(self) -> None:
        self._stop_sending = "statement timeout"

    async def _send_rows(self, result, src, cols, fmts, tz, max_rows: int, flush, portal) -> bool:
        remaining = max_rows
        first = True
        while True:
            want = remaining if max_rows else 0
            pre = getattr(result, "prefetched", None)
            if pre is not None:
                result.prefetched = None
                chunk, n = pre
            else:
                chunk, n = await self.run(_fetch_encoded, src, want, cols, fmts, tz)
            self._check_cancel(src)
            self.send_raw(chunk)
            if portal is not None:
                portal.sent += n
            if max_rows:
                remaining -= n
                if remaining <= 0 and not src.exhausted:
                    self.send(M.PortalSuspended())
                    return True
            if src.exhausted:
                break
            if first:   # more is coming: let the client start on these rows
                first = False
                await flush()
            if not max_rows:
                await self._stream_rest(src, cols, fmts, tz, flush, portal)
                break
            if self._buffered() > (1 << 20):
                await flush()
        total = portal.sent if portal is not None else src.count
        src.close()
        self.send(M.CommandComplete(result.final_tag(total)))
        return False

    async def _stream_rest(self, src, cols, fmts, tz, flush, portal) -> None:
        """The rest of a large result, from this session's worker thread (result_stream.py)."""
        await flush()
        if self.engine is None or self.state is SessionState.CLOSED:
            raise ConnectionError("the session is closed")
        closed = lambda: self.state is SessionState.CLOSED   # noqa: E731
        transport = self.writer.transport
        if can_write_directly(transport):
            await self._drain_all(transport)
            out = SocketWriter(transport, closed)
            self._direct_out = out     # terminate() leaves its message to the worker
        else:
            out = LoopWriter(self.writer, asyncio.get_running_loop(), closed)
        ahead = encode_ahead(fmts)
        try:
            # submitted at once (run awaits nothing before), so the worker always gets `out` to close
            n = await self.run(stream_rows, src, lambda pieces: _encode(pieces, cols, fmts, tz), out,
                               functools.partial(self._check_stop, src), FIRST_CHUNK_ROWS, ahead,
                               encoder_pool() if ahead > 1 else None)
        finally:
            self._direct_out = None
        if portal is not None:
            portal.sent += n

    async def _drain_all(self, transport) -> None:
        """Wait until the transport has sent all it holds: the worker's writes come after it."""
        if transport.get_write_buffer_size():
            high = transport.get_write_buffer_limits()[1]
            transport.set_write_buffer_limits(high=0)
            try:
                await self.writer.drain()
            finally:
                transport.set_write_buffer_limits(high=high)

    def _check_stop(self, src) -> None:
        """Raises when a streaming result must stop: the session closed, or was cancelled."""
        if self.state is SessionState.CLOSED:
            src.close()
            raise ConnectionError("the session is closed")
        self._check_cancel(src)

    async def _send_copy_out(self, result, flush) -> None:
        opts = result.copy_out
        cols = result.columns
        fmt = 1 if opts.format == "binary" else 0
        self.send(M.CopyOutResponse(fmt, tuple([fmt] * len(cols))))
        header = encode_copy_header(opts, [c.name for c in cols])
        if header and opts.format != "binary":
            self.send(M.CopyData(header))
            header = b""
        src = result.rows
        tz = self.engine.settings["timezone"]
        while not src.exhausted:
            chunks = await self.run(_fetch_copy, src, cols, opts, tz, header)
            for c in chunks:
                if c:
                    header = b""  # PostgreSQL sends the binary header inside the first row's message
                self.send_raw(c)
            await flush()
        if header:
            self.send(M.CopyData(header))
        if opts.format == "binary":
            self.send(M.CopyData(BINARY_TRAILER))
        self.send(M.CopyDone(), M.CommandComplete(f"COPY {src.count}"))
        src.close()

    # ------------------------------------------------------------ COPY FROM STDIN

    def _start_copy_in(self, result, rest, extended: bool) -> None:
        for n in result.notices:
            self.send_notice(n)
        target = result.copy_in
        fmt = 1 if target.options.format == "binary" else 0
        from redduck.engine.copy_exec import finish_copy_in
        pipe = CopyPipe()
        job = asyncio.ensure_future(self.run(finish_copy_in, self.engine, target, pipe))
        job.add_done_callback(pipe.reader_done)
        self.copy = CopyIn(target, pipe, job, rest, extended)
        self.state = SessionState.COPY_IN
        self.send(M.CopyInResponse(fmt, tuple([fmt] * len(target.columns))))

    async def _copy_message(self, msg, flush) -> None:
        cp = self.copy
        if isinstance(msg, M.CopyData):
            cp.pipe.write_chunk(msg.data)
            if cp.pipe.full():  # the decoder is behind: wait for it without blocking the loop
                await asyncio.get_running_loop().run_in_executor(None, cp.pipe.wait_not_full)
            return
        if isinstance(msg, (M.Flush, M.Sync)):
            return  # allowed during COPY, ignored
        self.state = SessionState.READY
        self.copy = None
        failed = False
        if isinstance(msg, M.CopyDone):
            cp.pipe.finish()
            try:
                result = await cp.job
                for n in result.notices:
                    self.send_notice(n)
                self.send(M.CommandComplete(result.tag))
            except PgError as e:
                failed = True
                self.send_error(e)
        else:
            reason = (f"COPY from stdin failed: {msg.reason}" if isinstance(msg, M.CopyFail) else
                      f"unexpected message type 0x{msg.type_byte.hex()} during COPY from stdin")
            cp.pipe.abort(reason)
            try:
                await cp.job
            except Exception:  # the decoder stops on the abort; nothing is kept
                pass
            failed = True
            if self.engine.tx == "T":
                self.engine.tx = "E"
            self.send_error(PgError(QUERY_CANCELED if isinstance(msg, M.CopyFail) else PROTOCOL_VIOLATION, reason))
        if cp.extended:
            if failed:
                self.state = SessionState.FAILED_AWAIT_SYNC
            return
        if cp.result_after and not failed:
            await self._run_statements(cp.result_after, flush)
        else:
            await self._end_query()

    # ------------------------------------------------------------ extended protocol

    async def _parse(self, msg: M.Parse) -> None:
        if msg.name and msg.name in self.statements:
            raise PgError("42P05", f'prepared statement "{msg.name}" already exists')
        plan = self.engine.cached_plan(msg.sql, tuple(msg.param_oids))
        if plan is None:
            plan = await self.run(self.engine.plan_text, msg.sql, tuple(msg.param_oids))
        self.statements[msg.name] = Prepared(plan, list(plan.param_oids))
        self.send(M.ParseComplete())

    async def _bind(self, msg: M.Bind) -> None:
        prep = self.statements.get(msg.statement)
        if prep is None:
            raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{msg.statement}" does not exist')
        if msg.portal and msg.portal in self.portals:
            raise PgError("42P03", f'portal "{msg.portal}" already exists')
        oids = prep.param_oids
        if len(msg.params) != len(oids):
            raise PgError(PROTOCOL_VIOLATION, f"bind message supplies {len(msg.params)} parameters, "
                                              f"but prepared statement \"{msg.statement}\" requires {len(oids)}")
        fmts = column_formats(msg.param_formats, len(oids))
        params = [_decode_param(i, raw, oid, f) for i, (raw, oid, f) in enumerate(zip(msg.params, oids, fmts), 1)]
        old = self.portals.pop(msg.portal, None)
        if old is not None and old.result is not None and old.result.rows is not None:
            old.result.rows.close()
        self.portals[msg.portal] = Portal(prep, params, msg.result_formats)
        self.send(M.BindComplete())

    async def _describe(self, msg: M.Describe) -> None:
        if msg.kind == "S":
            prep = self.statements.get(msg.name)
            if prep is None:
                raise PgError(INVALID_SQL_STATEMENT_NAME, f'prepared statement "{msg.name}" does not exist')
            self.send(M.ParameterDescription(tuple(prep.param_oids)))
            cols = await self.run(self.engine.describe, prep.plan)
            self.send(row_description(cols, [0] * len(cols)) if cols is not None else M.NoData())
            return
        portal = self.portals.get(msg.name)
        if portal is None and msg.name in getattr(self.engine, "cursors", {}):
            cols = self.engine.cursors[msg.name].columns   # a cursor DECLAREd in SQL is a portal too
            self.send(row_description(cols, [0] * len(cols)))
            return
        if portal is None:
            raise PgError(INVALID_CURSOR_NAME, f'portal "{msg.name}" does not exist')
        plan = portal.prepared.plan
        if not plan.returns_rows:
            self.send(M.NoData())
            return
        if portal.result is None:
            # the statement runs with the Execute that (almost always) follows, in one hop
            portal.describe_pending = True
            self._pending_describe = msg.name
            return
        self._send_portal_description(portal)

    def _send_portal_description(self, portal: Portal) -> None:
        cols = portal.result.columns if portal.result.rows is not None else None
        if cols is None:
            self.send(M.NoData())
        else:
            portal.columns = cols
            self.send(row_description(cols, column_formats(portal.result_formats, len(cols))))

    async def _resolve_describe(self) -> None:
        name, self._pending_describe = self._pending_describe, None
        portal = self.portals.get(name)
        if portal is None or not portal.describe_pending:
            return
        portal.describe_pending = False
        # no rows yet: the Execute that follows may ask for fewer than a first chunk
        _, portal.result = await self.run(self._plan_run_prefetch, None, portal.result_formats, 0,
                                          portal.params, portal.prepared.plan, False)
        self._send_portal_description(portal)

    async def _execute(self, msg: M.Execute, flush) -> None:
        self._statement_start = asyncio.get_running_loop().time()
        portal = self.portals.get(msg.portal)
        if portal is None:
            raise PgError(INVALID_CURSOR_NAME, f'portal "{msg.portal}" does not exist')
        if portal.done:
            self.send(M.CommandComplete(portal.result.final_tag(portal.sent) if portal.result else ""))
            return
        plan = portal.prepared.plan
        if plan.empty:
            self.send(M.EmptyQueryResponse())
            return
        if portal.result is None:
            if self.engine.tx == "I" and plan.writes:
                # as in PostgreSQL, the statements up to Sync are one transaction: a failure
                # keeps none of them (pgjdbc's executeBatch, pipelines). Reads alone need none.
                self.engine.begin_implicit()
            _, portal.result = await self.run(self._plan_run_prefetch, None, portal.result_formats, msg.max_rows,
                                              portal.params, plan, inline=self._inline(plan))
        if portal.describe_pending:
            portal.describe_pending = False
            self._pending_describe = None
            self._send_portal_description(portal)
        result = portal.result
        if result.copy_in is not None:
            self._start_copy_in(result, [], extended=True)
            portal.done = True
            return
        suspended = await self._send_result(result, plan, portal.result_formats, msg.max_rows, flush,
                                            describe=False, portal=portal)
        if not suspended:
            portal.done = True

    def _close(self, msg: M.Close) -> None:
        if msg.kind == "S":
            self.statements.pop(msg.name, None)
        else:
            p = self.portals.pop(msg.name, None)
            if p is not None and p.result is not None and p.result.rows is not None:
                p.result.rows.close()
        self.send(M.CloseComplete())

    async def _sync_point(self) -> None:
        await self._end_implicit()
        self._sync()

    def _sync(self) -> None:
        if self.engine.tx == "I":
            for p in self.portals.values():
                if p.result is not None and p.result.rows is not None:
                    p.result.rows.close()
            self.portals.clear()
        else:
            self.portals.pop("", None)
        self.ready()

    # ------------------------------------------------------------ teardown

    def close(self) -> None:
        sources = [p.result.rows for p in self.portals.values() if p.result is not None and p.result.rows is not None]
        self.portals.clear()
        if self.copy is not None:
            self.copy.pipe.abort("the client went away during COPY")
            self.copy.job.add_done_callback(_retrieve)   # its CopyAborted is expected
            self.copy = None
        eng, self.engine = self.engine, None

        def release() -> None:
            for src in sources:
                src.close()
            if eng is not None:
                eng.close()
        # on the worker, after whatever it is still running (a fetch from one of these sources
        # when the task was cancelled): a result is never closed while it is being read
        if self.executor is not None:
            self.executor.submit(release)
            self.executor.shutdown(wait=False)
        else:
            release()
        self.state = SessionState.CLOSED


def _decode_param(i: int, raw, oid: int, fmt: int):
    """One Bind parameter; malformed bytes are the client's error (22021/22P03), never ours."""
    if raw is None:
        return None
    try:
        if fmt == 1:
            return values.decode_binary(raw, oid)
        text = raw.decode("utf-8")
        return values.decode_array_text(text, T.ELEMENT_OF_ARRAY[oid]) if oid in T.ELEMENT_OF_ARRAY \
            else values.decode_text(text, oid)
    except UnicodeDecodeError as e:
        raise PgError("22021", f'invalid byte sequence for encoding "UTF8": 0x{raw[e.start]:02x}') from None
    except (ValueError, IndexError, OverflowError, struct.error) as e:
        if fmt == 1:
            raise PgError("22P03", f"incorrect binary data format in bind parameter {i}") from None
        raise PgError("22P02", f"invalid input syntax for bind parameter {i}: {e}") from None


def _retrieve(fut) -> None:
    """Collect a dropped future's outcome, so that asyncio does not report it as lost."""
    if not fut.cancelled():
        fut.exception()


def row_description(cols, fmts) -> M.RowDescription:
    return M.RowDescription(tuple(
        M.FieldDescription(c.name, c.table_oid, c.column_number, c.type_oid, c.type_size, c.type_modifier, f)
        for c, f in zip(cols, fmts)))


def _fetch_encoded(src, want, cols, fmts, tz):
    return _encode(src.fetch(want), cols, fmts, tz)


def _encode(pieces, cols, fmts, tz):
    return encode_pieces(pieces, cols, fmts, tz), sum(len(p) for p in pieces)


def _fetch_copy(src, cols, opts, tz, first_prefix=b""):
    return encode_copy_pieces(src.fetch(0), cols, opts, tz, first_prefix)
