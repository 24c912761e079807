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
  equation reveal only their sum, which describes more than *k* teachers.
* Columns never overlap: a month belongs to one column, a school to one row.
  Reports are only ever *slices* of these fixed columns (some months, one
  school or all), and each column is protected on its own, from its own data,
  so every report that shows a cell shows it the same way. Differencing two
  reports over overlapping months or school sets therefore meets the same
  published cells, never a new equation. There are no running totals
  (a year-to-date figure would be differenced against last month's).

This module is pure: numbers in, published cells out.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

Number = int | float | Decimal


class Hidden(StrEnum):
    SMALL = "small"  # describes fewer than k teachers
    COMPLEMENT = "complement"  # hidden so that a small cell cannot be worked out from the total


@dataclass(frozen=True)
class Cell:
    """A number and the teachers it describes (never published, only counted)."""

    value: Number
    teachers: frozenset = field(default_factory=frozenset)

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


def protect_column(
    parts: Mapping[Hashable, Cell], total: Cell, k: int
) -> tuple[dict[Hashable, Published], Published]:
    """Publish one column: parts (schools) that sum to a total (the district)."""
    hidden: dict[Hashable, Hidden] = {key: Hidden.SMALL for key, cell in parts.items() if is_small(cell, k)}
    total_hidden = Hidden.SMALL if is_small(total, k) else None
    if len(hidden) + (total_hidden is not None) == 1:
        candidates = sorted(
            (key for key, cell in parts.items() if key not in hidden and cell.size > 0),
            key=lambda key: (parts[key].size, parts[key].value, str(key)),
        )
        if candidates:
            hidden[candidates[0]] = Hidden.COMPLEMENT
        elif total_hidden is None:
            total_hidden = Hidden.COMPLEMENT
        else:
            # Only the total is small and every school is empty: nothing to work out, but
            # hiding the (empty) schools too keeps "exactly one hidden cell" impossible.
            hidden.update(dict.fromkeys(parts, Hidden.COMPLEMENT))
    published = {
        key: Published(None, hidden[key]) if key in hidden else Published(cell.value)
        for key, cell in parts.items()
    }
    return published, Published(None, total_hidden) if total_hidden else Published(total.value)


DISTRICT = "district"


def protect_table(
    cells: Mapping[tuple[Hashable, Hashable], Cell], schools: list, months: list, k: int
) -> dict[tuple[Hashable, Hashable], Published]:
    """Every (school or DISTRICT, month) cell of one metric, each month protected on its own.

    ``cells`` maps (school, month) to a Cell; missing ones are empty. The district
    cell of a month sums its schools' values and unites their teachers.
    """
    table: dict[tuple[Hashable, Hashable], Published] = {}
    for month in months:
        parts = {school: cells.get((school, month), Cell(0)) for school in schools}
        total = Cell(
            sum((cell.value for cell in parts.values()), 0),
            frozenset().union(*(cell.teachers for cell in parts.values())),
        )
        published, district = protect_column(parts, total, k)
        table.update({(school, month): shown for school, shown in published.items()})
        table[(DISTRICT, month)] = district
    return table
