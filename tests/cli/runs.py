"""Run the real command line in a fresh interpreter, the way a user's shell does."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "pickup-net"


def run_cli(*args: str, prelude: str = "", importtime: bool = False) -> subprocess.CompletedProcess:
    """`python -m pickup_net.cli ARGS` after `prelude` (Python run first in the same process)."""
    flags = ["-X", "importtime"] if importtime else []
    code = (
        f"import sys, runpy\n{prelude}\nsys.argv = ['pickup-net', *{list(args)!r}]\n"
        "runpy.run_module('pickup_net.cli', run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, *flags, "-c", code], capture_output=True, text=True, timeout=300
    )


def imported_packages(importtime_stderr: str) -> set[str]:
    """Top-level package names listed by `python -X importtime` (one line per imported module)."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            if module != "package":  # the header line
                names.add(module)
    return names
