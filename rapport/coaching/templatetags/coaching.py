"""Template tags that let shared pages include the coaching parts with one line.

The relationship page and the coach home belong to another app; they include a
partial of ours, and the partial calls these tags, which load what it shows
through the access policy (rapport.coaching.briefs).
"""

from __future__ import annotations

from django import template

from rapport.coaching import briefs

register = template.Library()


@register.simple_tag(takes_context=True)
def coaching_panel(context, relationship) -> briefs.CoachingPanel:
    """``{% coaching_panel relationship as panel %}``: what the relationship page's coaching cards
    show (``coaching/_overview_main.html`` and ``_overview_side.html``), read for the person."""
    return briefs.coaching_panel(context["request"].user, relationship)
