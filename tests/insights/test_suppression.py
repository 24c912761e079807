"""Suppression: no published number describes fewer than k teachers, and no
combination of reports (overlapping months, one school or the district) gives
a hidden number back.

The attacker below collects every number any report shows and solves the
district = sum-of-schools equations by exact linear algebra. It recovers a
hidden cell from naive reports (running totals over date ranges), which shows it
is a real attack; it recovers nothing from ours.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.insights.suppression import (
    DISTRICT,
    Cell,
    Hidden,
    protect_column,
    protect_linked_table,
    protect_table,
)

K = 5
SCHOOLS = ["a", "b", "c", "d"]
MONTHS = [1, 2, 3, 4, 5, 6]


def cell(value, *teachers):
    return Cell(value, frozenset(teachers))


# --- One column -------------------------------------------------------------------------


def test_a_cell_with_fewer_than_k_teachers_is_hidden_with_a_complement():
    parts = {"a": cell(3, 1, 2), "b": cell(40, *range(10, 20)), "c": cell(12, *range(20, 26))}
    total = cell(55, 1, 2, *range(10, 26))
    published, district = protect_column(parts, total, K)
    assert published["a"].hidden == Hidden.SMALL
    assert published["c"].hidden == Hidden.COMPLEMENT, "the smallest other school hides with it"
    assert published["b"].value == 40
    assert district.value == 55


def test_two_small_cells_that_together_reach_k_teachers_need_no_complement():
    parts = {"a": cell(3, 1, 2), "b": cell(2, 3, 4, 5), "c": cell(40, *range(10, 20))}
    published, district = protect_column(parts, cell(45, 1, 2, 3, 4, 5, *range(10, 20)), K)
    assert [p.hidden for p in published.values()] == [Hidden.SMALL, Hidden.SMALL, None]
    assert not district.suppressed


def test_two_small_cells_whose_sum_still_describes_fewer_than_k_teachers_take_a_complement():
    """District minus the shown schools gives a + b: with one teacher in each, either teacher
    subtracts their own figure and reads the other's."""
    parts = {"a": cell(3, 1), "b": cell(2, 2), "c": cell(40, *range(10, 20)), "d": cell(30, *range(20, 26))}
    published, district = protect_column(parts, cell(75, 1, 2, *range(10, 26)), K)
    assert [p.hidden for p in published.values()] == [Hidden.SMALL, Hidden.SMALL, None, Hidden.COMPLEMENT]
    assert district.value == 75


def test_small_cells_with_no_school_left_to_hide_hide_the_total():
    parts = {"a": cell(3, 1), "b": cell(2, 2), "c": cell(0)}
    published, district = protect_column(parts, cell(5, 1, 2), K)
    assert published["c"].value == 0
    assert district.hidden == Hidden.SMALL


def test_empty_cells_are_shown_as_zero_and_never_chosen_as_the_complement():
    parts = {"a": cell(3, 1, 2), "b": cell(0), "c": cell(30, *range(10, 20))}
    published, _ = protect_column(parts, cell(33, 1, 2, *range(10, 20)), K)
    assert published["b"].value == 0
    assert published["c"].hidden == Hidden.COMPLEMENT


def test_a_small_district_hides_everything_that_is_not_empty():
    parts = {"a": cell(3, 1, 2), "b": cell(0)}
    published, district = protect_column(parts, cell(3, 1, 2), K)
    assert published["a"].suppressed
    assert district.hidden == Hidden.SMALL
    assert published["b"].value == 0


def test_exactly_k_teachers_are_shown():
    parts = {"a": cell(5, 1, 2, 3, 4, 5)}
    published, district = protect_column(parts, cell(5, 1, 2, 3, 4, 5), K)
    assert published["a"].value == 5
    assert district.value == 5


# --- Outcomes every teacher shares -----------------------------------------------------------


def outcome(value, reached, missed):
    reached, missed = frozenset(reached), frozenset(missed)
    return Cell(value, reached | missed, reached, missed)


def test_an_outcome_none_of_the_teachers_reached_is_hidden_however_many_they_are():
    parts = {"a": outcome(0, [], range(6)), "b": outcome(4, range(10, 14), range(14, 20))}
    published, district = protect_column(parts, outcome(4, range(10, 14), [*range(6), *range(14, 20)]), K)
    assert published["a"].hidden == Hidden.OUTCOME
    assert published["b"].hidden == Hidden.COMPLEMENT
    assert district.value == 4


def test_an_outcome_every_teacher_reached_is_hidden():
    parts = {"a": outcome(6, range(6), []), "b": outcome(4, range(10, 14), range(14, 20))}
    published, _ = protect_column(parts, outcome(10, [*range(6), *range(10, 14)], range(14, 20)), K)
    assert published["a"].hidden == Hidden.OUTCOME


def test_hidden_cells_that_still_share_the_outcome_together_hide_the_total():
    parts = {
        "a": outcome(0, [], range(6)),
        "b": outcome(0, [], range(10, 16)),
        "c": outcome(3, range(20, 23), range(23, 30)),
    }
    total = outcome(3, range(20, 23), [*range(6), *range(10, 16), *range(23, 30)])
    published, district = protect_column(parts, total, K)
    assert published["a"].suppressed
    assert published["b"].suppressed
    assert district.suppressed, "the total minus c would say that no teacher of a or b met the goal"


def test_a_count_and_its_outcome_hide_together():
    counts = {("a", 1): cell(6, *range(6)), ("b", 1): cell(8, *range(10, 18))}
    outcomes = {("a", 1): outcome(0, [], range(6)), ("b", 1): outcome(3, range(10, 13), range(13, 18))}
    count_table, outcome_table = protect_linked_table(counts, outcomes, ["a", "b"], [1], K)
    for table in (count_table, outcome_table):
        assert table[("a", 1)].suppressed
        assert table[("b", 1)].suppressed
    assert count_table[(DISTRICT, 1)].value == 14
    assert outcome_table[(DISTRICT, 1)].value == 3


def test_a_mixed_outcome_and_its_count_are_shown():
    counts = {("a", 1): cell(6, *range(6))}
    outcomes = {("a", 1): outcome(2, range(2), range(2, 6))}
    count_table, outcome_table = protect_linked_table(counts, outcomes, ["a"], [1], K)
    assert (count_table[("a", 1)].value, outcome_table[("a", 1)].value) == (6, 2)


# --- The attacker ---------------------------------------------------------------------------


def determined(equations: list[tuple[dict, Fraction]], unknown) -> bool:
    """Whether ``unknown`` has one value in every solution of the linear ``equations``."""
    variables = sorted({v for coefficients, _ in equations for v in coefficients}, key=str)
    if unknown not in variables:
        return False
    rows = [[Fraction(coefficients.get(v, 0)) for v in variables] for coefficients, _ in equations]

    def rank(matrix):
        matrix = [row[:] for row in matrix]
        rank_, columns = 0, len(variables)
        for column in range(columns):
            pivot = next((r for r in range(rank_, len(matrix)) if matrix[r][column] != 0), None)
            if pivot is None:
                continue
            matrix[rank_], matrix[pivot] = matrix[pivot], matrix[rank_]
            for r in range(len(matrix)):
                if r != rank_ and matrix[r][column] != 0:
                    factor = matrix[r][column] / matrix[rank_][column]
                    matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank_], strict=True)]
            rank_ += 1
        return rank_

    unit = [Fraction(1 if v == unknown else 0) for v in variables]
    return rank([*rows, unit]) == rank(rows)


def equations_from(published: dict, facts: list[tuple[list, object]]) -> list[tuple[dict, Fraction]]:
    """Each fact says: the sum of these cells equals that cell. Shown numbers are substituted."""
    equations = []
    for parts, total in facts:
        coefficients: dict = {}
        constant = Fraction(0)
        for key, sign in [*((p, 1) for p in parts), (total, -1)]:
            shown = published[key]
            if shown.suppressed:
                coefficients[key] = coefficients.get(key, 0) + sign
            else:
                constant -= sign * Fraction(shown.value)
        if coefficients:
            equations.append((coefficients, constant))
    return equations


# Teachers' activity: (school, month) -> {teacher: value}. Teachers stay in one school.
activity = st.dictionaries(
    st.tuples(st.sampled_from(SCHOOLS), st.sampled_from(MONTHS)),
    st.dictionaries(st.integers(0, 11), st.integers(1, 9), min_size=0, max_size=12),
    min_size=1,
)


def cells_from(data) -> dict:
    return {
        (school, month): Cell(sum(by_teacher.values()), frozenset(f"{school}{t}" for t in by_teacher))
        for (school, month), by_teacher in data.items()
    }


month_ranges = st.tuples(st.integers(0, len(MONTHS) - 1), st.integers(0, len(MONTHS) - 1)).map(
    lambda ab: MONTHS[min(ab) : max(ab) + 1]
)
school_sets = st.sampled_from([[s] for s in SCHOOLS] + [SCHOOLS])


@settings(max_examples=300, deadline=None)
@given(data=activity, reports=st.lists(st.tuples(month_ranges, school_sets), min_size=1, max_size=6))
def test_no_hidden_cell_is_recovered_from_any_set_of_overlapping_reports(data, reports):
    cells = cells_from(data)
    table = protect_table(cells, SCHOOLS, MONTHS, K)
    seen: dict = {}
    for months, schools in reports:
        for month in months:
            for row in [*schools, DISTRICT]:
                key = (row, month)
                # Every report that shows a cell shows it the same way.
                assert seen.setdefault(key, table[key]) == table[key]
    # Every number any report shows is in `seen`; the attacker knows district = sum of schools.
    facts = [([(s, m) for s in SCHOOLS], (DISTRICT, m)) for m in MONTHS]
    equations = equations_from(table, facts)
    for key, shown in table.items():
        if shown.value is not None:
            size = len(cells[key].teachers) if key in cells else 0
            if key[0] != DISTRICT:
                assert not 0 < size < K, f"{key} describes {size} teachers and is shown"
        if shown.hidden == Hidden.SMALL:
            assert not determined(equations, key), f"{key} can be worked out"
    for month in MONTHS:
        if not table[(DISTRICT, month)].suppressed:
            # The district minus the shown schools is the hidden schools' sum: it is published too.
            hidden = [cells.get((s, month), Cell(0)) for s in SCHOOLS if table[(s, month)].suppressed]
            revealed = len(frozenset().union(*(c.teachers for c in hidden)))
            assert not 0 < revealed < K, (
                f"month {month}: the hidden schools' sum describes {revealed} teachers"
            )


def test_the_attacker_does_recover_a_cell_from_naive_running_totals():
    """Without fixed columns (a report per date range with its own total), differencing works."""
    cells = cells_from({("a", 1): dict.fromkeys(range(6), 2), ("a", 2): {7: 4}})
    naive = {}
    for months, name in (([1], "jan"), ([1, 2], "jan-feb")):
        teachers = frozenset().union(*(cells.get(("a", m), Cell(0)).teachers for m in months))
        value = sum(cells.get(("a", m), Cell(0)).value for m in months)
        published, _ = protect_column({name: Cell(value, teachers)}, Cell(value, teachers), K)
        naive.update(published)
    naive["feb"] = protect_column({"feb": cells[("a", 2)]}, cells[("a", 2)], K)[0]["feb"]
    assert naive["feb"].hidden == Hidden.SMALL
    equations = equations_from(naive, [(["jan", "feb"], "jan-feb")])
    assert determined(equations, "feb"), "the naive design leaks February: the attacker must find it"


@st.composite
def outcome_columns(draw):
    """Schools of 0 to 9 teachers, one completed cycle each, met or not."""
    parts, next_teacher = {}, 0
    for school in SCHOOLS:
        outcomes = draw(st.lists(st.booleans(), max_size=9))
        teachers = range(next_teacher, next_teacher + len(outcomes))
        next_teacher += len(outcomes)
        reached = [t for t, met in zip(teachers, outcomes, strict=True) if met]
        missed = [t for t, met in zip(teachers, outcomes, strict=True) if not met]
        parts[school] = outcome(len(reached), reached, missed)
    return parts


@settings(max_examples=300, deadline=None)
@given(outcome_columns())
def test_no_shown_or_derivable_outcome_is_shared_by_all_its_teachers(parts):
    from rapport.insights.suppression import combined, shares_outcome

    published, district = protect_column(parts, combined(parts.values()), K)
    shown = [parts[s] for s in SCHOOLS if not published[s].suppressed]
    for cell_ in shown:
        assert cell_.size == 0 or (cell_.size >= K and not shares_outcome(cell_))
    hidden = [parts[s] for s in SCHOOLS if published[s].suppressed]
    if not district.suppressed:
        total = combined(parts.values())
        assert not shares_outcome(total)
        # The total minus the shown schools gives the hidden ones' sum: it must not point either.
        assert not shares_outcome(combined(hidden))
        assert not 0 < combined(hidden).size < K
    assert len(hidden) + district.suppressed != 1, "never exactly one unknown in the column"
