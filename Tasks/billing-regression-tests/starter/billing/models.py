"""Domain model: plans, subscriptions and invoices."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from .cycles import BillingPeriod, Interval, period_containing
from .money import CurrencyMismatchError, Money, total

__all__ = ["Invoice", "InvoiceLine", "LineKind", "Plan", "PlanChange", "Subscription"]


@dataclass(frozen=True, slots=True)
class Plan:
    """A price-list entry: what a subscription pays for each billing period."""

    code: str
    name: str
    price: Money
    interval: Interval = Interval.MONTH

    def __post_init__(self) -> None:
        if self.price.is_negative:
            raise ValueError(f"plan {self.code} has a negative price")


@dataclass(frozen=True, slots=True)
class PlanChange:
    """A switch to ``plan`` from the start of ``effective`` onwards."""

    effective: date
    plan: Plan


@dataclass(frozen=True)
class Subscription:
    """A customer's subscription.

    ``plan`` is the plan the customer signed up with on ``anchor``; ``changes`` are the
    plan changes since then (kept sorted by effective date). ``cancel_on`` is the first
    day without service, or ``None`` while the subscription runs.
    """

    id: str
    customer_id: str
    anchor: date
    plan: Plan
    changes: tuple[PlanChange, ...] = ()
    cancel_on: date | None = None

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.changes, key=lambda change: change.effective))
        object.__setattr__(self, "changes", ordered)
        if ordered and ordered[0].effective < self.anchor:
            raise ValueError(f"{self.id}: plan change dated before the subscription started")
        if self.cancel_on is not None and self.cancel_on <= self.anchor:
            raise ValueError(f"{self.id}: cancellation must come after the start date")

    @property
    def interval(self) -> Interval:
        return self.plan.interval

    @property
    def currency(self) -> str:
        return self.plan.price.currency

    def plan_on(self, day: date) -> Plan:
        """The plan in effect on ``day``; a change applies from its effective date."""
        current = self.plan
        for change in self.changes:
            if change.effective > day:
                break
            current = change.plan
        return current

    def is_active_on(self, day: date) -> bool:
        return self.anchor <= day and (self.cancel_on is None or day < self.cancel_on)

    def period_containing(self, day: date) -> BillingPeriod:
        return period_containing(self.anchor, self.interval, day)

    def change_plan(self, plan: Plan, effective: date) -> Subscription:
        if self.cancel_on is not None and effective >= self.cancel_on:
            raise ValueError(f"{self.id}: cannot change plan after the cancellation date")
        return replace(self, changes=self.changes + (PlanChange(effective, plan),))

    def cancel(self, effective: date) -> Subscription:
        return replace(self, cancel_on=effective)


class LineKind(Enum):
    SUBSCRIPTION = "subscription"
    PRORATION_CREDIT = "proration_credit"
    PRORATION_CHARGE = "proration_charge"


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    kind: LineKind
    description: str
    amount: Money
    service_start: date
    service_end: date


@dataclass(frozen=True)
class Invoice:
    number: str
    subscription_id: str
    customer_id: str
    issued_on: date
    currency: str
    lines: tuple[InvoiceLine, ...]

    def __post_init__(self) -> None:
        for line in self.lines:
            if line.amount.currency != self.currency:
                raise CurrencyMismatchError(
                    f"invoice {self.number} is in {self.currency}, line {line.description!r} is not"
                )

    @property
    def total(self) -> Money:
        return total((line.amount for line in self.lines), self.currency)

    @property
    def amount_due(self) -> Money:
        """What the customer is asked to pay; never negative."""
        return max(self.total, Money.zero(self.currency))

    @property
    def credit_balance(self) -> Money:
        """Credit carried to the customer's account when credits exceed charges."""
        return max(-self.total, Money.zero(self.currency))
