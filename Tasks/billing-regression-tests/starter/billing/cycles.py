"""Billing-cycle arithmetic.

A subscription renews on its *anchor* day every month or every year. When the anchor
day does not exist in a month (the 31st in April, the 29th to 31st in February) the
boundary is clamped to the last day of that month, and the anchor day comes back as
soon as the calendar allows it: a subscription anchored on 31 January 2024 renews on
29 February, 31 March, 30 April, 31 May...

Boundaries are always computed from the anchor, never from the previous boundary, so
clamping never drifts. Periods are half-open ``[start, end)`` ranges of whole days.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

__all__ = ["BillingPeriod", "Interval", "add_months", "nth_period", "period_containing", "periods"]


class Interval(Enum):
    MONTH = "month"
    YEAR = "year"

    @property
    def months(self) -> int:
        return 12 if self is Interval.YEAR else 1


def add_months(day: date, months: int, *, anchor_day: int | None = None) -> date:
    """Move ``day`` by ``months`` calendar months.

    The result falls on ``anchor_day`` (default ``day.day``), clamped to the end of
    the target month: ``add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)``.
    """
    target = day.day if anchor_day is None else anchor_day
    if not 1 <= target <= 31:
        raise ValueError(f"anchor day must be within 1..31, got {target}")
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(target, last_day))


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """The days ``[start, end)`` paid for by one subscription charge."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty billing period: {self.start} to {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end

    def __str__(self) -> str:
        return f"{self.start:%d %b %Y} – {self.last_day:%d %b %Y}"


def nth_period(anchor: date, interval: Interval, index: int) -> BillingPeriod:
    """The ``index``-th billing period (the first is 0) of a subscription started on ``anchor``."""
    if index < 0:
        raise ValueError("period index must not be negative")
    step = interval.months
    return BillingPeriod(
        add_months(anchor, index * step, anchor_day=anchor.day),
        add_months(anchor, (index + 1) * step, anchor_day=anchor.day),
    )


def period_containing(anchor: date, interval: Interval, day: date) -> BillingPeriod:
    """The billing period that ``day`` falls in."""
    if day < anchor:
        raise ValueError(f"{day} is before the subscription started ({anchor})")
    elapsed_months = (day.year - anchor.year) * 12 + day.month - anchor.month
    index = elapsed_months // interval.months
    period = nth_period(anchor, interval, index)
    if day < period.start:
        # Within the month the anchor day has not come round yet.
        period = nth_period(anchor, interval, index - 1)
    return period


def periods(anchor: date, interval: Interval, *, through: date) -> Iterator[BillingPeriod]:
    """Every billing period from the first one up to the one containing ``through``."""
    last = period_containing(anchor, interval, through)
    index = 0
    while True:
        period = nth_period(anchor, interval, index)
        yield period
        if period == last:
            return
        index += 1
