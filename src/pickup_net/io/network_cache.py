"""Disk cache of parsed street networks and of matrices, keyed by content hashes.

A second plan of the same city neither parses the extract again nor recomputes a matrix it
already has. Entries are pickles (networks) and `.npz` + JSON (matrices) written atomically;
the cache is local, trusted data (never point it at files from elsewhere).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pickup_net.network import (
    DriveProfile,
    Matrices,
    Point,
    StreetNetwork,
    WalkProfile,
    street_matrices,
)

CACHE_FORMAT = "pickup-net-network-v2"  # bump whenever graph building changes
_READ_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def network_key(path: Path, drive_profile: DriveProfile, walk_profile: WalkProfile) -> str:
    """Cache key of a network: the extract's content, both profiles and the cache format."""
    digest = hashlib.sha256()
    for part in (
        CACHE_FORMAT,
        file_sha256(path),
        drive_profile.cache_key(),
        walk_profile.cache_key(),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def matrices_key(
    network: StreetNetwork,
    sources: Sequence[Point],
    targets: Sequence[Point] | None,
    mode: str,
    max_snap_m: float,
) -> str:
    """Cache key of a matrix: the network's key, the points (ids and places), mode and limit."""
    if not network.content_key:
        raise ValueError("network.content_key: empty; only loaded networks can cache matrices")
    payload = {
        "network": network.content_key,
        "sources": [list(p) for p in sources],
        "targets": None if targets is None else [list(p) for p in targets],
        "mode": mode,
        "max_snap_m": max_snap_m,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class NetworkCache:
    """A folder of cached networks (`<key>.network.pkl`) and matrices (`<key>.matrix.npz`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def load_network(self, key: str) -> StreetNetwork | None:
        """The cached network with this key, or None if absent or unreadable."""
        path = self.folder / f"{key}.network.pkl"
        try:
            with open(path, "rb") as handle:
                network = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return network if isinstance(network, StreetNetwork) else None

    def save_network(self, key: str, network: StreetNetwork) -> None:
        """Store a network under its key (atomically)."""
        self._write(f"{key}.network.pkl", pickle.dumps(network, protocol=pickle.HIGHEST_PROTOCOL))

    def load_matrices(self, key: str) -> Matrices | None:
        """The cached matrices with this key, or None if absent or unreadable."""
        try:
            with np.load(self.folder / f"{key}.matrix.npz") as arrays:
                seconds, meters = arrays["seconds"], arrays["meters"]
            meta = json.loads((self.folder / f"{key}.matrix.json").read_text())
        except (OSError, ValueError, KeyError):
            return None
        return Matrices(
            ids=meta["ids"],
            target_ids=meta["target_ids"],
            seconds=seconds,
            meters=meters,
            unreachable=[tuple(pair) for pair in meta["unreachable"]],
            snap_offset_m=meta["snap_offset_m"],
            warnings=meta["warnings"],
        )

    def save_matrices(self, key: str, matrices: Matrices) -> None:
        """Store matrices under their key (arrays as .npz, the rest as JSON)."""
        meta = {
            "ids": matrices.ids,
            "target_ids": matrices.target_ids,
            "unreachable": [list(pair) for pair in matrices.unreachable],
            "snap_offset_m": matrices.snap_offset_m,
            "warnings": matrices.warnings,
        }
        with tempfile.TemporaryFile() as handle:
            np.savez(handle, seconds=matrices.seconds, meters=matrices.meters)
            handle.seek(0)
            self._write(f"{key}.matrix.npz", handle.read())
        self._write(f"{key}.matrix.json", json.dumps(meta).encode())

    def _write(self, name: str, data: bytes) -> None:
        """Write a file through a temporary name so readers never see half of it."""
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / name)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def cached_street_matrices(
    network: StreetNetwork,
    sources: Sequence[Point],
    targets: Sequence[Point] | None = None,
    mode: str = "drive",
    max_snap_m: float = 500.0,
    cache_dir: Path | None = None,
    workers: int = 1,
) -> Matrices:
    """`street_matrices`, answered from the disk cache when the same question was asked before."""
    if cache_dir is None or not network.content_key:
        return street_matrices(network, sources, targets, mode, max_snap_m, workers)
    cache = NetworkCache(cache_dir)
    key = matrices_key(network, sources, targets, mode, max_snap_m)
    found = cache.load_matrices(key)
    if found is not None:
        return found
    matrices = street_matrices(network, sources, targets, mode, max_snap_m, workers)
    cache.save_matrices(key, matrices)
    return matrices
