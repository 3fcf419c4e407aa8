"""Subscription billing: plans, billing cycles, proration and invoices."""

from .cycles import BillingPeriod, Interval, add_months, nth_period, period_containing, periods
from .invoicing import InvoiceBuilder, InvoiceNumbers, SequentialInvoiceNumbers
from .models import Invoice, InvoiceLine, LineKind, Plan, PlanChange, Subscription
from .money import CurrencyMismatchError, Money, minor_unit, total
from .proration import Proration, ProrationError, ProrationLine, preview_change, prorate, prorate_subscription

__all__ = [
    "BillingPeriod",
    "CurrencyMismatchError",
    "Interval",
    "Invoice",
    "InvoiceBuilder",
    "InvoiceLine",
    "InvoiceNumbers",
    "LineKind",
    "Money",
    "Plan",
    "PlanChange",
    "Proration",
    "ProrationError",
    "ProrationLine",
    "SequentialInvoiceNumbers",
    "Subscription",
    "add_months",
    "minor_unit",
    "nth_period",
    "period_containing",
    "periods",
    "preview_change",
    "prorate",
    "prorate_subscription",
    "total",
]
