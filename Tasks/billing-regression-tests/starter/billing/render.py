"""Plain-text invoice rendering, used for e-mail bodies and support tooling."""

from __future__ import annotations

from .models import Invoice

__all__ = ["render_text"]


def render_text(invoice: Invoice, *, width: int = 72) -> str:
    """Render ``invoice`` as a fixed-width text block."""
    amount_width = 14
    label_width = width - amount_width

    def row(label: str, amount: str) -> str:
        if len(label) > label_width - 1:
            label = label[: label_width - 2] + "…"
        return f"{label:<{label_width}}{amount:>{amount_width}}"

    rule = "-" * width
    out = [
        f"Invoice {invoice.number}",
        f"Issued {invoice.issued_on:%d %b %Y} · customer {invoice.customer_id} · "
        f"subscription {invoice.subscription_id}",
        rule,
    ]
    out.extend(row(line.description, line.amount.format(with_currency=False)) for line in invoice.lines)
    out.append(rule)
    out.append(row("Total", str(invoice.total)))
    if invoice.credit_balance.is_zero:
        out.append(row("Amount due", str(invoice.amount_due)))
    else:
        out.append(row("Credit to account", str(invoice.credit_balance)))
    return "\n".join(out)
