"""Webhook signatures: HMAC-SHA256 over ``"<timestamp>." + body``.

Tenants verify the ``Webhook-Signature`` header with their signing secret and
reject timestamps older than five minutes.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Webhook-Signature"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
