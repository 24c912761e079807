"""The coach's "Today" at 7:45: sessions, follow-ups due, promises overdue, who has not been seen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.coaching import actions as coaching_actions
from rapport.coaching.models import Session
from rapport.people.models import Role
from rapport.relationships import actions
from rapport.relationships.models import CoachSettings, Note, Noticing
from rapport.web.today import FOLLOW_UPS_SHOWN, NOT_SEEN_SHOWN
from tests.factories import NoteFactory, RelationshipFactory, person, waiting_follow_ups

pytestmark = pytest.mark.django_db


def test_follow_up_shows_from_its_date_until_done(world, client_as):
    today = timezone.localdate()
    due = NoteFactory(relationship=world.relationship, body="Ask how the recital went", follow_up_on=today)
    later = NoteFactory(
        relationship=world.relationship, body="Ask about the move", follow_up_on=today + timedelta(days=1)
    )
    page = client_as(world.coach).get(reverse("home")).content.decode()
    assert "Ask how the recital went" in page
    assert "Ask about the move" not in page

    actions.close_follow_up(due, done=True)
    assert list(Note.objects.follow_ups_due(on=today + timedelta(days=1))) == [later]
    page = client_as(world.coach).get(reverse("home")).content.decode()
    assert "Ask how the recital went" not in page


def test_an_overdue_follow_up_stays_until_dismissed(world, client):
    note = NoteFactory(relationship=world.relationship, follow_up_on=timezone.localdate() - timedelta(days=5))
    assert list(Note.objects.follow_ups_due()) == [note]
    client.force_login(world.coach)
    url = reverse("follow_up_close", args=[world.relationship.pk, note.pk])
    response = client.post(url, {"outcome": "dismiss", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    note.refresh_from_db()
    assert note.follow_up_dismissed_at is not None
    assert note.follow_up_done_at is None
    assert not Note.objects.follow_ups_due().exists()


def test_another_coach_cannot_close_a_follow_up(world, client):
    note = NoteFactory(relationship=world.relationship, follow_up_on=timezone.localdate())
    client.force_login(world.other_coach)
    response = client.post(reverse("follow_up_close", args=[world.relationship.pk, note.pk]))
    assert response.status_code == 404
    assert list(Note.objects.follow_ups_due()) == [note]


def test_weekly_appreciation_progress(world, client_as):
    CoachSettings.objects.create(coach=world.coach, weekly_appreciation_target=2)
    actions.send_appreciation(world.relationship, world.coach, "Thank you for the calm start.")
    page = client_as(world.coach).get(reverse("home")).content.decode()
    assert "1 of 2 sent" in page


def test_the_leader_home_shows_none_of_it(world, client_as):
    today = timezone.localdate()
    NoteFactory(relationship=world.relationship, body="Ask about the puppy", follow_up_on=today)
    actions.record_noticing(world.relationship, world.coach, "Groups rotated without a word.")
    for principal in (world.leader, world.other_coach, world.teacher):
        response = client_as(principal).get(reverse("home"), follow=True)
        page = response.content.decode()
        assert "Ask about the puppy" not in page
        assert "Groups rotated without a word." not in page


def _at(day_offset: int, hour: int, minute: int = 0):
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())).replace(
        hour=hour, minute=minute
    )


def _schedule(relationship, coach, day_offset: int, hour: int, place: str = "Room 12") -> Session:
    return coaching_actions.schedule_session(
        relationship,
        coach,
        {
            "starts_at": _at(day_offset, hour),
            "ends_at": _at(day_offset, hour, 45),
            "wrap_up_at": _at(day_offset, hour, 40),
        },
        place,
        "",
    )


def _caseload(coach, school, size: int) -> None:
    for i in range(size):
        teacher = person(Role.Kind.TEACHER, school, full_name=f"Teacher {i:02d}")
        relationship = RelationshipFactory(coach=coach, teacher=teacher, school=school)
        NoteFactory(relationship=relationship, follow_up_on=timezone.localdate())
        Noticing.objects.create(relationship=relationship, author=coach, body=f"Good thing {i}")
        actions.log_touchpoint(relationship, coach, "hallway", when=timezone.now() - timedelta(days=i))
        actions.send_appreciation(relationship, coach, f"Thanks, number {i}.")
        _schedule(relationship, coach, i % 7, 8 + i % 9)


def _coach_with_caseload(school, size: int):
    coach = person(Role.Kind.COACH, school, full_name=f"Coach of {size}")
    CoachSettings.objects.create(coach=coach)
    _caseload(coach, school, size)
    return coach


@pytest.mark.parametrize("url_name", ["home", "coverage"])
def test_constant_queries_whatever_the_caseload(world, client, django_assert_num_queries, url_name):
    """5 teachers or 60: the same number of queries."""
    school = world.relationship.school
    small, large = _coach_with_caseload(school, 5), _coach_with_caseload(school, 60)
    client.force_login(small)
    client.get(reverse(url_name))  # warm the per-process caches (content types)
    with CaptureQueriesContext(connection) as small_queries:
        response = client.get(reverse(url_name))
    assert response.content.decode().count("Teacher ") >= 5

    client.force_login(large)
    with django_assert_num_queries(len(small_queries)):
        response = client.get(reverse(url_name))
    assert response.content.decode().count("Teacher ") >= 40


def test_sessions_today_and_the_coming_days_across_the_caseload(world, client_as):
    """Time, person, place, wrap-up and the prep brief: the agenda a coach walks in with."""
    later_today = _schedule(world.relationship, world.coach, 0, 23, place="The library")
    other = RelationshipFactory(coach=world.coach, school=world.relationship.school)
    in_three_days = _schedule(other, world.coach, 3, 9, place="Room 4")
    next_month = _schedule(other, world.coach, 30, 9)
    cancelled = _schedule(other, world.coach, 1, 10, place="Cancelled room")
    coaching_actions.cancel_session(cancelled, "coach", "")
    not_mine = _schedule(world.other_relationship, world.other_coach, 0, 22, place="Not my room")

    page = client_as(world.coach).get(reverse("home")).content.decode()
    today_card = page[page.index('id="sessions-heading"') : page.index('id="week-heading"')]
    assert world.teacher.full_name in today_card
    assert "11:00 pm" in today_card
    assert "The library" in today_card
    assert "wraps up 11:40 pm" in today_card
    assert reverse("session_prep", args=[world.relationship.pk, later_today.pk]) in today_card
    week_card = page[page.index('id="week-heading"') : page.index('id="follow-ups-heading"')]
    assert other.teacher.full_name in week_card
    assert "Room 4" in week_card
    assert reverse("session_prep", args=[other.pk, in_three_days.pk]) in week_card
    assert reverse("session_prep", args=[other.pk, next_month.pk]) not in page
    assert "Cancelled room" not in page
    assert not_mine.place not in page


def test_a_peer_sees_the_other_peer_in_the_agenda(world, client_as):
    """In peer coaching both are teachers: the agenda names the other one, never oneself."""
    peer = person(Role.Kind.COACH, world.relationship.school, full_name="Penny Peer")
    pair = RelationshipFactory(coach=peer, teacher=world.coach, school=world.relationship.school, kind="peer")
    _schedule(pair, peer, 0, 23, place="Peer room")
    page = client_as(world.coach).get(reverse("home")).content.decode()
    today_card = page[page.index('id="sessions-heading"') : page.index('id="week-heading"')]
    assert "Penny Peer" in today_card
    assert world.coach.full_name not in today_card


def test_not_seen_lately_lists_the_longest_first_and_counts_them_all(world, client_as):
    school = world.relationship.school
    for days in range(NOT_SEEN_SHOWN + 3):
        relationship = RelationshipFactory(coach=world.coach, school=school)
        actions.log_touchpoint(
            relationship, world.coach, "hallway", when=timezone.now() - timedelta(days=20 + days)
        )
    page = client_as(world.coach).get(reverse("home")).content.decode()
    # The world's own teacher has never been seen: counted with the others.
    assert f"{NOT_SEEN_SHOWN + 4} of {NOT_SEEN_SHOWN + 4} not seen in 14+ days" in page


def test_no_sessions_today_says_so(world, client_as):
    page = client_as(world.coach).get(reverse("home")).content.decode()
    assert "No sessions today." in page


def test_the_oldest_follow_ups_first_and_all_of_them_one_tap_away(world, client_as):
    waiting_follow_ups(world.relationship, FOLLOW_UPS_SHOWN + 2, "Follow-up number")
    client = client_as(world.coach)
    page = client.get(reverse("home")).content.decode()
    shown = [f"Follow-up number {i:02d}" in page for i in range(FOLLOW_UPS_SHOWN + 2)]
    assert shown == [True] * FOLLOW_UPS_SHOWN + [False, False]
    assert "Show all follow-ups" in page

    page = client.get(reverse("home"), {"follow_ups": "all"}).content.decode()
    assert all(f"Follow-up number {i:02d}" in page for i in range(FOLLOW_UPS_SHOWN + 2))
    assert "Show all follow-ups" not in page


def test_no_show_all_link_when_every_follow_up_is_shown(world, client_as):
    for _ in range(FOLLOW_UPS_SHOWN):
        NoteFactory(relationship=world.relationship, author=world.coach, follow_up_on=timezone.localdate())
    page = client_as(world.coach).get(reverse("home")).content.decode()
    assert "Show all follow-ups" not in page


def test_each_teacher_row_loads_its_touchpoint_form_when_opened(world, client_as):
    """The rows carry a link (works without JavaScript) and load the one-tap form with htmx."""
    client = client_as(world.coach)
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    page = client.get(reverse("home")).content.decode()
    assert f'hx-get="{url}"' in page
    assert f'<a href="{url}">Log a touchpoint with' in page
    assert 'name="kind"' not in page  # no form per row until one is opened

    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in form
    assert f'hx-post="{url}"' in form
    assert "csrfmiddlewaretoken" in form
    assert 'value="lunch"' in form

    full_page = client.get(url).content.decode()
    assert "<html" in full_page
    assert "Log it" in full_page


def test_an_outsider_cannot_load_a_touchpoint_form(world, client_as):
    url = reverse("touchpoint_log", args=[world.relationship.pk])
    for outsider in (world.other_coach, world.leader, world.teacher):
        assert client_as(outsider).get(url, headers={"HX-Request": "true"}).status_code == 404
