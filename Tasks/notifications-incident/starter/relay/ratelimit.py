"""Per-tenant token buckets, so one busy tenant cannot flood its own endpoint."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .clock import Clock
from .models import TenantConfig


@dataclass(slots=True)
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now


class TenantRateLimiter:
    """Token bucket per tenant, driven by the clock's monotonic time."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def try_acquire(self, tenant: TenantConfig) -> float:
        """Take a token: 0.0 if one was taken, else the seconds until one is available."""
        now = self._clock.monotonic()
        with self._lock:
            bucket = self._bucket_for(tenant, now)
            bucket.refill(now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / bucket.rate

    def _bucket_for(self, tenant: TenantConfig, now: float) -> _Bucket:
        bucket = self._buckets.get(tenant.tenant_id)
        capacity = float(max(tenant.burst, 1))
        if bucket is None or bucket.rate != tenant.rate_per_second or bucket.capacity != capacity:
            # New tenant, or its limits were changed: start from a full bucket.
            bucket = _Bucket(tenant.rate_per_second, capacity, capacity, now)
            self._buckets[tenant.tenant_id] = bucket
        return bucket
