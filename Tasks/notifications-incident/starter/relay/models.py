"""Value types shared across the delivery pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

#: Statuses worth another attempt even though they are below 500.
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class JobStatus(StrEnum):
    PENDING = "pending"
    LEASED = "leased"
    DELIVERED = "delivered"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Job:
    """One webhook to deliver to one tenant, as stored in the queue."""

    id: int
    tenant_id: str
    event_type: str
    payload: Mapping[str, Any]
    idempotency_key: str
    status: JobStatus
    attempts: int
    available_at: datetime
    created_at: datetime
    lease_expires_at: datetime | None = None
    leased_by: str | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class TenantConfig:
    """Where and how fast a tenant wants its webhooks."""

    tenant_id: str
    endpoint_url: str
    signing_secret: str
    rate_per_second: float = 10.0
    burst: int = 20
    paused: bool = False

    def __post_init__(self) -> None:
        if self.rate_per_second <= 0:
            raise ValueError(f"{self.tenant_id}: rate_per_second must be positive")


@dataclass(frozen=True, slots=True)
class DeliveryRequest:
    job_id: int
    tenant_id: str
    url: str
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """One delivery attempt: the HTTP status, or ``None`` if nothing came back."""

    status: int | None
    latency_ms: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retryable(self) -> bool:
        if self.status is None:
            return True
        return self.status >= 500 or self.status in RETRYABLE_STATUSES
