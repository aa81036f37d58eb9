"""Start and stop the pieces of the system in order: database, migrations, demo data, web server,
task worker (`run`), or database and the checks and test suite (`test`).

Called by `bin/run` and `bin/test` after the set-up steps. It owns the embedded PostgreSQL server
(unless `DATABASE_URL` is set, in which case that server is used and none is started) and hands
its address to every child process in `DP_EMBEDDED_DATABASE_URL`, so Ctrl-C stops the web
server and the worker first and the database last.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.embedded_db import (  # noqa: E402
    DEFAULT_DATA_DIR,
    EMBEDDED_URL_VARIABLE,
    start_embedded_server,
    stop_embedded_server,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
MANAGE = [PYTHON, str(ROOT / "manage.py")]
DEMO_PEOPLE = int(os.environ.get("DP_DEMO_PEOPLE", "3000"))
DEMO_SEED = os.environ.get("DP_DEMO_SEED", "1")


def say(text: str) -> None:
    print(f"\033[1m==> {text}\033[0m", flush=True)


def use_database(data_dir: Path, *, throwaway: bool) -> None:
    if os.environ.get("DATABASE_URL"):
        say("Using the PostgreSQL server in DATABASE_URL (no embedded server)")
        return
    say(f"Starting the embedded PostgreSQL ({'throwaway' if throwaway else data_dir})")
    url = start_embedded_server(data_dir, cleanup_mode="delete" if throwaway else "stop")
    os.environ[EMBEDDED_URL_VARIABLE] = url


def run_step(args: list[str], what: str) -> None:
    say(what)
    result = subprocess.run(args, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"{what} failed (exit status {result.returncode}).")


def run() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.demo")
    use_database(DEFAULT_DATA_DIR, throwaway=False)
    host_port = os.environ.get("DP_BIND", "127.0.0.1:8000")
    try:
        run_step(
            [
                *MANAGE,
                "demo_prepare",
                "--people",
                str(DEMO_PEOPLE),
                "--seed",
                DEMO_SEED,
                "--url",
                f"http://{host_port}/",
            ],
            "Preparing the database (migrations, and the demo council if it is empty)",
        )
        return serve(host_port)
    finally:
        stop_embedded_server()


def serve(host_port: str) -> int:
    children = [
        subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                host_port,
                "--workers",
                os.environ.get("DP_WEB_WORKERS", "3"),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
        ),
        subprocess.Popen([*MANAGE, "db_worker", "--queue-name", "*"], cwd=ROOT),
    ]
    say(f"Serving on http://{host_port}/ with a task worker. Press Ctrl-C to stop.")

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.3)
    say("Stopping the web server, the worker and the database")
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
    return 1 if failed and not stopping else 0


def test(pytest_args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with tempfile.TemporaryDirectory(prefix="dp-test-db-") as tmp:
        use_database(Path(tmp) / "pgdata", throwaway=True)
        try:
            if not pytest_args:
                run_step([str(ROOT / ".venv/bin/ruff"), "check", "."], "ruff")
                run_step([str(ROOT / ".venv/bin/ruff"), "format", "--check", "."], "ruff format --check")
                run_step([str(ROOT / ".venv/bin/lint-imports")], "import-linter (domain modules stay pure)")
                run_step([str(ROOT / ".venv/bin/mypy")], "mypy (django-stubs)")
            say("pytest")
            result = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT)
            if result.returncode == 5:
                print("ERROR: pytest collected no tests; the suite must never pass empty.", file=sys.stderr)
                return 1
            return result.returncode
        finally:
            stop_embedded_server()


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        print("usage: orchestrate.py run|test [pytest args]", file=sys.stderr)
        return 2
    if sys.argv[1] == "run":
        return run()
    return test(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
