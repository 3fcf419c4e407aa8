"""Regression tests for BILL-1432 (proration at month-end anchors).

Covered: the reported downgrade on a subscription anchored on the 31st (ZD-88213), an
upgrade in a clamped February period, and a cancellation on an annual plan across 29
February. Not covered: rendering and invoice numbering.
"""

from datetime import date

import pytest

from billing import Interval, Money, Plan, Subscription, prorate, prorate_subscription

STARTER = Plan("starter-m", "Starter", Money.of("40.00", "USD"))
TEAM = Plan("team-m", "Team", Money.of("120.00", "USD"))
TEAM_ANNUAL = Plan("team-y", "Team (annual)", Money.of("1188.00", "USD"), Interval.YEAR)


def test_downgrade_day_after_month_end_renewal_zd_88213():
    sub = Subscription("sub_7Qm2KfX", "cus_HaldenLog", date(2024, 1, 31), TEAM)
    sub = sub.change_plan(STARTER, date(2024, 3, 1))
    period = sub.period_containing(date(2024, 3, 1))

    prorate(period, sub.plan_on(period.start), sub.changes)


def test_upgrade_in_clamped_february_period_produces_lines():
    sub = Subscription("sub_feb", "cus_feb", date(2023, 12, 31), STARTER)
    sub = sub.change_plan(TEAM, date(2024, 2, 10))
    period = sub.period_containing(date(2024, 2, 10))

    proration = prorate_subscription(sub, period)

    assert isinstance(proration.lines, tuple)


def test_annual_cancellation_across_leap_day_prorates():
    sub = Subscription("sub_year", "cus_year", date(2023, 3, 1), TEAM_ANNUAL)
    sub = sub.cancel(date(2024, 2, 15))
    period = sub.period_containing(date(2024, 2, 14))

    try:
        prorate_subscription(sub, period)
    except Exception as exc:  # pragma: no cover - only reached if proration breaks
        pytest.fail(f"proration raised {exc!r}")
