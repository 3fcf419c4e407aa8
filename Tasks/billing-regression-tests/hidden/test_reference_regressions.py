"""Hidden copy of the reference regression tests (reference/tests/test_proration_regressions.py).

Kept identical to the reference apart from this docstring and the rubric markers.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

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
    SequentialInvoiceNumbers,
    Subscription,
    nth_period,
    periods,
    preview_change,
    prorate,
    prorate_subscription,
)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


STARTER = Plan("starter-m", "Starter", usd("40.00"))
TEAM = Plan("team-m", "Team", usd("120.00"))
SCALE = Plan("scale-m", "Scale", usd("300.00"))
TEAM_ANNUAL = Plan("team-y", "Team (annual)", usd("1188.00"), Interval.YEAR)

# April 2024: a plain 30-day period anchored on the 1st.
APRIL = BillingPeriod(date(2024, 4, 1), date(2024, 5, 1))


def expected(price: str, unused_days: int, period_days: int, digits: int = 2) -> Decimal:
    """Independent oracle: exact rational arithmetic, one half-up rounding at the end."""
    exact = Fraction(Decimal(price)) * unused_days / period_days
    scaled = exact * 10**digits
    whole, remainder = divmod(scaled, 1)
    if remainder >= Fraction(1, 2):
        whole += 1
    return Decimal(int(whole)).scaleb(-digits)


def amounts(proration) -> list[Money]:
    return [line.amount for line in proration.lines]


def renewal(subscription: Subscription, on: date):
    return InvoiceBuilder(SequentialInvoiceNumbers()).renewal_invoice(subscription, on)


# --- BILL-1432: the reported cases ------------------------------------------------------


@pytest.mark.rubric("verification", weight=3)
def test_reported_invoice_zd_88213_downgrade_day_after_month_end_renewal():
    # Anchor 31 Jan 2024: the period 29 Feb - 30 Mar is 31 days long (not 29).
    sub = Subscription("sub_7Qm2KfX", "cus_HaldenLog", date(2024, 1, 31), TEAM)
    sub = sub.change_plan(STARTER, date(2024, 3, 1))

    invoice = renewal(sub, date(2024, 3, 31))

    assert [(line.kind, line.amount) for line in invoice.lines] == [
        (LineKind.PRORATION_CREDIT, usd("-116.13")),  # 120 * 30/31
        (LineKind.PRORATION_CHARGE, usd("38.71")),  # 40 * 30/31
        (LineKind.SUBSCRIPTION, usd("40.00")),
    ]
    assert invoice.total == usd("-37.42")
    assert invoice.credit_balance == usd("37.42")


@pytest.mark.rubric("verification", weight=3)
def test_reported_case_zd_88290_cancellation_in_clamped_30_day_period():
    # Anchor 30 Nov 2023: 30 Jan - 28 Feb 2024 is 30 days (not 31, January's length).
    sub = Subscription("sub_zd88290", "cus_zd88290", date(2023, 11, 30), TEAM).cancel(date(2024, 2, 1))
    closing = sub.period_containing(date(2024, 2, 1))
    assert (closing.start, closing.end) == (date(2024, 1, 30), date(2024, 2, 29))

    assert amounts(prorate_subscription(sub, closing)) == [usd("-112.00")]  # 120 * 28/30


@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize(
    ("anchor", "cancel_on", "unused_days", "year_days", "credit"),
    [
        pytest.param(date(2023, 3, 1), date(2024, 2, 15), 15, 366, "-48.69", id="starts-2023-contains-29-feb"),
        pytest.param(date(2024, 2, 29), date(2025, 2, 14), 14, 365, "-45.57", id="starts-on-29-feb"),
        pytest.param(date(2024, 3, 1), date(2025, 2, 1), 28, 365, "-91.13", id="starts-leap-year-after-feb"),
        pytest.param(date(2024, 1, 15), date(2025, 1, 1), 14, 366, "-45.44", id="starts-leap-year-before-feb"),
    ],
)
def test_annual_credit_uses_the_real_length_of_the_year(anchor, cancel_on, unused_days, year_days, credit):
    sub = Subscription("sub_annual", "cus_annual", anchor, TEAM_ANNUAL).cancel(cancel_on)
    closing = sub.period_containing(cancel_on)
    assert closing.days == year_days
    assert (closing.end - cancel_on).days == unused_days
    assert Decimal(credit) == -expected("1188.00", unused_days, year_days)

    assert amounts(prorate_subscription(sub, closing)) == [usd(credit)]


# --- BILL-1432 generalised: every period of two years, month-end anchors ---------------

@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize("anchor_day", [1, 15, 28, 29, 30, 31])
def test_monthly_credit_matches_oracle_for_every_day_of_2023_and_2024(anchor_day):
    """Cancel on every day of every period; compare with the oracle and the invariant."""
    wrong = []
    for period in periods(date(2023, 1, anchor_day), Interval.MONTH, through=date(2024, 12, 31)):
        period_days = (period.end - period.start).days
        assert 28 <= period_days <= 31, period
        for used in range(1, period_days):
            day = period.start + timedelta(days=used)
            credit = prorate(period, TEAM, cancel_on=day).lines[0].amount
            want = usd(str(-expected("120.00", period_days - used, period_days)))
            # Finance reconciles on this: at least one day was used, so less than the charge.
            if credit != want or abs(credit) >= TEAM.price:
                wrong.append(f"{period}: cancel {day} -> {credit}, want {want} ({period_days - used}/{period_days})")
    assert not wrong, f"{len(wrong)} wrong credits, first ones:\n" + "\n".join(wrong[:5])


@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize(
    ("anchor", "change_on", "period_days"),
    [
        pytest.param(date(2023, 1, 31), date(2023, 3, 1), 31, id="31st-feb28-to-mar31"),
        pytest.param(date(2023, 1, 30), date(2023, 3, 1), 30, id="30th-feb28-to-mar30"),
        pytest.param(date(2023, 1, 29), date(2023, 3, 1), 29, id="29th-feb28-to-mar29"),
        pytest.param(date(2024, 1, 31), date(2024, 2, 1), 29, id="31st-jan31-to-feb29"),
        pytest.param(date(2024, 1, 31), date(2024, 5, 1), 31, id="31st-apr30-to-may31"),
    ],
)
def test_upgrade_in_clamped_period_charges_the_real_fraction(anchor, change_on, period_days):
    sub = Subscription("sub_clamped", "cus_clamped", anchor, STARTER).change_plan(SCALE, change_on)
    period = sub.period_containing(change_on)
    assert period.days == period_days
    unused = (period.end - change_on).days

    proration = prorate_subscription(sub, period)

    assert amounts(proration) == [
        usd(str(-expected("40.00", unused, period_days))),
        usd(str(expected("300.00", unused, period_days))),
    ]
    assert abs(proration.credits[0].amount) < STARTER.price


# --- Rounding ---------------------------------------------------------------------------


@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize(
    ("price", "unused_days", "amount"),
    [
        pytest.param("12.25", 15, "6.13", id="6.125-rounds-up"),
        pytest.param("1.01", 15, "0.51", id="0.505-rounds-up"),
        pytest.param("0.10", 15, "0.05", id="exact"),
        pytest.param("99.99", 10, "33.33", id="33.33-repeating"),
    ],
)
def test_each_line_rounds_half_up_away_from_zero(price, unused_days, amount):
    old = Plan("old", "Old", usd(price))
    new = Plan("new", "New", usd(price))  # same price, different plan: credit and charge mirror
    change_on = APRIL.end - timedelta(days=unused_days)

    proration = prorate(APRIL, old, [PlanChange(change_on, new)])

    assert amounts(proration) == [usd(f"-{amount}"), usd(amount)]


@pytest.mark.rubric("verification", weight=2)
def test_rounds_the_prorated_amount_not_the_daily_rate():
    # 99.00 over 31 days is 3.1935.../day; 30 days is 95.806... -> 95.81 (not 30 * 3.19 = 95.70).
    january = BillingPeriod(date(2024, 1, 1), date(2024, 2, 1))
    plan = Plan("pro-m", "Pro", usd("99.00"))
    assert amounts(prorate(january, plan, cancel_on=date(2024, 1, 2))) == [usd("-95.81")]

    # 1,200.00 a year, 200 of 365 days unused: 657.53 (not 200 * 3.29 = 658.00).
    year = BillingPeriod(date(2023, 1, 1), date(2024, 1, 1))
    annual = Plan("pro-y", "Pro (annual)", usd("1200.00"), Interval.YEAR)
    assert amounts(prorate(year, annual, cancel_on=year.end - timedelta(days=200))) == [usd("-657.53")]


@pytest.mark.rubric("verification", weight=1)
def test_lines_are_rounded_individually_not_netted():
    # 10.01 and 20.00 over 15/30 days: -5.005 -> -5.01 and 10.00, net 4.99 (netting first gives 5.00).
    old = Plan("old", "Old", usd("10.01"))
    new = Plan("new", "New", usd("20.00"))
    proration = prorate(APRIL, old, [PlanChange(date(2024, 4, 16), new)])
    assert amounts(proration) == [usd("-5.01"), usd("10.00")]
    assert proration.net == usd("4.99")


@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize(
    ("price", "unused_days", "period", "amount"),
    [
        pytest.param("1001", 15, APRIL, "501", id="500.5-rounds-up"),
        pytest.param("9800", 10, BillingPeriod(date(2024, 1, 1), date(2024, 2, 1)), "3161", id="3161.29"),
    ],
)
def test_zero_decimal_currency_rounds_to_whole_yen(price, unused_days, period, amount):
    plan = Plan("team-jp", "Team", Money.of(price, "JPY"))
    credit = prorate(period, plan, cancel_on=period.end - timedelta(days=unused_days)).lines[0].amount
    assert credit == Money.of(f"-{amount}", "JPY")
    assert credit.amount.as_tuple().exponent == 0  # no stray ".00" on a yen invoice


# --- Boundary days ----------------------------------------------------------------------


@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize(
    ("change_on", "unused_days"),
    [
        pytest.param(date(2024, 4, 2), 29, id="second-day"),
        pytest.param(date(2024, 4, 16), 15, id="mid-period"),
        pytest.param(date(2024, 4, 30), 1, id="last-day"),
    ],
)
def test_change_day_itself_is_on_the_new_plan(change_on, unused_days):
    proration = prorate(APRIL, STARTER, [PlanChange(change_on, TEAM)])
    assert [line.days for line in proration.lines] == [unused_days, unused_days]
    assert amounts(proration) == [
        usd(str(-expected("40.00", unused_days, 30))),
        usd(str(expected("120.00", unused_days, 30))),
    ]


@pytest.mark.rubric("verification", weight=2)
def test_change_on_renewal_day_is_billed_by_the_renewal_not_prorated():
    sub = Subscription("sub_r", "cus_r", date(2024, 3, 1), STARTER).change_plan(TEAM, date(2024, 4, 1))

    invoice = renewal(sub, date(2024, 4, 1))
    assert [(line.kind, line.amount) for line in invoice.lines] == [(LineKind.SUBSCRIPTION, usd("120.00"))]

    assert prorate_subscription(sub, APRIL).lines == ()
    assert prorate(APRIL, STARTER, [PlanChange(APRIL.end, TEAM)]).lines == ()


@pytest.mark.rubric("verification", weight=2)
def test_cancellation_on_last_day_credits_exactly_one_day():
    proration = prorate(APRIL, TEAM, cancel_on=date(2024, 4, 30))
    assert amounts(proration) == [usd("-4.00")]
    assert proration.lines[0].days == 1


@pytest.mark.rubric("verification", weight=2)
def test_cancellation_on_renewal_day_needs_no_credit_and_stops_billing():
    sub = Subscription("sub_c", "cus_c", date(2024, 3, 1), TEAM).cancel(date(2024, 5, 1))

    assert prorate(APRIL, TEAM, cancel_on=APRIL.end).lines == ()
    invoice = renewal(sub, date(2024, 5, 1))
    assert invoice.lines == ()
    assert invoice.total == usd("0")


@pytest.mark.rubric("code-quality", weight=1)
def test_cancellation_on_or_before_period_start_is_refused():
    with pytest.raises(ProrationError):
        prorate(APRIL, TEAM, cancel_on=APRIL.start)
    with pytest.raises(ProrationError):
        prorate(APRIL, TEAM, cancel_on=date(2024, 3, 20))


# --- Several events in one period -------------------------------------------------------


@pytest.mark.rubric("verification", weight=2)
def test_second_change_credits_the_plan_it_replaces():
    changes = [PlanChange(date(2024, 4, 11), TEAM), PlanChange(date(2024, 4, 21), SCALE)]
    proration = prorate(APRIL, STARTER, changes)
    assert [(line.kind, line.plan.code, line.amount) for line in proration.lines] == [
        (LineKind.PRORATION_CREDIT, "starter-m", usd("-26.67")),  # 40 * 20/30
        (LineKind.PRORATION_CHARGE, "team-m", usd("80.00")),  # 120 * 20/30
        (LineKind.PRORATION_CREDIT, "team-m", usd("-40.00")),  # 120 * 10/30
        (LineKind.PRORATION_CHARGE, "scale-m", usd("100.00")),  # 300 * 10/30
    ]


@pytest.mark.rubric("verification", weight=1)
def test_changes_are_applied_in_date_order_whatever_the_input_order():
    later, earlier = PlanChange(date(2024, 4, 21), SCALE), PlanChange(date(2024, 4, 11), TEAM)
    assert prorate(APRIL, STARTER, [later, earlier]) == prorate(APRIL, STARTER, [earlier, later])


@pytest.mark.rubric("verification", weight=2)
def test_cancellation_then_change_credits_the_plan_in_use_at_cancellation():
    # Downgrade scheduled for the 21st, but the customer cancelled on the 11th.
    changes = [PlanChange(date(2024, 4, 21), STARTER)]
    proration = prorate(APRIL, TEAM, changes, cancel_on=date(2024, 4, 11))
    assert [(line.kind, line.plan.code, line.amount) for line in proration.lines] == [
        (LineKind.PRORATION_CREDIT, "team-m", usd("-80.00")),  # 120 * 20/30
    ]
    # A change dated on the cancellation day itself never takes effect either.
    same_day = prorate(APRIL, TEAM, [PlanChange(date(2024, 4, 11), STARTER)], cancel_on=date(2024, 4, 11))
    assert amounts(same_day) == [usd("-80.00")]


@pytest.mark.rubric("verification", weight=1)
def test_change_then_cancellation_credits_the_new_plan():
    proration = prorate(APRIL, STARTER, [PlanChange(date(2024, 4, 11), TEAM)], cancel_on=date(2024, 4, 21))
    assert [(line.kind, line.plan.code, line.amount) for line in proration.lines] == [
        (LineKind.PRORATION_CREDIT, "starter-m", usd("-26.67")),
        (LineKind.PRORATION_CHARGE, "team-m", usd("80.00")),
        (LineKind.PRORATION_CREDIT, "team-m", usd("-40.00")),
    ]


@pytest.mark.rubric("code-quality", weight=1)
def test_change_to_the_same_plan_is_not_prorated():
    assert prorate(APRIL, TEAM, [PlanChange(date(2024, 4, 11), TEAM)]).lines == ()


@pytest.mark.rubric("code-quality", weight=1)
def test_interval_and_currency_switches_are_refused_mid_period():
    with pytest.raises(ProrationError):
        prorate(APRIL, TEAM, [PlanChange(date(2024, 4, 11), TEAM_ANNUAL)])
    euro_team = Plan("team-eur", "Team", Money.of("110.00", "EUR"))
    with pytest.raises(CurrencyMismatchError):
        prorate(APRIL, TEAM, [PlanChange(date(2024, 4, 11), euro_team)])


@pytest.mark.rubric("verification", weight=1)
def test_preview_matches_what_the_renewal_invoice_bills():
    sub = Subscription("sub_p", "cus_p", date(2024, 1, 31), TEAM)
    preview = preview_change(sub, STARTER, date(2024, 3, 1))

    invoice = renewal(sub.change_plan(STARTER, date(2024, 3, 1)), date(2024, 3, 31))
    assert [line.amount for line in invoice.lines[:-1]] == amounts(preview)
    assert preview.net == usd("-77.42")


# --- Conservation: what was billed plus proration equals what was used ------------------

SCENARIOS = [
    # anchor, period index, changes as (days after period start, plan), cancellation offset
    pytest.param(date(2024, 1, 31), 1, [(1, STARTER)], None, id="31st-downgrade-day-2"),
    pytest.param(date(2024, 1, 31), 1, [(3, SCALE), (17, STARTER), (29, TEAM)], None, id="31st-three-changes"),
    pytest.param(date(2023, 1, 30), 1, [(5, SCALE)], 20, id="30th-upgrade-then-cancel"),
    pytest.param(date(2023, 1, 29), 1, [(27, STARTER)], 28, id="29th-change-and-cancel-at-the-end"),
    pytest.param(date(2024, 1, 1), 3, [(10, SCALE), (10, STARTER)], None, id="1st-two-changes-same-day"),
    pytest.param(date(2024, 3, 31), 0, [(7, SCALE)], 12, id="31st-first-period"),
]


@pytest.mark.rubric("verification", weight=2)
@pytest.mark.parametrize(("anchor", "index", "offsets", "cancel_offset"), SCENARIOS)
def test_billed_plus_net_proration_equals_time_weighted_usage(anchor, index, offsets, cancel_offset):
    period = nth_period(anchor, Interval.MONTH, index)
    changes = [PlanChange(period.start + timedelta(days=offset), plan) for offset, plan in offsets]
    cancel_on = None if cancel_offset is None else period.start + timedelta(days=cancel_offset)

    proration = prorate(period, TEAM, changes, cancel_on=cancel_on)

    # Walk the period day by day: which plan was in use, if any.
    used = Fraction(0)
    for offset in range(period.days):
        day = period.start + timedelta(days=offset)
        if cancel_on is not None and day >= cancel_on:
            break
        plan = TEAM
        for change in sorted(changes, key=lambda c: c.effective):
            if change.effective <= day:
                plan = change.plan
        used += Fraction(plan.price.amount) / period.days
    billed_and_settled = Fraction(TEAM.price.amount + proration.net.amount)
    tolerance = Fraction(1, 200) * len(proration.lines)
    assert abs(billed_and_settled - used) <= tolerance
