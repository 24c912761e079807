"""Correcting and removing one's own records (rapport.relationships.record_edit): visits, commitments,
touchpoints and noticings. Only the author, only while the relationship lasts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Commitment, Visit
from rapport.privacy.actions import release
from rapport.privacy.models import Release
from rapport.relationships import actions
from rapport.relationships.models import Noticing, Touchpoint

pytestmark = pytest.mark.django_db


def _url(name, world, record):
    return reverse(name, args=[world.relationship.pk, record.pk])


def test_the_author_corrects_a_visit(client_as, world):
    visit = world.private_visit
    client = client_as(world.coach)
    page = client.get(_url("visit_edit", world, visit)).content.decode()
    assert "Students sorted word cards in pairs." in page  # the form holds what was written
    day = timezone.localdate()
    response = client.post(
        _url("visit_edit", world, visit),
        {"day": day.isoformat(), "start": "09:40", "minutes": "20", "students_doing": "Pairs sorted cards."},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("visit_detail", world, visit)
    visit.refresh_from_db()
    assert (visit.students_doing, visit.minutes) == ("Pairs sorted cards.", 20)
    assert timezone.localtime(visit.visited_at).time() == datetime.time(9, 40)
    assert visit.visibility == "private"  # a correction does not share it


def test_a_bad_correction_changes_nothing(client_as, world):
    visit = world.private_visit
    response = client_as(world.coach).post(_url("visit_edit", world, visit), {"minutes": "500"})
    assert response.status_code == 400
    visit.refresh_from_db()
    assert visit.students_doing == "Students sorted word cards in pairs."


def test_deleting_asks_first_then_deletes_and_withdraws_releases(client_as, world):
    visit = world.shared_visit
    release(visit, [world.leader], by=world.teacher)
    client = client_as(world.coach)
    ask = client.get(_url("visit_delete", world, visit))
    assert ask.status_code == 200
    assert "Delete the classroom visit?" in ask.content.decode()
    assert "Students explained a strategy aloud." in ask.content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()  # asking deletes nothing
    response = client.post(_url("visit_delete", world, visit))
    assert response["Location"] == reverse("relationship_detail", args=[world.relationship.pk])
    assert not Visit.objects.filter(pk=visit.pk).exists()
    assert not Release.objects.filter(object_id=visit.pk, content_type__model="visit").exists()


@pytest.mark.parametrize("name", ["visit_edit", "visit_delete"])
def test_only_the_author_reaches_a_visit_to_change_it(client_as, world, name):
    # The teacher may read the shared visit, but not change it.
    assert client_as(world.teacher).get(_url(name, world, world.shared_visit)).status_code == 404
    assert client_as(world.other_coach).get(_url(name, world, world.shared_visit)).status_code == 404


def test_an_ended_relationship_stays_read_only(client_as, world):
    world.relationship.ended_on = timezone.localdate()
    world.relationship.save()
    client = client_as(world.coach)
    assert client.get(_url("visit_edit", world, world.private_visit)).status_code == 404
    assert client.post(_url("visit_delete", world, world.private_visit)).status_code == 404
    assert Visit.objects.filter(pk=world.private_visit.pk).exists()
    page = client.get(_url("visit_detail", world, world.private_visit)).content.decode()
    assert _url("visit_edit", world, world.private_visit) not in page


def test_a_commitment_is_edited_and_rescheduled_by_its_author(client_as, world):
    commitment = world.commitment
    later = timezone.localdate() + datetime.timedelta(days=9)
    client = client_as(world.coach)
    response = client.post(
        _url("commitment_edit", world, commitment),
        {"owner": "coach", "what": "Send the stem cards and the video.", "due_on": later.isoformat()},
    )
    assert response["Location"] == reverse("commitments", args=[world.relationship.pk])
    commitment.refresh_from_db()
    assert (commitment.what, commitment.due_on) == ("Send the stem cards and the video.", later)
    # The teacher reads it but did not write it: no edit for them.
    assert client_as(world.teacher).get(_url("commitment_edit", world, commitment)).status_code == 404


def test_a_past_due_date_may_stay_but_not_be_chosen(client_as, world):
    commitment = world.commitment
    past = timezone.localdate() - datetime.timedelta(days=3)
    Commitment.objects.filter(pk=commitment.pk).update(due_on=past)
    client = client_as(world.coach)
    keep = client.post(
        _url("commitment_edit", world, commitment), {"owner": "coach", "what": "Fixed typo.", "due_on": past}
    )
    assert keep.status_code == 302
    earlier = past - datetime.timedelta(days=1)
    refused = client.post(
        _url("commitment_edit", world, commitment),
        {"owner": "coach", "what": "Fixed typo.", "due_on": earlier},
    )
    assert refused.status_code == 400
    assert "That date has passed" in refused.content.decode()


def test_a_completed_commitment_is_reopened(client_as, world):
    commitment = world.commitment
    client = client_as(world.teacher)  # either member marks it done, and either takes it back
    client.post(_url("commitment_done", world, commitment))
    commitment.refresh_from_db()
    assert commitment.done_on is not None
    page = client.get(reverse("commitments", args=[world.relationship.pk])).content.decode()
    assert _url("commitment_reopen", world, commitment) in page
    client.post(_url("commitment_reopen", world, commitment))
    commitment.refresh_from_db()
    assert commitment.done_on is None
    assert (
        client_as(world.other_teacher).post(_url("commitment_reopen", world, commitment)).status_code == 404
    )


def test_touchpoints_are_corrected_and_removed_from_the_history(client_as, world):
    touchpoint = actions.log_touchpoint(world.relationship, world.coach, "hallway", "Said hi.")
    client = client_as(world.coach)
    history = client.get(reverse("relationship_history", args=[world.relationship.pk])).content.decode()
    assert _url("touchpoint_edit", world, touchpoint) in history
    response = client.post(
        _url("touchpoint_edit", world, touchpoint), {"kind": "lunch", "note": "Lunch, not hallway."}
    )
    assert response["Location"] == reverse("relationship_history", args=[world.relationship.pk])
    touchpoint.refresh_from_db()
    assert (touchpoint.kind, touchpoint.note) == ("lunch", "Lunch, not hallway.")
    client.post(_url("touchpoint_delete", world, touchpoint))
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()


def test_noticings_are_corrected_and_removed_by_their_author_only(client_as, world):
    noticing = actions.record_noticing(world.relationship, world.coach, "Every group had a job card.")
    client = client_as(world.coach)
    page = client.get(reverse("relationship_detail", args=[world.relationship.pk])).content.decode()
    assert _url("noticing_edit", world, noticing) in page
    day = timezone.localdate()
    client.post(
        _url("noticing_edit", world, noticing), {"body": "Every group had a role card.", "noticed_on": day}
    )
    noticing.refresh_from_db()
    assert noticing.body == "Every group had a role card."
    for outsider in (world.teacher, world.other_coach, world.leader):
        assert client_as(outsider).get(_url("noticing_edit", world, noticing)).status_code == 404
        assert client_as(outsider).post(_url("noticing_delete", world, noticing)).status_code == 404
    client_as(world.coach).post(_url("noticing_delete", world, noticing))
    assert not Noticing.objects.filter(pk=noticing.pk).exists()


def test_deleting_the_latest_contact_puts_coverage_back(client_as, world):
    Visit.objects.all().delete()  # the world's visits count as contact too; none here
    earlier = actions.log_touchpoint(
        world.relationship, world.coach, "lunch", when=timezone.now() - datetime.timedelta(days=5)
    )
    mistake = actions.log_touchpoint(world.relationship, world.coach, "hallway", "Wrong teacher.")
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at == mistake.happened_at
    client_as(world.coach).post(_url("touchpoint_delete", world, mistake))
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at == earlier.happened_at
    client_as(world.coach).post(_url("touchpoint_delete", world, earlier))
    world.relationship.refresh_from_db()
    assert world.relationship.last_contact_at is None  # no contact left at all
