"""Mid-period proration for plan changes and cancellations.

Subscriptions are billed in advance: on the first day of each billing period the
customer is charged the full price of the plan in effect that day. When the plan
changes, or the subscription is cancelled, part-way through a period, the difference
is settled on the next invoice with proration lines:

* a **credit** for the plan being billed, for the days from the change to the end of
  the period, which the customer paid for but will not use, and
* a **charge** for the new plan over the same days.

A cancellation produces only the credit.

Rules agreed with Finance:

* Periods are half-open ``[start, end)``. A change or cancellation effective on day
  ``D`` applies from ``D`` itself, so the old plan goes unused for ``end - D`` days.
* The fraction of the price is those days over the actual length of the billing
  period: 28 to 31 days for a monthly plan, 365 or 366 for an annual one.
* Every line is rounded on its own, once, half-up (away from zero) to the currency's
  minor unit. Lines are never netted before rounding.
* A change effective on the first day of a period is not prorated: the renewal charge
  is already for the new plan. A change on or after the period's end belongs to a
  later period.
* ``cancel_on`` is the first day without service. Cancelling on the period's end is
  the ordinary end-of-term cancellation and needs no credit. Plan changes dated on or
  after the cancellation never take effect.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .cycles import BillingPeriod
from .models import LineKind, Plan, PlanChange, Subscription
from .money import CurrencyMismatchError, Money, total

__all__ = [
    "Proration",
    "ProrationError",
    "ProrationLine",
    "preview_change",
    "prorate",
    "prorate_subscription",
]


class ProrationError(ValueError):
    """The requested proration is not one billing supports."""


@dataclass(frozen=True, slots=True)
class ProrationLine:
    """A credit or charge for the days ``[start, end)`` at the tail of a period."""

    kind: LineKind
    plan: Plan
    start: date
    end: date
    amount: Money

    def __post_init__(self) -> None:
        if self.kind not in (LineKind.PRORATION_CREDIT, LineKind.PRORATION_CHARGE):
            raise ValueError(f"not a proration line kind: {self.kind}")
        if self.end <= self.start:
            raise ValueError(f"proration line covers no days: {self.start} to {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def description(self) -> str:
        if self.kind is LineKind.PRORATION_CREDIT:
            return f"Unused time on {self.plan.name} from {self.start:%d %b %Y}"
        return f"Remaining time on {self.plan.name} from {self.start:%d %b %Y}"


@dataclass(frozen=True, slots=True)
class Proration:
    """The proration lines of one billing period, in the order the events happened."""

    period: BillingPeriod
    billed_plan: Plan
    lines: tuple[ProrationLine, ...]

    @property
    def currency(self) -> str:
        return self.billed_plan.price.currency

    @property
    def credits(self) -> tuple[ProrationLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.PRORATION_CREDIT)

    @property
    def charges(self) -> tuple[ProrationLine, ...]:
        return tuple(line for line in self.lines if line.kind is LineKind.PRORATION_CHARGE)

    @property
    def net(self) -> Money:
        """The sum of all lines; negative when the customer is owed money."""
        return total((line.amount for line in self.lines), self.currency)


def prorate(
    period: BillingPeriod,
    billed_plan: Plan,
    changes: Iterable[PlanChange] = (),
    cancel_on: date | None = None,
) -> Proration:
    """Settle ``period``, which was charged in advance at ``billed_plan``'s price.

    ``changes`` may come in any order and may include changes outside ``period``;
    only those strictly inside it, and before any cancellation, are prorated.

    Raises :class:`ProrationError` if the subscription was cancelled on or before the
    period's first day (the period should never have been billed) or if a change
    switches between monthly and annual billing, and
    :class:`~billing.money.CurrencyMismatchError` if a change switches currency.
    """
    if cancel_on is not None and cancel_on <= period.start:
        raise ProrationError(f"cancelled on {cancel_on}, before the period {period} began")

    ordered = sorted(changes, key=lambda change: change.effective)
    cancelled = cancel_on is not None and cancel_on < period.end
    service_end = period.end if cancel_on is None else min(cancel_on, period.end)
    period_days = period.days

    lines: list[ProrationLine] = []
    current = billed_plan
    for change in ordered:
        if not period.start < change.effective < service_end:
            continue
        if change.plan == current:
            continue
        _check_compatible(billed_plan, change.plan)
        lines.append(_line(LineKind.PRORATION_CREDIT, current, change.effective, period, period_days))
        lines.append(_line(LineKind.PRORATION_CHARGE, change.plan, change.effective, period, period_days))
        current = change.plan

    if cancelled:
        lines.append(_line(LineKind.PRORATION_CREDIT, current, service_end, period, period_days))
    return Proration(period, billed_plan, tuple(lines))


def prorate_subscription(subscription: Subscription, period: BillingPeriod) -> Proration:
    """The proration lines for one of ``subscription``'s billing periods."""
    if subscription.period_containing(period.start) != period:
        raise ProrationError(f"{period} is not a billing period of {subscription.id}")
    return prorate(
        period,
        subscription.plan_on(period.start),
        subscription.changes,
        subscription.cancel_on,
    )


def preview_change(subscription: Subscription, plan: Plan, effective: date) -> Proration:
    """What switching to ``plan`` on ``effective`` adds to the next invoice.

    Shown in the upgrade dialog before the customer confirms.
    """
    period = subscription.period_containing(effective)
    return prorate_subscription(subscription.change_plan(plan, effective), period)


def _check_compatible(billed: Plan, other: Plan) -> None:
    if other.price.currency != billed.price.currency:
        raise CurrencyMismatchError(
            f"cannot switch from {billed.code} ({billed.price.currency}) "
            f"to {other.code} ({other.price.currency}) mid-period"
        )
    if other.interval is not billed.interval:
        raise ProrationError(
            f"switching from {billed.interval.value}ly to {other.interval.value}ly billing "
            "takes effect at renewal, not mid-period"
        )


def _line(kind: LineKind, plan: Plan, start: date, period: BillingPeriod, period_days: int) -> ProrationLine:
    amount = _prorate(plan.price, _days_remaining(period, start), period_days)
    if kind is LineKind.PRORATION_CREDIT:
        amount = -amount
    return ProrationLine(kind, plan, start, period.end, amount)


def _days_remaining(period: BillingPeriod, day: date) -> int:
    """Days from ``day``, inclusive, to the end of ``period``."""
    return (period.end - day).days


def _prorate(price: Money, days: int, period_days: int) -> Money:
    """``price * days / period_days``, rounded once, half-up, to the minor unit."""
    exact = price.amount * days / Decimal(period_days)
    return Money(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), price.currency)
