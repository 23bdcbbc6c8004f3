"""`redduck serve`: the command line."""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import tempfile

from . import event_loop
from .config import ServerConfig


def build_parser() -> argparse.ArgumentParser:
    env = ServerConfig.from_env()
    p = argparse.ArgumentParser(prog="redduck", description="PostgreSQL wire protocol on DuckDB, with ML models")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="start the server")
    s.add_argument("--host", default=env.host)
    s.add_argument("--port", type=int, default=env.port)
    s.add_argument("--database", default=env.database, help="DuckDB file, or :memory:")
    s.add_argument("--database-name", default=env.database_name,
                   help="the database name clients connect to (default: the file's stem)")
    s.add_argument("--import-dir", action="append", default=list(env.import_dirs),
                   help="a folder whose files COPY … FROM 'file' may read (repeatable)")
    s.add_argument("--log-level", default=env.log_level, choices=["debug", "info", "warning", "error"])
    s.add_argument("--max-connections", type=int, default=env.max_connections)
    s.add_argument("--max-message-bytes", type=int, default=env.max_message_bytes)
    s.add_argument("--threads", type=int, default=env.threads, help="DuckDB threads")
    s.add_argument("--memory-limit", default=env.memory_limit, help="DuckDB memory_limit, e.g. 4GB")
    s.add_argument("--training-concurrency", type=int, default=env.training_concurrency)
    s.add_argument("--shutdown-grace", type=float, default=env.shutdown_grace_s)
    s.add_argument("--startup-timeout", type=float, default=env.startup_timeout_s,
                   help="seconds a client has to finish connecting and authenticating")
    s.add_argument("--tls-cert", default=env.tls_cert, help="PEM certificate (chain) for TLS")
    s.add_argument("--tls-key", default=env.tls_key, help="PEM private key for TLS")
    s.add_argument("--tls-self-signed", action="store_true", default=env.tls_self_signed,
                   help="generate a throwaway self-signed certificate beside the database (local use)")
    s.add_argument("--hba", dest="hba_file", default=env.hba_file,
                   help="rules in pg_hba.conf format (default: trust from 127.0.0.1 and ::1 only)")
    s.add_argument("--superuser", default=env.superuser,
                   help="the bootstrap superuser role (default: the operating-system user); its password "
                        "comes from REDDUCK_SUPERUSER_PASSWORD")
    s.add_argument("--event-loop", default=env.event_loop, choices=list(event_loop.CHOICES),
                   help="auto: uvloop where installed, else asyncio's own loop")
    return p


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "redduck"


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # sqlglot's warnings quote the statement text, which is the client's data: not for the log
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    config = ServerConfig(host=args.host, port=args.port, database=args.database,
                          database_name=args.database_name, import_dirs=args.import_dir,
                          log_level=args.log_level, max_connections=args.max_connections,
                          max_message_bytes=args.max_message_bytes, threads=args.threads,
                          memory_limit=args.memory_limit, training_concurrency=args.training_concurrency,
                          shutdown_grace_s=args.shutdown_grace, startup_timeout_s=args.startup_timeout,
                          tls_cert=args.tls_cert, tls_key=args.tls_key, hba_file=args.hba_file,
                          superuser=args.superuser or _os_user(),
                          superuser_password=os.environ.get("REDDUCK_SUPERUSER_PASSWORD") or None,
                          event_loop=args.event_loop)
    if args.tls_self_signed and not config.tls_cert:
        from .auth.tls import write_self_signed
        base = os.path.dirname(os.path.abspath(config.database)) if config.database != ":memory:" else None
        config.tls_cert, config.tls_key = write_self_signed(os.path.join(base or tempfile.mkdtemp(), "tls"))
        logging.getLogger("redduck.server").info("self-signed TLS certificate in %s", config.tls_cert)
    try:
        event_loop.loop_factory(config.event_loop)   # before the database opens: a bad choice is the user's
    except ValueError as e:
        sys.exit(f"redduck: {e}")
    from redduck.engine import Engine, EngineConfig
    from .app import Server
    from .auth import hba
    try:
        rules = hba.load(config.hba_file) if config.hba_file else []
    except (OSError, hba.HbaError) as e:
        sys.exit(f"redduck: cannot use --hba {config.hba_file}: {e}")
    engine = Engine(EngineConfig(database=config.database, database_name=config.database_name,
                                 import_dirs=config.import_dirs, threads=config.threads,
                                 memory_limit=config.memory_limit,
                                 training_concurrency=config.training_concurrency,
                                 superuser=config.superuser, superuser_password=config.superuser_password,
                                 max_connections=config.max_connections,
                                 md5_passwords=any(r.method == "md5" for r in rules)))
    server = Server(config, engine)
    try:
        event_loop.run(server.serve_until_stopped, config.event_loop)
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
