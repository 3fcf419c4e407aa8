"""A small thread-safe TTL cache for upstream rate snapshots."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(slots=True)
class _Entry(Generic[V]):
    value: V
    expires_at: float


class TTLCache(Generic[K, V]):
    """Maps keys to values that expire ``ttl`` seconds after they were loaded.

    Safe to share between threads: the entry table is only touched under a
    lock, and concurrent misses on the same key share a single loader call, so
    the upstream sees at most one request per key per TTL window.

    ``clock`` must be monotonic; it is injectable so tests can move time.
    """

    def __init__(self, ttl: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[K, _Entry[V]] = {}

    @property
    def ttl(self) -> float:
        return self._ttl

    def get_or_load(self, key: K, loader: Callable[[], V]) -> V:
        """Return the live value for ``key``, calling ``loader`` to fill a miss.

        If ``loader`` raises, nothing is cached and the exception propagates.
        """
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry.expires_at > self._clock():
            return entry.value

        value = loader()
        with self._lock:
            self._entries[key] = _Entry(value, self._clock() + self._ttl)
        return value

    def invalidate(self, key: K) -> None:
        """Drop ``key`` so the next lookup reloads it."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            entry = self._entries.get(key)  # type: ignore[call-overload]
            return entry is not None and entry.expires_at > self._clock()

    def __len__(self) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for entry in self._entries.values() if entry.expires_at > now)
