"""Test doubles for code that depends on fxrates.

Shipped with the package so that services using fxrates can fake the upstream
without reaching for the network.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal

from .errors import UnknownCurrency
from .money import normalize_code
from .rates import RATE_CONTEXT, RateSnapshot

FIXED_AS_OF = datetime(2024, 6, 10, 12, 0, tzinfo=timezone.utc)


class StaticRatesProvider:
    """Serves fixed rates quoted against a single pivot currency.

    Snapshots for other bases are derived by crossing through the pivot, so a
    table of USD rates is enough to convert between any two listed currencies.
    """

    def __init__(
        self,
        rates: Mapping[str, Decimal | str],
        *,
        pivot: str = "USD",
        as_of: datetime = FIXED_AS_OF,
    ) -> None:
        self.pivot = normalize_code(pivot)
        self.as_of = as_of
        self.calls: list[str] = []
        self._rates = {normalize_code(k): Decimal(v) for k, v in rates.items()}
        self._rates[self.pivot] = Decimal(1)

    def set_rate(self, code: str, rate: Decimal | str) -> None:
        self._rates[normalize_code(code)] = Decimal(rate)

    def fetch(self, base: str, *, timeout: float | None = None) -> RateSnapshot:
        base = normalize_code(base)
        self.calls.append(base)
        if base not in self._rates:
            raise UnknownCurrency(base)
        pivot_to_base = self._rates[base]
        rates = {
            code: RATE_CONTEXT.divide(value, pivot_to_base)
            for code, value in self._rates.items()
            if code != base
        }
        return RateSnapshot(base=base, rates=rates, as_of=self.as_of, source="static")


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
