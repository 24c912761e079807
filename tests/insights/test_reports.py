"""Leader reports: aggregate numbers by school and district, small numbers hidden."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from rapport.coaching import actions as coaching_actions
from rapport.coaching.models import Cycle, Session
from rapport.insights import exports, reports
from rapport.insights.models import Export
from rapport.insights.suppression import Published
from rapport.people.models import Role
from rapport.relationships.models import Visibility
from tests.factories import RelationshipFactory, person

pytestmark = pytest.mark.django_db

LAST_MONTH = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def held_sessions(school, coach, teachers: int, day: datetime.date = LAST_MONTH, hours: int = 1):
    for _ in range(teachers):
        teacher = person(Role.Kind.TEACHER, school)
        relationship = RelationshipFactory(coach=coach, teacher=teacher, school=school)
        start = timezone.make_aware(datetime.datetime.combine(day.replace(day=10), datetime.time(9)))
        Session.objects.create(
            relationship=relationship,
            author=coach,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=hours),
            wrap_up_at=start + datetime.timedelta(hours=hours),
            place="Library",
            status=Session.Status.HELD,
            visibility=Visibility.SHARED,
        )


CYCLE_FIELDS = {
    "student_goal": "Students explain their reasoning to a partner.",
    "measure": "Students who explain, out of ten observed.",
    "baseline": 3,
    "target": 8,
    "target_date": LAST_MONTH.replace(day=28),
}


def report_url(unit, start=LAST_MONTH, end=LAST_MONTH) -> str:
    return reverse("leader_report") + f"?unit={unit}&start={start:%Y-%m}&end={end:%Y-%m}"


@pytest.fixture
def district_leader(world):
    leader = person(Role.Kind.DISTRICT_LEADER, world.relationship.school, full_name="Dana District")
    return leader


def test_a_small_school_is_hidden_and_so_is_its_complement(world, district_leader, client_as):
    home, other = world.relationship.school, world.other_relationship.school
    held_sessions(home, world.coach, 3)
    held_sessions(other, world.other_coach, 6)
    response = client_as(district_leader).get(report_url("district"))
    assert response.status_code == 200
    report = response.context["report"]
    hours = next(t for t in report.tables if t.metric.key == "hours")
    cells = {row.label: row.cells[0] for row in hours.rows}
    assert cells["Home School"].hidden == "small"
    assert cells["Other School"].hidden == "complement"
    assert cells["Test District (all schools)"].value == 9
    page = response.content.decode()
    assert "Hidden" in page


def test_a_school_leader_sees_their_school_and_the_district_only(world, client_as):
    held_sessions(world.relationship.school, world.coach, 6)
    response = client_as(world.leader).get(reverse("leader_report"))
    assert response.status_code == 200
    labels = [row.label for row in response.context["report"].tables[0].rows]
    assert labels == ["Home School", "Test District (all schools)"]
    other_school = world.other_relationship.school.pk
    assert client_as(world.leader).get(report_url(other_school)).status_code == 400
    assert client_as(world.leader).get(report_url("district")).status_code == 400


def test_no_teacher_name_or_content_reaches_the_report(world, district_leader, client_as):
    held_sessions(world.relationship.school, world.coach, 6)
    page = client_as(district_leader).get(report_url("district")).content.decode()
    assert world.teacher.full_name not in page
    assert world.private_note.body not in page


def test_the_month_in_progress_is_not_reported(world, client_as):
    this_month = timezone.localdate().replace(day=1)
    response = client_as(world.leader).get(report_url(world.relationship.school.pk, this_month, this_month))
    assert response.status_code == 400
    assert "months that have finished" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?unit=x&start=2025-01&end=2025-02",
        "?unit=district&start=nope&end=2025-02",
        "?start=2025-05&end=2025-01",
    ],
)
def test_bad_report_requests_are_refused_with_a_reason(world, district_leader, client_as, query):
    response = client_as(district_leader).get(reverse("leader_report") + query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_no_per_teacher_indicator_is_shown_to_a_leader(world, client_as):
    assert client_as(world.leader).get(reverse("trust_dashboard")).status_code == 403
    assert (
        client_as(world.leader).get(reverse("relationship_trust", args=[world.relationship.pk])).status_code
        == 404
    )


def test_the_report_export_keeps_hidden_cells_hidden(world, district_leader):
    held_sessions(world.relationship.school, world.coach, 3)
    held_sessions(world.other_relationship.school, world.other_coach, 6)
    export = Export.objects.create(
        owner=district_leader,
        kind=Export.Kind.REPORT_CSV,
        parameters={"unit": "district", "start": f"{LAST_MONTH:%Y-%m}", "end": f"{LAST_MONTH:%Y-%m}"},
    )
    exports.run(export.pk)
    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(exports.read_file(export).decode("utf-8-sig"))))
    hours = {row[1]: row[2] for row in rows if row[0] == "Coaching hours"}
    assert hours["Home School"] == "hidden"
    assert hours["Other School"] == "hidden", "a complement reads the same as a small cell"
    assert hours["Test District (all schools)"] == "9.0"


def test_starting_a_report_export_from_the_page(
    world, district_leader, client_as, django_capture_on_commit_callbacks
):
    client = client_as(district_leader)
    data = {
        "kind": "report-xlsx",
        "unit": "district",
        "start": f"{LAST_MONTH:%Y-%m}",
        "end": f"{LAST_MONTH:%Y-%m}",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_list"), data)
    assert response.status_code == 302
    assert Export.objects.get(owner=district_leader).status == Export.Status.DONE
    data["unit"] = "nowhere"
    assert client.post(reverse("export_list"), data).status_code == 400


def test_the_report_takes_the_same_number_of_queries_for_any_district_size(world, district_leader, client_as):
    client = client_as(district_leader)
    url = report_url("district", LAST_MONTH.replace(year=LAST_MONTH.year - 1), LAST_MONTH)
    client.get(url)
    cache.clear()  # measure the computation, not the shared copy
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for school in (world.relationship.school, world.other_relationship.school):
        held_sessions(school, world.coach, 7)
    from tests.factories import SchoolFactory

    held_sessions(SchoolFactory(district=world.relationship.school.district), world.coach, 6)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_leaders_share_the_district_tables_for_a_few_minutes(world, district_leader, client_as):
    """The second leader's report reuses the protected tables; what is kept names no teacher."""
    home = world.relationship.school
    held_sessions(home, world.coach, 6)
    school_leader = person(Role.Kind.SCHOOL_LEADER, home, full_name="Sam School")
    first = client_as(district_leader).get(report_url("district"))
    with CaptureQueriesContext(connection) as second:
        response = client_as(school_leader).get(report_url(home.pk))
    assert response.status_code == 200
    assert not any("coaching_session" in query["sql"] for query in second.captured_queries)
    assert (
        first.context["report"].tables[0].rows[-1].cells
        == response.context["report"].tables[0].rows[-1].cells
    )
    tables = reports.district_tables(reports.scope_for(district_leader), [LAST_MONTH])
    assert all(isinstance(cell, Published) for table in tables.values() for cell in table.values())

    # Within the few minutes a late session does not show; once they pass, it does.
    held_sessions(home, world.coach, 1)
    assert client_as(district_leader).get(report_url("district")).context["report"].tables[2].rows[
        -1
    ].cells == (first.context["report"].tables[2].rows[-1].cells)
    cache.clear()
    fresh = client_as(district_leader).get(report_url("district")).context["report"].tables[2].rows[-1].cells
    assert fresh != first.context["report"].tables[2].rows[-1].cells


def test_the_rendered_tables_follow_the_tables_they_show(world, district_leader, client_as, monkeypatch):
    """Rendered once per computation of the district tables and unit; never older than the tables."""
    home = world.relationship.school
    held_sessions(home, world.coach, 6)
    renders = []
    real_render = reports.render_to_string
    monkeypatch.setattr(
        reports, "render_to_string", lambda *a, **kw: renders.append(a[0]) or real_render(*a, **kw)
    )
    school_leader = person(Role.Kind.SCHOOL_LEADER, home, full_name="Sam School")

    first = client_as(district_leader).get(report_url("district")).content.decode()
    again = client_as(district_leader).get(report_url("district")).content.decode()
    assert renders == ["insights/_report_sections.html"]
    assert _sections(first) == _sections(again)
    client_as(school_leader).get(report_url(home.pk))
    assert len(renders) == 2  # another unit, another rendering

    cache.clear()  # the five minutes passed: the tables are computed again, and so is their HTML
    client_as(district_leader).get(report_url("district"))
    assert len(renders) == 3


def _sections(page: str) -> str:
    return page[page.index('<section aria-labelledby="metric-') : page.index('id="download-heading"')]


def test_a_cycle_counts_in_the_month_it_ended_not_when_last_changed(world, district_leader, client_as):
    school = world.relationship.school
    ended = timezone.make_aware(datetime.datetime.combine(LAST_MONTH.replace(day=12), datetime.time(15)))
    for _ in range(6):
        relationship = RelationshipFactory(
            coach=world.coach, teacher=person(Role.Kind.TEACHER, school), school=school
        )
        with freeze_time(ended):
            cycle = coaching_actions.start_cycle(relationship, world.coach, CYCLE_FIELDS)
            coaching_actions.update_cycle(cycle, {"status": Cycle.Status.DONE})
        coaching_actions.update_cycle(cycle, {"moves": "Corrected this month"})  # changed again today
    meet_goals(Cycle.objects.filter(relationship__school=school)[:2], world.coach)

    report = client_as(district_leader).get(report_url("district")).context["report"]
    completed = next(t for t in report.tables if t.metric.key == "cycles_completed")
    assert completed.rows[-1].cells[0].value == 6


# --- Outcomes every teacher shares (issue 16, point 8) -----------------------------------------


def meet_goals(cycles, coach):
    for cycle in cycles:
        coaching_actions.add_evidence(
            cycle,
            coach,
            {"measured_on": LAST_MONTH.replace(day=5), "value": 9, "source": "visit", "note": ""},
        )


def completed_cycles(school, coach, teachers: int, met: int = 0) -> list:
    """``teachers`` teachers with one cycle each marked done last month, ``met`` of them reached."""
    ended = timezone.make_aware(datetime.datetime.combine(LAST_MONTH.replace(day=12), datetime.time(15)))
    cycles = []
    for _ in range(teachers):
        relationship = RelationshipFactory(
            coach=coach, teacher=person(Role.Kind.TEACHER, school), school=school
        )
        with freeze_time(ended):
            cycle = coaching_actions.start_cycle(relationship, coach, CYCLE_FIELDS)
            coaching_actions.update_cycle(cycle, {"status": Cycle.Status.DONE})
        cycles.append(cycle)
    meet_goals(cycles[:met], coach)
    return cycles


def _metric_cells(report, key: str) -> dict:
    table = next(t for t in report.tables if t.metric.key == key)
    return {row.label: row.cells[0] for row in table.rows}


@pytest.mark.parametrize("met", [0, 6], ids=["none-met", "all-met"])
def test_a_cell_where_every_teacher_shares_the_outcome_is_hidden(world, district_leader, client_as, met):
    """ "6 cycles completed, 0 goals met" says that none of the six met their goal: hidden, with its count."""
    home, other = world.relationship.school, world.other_relationship.school
    completed_cycles(home, world.coach, 6, met=met)
    completed_cycles(other, world.other_coach, 7, met=3)
    report = client_as(district_leader).get(report_url("district")).context["report"]
    goals, completed = _metric_cells(report, "goals_met"), _metric_cells(report, "cycles_completed")
    assert goals["Home School"].suppressed, "six teachers and all the same outcome"
    assert completed["Home School"].suppressed, "the count beside it hides too, as a small pair does"
    assert goals["Other School"].suppressed, "the complement"
    assert completed["Other School"].suppressed
    assert goals["Test District (all schools)"].value == met + 3
    assert completed["Test District (all schools)"].value == 13


def test_two_schools_sharing_the_outcome_hide_the_district_total_too(world, district_leader, client_as):
    completed_cycles(world.relationship.school, world.coach, 6, met=0)
    completed_cycles(world.other_relationship.school, world.other_coach, 6, met=0)
    report = client_as(district_leader).get(report_url("district")).context["report"]
    assert all(cell.suppressed for cell in _metric_cells(report, "goals_met").values())
    assert all(cell.suppressed for cell in _metric_cells(report, "cycles_completed").values())


def test_a_mixed_outcome_is_shown(world, district_leader, client_as):
    completed_cycles(world.relationship.school, world.coach, 6, met=2)
    completed_cycles(world.other_relationship.school, world.other_coach, 6, met=5)
    report = client_as(district_leader).get(report_url("district")).context["report"]
    goals = _metric_cells(report, "goals_met")
    assert [cell.value for cell in goals.values()] == [2, 5, 7]


def _hidden_cells_markup(page: str) -> set[str]:
    import re

    return set(re.findall(r"<td[^>]*suppressed[^>]*>.*?</td>", _sections(page)))


def test_hidden_cells_read_the_same_whatever_hid_them(world, district_leader, client_as):
    """A small cell, its complement and a shared outcome: one markup in the page, one text in the CSV."""
    home, other = world.relationship.school, world.other_relationship.school
    held_sessions(home, world.coach, 3)  # small hours cell, with the other school as complement
    held_sessions(other, world.other_coach, 6)
    completed_cycles(other, world.other_coach, 6, met=0)  # outcome every teacher shares
    completed_cycles(home, world.coach, 6, met=2)
    response = client_as(district_leader).get(report_url("district"))
    reasons = {
        cell.hidden for table in response.context["report"].tables for row in table.rows for cell in row.cells
    }
    assert {"small", "complement", "outcome"} <= reasons
    page = response.content.decode()
    assert _hidden_cells_markup(page) == {'<td class="suppressed">Hidden</td>'}
    assert "data-hidden" not in page
    assert "fewer than 5)" not in _sections(page)

    export = Export.objects.create(
        owner=district_leader,
        kind=Export.Kind.REPORT_CSV,
        parameters={"unit": "district", "start": f"{LAST_MONTH:%Y-%m}", "end": f"{LAST_MONTH:%Y-%m}"},
    )
    exports.run(export.pk)
    export.refresh_from_db()
    rows = list(csv.reader(io.StringIO(exports.read_file(export).decode("utf-8-sig"))))
    hidden = {value for row in rows[1:] for value in row[2:] if not value.replace(".", "").isdigit()}
    assert hidden == {"hidden"}


def test_a_kept_report_page_does_not_read_the_district_tables_back(
    world, district_leader, client_as, monkeypatch
):
    """Once a unit's HTML is kept for the current tables, a page needs only their name: the tables
    (every published cell, unpickled from the cache) are read when something renders them anew."""
    held_sessions(world.relationship.school, world.coach, 6)
    client = client_as(district_leader)
    first = client.get(report_url("district")).content.decode()
    reads = []
    real = reports._district_edition
    monkeypatch.setattr(reports, "_district_edition", lambda *a: reads.append(a) or real(*a))

    again = client.get(report_url("district")).content.decode()
    assert reads == []
    assert _sections(again) == _sections(first)

    # The tables' entry gone but their name still kept (a cache evicts what it likes): the page is
    # rendered from tables computed anew, under the new computation's name.
    scope = reports.scope_for(district_leader)
    months = client.get(report_url("district")).context["form"].cleaned_data["months"]
    cache.delete(reports._edition_key(scope, months))
    held_sessions(world.relationship.school, world.coach, 1)
    fresh = client.get(report_url("district")).content.decode()
    assert len(reads) == 0  # the old name's HTML is still kept and shown: consistent, five minutes at most
    assert _sections(fresh) == _sections(first)
    cache.delete(reports._name_key(reports._edition_key(scope, months)))
    recomputed = client.get(report_url("district")).content.decode()
    assert len(reads) == 1
    assert _sections(recomputed) != _sections(first)


@pytest.mark.parametrize("k", [5, 8])
def test_the_page_names_the_smallest_group_it_shows_even_when_the_form_is_refused(
    world, district_leader, client_as, settings, k
):
    settings.RAPPORT_MIN_GROUP_SIZE = k
    client = client_as(district_leader)
    shown = client.get(report_url("district"))
    refused = client.get(report_url("district", start=LAST_MONTH, end=LAST_MONTH.replace(year=1999)))
    assert (shown.status_code, refused.status_code) == (200, 400)
    for response in (shown, refused):
        assert f"a number is hidden when it describes fewer than {k} teachers" in response.content.decode()


def test_a_unit_the_leader_may_not_see_is_refused_in_words(world, client_as):
    response = client_as(world.leader).get(report_url("district"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of the schools in the list (or the district, if it is there)." in page
    assert "is not one of the available choices" not in page
