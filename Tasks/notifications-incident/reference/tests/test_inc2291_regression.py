"""Regression tests for INC-2291: one slow tenant stalled webhook delivery for everyone.

When ``DeliveryClient.deliver`` raised (in production, a read ``TimeoutError`` from ACME's slow
receiver), the dispatcher handed the job back with ``JobStore.release()``. That counts no
attempt and leaves ``available_at`` in the past, so the job was due again at once, kept its
place at the head of the queue, was resent with ``Webhook-Attempt: 1`` for ever, was never
dead-lettered, and kept every worker busy while other tenants' jobs waited. These tests drive
the dispatcher with a ``ManualClock`` and a client that raises, and check that an exception is
accounted for like any other failed attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from relay.clock import ManualClock
from relay.dispatcher import Dispatcher, DispatcherConfig
from relay.models import DeliveryRequest, DeliveryResult, JobStatus, TenantConfig
from relay.ratelimit import TenantRateLimiter
from relay.retry import RetryPolicy
from relay.store import JobStore
from relay.templating import MessageTemplate, TemplateRegistry

BASE_DELAY = timedelta(seconds=10)
MAX_ATTEMPTS = 4
PAYLOAD = {"order": {"id": 42}}

Answer = int | Exception


class ScriptedClient:
    """A fake ``DeliveryClient``: per tenant, a list of statuses or exceptions, the last repeating."""

    def __init__(self, **answers: list[Answer]) -> None:
        self._answers = answers
        self.requests: list[DeliveryRequest] = []

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        self.requests.append(request)
        answers = self._answers.get(request.tenant_id, [200])
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return DeliveryResult(answer, 5.0)

    def sent(self, job_id: int) -> list[DeliveryRequest]:
        return [request for request in self.requests if request.job_id == job_id]


@dataclass
class Relay:
    client: ScriptedClient
    batch_size: int = 5
    clock: ManualClock = field(
        default_factory=lambda: ManualClock(datetime(2025, 3, 11, 14, 2, tzinfo=timezone.utc))
    )
    store: JobStore = field(init=False)
    dispatcher: Dispatcher = field(init=False)

    def __post_init__(self) -> None:
        self.store = JobStore(self.clock)
        # Generous rate limits: ACME sent less than one request per second during the
        # incident, so the limiter never got involved and must not mask the bug here.
        tenants = {
            name: TenantConfig(name, f"https://hooks.example/{name}", f"whsec_{name}",
                               rate_per_second=1000.0, burst=1000)
            for name in ("acme", "globex")
        }
        self.dispatcher = Dispatcher(
            store=self.store,
            client=self.client,
            tenants=tenants,
            templates=TemplateRegistry([MessageTemplate("order.shipped", "Order ${order.id} shipped")]),
            limiter=TenantRateLimiter(self.clock),
            retry_policy=RetryPolicy(max_attempts=MAX_ATTEMPTS, base_delay=BASE_DELAY, jitter=0.0),
            clock=self.clock,
            config=DispatcherConfig(batch_size=self.batch_size),
        )

    def enqueue(self, tenant_id: str, key: str | None = None) -> int:
        return self.store.enqueue(tenant_id, "order.shipped", PAYLOAD, idempotency_key=key)


def test_timed_out_delivery_counts_an_attempt_and_is_retried_after_backoff() -> None:
    relay = Relay(ScriptedClient(acme=[TimeoutError("The read operation timed out"), 200]))
    job_id = relay.enqueue("acme")

    relay.dispatcher.run_once()

    job = relay.store.get(job_id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1), (
        f"a delivery that raised must count as a failed attempt; got {job.status} with {job.attempts} attempts"
    )
    assert job.available_at == relay.clock.now() + BASE_DELAY, "the failed job must back off, not be due at once"
    assert job.last_error is not None and "TimeoutError" in job.last_error

    for _ in range(3):  # the incident's hot loop: no time passes, workers lease again
        relay.dispatcher.run_once()
    assert len(relay.client.sent(job_id)) == 1, "the job was resent before its backoff expired"

    relay.clock.advance(BASE_DELAY.total_seconds())
    relay.dispatcher.run_once()

    retries = relay.client.sent(job_id)
    assert len(retries) == 2, f"expected exactly one retry after the backoff, got {len(retries) - 1}"
    assert retries[1].headers["Webhook-Attempt"] == "2"
    assert relay.store.get(job_id).status is JobStatus.DELIVERED


def test_delivery_that_always_raises_is_dead_lettered_after_max_attempts() -> None:
    relay = Relay(ScriptedClient(acme=[ConnectionResetError(104, "Connection reset by peer")]))
    job_id = relay.enqueue("acme")

    for _ in range(3 * MAX_ATTEMPTS):  # bounded: far more passes than the retry budget needs
        relay.dispatcher.run_once()
        relay.clock.advance(timedelta(hours=1).total_seconds())

    job = relay.store.get(job_id)
    sends = len(relay.client.sent(job_id))
    assert job.status is JobStatus.DEAD, (
        f"job should be dead-lettered after {MAX_ATTEMPTS} attempts; it is {job.status} "
        f"with attempts={job.attempts} after {sends} sends"
    )
    assert job.attempts == sends == MAX_ATTEMPTS
    assert [r.headers["Webhook-Attempt"] for r in relay.client.sent(job_id)] == [
        str(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)
    ]


def test_tenant_whose_deliveries_raise_does_not_starve_other_tenants() -> None:
    relay = Relay(ScriptedClient(acme=[TimeoutError("The read operation timed out")]), batch_size=2)
    stuck = [relay.enqueue("acme", key=f"acme-{n}") for n in range(4)]
    relay.clock.advance(1)  # globex's job is younger, so it sorts behind every ACME job
    other = relay.enqueue("globex")

    for _ in range(5):  # no time passes: only jobs that are really due may be sent
        relay.dispatcher.run_once()

    status = relay.store.get(other).status
    assert status is JobStatus.DELIVERED, (
        f"globex's job is still {status} after 5 passes: ACME's failing jobs were sent "
        f"{len(relay.client.requests) - len(relay.client.sent(other))} times and kept the head of the queue"
    )
    assert [len(relay.client.sent(job_id)) for job_id in stuck] == [1, 1, 1, 1]
