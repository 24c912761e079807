"""The parts every page shares: icons, the one date and time format, initials, links.

Dates and times read the same everywhere ("Tue 9 Dec, 3:15 pm"): use ``|when`` for a
moment, ``|day`` for a date and ``|clock`` for a time of day, never ``|date`` with a
format of its own.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template import defaulttags
from django.template.base import FilterExpression, Variable
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from rapport.core import links

register = template.Library()

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@lru_cache(maxsize=256)
def _icon_svg(name: str) -> str:
    """Lucide's SVG for ``name`` (from npm, served under static/vendor/lucide), without its own attributes."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"not an icon name: {name!r}")
    path = finders.find(f"vendor/lucide/{name}.svg")
    if path is not None:
        with open(path, encoding="utf-8") as svg:
            source = svg.read()
    else:  # collected static files, as production serves them
        with staticfiles_storage.open(f"vendor/lucide/{name}.svg") as svg:
            source = svg.read().decode("utf-8")
    body = _SVG_OPEN.sub("", _COMMENT.sub("", source), count=1).replace("</svg>", "").strip()
    return re.sub(r"\s*\n\s*", "", body)


class _IconNode(template.Node):
    def __init__(self, name: FilterExpression, extra_class: FilterExpression | None) -> None:
        self.name, self.extra_class = name, extra_class
        arguments = [name] if extra_class is None else [name, extra_class]
        # Written out in the template (nearly every use): the markup is known when it is compiled.
        literal = all(
            not isinstance(argument.var, Variable) and not argument.filters for argument in arguments
        )
        self.markup = self._markup({}) if literal else None

    def _markup(self, context) -> SafeString:
        extra_class = "" if self.extra_class is None else self.extra_class.resolve(context)
        return _icon_html(self.name.resolve(context), extra_class)

    def render(self, context: template.Context) -> SafeString:
        return self.markup if self.markup is not None else self._markup(context)


@register.tag
def icon(parser: template.base.Parser, token: template.base.Token) -> _IconNode:
    """``{% icon "name" ["class"] %}``: an inline SVG icon, hidden from screen readers (the text
    beside it says what it means)."""
    bits = token.split_contents()[1:]
    if len(bits) not in (1, 2):
        raise template.TemplateSyntaxError('icon takes a name and maybe a class: {% icon "name" "class" %}')
    expressions = [parser.compile_filter(bit) for bit in bits]
    return _IconNode(expressions[0], expressions[1] if len(expressions) == 2 else None)


# Kept whole: a page with a list shows the same few icons on every row.
@lru_cache(maxsize=512)
def _icon_html(name: str, extra_class: str) -> SafeString:
    classes = f"icon {extra_class}".strip()
    return format_html(
        '<svg class="{}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" '
        'focusable="false">{}</svg>',
        classes,
        mark_safe(_icon_svg(name)),  # noqa: S308 - the icon set's own file, from npm, never user input
    )


class _URLNode(defaulttags.URLNode):
    """Django's ``{% url %}`` (``URLNode.render``, unchanged but for the reverse it calls)."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {name: value.resolve(context) for name, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request: Any = getattr(context, "request", None)  # a RequestContext's
        try:
            current_app = request.current_app
        except AttributeError:
            try:
                current_app = request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = links.reverse(view_name, args=args, kwargs=kwargs, current_app=current_app, request=request)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> _URLNode:
    node = defaulttags.url(parser, token)
    return _URLNode(node.view_name, node.args, node.kwargs, node.asvar)


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _clock(value: datetime.datetime | datetime.time) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


def _day(value: datetime.date, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == today.year else f"{text} {value.year}"


@register.filter
def clock(value: datetime.datetime | datetime.time | None) -> str:
    """A time of day: "3:15 pm"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value)
    return _clock(value)


@register.filter
def day(value: datetime.date | datetime.datetime | None) -> str:
    """A date: "Tue 9 Dec" (the year only when it is not this year)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return _day(value)


@register.filter
def when(value: datetime.datetime | datetime.date | None) -> str:
    """A moment: "Tue 9 Dec, 3:15 pm"."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return _day(value)
    value = _local(value)
    return f"{_day(value.date())}, {_clock(value)}"


@register.filter
def initials(person) -> str:
    """Two letters for an avatar: "MO" for Maya Okafor."""
    name = (getattr(person, "full_name", "") or str(person or "")).strip()
    parts = [part for part in name.split() if part[:1].isalpha()]
    if not parts:
        return "?"
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()


@register.filter
def other_than(relationship, user):
    """The other member of a relationship: the teacher for their coach, either peer for the other."""
    return relationship.other_member(user)
