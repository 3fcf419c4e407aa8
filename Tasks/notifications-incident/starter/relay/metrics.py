"""In-process counters, flushed once a minute by the worker pool."""

from __future__ import annotations

import threading
from collections import Counter


class Metrics:
    """Counters plus a latency sample for the current reporting window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: Counter[str] = Counter()
        self._latencies_ms: list[float] = []

    def incr(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self._counters[name] += amount

    def observe_latency(self, millis: float) -> None:
        with self._lock:
            self._latencies_ms.append(millis)

    def snapshot(self, *, reset: bool = False) -> dict[str, float]:
        with self._lock:
            values: dict[str, float] = dict(self._counters)
            latencies = sorted(self._latencies_ms)
            if reset:
                self._counters.clear()
                self._latencies_ms.clear()
        if latencies:
            values["p99_latency_ms"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        return values
