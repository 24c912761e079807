"""The bench's throughput targets (issue 20): the signed-in floor against the trivial view, each key
page against the floor, and what they leave an answer to spend in CPU time."""

import pytest

from bench.pages import SIGNED_IN_FLOOR
from bench.run import CpuBudget, verdicts


def test_the_floor_is_held_to_sixty_percent_of_the_trivial_view():
    held, missed = verdicts(1000, 600, [])[0], verdicts(1000, 599, [])[0]

    assert (held.name, held.reference) == (SIGNED_IN_FLOOR.name, "trivial view")
    assert held.ratio == pytest.approx(0.6)
    assert held.holds
    assert not missed.holds
    assert str(held).startswith("PASS")
    assert str(missed).startswith("FAIL")


def test_each_key_page_is_held_to_a_quarter_of_the_floor_not_of_the_trivial_view():
    floor, fast, slow = verdicts(1000, 400, [("coach home", 100), ("relationship page", 99)])

    assert floor.holds is False  # 40 % of the trivial view
    assert (fast.name, fast.reference, fast.ratio, fast.holds) == (
        "coach home",
        "signed-in floor",
        0.25,
        True,
    )
    assert (slow.name, slow.holds) == ("relationship page", False)
    assert "relationship page: 25% of the signed-in floor's throughput (target at least 25%)" in str(slow)


def test_a_reference_that_served_nothing_passes_no_page():
    floor, page = verdicts(0, 0, [("coach home", 50)])

    assert (floor.ratio, floor.holds, page.ratio, page.holds) == (0.0, False, 0.0, False)


def test_the_cpu_budget_is_the_reference_cost_divided_by_the_share():
    budget = CpuBudget(trivial_ms=3.0, floor_ms=5.0)

    assert budget.floor_may_cost_ms == pytest.approx(5.0)  # 3 ms / 60 %
    assert budget.page_may_cost_ms == pytest.approx(20.0)  # four times the floor
