"""Small-cell suppression for leader reports: no published number points at a few teachers.

The design (docs/leader-reports.md explains it for readers):

* A leader report is a set of **columns**: one per whole, finished calendar
  month. A column holds one cell per school of the district and the district
  total, for one metric (coaching hours, sessions held, …).
* Each cell carries the set of teachers it describes. A cell describing at
  least one but fewer than *k* teachers is suppressed (primary suppression).
* The district total equals the sum of its schools, which is one equation per
  column. If exactly one cell of a column is suppressed, that equation would
  give it back, so a second cell is suppressed too (complementary
  suppression): the school cell describing the fewest teachers (but at least
  one), or the district total when there is none. Two unknowns in one
  equation reveal only their sum; while the hidden cells' sum still describes
  fewer than *k* teachers (two schools of one teacher each, where either
  teacher could subtract their own figure), one more school hides, or the
  total when none is left.
* Columns never overlap: a month belongs to one column, a school to one row.
  Reports are only ever *slices* of these fixed columns (some months, one
  school or all), and each column is protected on its own, from its own data,
  so every report that shows a cell shows it the same way. Differencing two
  reports over overlapping months or school sets therefore meets the same
  published cells, never a new equation. There are no running totals
  (a year-to-date figure would be differenced against last month's).
* An **outcome** (goals met) is a count out of another published count (cycles
  completed). A cell where every teacher it describes shares the outcome
  ("6 completed, 0 met", or "6 of 6") tells a leader something about each of
  them, however many they are; so it is hidden too, and so is its count beside
  it (``protect_linked_table``): the pair is hidden exactly as a small one is,
  and nothing tells a reader which of the two reasons it was. If the hidden
  cells of a column, taken together, still share the outcome (two schools at
  "0 met" hide each other but the district total gives their sum), the
  district total is hidden as well.
* Published cells say only *that* they are hidden. The reason is kept for
  tests, never rendered: a page, a download or the API that marked the small
  ones would tell a reader where to look.

This module is pure: numbers in, published cells out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

Number = int | float | Decimal


class Hidden(StrEnum):
    SMALL = "small"  # describes fewer than k teachers
    OUTCOME = "outcome"  # every teacher it describes shares the outcome (all or none met it)
    COMPLEMENT = "complement"  # hidden so that a small cell cannot be worked out from the total


@dataclass(frozen=True)
class Cell:
    """A number and the teachers it describes (never published, only counted)."""

    value: Number
    teachers: frozenset = field(default_factory=frozenset)
    # An outcome only (None for plain counts): the teachers with at least one success among the
    # records counted, and those with at least one failure. A teacher can be in both.
    reached: frozenset | None = None
    missed: frozenset | None = None

    @property
    def size(self) -> int:
        return len(self.teachers)


@dataclass(frozen=True)
class Published:
    """What a report may show: the value, or that it is hidden and why."""

    value: Number | None
    hidden: Hidden | None = None

    @property
    def suppressed(self) -> bool:
        return self.hidden is not None


def is_small(cell: Cell, k: int) -> bool:
    return 0 < cell.size < k


def shares_outcome(cell: Cell) -> bool:
    """An outcome cell whose teachers all share it: none reached it, or none missed it."""
    if cell.reached is None or cell.size == 0:
        return False
    return not cell.reached or not cell.missed


def _primary(cell: Cell, k: int) -> Hidden | None:
    if is_small(cell, k):
        return Hidden.SMALL
    if shares_outcome(cell):
        return Hidden.OUTCOME
    return None


def combined(cells) -> Cell:
    """The sum of ``cells``: values added, teachers (and outcomes) united."""
    cells = list(cells)
    outcome = any(cell.reached is not None for cell in cells)
    return Cell(
        sum((cell.value for cell in cells), 0),
        frozenset().union(*(cell.teachers for cell in cells)),
        frozenset().union(*(cell.reached or () for cell in cells)) if outcome else None,
        frozenset().union(*(cell.missed or () for cell in cells)) if outcome else None,
    )


def _smallest_shown(parts: Mapping[Hashable, Cell], hidden: Mapping[Hashable, Hidden]) -> Hashable | None:
    """The school to hide next as a complement: the one describing the fewest teachers (never
    an empty one, whose 0 everyone knows)."""
    candidates = [key for key, cell in parts.items() if key not in hidden and cell.size > 0]
    return min(candidates, key=lambda key: (parts[key].size, parts[key].value, str(key)), default=None)


def protect_column(
    parts: Mapping[Hashable, Cell], total: Cell, k: int
) -> tuple[dict[Hashable, Published], Published]:
    """Publish one column: parts (schools) that sum to a total (the district)."""
    hidden: dict[Hashable, Hidden] = {
        key: reason for key, cell in parts.items() if (reason := _primary(cell, k)) is not None
    }
    total_hidden = _primary(total, k)
    if len(hidden) + (total_hidden is not None) == 1:
        candidate = _smallest_shown(parts, hidden)
        if candidate is not None:
            hidden[candidate] = Hidden.COMPLEMENT
        elif total_hidden is None:
            total_hidden = Hidden.COMPLEMENT
        else:
            # Only the total is small and every school is empty: nothing to work out, but
            # hiding the (empty) schools too keeps "exactly one hidden cell" impossible.
            hidden.update(dict.fromkeys(parts, Hidden.COMPLEMENT))
    # The total minus the shown schools gives the hidden ones' sum. While that sum still describes
    # fewer than k teachers (two schools of one teacher each: either teacher could subtract their
    # own figure), the next smallest school hides too, or the total when none is left. While it
    # says that every teacher in it shared the outcome, the total hides.
    while total_hidden is None and hidden:
        revealed = combined(parts[key] for key in hidden)
        if shares_outcome(revealed):
            total_hidden = Hidden.COMPLEMENT
        elif is_small(revealed, k):
            more = _smallest_shown(parts, hidden)
            if more is None:
                total_hidden = Hidden.COMPLEMENT
            else:
                hidden[more] = Hidden.COMPLEMENT
        else:
            break
    published = {
        key: Published(None, hidden[key]) if key in hidden else Published(cell.value)
        for key, cell in parts.items()
    }
    return published, Published(None, total_hidden) if total_hidden else Published(total.value)


DISTRICT = "district"


def protect_table(
    cells: Mapping[tuple[Any, Any], Cell], schools: list, months: list, k: int
) -> dict[tuple[Hashable, Hashable], Published]:
    """Every (school or DISTRICT, month) cell of one metric, each month protected on its own.

    ``cells`` maps (school, month) to a Cell; missing ones are empty. The district
    cell of a month sums its schools' values and unites their teachers.
    """
    table: dict[tuple[Hashable, Hashable], Published] = {}
    for month in months:
        parts = {school: cells.get((school, month), Cell(0)) for school in schools}
        published, district = protect_column(parts, combined(parts.values()), k)
        table.update({(school, month): shown for school, shown in published.items()})
        table[(DISTRICT, month)] = district
    return table


def protect_linked_table(
    counts: Mapping[tuple[Any, Any], Cell],
    outcomes: Mapping[tuple[Any, Any], Cell],
    schools: list,
    months: list,
    k: int,
) -> tuple[dict[tuple[Hashable, Hashable], Published], dict[tuple[Hashable, Hashable], Published]]:
    """A count (cycles completed) and an outcome out of it (goals met), hidden together.

    Each (school, month) pair is one cell for the decision: its teachers are both cells'
    teachers, its outcome the outcome cell's. Whatever hides one hides the other, so a
    reader cannot tell a pair hidden for its size from one hidden for its shared outcome,
    and the shown count never frames a hidden outcome.
    """
    count_table: dict[tuple[Hashable, Hashable], Published] = {}
    outcome_table: dict[tuple[Hashable, Hashable], Published] = {}
    for month in months:
        pairs = {
            school: (counts.get((school, month), Cell(0)), outcomes.get((school, month), Cell(0)))
            for school in schools
        }
        parts = {
            school: Cell(
                count.value,
                count.teachers | outcome.teachers,
                outcome.reached or frozenset(),
                outcome.missed or frozenset(),
            )
            for school, (count, outcome) in pairs.items()
        }
        published, district = protect_column(parts, combined(parts.values()), k)
        for school, shown in published.items():
            count, outcome = pairs[school]
            count_table[(school, month)] = shown if shown.suppressed else Published(count.value)
            outcome_table[(school, month)] = shown if shown.suppressed else Published(outcome.value)
        count_total = sum((count.value for count, _ in pairs.values()), 0)
        outcome_total = sum((outcome.value for _, outcome in pairs.values()), 0)
        count_table[(DISTRICT, month)] = district if district.suppressed else Published(count_total)
        outcome_table[(DISTRICT, month)] = district if district.suppressed else Published(outcome_total)
    return count_table, outcome_table
