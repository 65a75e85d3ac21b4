"""`pickup-net serve --workers 2`: workers become healthy and end when their parent is killed."""

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import psutil
from cli.runs import SCRIPT, run_cli

T = TypeVar("T")
_LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


def _wait_for(condition: Callable[[], T], timeout_s: float, what: str, log: Path) -> T:
    """Poll `condition` until it returns a truthy value; fail with the server log on timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {timeout_s} s; log:\n{log.read_text()[-3000:]}")


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _gone(process: psutil.Process) -> bool:
    """Exited (an orphan's zombie counts: it no longer runs and holds no port)."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_two_workers_serve_and_exit_with_their_parent(tmp_path: Path) -> None:
    """Two workers answer /healthz; after SIGKILL of `pickup-net serve` every child exits."""
    log = tmp_path / "serve.log"
    command = [
        str(SCRIPT),
        "serve",
        "--workers",
        "2",
        "--port",
        "0",
        "--timeout-worker-healthcheck",
        "60",
        "--database-url",
        f"sqlite:///{tmp_path / 'pickup-net.sqlite3'}",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    children: list[psutil.Process] = []
    try:
        port = int(
            _wait_for(lambda: _LISTENING.search(log.read_text()), 60, "listening", log).group(1)
        )
        _wait_for(lambda: _healthy(port), 120, "/healthz 200", log)
        parent = psutil.Process(server.pid)
        children = parent.children(recursive=True)
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2, [c.cmdline() for c in children]
        _wait_for(
            lambda: log.read_text().count("Application startup complete") == 2,
            60,
            "both workers started",
            log,
        )
        server.kill()
        server.wait()
        _wait_for(lambda: all(_gone(c) for c in children), 30, "every child exited", log)
        assert "Child process" not in log.read_text()  # no worker was restarted
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for child in children:
            if not _gone(child):
                os.kill(child.pid, signal.SIGKILL)


def test_unusable_database_is_one_error_line(tmp_path: Path) -> None:
    """`serve` with a database it cannot open exits 1 with one error line, not a traceback."""
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'pickup-net.sqlite3'}"
    result = run_cli("serve", "--port", "0", "--database-url", url)
    assert result.returncode == 1
    assert "error cannot open the database: unable to open database file" in result.stderr
    assert "Traceback" not in result.stderr
