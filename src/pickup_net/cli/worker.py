"""The API worker's entry point: a light application factory that also ends a worker whose
supervising `pickup-net serve` process died (even by SIGKILL), instead of leaving it orphaned."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

GRACEFUL_SHUTDOWN_S = 10
"""Seconds a worker may spend finishing requests after SIGTERM (uvicorn's graceful shutdown)."""


def create_app() -> FastAPI:
    """The planner API; called by uvicorn inside each worker, after its health check is running."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with_parent, args=(parent,), name="exit-with-parent", daemon=True
        ).start()
    from pickup_net.service.main import app

    return app


def _exit_with_parent(parent: multiprocessing.process.BaseProcess) -> None:
    """Wait for the parent to end, stop this worker gracefully, and end it hard if that hangs."""
    parent.join()  # returns when the parent's sentinel pipe closes, whatever killed the parent
    os.kill(os.getpid(), signal.SIGTERM)
    threading.Event().wait(GRACEFUL_SHUTDOWN_S + 5)
    os._exit(1)
