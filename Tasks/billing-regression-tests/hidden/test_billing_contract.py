"""Hidden checks of the billing package's own contract, beyond the reference's regression tests.

They guard the candidate's submission against edits to billing/ itself (the brief asks
for tests only) and pin the behaviours the reference tests rely on.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing import (
    BillingPeriod,
    CurrencyMismatchError,
    Interval,
    InvoiceBuilder,
    LineKind,
    Money,
    Plan,
    PlanChange,
    ProrationError,
    ProrationLine,
    SequentialInvoiceNumbers,
    Subscription,
    add_months,
    periods,
    preview_change,
    prorate,
    prorate_subscription,
)
from billing.render import render_text


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


BASIC = Plan("basic-m", "Basic", usd("30.00"))
PLUS = Plan("plus-m", "Plus", usd("90.00"))
JUNE = BillingPeriod(date(2025, 6, 1), date(2025, 7, 1))


@pytest.mark.rubric("verification", weight=1)
def test_month_end_anchor_never_drifts_over_three_years():
    anchor = date(2024, 1, 31)
    previous_end = anchor
    for period in periods(anchor, Interval.MONTH, through=date(2026, 12, 31)):
        assert period.start == previous_end
        last_of_month = (add_months(period.start.replace(day=1), 1) - timedelta(days=1)).day
        assert period.start.day == min(31, last_of_month)
        previous_end = period.end
    assert previous_end == date(2027, 1, 31)


@pytest.mark.rubric("verification", weight=1)
def test_three_decimal_currency_rounds_to_the_fils():
    plan = Plan("basic-kw", "Basic", Money.of("10.000", "KWD"))
    credit = prorate(JUNE, plan, cancel_on=date(2025, 6, 21)).lines[0].amount
    assert credit == Money.of("-3.333", "KWD")
    assert credit.amount.as_tuple().exponent == -3


@pytest.mark.rubric("verification", weight=1)
def test_changes_outside_the_period_are_ignored():
    changes = [
        PlanChange(date(2025, 5, 20), PLUS),
        PlanChange(JUNE.start, PLUS),
        PlanChange(JUNE.end, PLUS),
        PlanChange(date(2025, 7, 15), PLUS),
    ]
    assert prorate(JUNE, BASIC, iter(changes)).lines == ()


@pytest.mark.rubric("verification", weight=1)
def test_upgrade_on_a_plain_period_credits_and_charges_the_tail():
    proration = prorate(JUNE, BASIC, (PlanChange(date(2025, 6, 11), PLUS),))
    assert [(line.kind, line.amount, line.start, line.end) for line in proration.lines] == [
        (LineKind.PRORATION_CREDIT, usd("-20.00"), date(2025, 6, 11), JUNE.end),
        (LineKind.PRORATION_CHARGE, usd("60.00"), date(2025, 6, 11), JUNE.end),
    ]
    assert proration.net == usd("40.00")
    assert [line.kind for line in proration.credits] == [LineKind.PRORATION_CREDIT]
    assert [line.kind for line in proration.charges] == [LineKind.PRORATION_CHARGE]


@pytest.mark.rubric("code-quality", weight=1)
def test_proration_line_descriptions_and_validation():
    line = prorate(JUNE, BASIC, cancel_on=date(2025, 6, 11)).lines[0]
    assert line.description == "Unused time on Basic from 11 Jun 2025"
    assert line.days == 20
    with pytest.raises(ValueError):
        ProrationLine(LineKind.PRORATION_CREDIT, BASIC, JUNE.end, JUNE.end, usd("0.00"))
    with pytest.raises(ValueError):
        ProrationLine(LineKind.SUBSCRIPTION, BASIC, JUNE.start, JUNE.end, usd("30.00"))


@pytest.mark.rubric("code-quality", weight=1)
def test_empty_proration_nets_to_zero_in_the_plan_currency():
    proration = prorate(JUNE, Plan("basic-jp", "Basic", Money.of("3000", "JPY")))
    assert proration.lines == ()
    assert proration.net == Money.of("0", "JPY")


@pytest.mark.rubric("code-quality", weight=1)
def test_prorate_subscription_refuses_a_foreign_period():
    sub = Subscription("sub_f", "cus_f", date(2025, 1, 15), BASIC)
    with pytest.raises(ProrationError):
        prorate_subscription(sub, JUNE)


@pytest.mark.rubric("code-quality", weight=1)
def test_preview_does_not_modify_the_subscription():
    sub = Subscription("sub_v", "cus_v", date(2025, 5, 1), BASIC)
    preview = preview_change(sub, PLUS, date(2025, 6, 16))
    assert sub.changes == ()
    assert preview.net == usd("30.00")  # 90 * 15/30 - 30 * 15/30


@pytest.mark.rubric("code-quality", weight=1)
def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money.of(12.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(CurrencyMismatchError):
        usd("1.00") + Money.of("1.00", "EUR")
    assert Money.of("0.005", "USD").rounded() == usd("0.01")


@pytest.mark.rubric("verification", weight=1)
def test_renewal_invoice_with_credit_balance_renders():
    sub = Subscription("sub_i", "cus_i", date(2025, 5, 1), PLUS).change_plan(BASIC, date(2025, 6, 2))
    builder = InvoiceBuilder(SequentialInvoiceNumbers(start=41))
    opening = builder.opening_invoice(sub)
    assert opening.number == "INV-2025-000041"
    assert opening.amount_due == usd("90.00")

    invoice = builder.renewal_invoice(sub, date(2025, 7, 1))
    assert [line.amount for line in invoice.lines] == [usd("-87.00"), usd("29.00"), usd("30.00")]
    assert invoice.total == usd("-28.00")
    assert invoice.amount_due == usd("0")
    assert invoice.credit_balance == usd("28.00")
    text = render_text(invoice)
    assert "Unused time on Plus from 02 Jun 2025" in text
    assert "Credit to account" in text and "28.00 USD" in text

    with pytest.raises(ValueError):
        builder.renewal_invoice(sub, date(2025, 6, 15))


@pytest.mark.rubric("verification", weight=1)
def test_amounts_are_decimal_with_the_currency_exponent():
    lines = prorate(JUNE, BASIC, [PlanChange(date(2025, 6, 8), PLUS)], cancel_on=date(2025, 6, 20)).lines
    for line in lines:
        assert isinstance(line.amount.amount, Decimal)
        assert line.amount.amount.as_tuple().exponent == -2
