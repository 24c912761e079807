import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def moment(seconds: float) -> str:
    """A moment of a conversation as m:ss (h:mm:ss past an hour)."""
    total = int(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def percent(share: float) -> str:
    return f"{round((share or 0) * 100)}%"


@register.filter
def marked(text: str, words: tuple[str, ...] | list[str]) -> str:
    """The text, escaped, with each of ``words`` (whole words, any case) in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)) + r")\b", re.I
    )
    parts = pattern.split(text)
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            f"<mark>{escape(part)}</mark>" if index % 2 else escape(part) for index, part in enumerate(parts)
        )
    )
