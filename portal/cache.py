"""Reads the portal repeats on every page, kept while their file is unchanged.

A coordinator page names its region, and parsing and validating a region file costs tens of milliseconds (more on a
busy host), once per page and once per region on `/hasil`. `RegionFiles` keeps each parsed file with the file's
modification time and size, and parses it again as soon as either changes, so an edited region file shows at the
next page without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class RegionFiles(Generic[T]):
    """`read(path)`: `load(path)`, from memory while the file's mtime and size are those it was parsed at."""

    def __init__(self, load: Callable[[Path], T]) -> None:
        self._load = load
        self._kept: dict[Path, tuple[tuple[int, int], T]] = {}
        self._lock = threading.Lock()

    def read(self, path: Path) -> T:
        status = Path(path).stat()
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            kept = self._kept.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        value = self._load(path)
        with self._lock:
            self._kept[path] = (stamp, value)
        return value
