"""Shared wiring for the hidden relay tests (not a test module)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Union

from relay.clock import ManualClock
from relay.dispatcher import Dispatcher, DispatcherConfig
from relay.models import DeliveryRequest, DeliveryResult, TenantConfig
from relay.ratelimit import TenantRateLimiter
from relay.retry import RetryPolicy
from relay.store import JobStore
from relay.templating import MessageTemplate, TemplateRegistry

START = datetime(2025, 3, 11, 14, 0, tzinfo=timezone.utc)
BASE_DELAY = 10.0
MAX_ATTEMPTS = 5

Behaviour = Union[int, BaseException, Callable[[DeliveryRequest], Any]]


class ScriptedClient:
    """A DeliveryClient whose answers are scripted per tenant.

    A behaviour is an HTTP status, an exception instance to raise, or a callable
    returning either. A list of behaviours is consumed in order, the last repeating.
    """

    def __init__(self) -> None:
        self.calls: list[DeliveryRequest] = []
        self._script: dict[str, list[Behaviour]] = {}

    def script(self, tenant_id: str, *behaviours: Behaviour) -> None:
        self._script[tenant_id] = list(behaviours)

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        self.calls.append(request)
        queue = self._script.get(request.tenant_id, [200])
        behaviour = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(behaviour) and not isinstance(behaviour, BaseException):
            behaviour = behaviour(request)
        if isinstance(behaviour, BaseException):
            raise behaviour
        return DeliveryResult(int(behaviour), 12.0)

    def calls_for(self, job_id: int) -> list[DeliveryRequest]:
        return [call for call in self.calls if call.job_id == job_id]


def tenant(tenant_id: str, **overrides: Any) -> TenantConfig:
    values: dict[str, Any] = {
        "endpoint_url": f"https://hooks.example/{tenant_id}",
        "signing_secret": f"whsec_{tenant_id}",
        "rate_per_second": 1000.0,
        "burst": 1000,
    }
    values.update(overrides)
    return TenantConfig(tenant_id, **values)


@dataclass
class Harness:
    clock: ManualClock
    store: JobStore
    client: ScriptedClient
    tenants: dict[str, TenantConfig]
    templates: TemplateRegistry
    limiter: TenantRateLimiter
    policy: RetryPolicy
    batch_size: int
    dispatchers: dict[str, Dispatcher] = field(default_factory=dict)

    def dispatcher(self, worker_id: str = "worker-0") -> Dispatcher:
        if worker_id not in self.dispatchers:
            self.dispatchers[worker_id] = Dispatcher(
                store=self.store,
                client=self.client,
                tenants=self.tenants,
                templates=self.templates,
                limiter=self.limiter,
                retry_policy=self.policy,
                clock=self.clock,
                config=DispatcherConfig(
                    worker_id=worker_id, batch_size=self.batch_size, lease_for=timedelta(seconds=60)
                ),
            )
        return self.dispatchers[worker_id]

    def run_once(self, worker_id: str = "worker-0") -> Any:
        return self.dispatcher(worker_id).run_once()

    def enqueue(self, tenant_id: str = "acme", event_type: str = "order.shipped", **kwargs: Any) -> int:
        payload = kwargs.pop("payload", {"order": {"id": "A-1001", "carrier": "DHL"}})
        return self.store.enqueue(tenant_id, event_type, payload, **kwargs)


def build(
    *,
    tenants: Iterable[TenantConfig] = (),
    batch_size: int = 10,
    max_attempts: int = MAX_ATTEMPTS,
) -> Harness:
    clock = ManualClock(START)
    all_tenants = {t.tenant_id: t for t in (tenant("acme"), tenant("globex"), tenant("initech"))}
    all_tenants.update({t.tenant_id: t for t in tenants})
    templates = TemplateRegistry(
        [
            MessageTemplate("order.shipped", "Order ${order.id} shipped with ${order.carrier}"),
            MessageTemplate("invoice.paid", "Invoice $invoice paid"),
        ]
    )
    policy = RetryPolicy(
        max_attempts=max_attempts,
        base_delay=timedelta(seconds=BASE_DELAY),
        multiplier=2.0,
        max_delay=timedelta(minutes=30),
        jitter=0.0,
    )
    return Harness(
        clock=clock,
        store=JobStore(clock),
        client=ScriptedClient(),
        tenants=all_tenants,
        templates=templates,
        limiter=TenantRateLimiter(clock),
        policy=policy,
        batch_size=batch_size,
    )
