"""Leader reports: coaching in aggregate, by school and district, month by month.

What a leader may ask for is deliberately narrow (see rapport.insights.suppression
and docs/leader-reports.md): a *unit* (one of their schools, or the district)
and a run of whole, finished months. Every number is computed for the whole
district, month by month, protected, and only then sliced to what was asked
for, so two reports never show the same cell two ways. Nothing here reads
confidential text, and no number is ever broken down by teacher.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, DateField, DurationField, F, QuerySet, Sum, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.coaching.models import Cycle, EvidencePoint, Session, Visit
from rapport.insights.suppression import DISTRICT, Cell, Published, protect_linked_table, protect_table
from rapport.people.models import District, Role, School
from rapport.privacy import aggregates
from rapport.relationships.models import Relationship

Collected = dict[tuple[int, datetime.date], Cell]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    definition: str
    collect: Callable[[QuerySet, datetime.datetime, datetime.datetime], Collected]
    # An outcome out of another metric's count (goals met out of cycles completed): the two are
    # protected together (rapport.insights.suppression.protect_linked_table).
    outcome_of: str = ""


def month_of(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _month_bucket(date_field: str, start: datetime.datetime, end: datetime.datetime) -> Case:
    """The local month of ``date_field`` as its first day, computed by the database.

    Month boundaries are aware datetimes at local midnight, so a record falls in the
    same month as ``month_of`` puts it in; doing it in SQL lets the database group
    a district's years of sessions into a few rows instead of sending every one.
    """
    whens, month = [], start
    while month < end:
        following = _moment(next_month(timezone.localtime(month).date()))
        whens.append(
            When(**{f"{date_field}__gte": month, f"{date_field}__lt": following}, then=Value(month.date()))
        )
        month = following
    return Case(*whens, output_field=DateField())


def _gather(rows, value: Callable[[dict], Decimal | int]) -> Collected:
    """(school, month) -> Cell from rows carrying school, teacher and month."""
    values: dict = defaultdict(int)
    teachers: dict = defaultdict(set)
    for row in rows:
        key = (row["school"], month_of(row["month"]))
        values[key] += value(row)
        teachers[key].add(row["teacher"])
    return {key: Cell(values[key], frozenset(teachers[key])) for key in values}


def _records(queryset: QuerySet, date_field: str, start, end) -> QuerySet:
    """Records in [start, end), each with its school, teacher and month."""
    return queryset.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end}).annotate(
        school=F("relationship__school_id"),
        teacher=F("relationship__teacher_id"),
        month=_month_bucket(date_field, start, end),
    )


def _rows(queryset: QuerySet, date_field: str, start, end, **measures) -> list[dict]:
    """One row per school, teacher and month, with ``measures`` (default: how many records)."""
    return aggregates.rows(
        _records(queryset, date_field, start, end), "school", "teacher", "month", **measures
    )


def _sessions(status: str):
    def collect(relationships, start, end) -> Collected:
        rows = _rows(
            Session.objects.filter(relationship__in=relationships, status=status), "starts_at", start, end
        )
        return _gather(rows, lambda row: row["n"])

    return collect


def _hours(relationships, start, end) -> Collected:
    rows = _rows(
        Session.objects.filter(relationship__in=relationships, status=Session.Status.HELD),
        "starts_at",
        start,
        end,
        duration=Sum(F("ends_at") - F("starts_at"), output_field=DurationField()),
    )
    collected = _gather(rows, lambda row: Decimal(row["duration"].total_seconds()) / 3600)
    # Hours: each value is a sum of Decimals.
    return {key: Cell(round(cast(Decimal, cell.value), 1), cell.teachers) for key, cell in collected.items()}


def _teachers_engaged(relationships, start, end) -> Collected:
    held = _rows(
        Session.objects.filter(relationship__in=relationships, status=Session.Status.HELD),
        "starts_at",
        start,
        end,
    )
    visits = _rows(Visit.objects.filter(relationship__in=relationships), "visited_at", start, end)
    merged = _gather([*held, *visits], lambda row: 0)
    return {key: Cell(cell.size, cell.teachers) for key, cell in merged.items()}


def _cycles_started(relationships, start, end) -> Collected:
    return _gather(
        _rows(Cycle.objects.filter(relationship__in=relationships), "created_at", start, end),
        lambda row: row["n"],
    )


def _cycles_completed(relationships, start, end) -> Collected:
    done = Cycle.objects.filter(relationship__in=relationships, status=Cycle.Status.DONE)
    return _gather(_rows(done, "completed_at", start, end), lambda row: row["n"])


def _goals_met(relationships, start, end) -> Collected:
    done = Cycle.objects.filter(relationship__in=relationships, status=Cycle.Status.DONE)
    rows = aggregates.values(
        _records(done, "completed_at", start, end), "school", "teacher", "month", "pk", "baseline", "target"
    )
    latest: dict[int, Decimal] = {}
    evidence = EvidencePoint.objects.filter(cycle_id__in=[row["pk"] for row in rows]).order_by(
        "measured_on", "pk"
    )
    for row in aggregates.values(evidence, "cycle_id", "value"):
        latest[row["cycle_id"]] = row["value"]

    def met(row) -> int:
        value = latest.get(row["pk"])
        if value is None:
            return 0
        upward = row["target"] >= row["baseline"]
        return int(value >= row["target"] if upward else value <= row["target"])

    values: dict = defaultdict(int)
    teachers: dict = defaultdict(set)
    reached: dict = defaultdict(set)
    missed: dict = defaultdict(set)
    for row in rows:
        key = (row["school"], month_of(row["month"]))
        outcome = met(row)
        values[key] += outcome
        teachers[key].add(row["teacher"])
        (reached if outcome else missed)[key].add(row["teacher"])
    return {
        key: Cell(values[key], frozenset(teachers[key]), frozenset(reached[key]), frozenset(missed[key]))
        for key in values
    }


METRICS = [
    Metric("hours", "Coaching hours", "Hours of coaching sessions held.", _hours),
    Metric(
        "teachers",
        "Teachers engaged",
        "Teachers with at least one session held or classroom visit.",
        _teachers_engaged,
    ),
    Metric("held", "Sessions held", "Coaching sessions that took place.", _sessions(Session.Status.HELD)),
    Metric(
        "cancelled",
        "Sessions cancelled",
        "Sessions cancelled, by either side.",
        _sessions(Session.Status.CANCELLED),
    ),
    Metric("cycles_started", "Cycles started", "Coaching cycles begun.", _cycles_started),
    Metric("cycles_completed", "Cycles completed", "Coaching cycles marked done.", _cycles_completed),
    Metric(
        "goals_met",
        "Goals met",
        "Completed cycles whose latest evidence reached the target.",
        _goals_met,
        outcome_of="cycles_completed",
    ),
]


# --- Who may ask for what ---------------------------------------------------------------


@dataclass
class Scope:
    district: District
    schools: list[School]  # every school of the district, in order
    allowed: list[School]  # the schools this leader may report on
    whole_district: bool  # may report on the district as a whole


def scope_for(user) -> Scope | None:
    """What a leader may report on: their schools, and the district if they lead it."""
    roles = list(
        Role.objects.filter(
            user=user, kind__in=[Role.Kind.SCHOOL_LEADER, Role.Kind.DISTRICT_LEADER]
        ).select_related("district")  # of the schools, only their ids
    )
    if not roles:
        return None
    district = roles[0].district
    schools = list(School.objects.filter(district=district).order_by("name"))
    district_wide = any(r.kind == Role.Kind.DISTRICT_LEADER and r.district_id == district.pk for r in roles)
    own = {r.school_id for r in roles if r.district_id == district.pk and r.school_id}
    allowed = schools if district_wide else [s for s in schools if s.pk in own]
    return Scope(district, schools, allowed, district_wide)


# --- Months --------------------------------------------------------------------------------


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def finished_months(first: datetime.date, last: datetime.date, today: datetime.date) -> list[datetime.date]:
    """Whole months from ``first`` to ``last``, stopping before the month in progress."""
    months, month = [], first.replace(day=1)
    current = today.replace(day=1)
    while month <= last and month < current:
        months.append(month)
        month = next_month(month)
    return months


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- The report --------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    cells: list[Published]


@dataclass
class MetricTable:
    metric: Metric
    rows: list[Row]

    def chart(self, months: list[datetime.date]) -> dict:
        return {
            "type": "bar",
            "labels": [m.strftime("%b %Y") for m in months],
            "series": [
                {
                    "label": row.label,
                    "data": [None if c.suppressed or c.value is None else float(c.value) for c in row.cells],
                }
                for row in self.rows
            ],
        }


@dataclass
class Report:
    scope: Scope
    unit: School | None  # None: the whole district
    months: list[datetime.date]
    # Names the computation of the district tables the report is cut from; changes when they are
    # recomputed. Known before the tables are read when a computation is kept (``build_report``).
    edition: str = ""

    @property
    def unit_label(self) -> str:
        return self.unit.name if self.unit else self.scope.district.name

    @cached_property
    def tables(self) -> list[MetricTable]:
        """Each metric's rows for the unit and the district, sliced from the protected district
        tables; read when first asked for (the page's HTML is usually kept, see
        ``report_sections_html``), and the edition is then the one they came from."""
        self.edition, tables = _district_edition(self.scope, self.months) if self.months else ("", {})
        shown_schools = [self.unit] if self.unit else self.scope.schools
        metric_tables = []
        for metric in METRICS:
            table = tables.get(metric.key, {})
            rows = [
                Row(school.name, [table[(school.pk, m)] for m in self.months]) for school in shown_schools
            ]
            rows.append(
                Row(f"{self.scope.district.name} (all schools)", [table[(DISTRICT, m)] for m in self.months])
            )
            metric_tables.append(MetricTable(metric, rows))
        return metric_tables

    def any_hidden(self) -> bool:
        return any(cell.suppressed for table in self.tables for row in table.rows for cell in row.cells)


# Every leader of a district asks for the same few columns; computing them means
# grouping years of sessions. The protected tables (published cells only: values
# and hidden markers, never a teacher) are kept this long and shared.
REPORT_CACHE_SECONDS = 300


def district_tables(scope: Scope, months: list[datetime.date]) -> dict[str, dict]:
    """Each metric's protected table for the whole district over ``months``, recent if cached."""
    return _district_edition(scope, months)[1]


def _edition_key(scope: Scope, months: list[datetime.date]) -> str:
    return "leader-report:{}:{}:{}:{}".format(
        scope.district.pk,
        months[0].isoformat(),
        months[-1].isoformat(),
        ",".join(str(s.pk) for s in scope.schools),
    )


def _name_key(edition_key: str) -> str:
    """Where the name of the tables' current edition is kept, beside the tables themselves."""
    return f"{edition_key}:name"


def _district_edition(scope: Scope, months: list[datetime.date]) -> tuple[str, dict[str, dict]]:
    """The district tables and a name for this computation of them (shared, see above)."""
    key = _edition_key(scope, months)
    edition = cache.get(key)
    if edition is None:
        school_ids = [s.pk for s in scope.schools]
        k = settings.RAPPORT_MIN_GROUP_SIZE
        # A coach lead's spaces with coaches are not coaching of teachers: never in a report.
        relationships = Relationship.objects.filter(school_id__in=school_ids).exclude(
            kind=Relationship.Kind.COACH_LEAD
        )
        start, end = _moment(months[0]), _moment(next_month(months[-1]))
        collected = {metric.key: metric.collect(relationships, start, end) for metric in METRICS}
        tables = {
            metric.key: protect_table(collected[metric.key], school_ids, months, k) for metric in METRICS
        }
        for metric in METRICS:
            if metric.outcome_of:
                tables[metric.outcome_of], tables[metric.key] = protect_linked_table(
                    collected[metric.outcome_of], collected[metric.key], school_ids, months, k
                )
        edition = (f"{key}:{uuid.uuid4().hex}", tables)
        # The name alone as well: a page whose HTML is kept needs only the name, and reading the
        # tables back from the cache (unpickling every published cell) cost a millisecond.
        cache.set_many({key: edition, _name_key(key): edition[0]}, REPORT_CACHE_SECONDS)
    return edition


def build_report(scope: Scope, unit: School | None, months: list[datetime.date]) -> Report:
    """The report for one unit and some finished months, sliced from the protected district
    tables when its ``tables`` are first read."""
    edition = (cache.get(_name_key(_edition_key(scope, months))) if months else None) or ""
    return Report(scope, unit, months, edition)


def report_sections_html(report: Report) -> str:
    """The report's tables and charts as HTML, rendered once per edition and unit.

    Only published cells are in it (the same values as the shared tables), and
    nothing of the person asking: every leader who may see this unit gets the same.
    The tables are read only when the HTML of their edition is not kept yet.
    """
    unit = report.unit.pk if report.unit else "district"
    if report.edition and (kept := cache.get(_html_key(report.edition, unit))) is not None:
        return cast(str, kept)  # what render_to_string made, kept safe to show (a SafeString)
    sections = [(table, table.chart(report.months)) for table in report.tables]  # sets the edition
    html = render_to_string("insights/_report_sections.html", {"report": report, "sections": sections})
    if report.edition:
        cache.set(_html_key(report.edition, unit), html, REPORT_CACHE_SECONDS)
    return html


def _html_key(edition: str, unit: int | str) -> str:
    return f"leader-report-html:{edition}:{unit}"


# Every hidden cell reads the same, in the page, the downloads and anywhere else, whatever hid
# it: a reason shown for some would tell a reader which ones to look at.
HIDDEN_TEXT = "hidden"


def hidden_text(cell: Published) -> str:
    return HIDDEN_TEXT
