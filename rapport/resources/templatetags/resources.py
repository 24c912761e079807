"""``{% suggested_resources %}``: the library's suggestions, for pages of other apps (the prep
brief, the relationship page) in one line, read for the person through the policy."""

from __future__ import annotations

from django import template

from rapport.resources import library, suggestions

register = template.Library()


@register.inclusion_tag("resources/_suggestions.html", takes_context=True)
def suggested_resources(context, relationship, cycle=None, profile=None) -> dict:
    user = context["request"].user
    if not library.may_use_library(user) or not relationship.acts_as_coach(user):
        return {"suggestions": None}
    return {"suggestions": suggestions.suggest_for(user, relationship, cycle, profile)}
