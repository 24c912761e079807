from django import template

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
