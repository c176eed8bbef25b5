"""Filters for routine text written in YAML block scalars."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def prose(text: str | None) -> SafeString:
    """Paragraphs split at blank lines; single line breaks (wrapping in the YAML file) become
    spaces, so text reads as the author's paragraphs rather than the file's line width."""
    if not text:
        return mark_safe("")
    paragraphs = [" ".join(part.split()) for part in text.strip().split("\n\n") if part.strip()]
    return mark_safe("".join(f"<p>{escape(p)}</p>" for p in paragraphs))
