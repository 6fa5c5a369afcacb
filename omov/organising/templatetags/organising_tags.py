"""Template filters of the organising pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """mapping[key], or 0 when it is not there (a count nobody gave)."""
    return mapping.get(key, 0)
