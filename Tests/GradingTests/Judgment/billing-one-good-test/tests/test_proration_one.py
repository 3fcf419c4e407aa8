"""Regression test for BILL-1432: the reported invoice, ZD-88213.

Covered: the downgrade the day after a month-end renewal, pinned to the cent. The period
29 Feb - 30 Mar 2024 (anchor 31 Jan) is 31 days long, so 30 unused days are 30/31 of the
price; the bug divided by February's 29 days and credited more than was paid.
Not covered: everything else in proration.
"""

from datetime import date

from billing import BillingPeriod, LineKind, Money, Plan, Subscription, prorate

STARTER = Plan("starter-m", "Starter", Money.of("40.00", "USD"))
TEAM = Plan("team-m", "Team", Money.of("120.00", "USD"))


def test_downgrade_day_after_month_end_renewal_credits_30_of_31_days():
    sub = Subscription("sub_7Qm2KfX", "cus_HaldenLog", date(2024, 1, 31), TEAM)
    sub = sub.change_plan(STARTER, date(2024, 3, 1))
    period = sub.period_containing(date(2024, 3, 1))
    assert period == BillingPeriod(date(2024, 2, 29), date(2024, 3, 31))

    proration = prorate(period, sub.plan_on(period.start), sub.changes)

    # 120.00 * 30 / 31 = 116.129... -> 116.13; 40.00 * 30 / 31 = 38.709... -> 38.71.
    # With the bug (30 / 29): -124.14 and 41.38, a credit larger than the 120.00 paid.
    assert [(line.kind, line.amount) for line in proration.lines] == [
        (LineKind.PRORATION_CREDIT, Money.of("-116.13", "USD")),
        (LineKind.PRORATION_CHARGE, Money.of("38.71", "USD")),
    ]
