"""Messages the API shows without the server's own file paths: a file in a temporary folder
(a job's street file, an unpacked upload) is named by its path inside that folder."""

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache
def _temporary_path() -> re.Pattern[str]:
    """A path under the temporary directory, up to its last folder (the name is kept)."""
    root = re.escape(tempfile.gettempdir().rstrip("/"))
    return re.compile(rf"(?:/private)?{root}/(?:[^\s'\"/]+/)*")


def without_server_paths(message: str, root: Path | None = None) -> str:
    """`message` with paths inside `root` made relative to it (`sub/x.csv`), and every other
    temporary folder removed, so that `/tmp/pickup-net-job-1a2b/streets.osm` reads
    `streets.osm`."""
    if root is not None:
        message = message.replace(f"{root}{os.sep}", "").replace(str(root), ".")
    return _temporary_path().sub("", message)
