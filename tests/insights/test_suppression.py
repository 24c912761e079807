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

from rapport.insights.suppression import DISTRICT, Cell, Hidden, protect_column, protect_table

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


def test_two_small_cells_need_no_complement():
    parts = {"a": cell(3, 1), "b": cell(2, 2), "c": cell(40, *range(10, 20))}
    published, district = protect_column(parts, cell(45, 1, 2, *range(10, 20)), K)
    assert [p.hidden for p in published.values()] == [Hidden.SMALL, Hidden.SMALL, None]
    assert not district.suppressed


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
