"""Login throttling per account name and per client address (ASVS V2.2.1), kept in the portal's memory.

After `max_failures` wrong logins within `window` seconds on one key (the account name typed, or the address it
came from), that key is locked for `lock_seconds`, doubling with every further lock inside the window, up to an
hour. A locked key is answered 429 with the wait, whether the password is right or not; a successful login clears
the account's key (not the address's: one address guessing many accounts stays throttled).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_LOCK_SECONDS = 3600


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locks: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    def __init__(
        self,
        max_failures: int,
        window: float,
        lock_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures, self.window, self.lock_seconds, self.clock = max_failures, window, lock_seconds, clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait(self, *keys: str) -> int:
        """Seconds to wait before any of `keys` may try again (0: go ahead)."""
        now = self.clock()
        with self._lock:
            remaining = max((self._records[k].locked_until - now for k in keys if k in self._records), default=0)
        return math.ceil(remaining) if remaining > 0 else 0

    def failed(self, *keys: str) -> int:
        """Record a wrong login for each key; the wait now imposed (0 when none)."""
        now = self.clock()
        with self._lock:
            for key in keys:
                record = self._records.setdefault(key, _Record())
                record.failures = [t for t in record.failures if now - t < self.window] + [now]
                if len(record.failures) >= self.max_failures:
                    seconds = min(self.lock_seconds * 2**record.locks, MAX_LOCK_SECONDS)
                    record.locked_until, record.locks, record.failures = now + seconds, record.locks + 1, []
        return self.wait(*keys)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)
