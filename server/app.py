"""The asyncio server: accepts connections, frames bytes, runs sessions, stops cleanly."""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import signal

from redduck.protocol import messages as M
from redduck.protocol.errors import ADMIN_SHUTDOWN, TOO_MANY_CONNECTIONS, PgError, ProtocolError
from redduck.protocol.framing import FrontendFramer

from .config import ServerConfig
from .session import Session, SessionState

log = logging.getLogger("redduck.server")


class Server:
    def __init__(self, config: ServerConfig, engine) -> None:
        self.config = config
        self.engine = engine
        self.sessions: dict[int, Session] = {}
        self._framers: dict[int, FrontendFramer] = {}
        self._pids = itertools.count(os.getpid() * 100 % 2_000_000_000 + 1)
        self._server: asyncio.AbstractServer | None = None
        self._stopping = False
        self._tasks: set[asyncio.Task] = set()
        self.tls_context = None
        if config.tls_cert:
            from .auth.tls import server_context
            self.tls_context = server_context(config.tls_cert, config.tls_key or config.tls_cert)
        from .auth import hba
        self.hba_rules = hba.load(config.hba_file) if config.hba_file else hba.default_rules(config.host)
        self._loop: asyncio.AbstractEventLoop | None = None
        engine.backend_control.update(cancel=self._cancel_pid, terminate=self._terminate_pid)

    def next_pid(self) -> int:
        return next(self._pids)

    def framer_for(self, session: Session) -> FrontendFramer:
        return self._framers[session.pid]

    def admit(self, session: Session, role=None) -> PgError | None:
        if self._stopping:
            return PgError(ADMIN_SHUTDOWN, "the database system is shutting down", severity="FATAL")
        active = [s for s in self.sessions.values() if s.engine is not None]
        if len(active) >= self.config.max_connections:
            return PgError(TOO_MANY_CONNECTIONS, "sorry, too many clients already", severity="FATAL")
        if role is not None and role.connlimit >= 0 and not role.superuser \
                and sum(1 for s in active if s.user == role.name) >= role.connlimit:
            return PgError(TOO_MANY_CONNECTIONS, f'too many connections for role "{role.name}"', severity="FATAL")
        self.sessions[session.pid] = session
        return None

    def _cancel_pid(self, pid: int) -> bool:
        """pg_cancel_backend, called from a DuckDB thread."""
        return self._signal(pid, "cancel")

    def _terminate_pid(self, pid: int) -> bool:
        """pg_terminate_backend: the session ends with 57P01, as PostgreSQL's does."""
        return self._signal(pid, "terminate")

    def _signal(self, pid: int, what: str) -> bool:
        s = self.sessions.get(pid)
        if s is None or self._loop is None:
            return False
        self._loop.call_soon_threadsafe(getattr(s, what))
        return True

    def cancel(self, pid: int, secret: int) -> None:
        s = self.sessions.get(pid)
        if s is not None and s.secret == secret:
            log.info("cancel request for session %d", pid)
            s.cancel()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if not self.config.hba_file and self.config.host not in ("127.0.0.1", "localhost", "::1"):
            log.warning("listening on %s without --hba: only loopback clients may connect (trust); "
                        "give an --hba file to let others in", self.config.host)
        self._server = await asyncio.start_server(self._connection, self.config.host, self.config.port,
                                                  limit=1 << 20, reuse_address=True)
        sock = self._server.sockets[0].getsockname()
        self.port = sock[1]
        loop = "uvloop" if type(self._loop).__module__.startswith("uvloop") else "asyncio"
        log.info("listening on %s:%d (database %s, %s event loop)", sock[0], sock[1], self.engine.name, loop)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        peer = writer.get_extra_info("peername")
        # room for a whole encoded batch, so that encoding the next overlaps the client's reading
        writer.transport.set_write_buffer_limits(high=8 << 20)
        session = Session(self, f"{peer[0]}:{peer[1]}" if peer else "?", peer[0] if peer else "")
        session.writer, session.task = writer, task
        framer = FrontendFramer(self.config.max_message_bytes)
        self._framers[session.pid] = framer

        async def flush() -> None:
            data = session.take_output()
            if data:
                writer.write(data)
                await writer.drain()

        try:
            while session.state is not SessionState.CLOSED:
                timeout = self._timeout(session)
                try:
                    data = await asyncio.wait_for(reader.read(1 << 16), timeout)
                except asyncio.TimeoutError:
                    if session.state in (SessionState.STARTUP, SessionState.AUTHENTICATING):
                        log.info("session %d (%s): startup timed out", session.pid, session.peer)
                        break
                    session.send(M.ErrorResponse("FATAL", "25P03",
                                                 "terminating connection due to idle-in-transaction timeout"))
                    await flush()
                    break
                if not data:
                    break
                framer.feed(data)
                for msg in framer.messages():
                    await session.handle(msg, flush)
                    if session.state is SessionState.CLOSED:
                        break
                await flush()
                if session.want_tls:
                    session.want_tls = False
                    if framer.buffered:
                        raise ProtocolError("received unencrypted data after SSL request")
                    await writer.start_tls(self.tls_context, ssl_handshake_timeout=self.config.startup_timeout_s)
                    session.tls = True
        except ProtocolError as e:
            log.warning("session %d (%s): protocol error: %s", session.pid, session.peer, e)
            try:
                session.send(M.ErrorResponse("FATAL", e.code, str(e)))
                await flush()
            except (ConnectionError, OSError):
                pass
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as e:
            log.info("session %d (%s): connection lost: %s", session.pid, session.peer, e)
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("session %d: internal error", session.pid)
            try:
                session.send(M.ErrorResponse("FATAL", "XX000", "internal error; see the server log"))
                await flush()
            except Exception:
                pass
        finally:
            session.close()
            self.sessions.pop(session.pid, None)
            self._framers.pop(session.pid, None)
            try:
                writer.close()
            except Exception:
                pass
            self._tasks.discard(task)

    def _timeout(self, session: Session) -> float | None:
        """How long to wait for the client's next bytes: the startup timeout while it has not
        logged in, idle_in_transaction_session_timeout while it idles in a transaction."""
        if session.state in (SessionState.STARTUP, SessionState.AUTHENTICATING):
            return self.config.startup_timeout_s
        eng = session.engine
        if eng is not None and eng.tx in ("T", "E") and session.state is SessionState.READY:
            ms = eng.settings.idle_in_transaction_timeout_ms()
            return ms / 1000 if ms > 0 else None
        return None

    async def serve_until_stopped(self) -> None:
        await self.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        print(f"redduck ready on {self.config.host}:{self.port}", flush=True)
        await stop.wait()
        await self.shutdown()

    async def shutdown(self) -> None:
        log.info("shutting down: no new connections; waiting up to %ss for statements",
                 self.config.shutdown_grace_s)
        self._stopping = True
        if self._server is not None:
            self._server.close()
        deadline = asyncio.get_running_loop().time() + self.config.shutdown_grace_s
        while any(s.engine is not None and s.engine.running for s in self.sessions.values()):
            if asyncio.get_running_loop().time() > deadline:
                for s in self.sessions.values():
                    s.cancel()
                break
            await asyncio.sleep(0.05)
        for t in list(self._tasks):
            t.cancel()
        await asyncio.sleep(0)
        for s in list(self.sessions.values()):
            s.close()
        await asyncio.get_running_loop().run_in_executor(None, self.engine.close)
        log.info("stopped")
