"""Fakes shared by the hidden review tests. Independent of fxrates.testing."""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from fxrates import RatesService, RateSnapshot, UnknownCurrency, UpstreamUnavailable

AS_OF = datetime(2024, 6, 10, 12, 0, tzinfo=timezone.utc)


class ManualClock:
    def __init__(self, start: float = 500.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class TableProvider:
    """A fake upstream quoting a table of USD rates, crossed for other bases.

    Records every fetch and the timeout it was given. ``fail_next`` makes the
    next N fetches raise ``error``; ``stall`` keeps a fetch in flight until a
    second fetch starts (or ``stall`` seconds pass), to expose stampedes.
    """

    def __init__(self, usd_rates: dict[str, str], *, error: Exception | None = None) -> None:
        self.table = {code: Decimal(value) for code, value in usd_rates.items()}
        self.table["USD"] = Decimal(1)
        self.error = error or UpstreamUnavailable("ratewell answered 503")
        self.fail_next = 0
        self.unquoted: set[str] = set()
        self.stall = 0.0
        self.calls: list[str] = []
        self.timeouts: list[float | None] = []
        self._lock = threading.Lock()
        self._second = threading.Event()

    def fetch(self, base: str, *, timeout: float | None = None) -> RateSnapshot:
        with self._lock:
            self.calls.append(base)
            self.timeouts.append(timeout)
            if len(self.calls) > 1:
                self._second.set()
            failing = self.fail_next > 0
            if failing:
                self.fail_next -= 1
        if self.stall:
            self._second.wait(timeout=self.stall)
        if failing:
            raise self.error
        if base in self.unquoted or base not in self.table:
            raise UnknownCurrency(base)
        pivot = self.table[base]
        rates = {code: value / pivot for code, value in self.table.items() if code != base}
        return RateSnapshot(base=base, rates=rates, as_of=AS_OF)


def make_service(provider, **kwargs) -> RatesService:
    kwargs.setdefault("now", lambda: AS_OF + timedelta(minutes=5))
    kwargs.setdefault("sleep", lambda seconds: None)
    kwargs.setdefault("clock", ManualClock())
    return RatesService(provider, **kwargs)


def run_concurrently(fn, n: int, *, timeout: float = 5.0) -> tuple[list, list]:
    """Start ``n`` threads behind a barrier; return (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def worker():
        barrier.wait(timeout=timeout)
        try:
            value = fn()
        except Exception as exc:  # collected for the assertion
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(n)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "workers did not finish"
    return results, errors


class StampedingCache:
    """A TTL cache that works single-threaded but lets concurrent misses all load.

    Used to check that the submission's own cache tests would notice a stampede.
    """

    def __init__(self, ttl: float, *, clock=time.monotonic) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict = {}

    @property
    def ttl(self) -> float:
        return self._ttl

    def get_or_load(self, key, loader):
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[1] > self._clock():
            return entry[0]
        value = loader()
        with self._lock:
            self._entries[key] = (value, self._clock() + self._ttl)
        return value

    def invalidate(self, key) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __contains__(self, key) -> bool:
        with self._lock:
            entry = self._entries.get(key)
            return entry is not None and entry[1] > self._clock()

    def __len__(self) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for _, expires in self._entries.values() if expires > now)


class FakeResponse(io.BytesIO):
    status = 200


class RecordingOpener:
    """Stands in for urllib.request.urlopen and records the timeout it is given."""

    def __init__(self, payload: dict | None = None, error: Exception | None = None) -> None:
        self.payload = payload or {"base": "USD", "timestamp": 1718020800, "rates": {"EUR": "0.92"}}
        self.error = error
        self.timeouts: list = []

    def __call__(self, request, *args, **kwargs):
        timeout = kwargs["timeout"] if "timeout" in kwargs else (args[1] if len(args) > 1 else "<unset>")
        self.timeouts.append(timeout)
        if self.error is not None:
            raise self.error
        return FakeResponse(json.dumps(self.payload).encode())
