"""Invoice assembly for subscription sign-ups and renewals.

Each renewal invoice settles the period that just closed (its proration lines) and
charges the period that opens, if the subscription is still active on that day.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Protocol

from .cycles import BillingPeriod, nth_period
from .models import Invoice, InvoiceLine, LineKind, Plan, Subscription
from .proration import ProrationLine, prorate_subscription

__all__ = ["InvoiceBuilder", "InvoiceNumbers", "SequentialInvoiceNumbers"]


class InvoiceNumbers(Protocol):
    def next_number(self, issued_on: date) -> str:
        """Reserve the next invoice number for an invoice issued on ``issued_on``."""
        ...


class SequentialInvoiceNumbers:
    """``INV-<year>-<sequence>`` numbers from an in-process counter.

    Production uses the ledger database's sequence; this one serves previews and tests.
    """

    def __init__(self, start: int = 1) -> None:
        self._next = start
        self._lock = threading.Lock()

    def next_number(self, issued_on: date) -> str:
        with self._lock:
            number, self._next = self._next, self._next + 1
        return f"INV-{issued_on.year}-{number:06d}"


class InvoiceBuilder:
    def __init__(self, numbers: InvoiceNumbers) -> None:
        self._numbers = numbers

    def opening_invoice(self, subscription: Subscription) -> Invoice:
        """The first invoice: the first period, in advance, at the sign-up plan."""
        period = nth_period(subscription.anchor, subscription.interval, 0)
        line = _subscription_line(subscription.plan_on(period.start), period)
        return self._issue(subscription, subscription.anchor, [line])

    def renewal_invoice(self, subscription: Subscription, renewal_date: date) -> Invoice:
        """Settle the period ending on ``renewal_date`` and charge the next one."""
        if renewal_date <= subscription.anchor:
            raise ValueError(f"{renewal_date} is not after {subscription.id} started")
        closing = subscription.period_containing(renewal_date - timedelta(days=1))
        if closing.end != renewal_date:
            raise ValueError(f"{renewal_date} is not a renewal date of {subscription.id}")
        if not subscription.is_active_on(closing.start):
            raise ValueError(f"{subscription.id} was cancelled before {closing}")

        lines = [_proration_line(line) for line in prorate_subscription(subscription, closing).lines]
        if subscription.is_active_on(renewal_date):
            opening = subscription.period_containing(renewal_date)
            lines.append(_subscription_line(subscription.plan_on(renewal_date), opening))
        return self._issue(subscription, renewal_date, lines)

    def _issue(self, subscription: Subscription, issued_on: date, lines: list[InvoiceLine]) -> Invoice:
        return Invoice(
            number=self._numbers.next_number(issued_on),
            subscription_id=subscription.id,
            customer_id=subscription.customer_id,
            issued_on=issued_on,
            currency=subscription.currency,
            lines=tuple(lines),
        )


def _subscription_line(plan: Plan, period: BillingPeriod) -> InvoiceLine:
    return InvoiceLine(
        kind=LineKind.SUBSCRIPTION,
        description=f"{plan.name} ({period})",
        amount=plan.price,
        service_start=period.start,
        service_end=period.end,
    )


def _proration_line(line: ProrationLine) -> InvoiceLine:
    return InvoiceLine(
        kind=line.kind,
        description=line.description,
        amount=line.amount,
        service_start=line.start,
        service_end=line.end,
    )
