"""Template tags that let shared pages include the coaching parts with one line.

The relationship page and the coach home belong to another app; they include a
partial of ours, and the partial calls these tags, which load what it shows
through the access policy (rapport.coaching.briefs).
"""

from __future__ import annotations

from django import template

from rapport.coaching import briefs

register = template.Library()


@register.inclusion_tag("coaching/_panel.html", takes_context=True)
def coaching_panel(context, relationship) -> dict:
    user = context["request"].user
    return {
        "panel": briefs.coaching_panel(user, relationship),
        "relationship": relationship,
        "user": user,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "can_manage": relationship.acts_as_coach(user),
    }
