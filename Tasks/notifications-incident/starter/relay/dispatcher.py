"""The dispatcher: lease due jobs, render and sign them, send them, record the outcome."""

from __future__ import annotations

import json
import logging
import random
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from .client import DeliveryClient
from .clock import Clock
from .metrics import Metrics
from .models import DeliveryRequest, DeliveryResult, Job, TenantConfig
from .ratelimit import TenantRateLimiter
from .retry import RetryPolicy
from .signing import SIGNATURE_HEADER, sign
from .store import JobStore
from .templating import TemplateError, TemplateRegistry

log = logging.getLogger("relay.dispatcher")

USER_AGENT = "relay-webhooks/2.31"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY_SCHEDULED = "retry_scheduled"
    DEAD_LETTERED = "dead_lettered"
    DEFERRED = "deferred"
    RELEASED = "released"


@dataclass(frozen=True, slots=True)
class DispatcherConfig:
    worker_id: str = "worker-0"
    batch_size: int = 5
    lease_for: timedelta = timedelta(seconds=60)
    paused_tenant_delay: timedelta = timedelta(minutes=1)


class Dispatcher:
    """Processes one batch of due jobs per :meth:`run_once` call.

    A dispatcher is owned by one worker thread; dispatchers share the store,
    the rate limiter and the metrics.
    """

    def __init__(
        self,
        *,
        store: JobStore,
        client: DeliveryClient,
        tenants: Mapping[str, TenantConfig],
        templates: TemplateRegistry,
        limiter: TenantRateLimiter,
        retry_policy: RetryPolicy,
        clock: Clock,
        config: DispatcherConfig | None = None,
        metrics: Metrics | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._tenants = tenants
        self._templates = templates
        self._limiter = limiter
        self._policy = retry_policy
        self._clock = clock
        self._config = config or DispatcherConfig()
        self._metrics = metrics or Metrics()
        self._rng = rng or random.Random()
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Finish the job in hand, hand the rest of the batch back, and stop."""
        self._stopping.set()

    def run_once(self) -> Counter[Outcome]:
        """Lease one batch and process it. Returns how each leased job ended up."""
        cfg = self._config
        jobs = self._store.lease(cfg.worker_id, cfg.batch_size, cfg.lease_for)
        report: Counter[Outcome] = Counter()
        self._metrics.incr("leased", len(jobs))
        for job in jobs:
            if self._stopping.is_set():
                self._store.release(job.id)
                self._log(logging.INFO, "job.released", job, reason="shutdown")
                outcome = Outcome.RELEASED
            else:
                outcome = self._process(job)
            report[outcome] += 1
            self._metrics.incr(outcome.value)
        return report

    def _process(self, job: Job) -> Outcome:
        tenant = self._tenants.get(job.tenant_id)
        if tenant is None:
            return self._dead_letter(job, f"unknown tenant {job.tenant_id!r}", attempted=False)
        if tenant.paused:
            return self._defer(job, self._config.paused_tenant_delay, reason="tenant_paused")
        wait = self._limiter.try_acquire(tenant)
        if wait > 0:
            return self._defer(job, timedelta(seconds=wait), reason="rate_limited")
        try:
            request = self._build_request(job, tenant)
        except TemplateError as exc:
            return self._dead_letter(job, str(exc), attempted=False)

        self._log(logging.INFO, "delivery.attempt", job, attempt=job.attempts + 1)
        self._metrics.incr("attempts")
        try:
            result = self._client.deliver(request)
        except Exception as exc:
            log.error(
                "dispatcher.unexpected_error",
                extra=self._fields(job, error_type=type(exc).__name__, error=str(exc)),
                exc_info=True,
            )
            self._store.release(job.id)
            self._log(logging.WARNING, "job.released", job, reason="unexpected_error")
            return Outcome.RELEASED
        return self._record(job, result)

    def _record(self, job: Job, result: DeliveryResult) -> Outcome:
        self._metrics.observe_latency(result.latency_ms)
        attempt = job.attempts + 1
        latency_ms = round(result.latency_ms)
        if result.ok:
            self._store.complete(job.id)
            self._log(logging.INFO, "delivery.succeeded", job,
                      status=result.status, attempt=attempt, latency_ms=latency_ms)
            return Outcome.DELIVERED

        error = result.error or f"HTTP {result.status}"
        self._log(logging.WARNING, "delivery.failed", job,
                  status=result.status, attempt=attempt, latency_ms=latency_ms, error=error)
        if not result.retryable or not self._policy.should_retry(attempt):
            return self._dead_letter(job, error, attempted=True)
        delay = self._policy.delay(attempt, self._rng)
        self._store.retry(job.id, available_at=self._clock.now() + delay, error=error)
        self._log(logging.INFO, "job.retry_scheduled", job,
                  attempt=attempt, delay_s=round(delay.total_seconds(), 1))
        return Outcome.RETRY_SCHEDULED

    def _dead_letter(self, job: Job, error: str, *, attempted: bool) -> Outcome:
        self._store.dead_letter(job.id, error=error, attempted=attempted)
        self._log(logging.ERROR, "job.dead_lettered", job,
                  attempts=job.attempts + int(attempted), reason=error)
        return Outcome.DEAD_LETTERED

    def _defer(self, job: Job, delay: timedelta, *, reason: str) -> Outcome:
        self._store.defer(job.id, available_at=self._clock.now() + delay)
        self._log(logging.DEBUG, "job.deferred", job,
                  reason=reason, delay_s=round(delay.total_seconds(), 2))
        return Outcome.DEFERRED

    def _build_request(self, job: Job, tenant: TenantConfig) -> DeliveryRequest:
        message = self._templates.for_event(job.tenant_id, job.event_type).render(job.payload)
        envelope = {
            "id": job.idempotency_key,
            "type": job.event_type,
            "created_at": job.created_at.isoformat(),
            "message": message,
            "data": job.payload,
        }
        body = json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
        timestamp = int(self._clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Webhook-Id": job.idempotency_key,
            "Webhook-Attempt": str(job.attempts + 1),
            "Webhook-Timestamp": str(timestamp),
            SIGNATURE_HEADER: sign(tenant.signing_secret, timestamp, body),
        }
        return DeliveryRequest(job.id, tenant.tenant_id, tenant.endpoint_url, body, headers)

    def _fields(self, job: Job, **extra: object) -> dict[str, object]:
        return {"worker": self._config.worker_id, "job_id": job.id, "tenant": job.tenant_id, **extra}

    def _log(self, level: int, event: str, job: Job, **extra: object) -> None:
        log.log(level, event, extra=self._fields(job, **extra))
