"""Message templates.

Templates are plain text with ``$name`` / ``${order.id}`` placeholders looked
up in the job payload; dotted names walk nested objects. The rendered text
goes into the ``message`` field of the webhook body, next to the raw data.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class TemplateError(Exception):
    """A template is missing or cannot be rendered for a payload."""


class _DottedTemplate(string.Template):
    idpattern = r"(?a:[_a-z][_a-z0-9]*(?:\.[_a-z][_a-z0-9]*)*)"
    flags = re.IGNORECASE


def _flatten(payload: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"order": {"id": 7}}`` -> ``{"order.id": "7"}``; lists and objects are not substitutable."""
    flat: dict[str, str] = {}
    for key, value in payload.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            flat[f"{prefix}{key}"] = "" if value is None else str(value)
    return flat


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    event_type: str
    text: str

    def render(self, payload: Mapping[str, Any]) -> str:
        try:
            return _DottedTemplate(self.text).substitute(_flatten(payload))
        except KeyError as exc:
            raise TemplateError(f"{self.event_type}: payload has no field {exc.args[0]!r}") from None
        except ValueError as exc:
            raise TemplateError(f"{self.event_type}: malformed template: {exc}") from None


class TemplateRegistry:
    """Templates by event type; a tenant's own template wins over the default."""

    def __init__(self, templates: Iterable[MessageTemplate] = ()) -> None:
        self._templates: dict[tuple[str | None, str], MessageTemplate] = {}
        for template in templates:
            self.register(template)

    def register(self, template: MessageTemplate, *, tenant_id: str | None = None) -> None:
        self._templates[(tenant_id, template.event_type)] = template

    def for_event(self, tenant_id: str, event_type: str) -> MessageTemplate:
        template = self._templates.get((tenant_id, event_type)) or self._templates.get((None, event_type))
        if template is None:
            raise TemplateError(f"no template for event type {event_type!r}")
        return template
