"""The prep brief's promises: what was agreed at the last meeting (kept or not) and everything
still open, from one read in which a promise on both lists is read, and logged, once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rapport.coaching import actions
from rapport.coaching.briefs import prep_brief
from rapport.coaching.models import Commitment, Side
from rapport.privacy.models import AccessLogEntry
from rapport.relationships.models import Visibility

pytestmark = pytest.mark.django_db


def _promise(world, by, what, session=None, *, done=False, private=False):
    commitment = actions.add_commitment(
        world.relationship,
        by,
        {"owner": Side.TEACHER, "what": what, "due_on": timezone.localdate() + datetime.timedelta(days=3)},
        session=session,
    )
    changes = {}
    if done:
        changes["done_on"] = timezone.localdate()
    if private:
        changes["visibility"] = Visibility.PRIVATE
    if changes:
        Commitment.objects.filter(pk=commitment.pk).update(**changes)
    return commitment


def test_last_meetings_steps_and_what_is_open_each_read_once(world):
    last = actions.schedule_session(
        world.relationship,
        world.coach,
        {
            "starts_at": timezone.now() - datetime.timedelta(days=7, hours=1),
            "ends_at": timezone.now() - datetime.timedelta(days=7),
            "wrap_up_at": timezone.now() - datetime.timedelta(days=7, minutes=5),
        },
        "Room 12",
        "",
    )
    actions.hold_session(last, "We met.")
    kept = _promise(world, world.teacher, "Kept step", last, done=True)
    still_open = _promise(world, world.teacher, "Open step", last)
    older = _promise(world, world.teacher, "Older promise")
    _promise(world, world.teacher, "Teacher's own reminder", last, private=True)
    _promise(world, world.teacher, "Done long ago", done=True)

    before = AccessLogEntry.objects.count()
    brief = prep_brief(world.coach, world.session)

    assert brief.last_session == last
    assert {c.what for c in brief.last_next_steps} == {"Kept step", "Open step"}
    assert {c.pk for c in brief.commitments} >= {still_open.pk, older.pk}
    assert kept.pk not in {c.pk for c in brief.commitments}
    assert not {"Teacher's own reminder", "Done long ago"} & {c.what for c in brief.commitments}
    logged = list(
        AccessLogEntry.objects.order_by("seq")[before:]
        .filter(record_type="coaching.commitment")
        .values_list("record_id", flat=True)
    )
    assert sorted(logged) == sorted({kept.pk, still_open.pk, older.pk})  # each once


def test_with_no_meeting_held_yet_there_are_no_last_steps(world):
    _promise(world, world.teacher, "Open promise")
    brief = prep_brief(world.coach, world.session)
    assert brief.last_session is None
    assert brief.last_next_steps == []
    assert "Open promise" in {c.what for c in brief.commitments}
