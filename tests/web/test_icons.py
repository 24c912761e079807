"""Icons: Lucide's SVG inline, hidden from screen readers, the same markup every time it is asked for."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from rapport.web.templatetags.ui import icon


def test_an_icon_is_lucides_drawing_hidden_from_screen_readers():
    rendered = Template('{% icon "users" %}|{% icon "users" "big" %}').render(Context({}))
    plain, with_class = rendered.split("|")
    assert plain.startswith('<svg class="icon" ')
    assert 'aria-hidden="true"' in plain
    assert "<path" in plain
    assert with_class == plain.replace('class="icon"', 'class="icon big"')
    assert icon("users") == icon("users") == plain


def test_a_name_that_is_not_an_icon_is_refused_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="not an icon name"):
            icon("../secrets")
