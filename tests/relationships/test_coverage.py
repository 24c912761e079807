"""Coverage rows: how long since the coach was last with each teacher, in words."""

from __future__ import annotations

import pytest

from rapport.relationships.coverage import CoverageRow


@pytest.mark.parametrize(
    ("days", "label"),
    [(None, "no contact yet"), (0, "seen today"), (1, "1 day"), (12, "12 days")],
)
def test_the_time_since_contact_in_words(days, label):
    assert CoverageRow(relationship=None, person=None, days_since=days, overdue=False).contact_label == label
