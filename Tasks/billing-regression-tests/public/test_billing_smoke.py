"""Smoke tests shipped with the task: how the package is put together and called."""

from datetime import date

from billing import (
    BillingPeriod,
    InvoiceBuilder,
    LineKind,
    Money,
    Plan,
    SequentialInvoiceNumbers,
    Subscription,
    add_months,
    prorate,
)

STARTER = Plan("starter-m", "Starter", Money.of("40.00", "USD"))
TEAM = Plan("team-m", "Team", Money.of("120.00", "USD"))


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 1, anchor_day=31) == date(2024, 3, 31)


def test_opening_invoice_charges_the_first_period_in_advance():
    sub = Subscription("sub_1", "cus_1", date(2024, 4, 1), TEAM)
    invoice = InvoiceBuilder(SequentialInvoiceNumbers()).opening_invoice(sub)
    assert [line.kind for line in invoice.lines] == [LineKind.SUBSCRIPTION]
    assert invoice.amount_due == Money.of("120.00", "USD")


def test_mid_period_upgrade_produces_a_credit_and_a_charge():
    sub = Subscription("sub_2", "cus_2", date(2024, 4, 1), STARTER)
    sub = sub.change_plan(TEAM, date(2024, 4, 16))
    period = sub.period_containing(date(2024, 4, 16))
    assert period == BillingPeriod(date(2024, 4, 1), date(2024, 5, 1))

    proration = prorate(period, sub.plan_on(period.start), sub.changes)

    kinds = [line.kind for line in proration.lines]
    assert kinds == [LineKind.PRORATION_CREDIT, LineKind.PRORATION_CHARGE]
    assert proration.credits[0].amount.is_negative
    assert not proration.charges[0].amount.is_negative


def test_renewal_invoice_charges_the_next_period():
    sub = Subscription("sub_3", "cus_3", date(2024, 4, 1), TEAM)
    invoice = InvoiceBuilder(SequentialInvoiceNumbers()).renewal_invoice(sub, date(2024, 5, 1))
    assert [(line.kind, line.amount) for line in invoice.lines] == [
        (LineKind.SUBSCRIPTION, Money.of("120.00", "USD"))
    ]
