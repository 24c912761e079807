"""Icons: Lucide's SVG inline, hidden from screen readers, the same markup every time it is asked for."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError


def test_an_icon_is_lucides_drawing_hidden_from_screen_readers():
    rendered = Template('{% icon "users" %}|{% icon "users" "big" %}').render(Context({}))
    plain, with_class = rendered.split("|")
    assert plain.startswith('<svg class="icon" ')
    assert 'aria-hidden="true"' in plain
    assert "<path" in plain
    assert with_class == plain.replace('class="icon"', 'class="icon big"')


def test_an_icon_named_by_a_variable_is_the_same_drawing():
    """A name written in the template is drawn once, when it is compiled; one from the context on
    every render, the same markup."""
    written = Template('{% icon "users" %}')
    named = Template("{% icon name %}|{% icon name extra %}")
    assert written.nodelist[0].markup == written.render(Context({}))
    assert named.nodelist[0].markup is None
    for name in ("users", "heart"):
        plain, with_class = named.render(Context({"name": name, "extra": "big"})).split("|")
        assert plain == Template('{% icon "' + name + '" %}').render(Context({}))
        assert with_class == plain.replace('class="icon"', 'class="icon big"')


def test_a_name_that_is_not_an_icon_is_refused_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="not an icon name"):
            Template('{% icon "../secrets" %}')
        with pytest.raises(ValueError, match="not an icon name"):
            Template("{% icon name %}").render(Context({"name": "../secrets"}))
    with pytest.raises(TemplateSyntaxError):
        Template('{% icon "users" "big" "bigger" %}')
