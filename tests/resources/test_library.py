"""The library page, adding, editing and removing resources, and sharing one with a teacher."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Commitment
from rapport.privacy.models import AccessLogEntry
from rapport.resources.models import ContentArea, GoalArea, GradeBand, Resource, ResourceShare
from tests.resources.samples import make_resource, make_share, pdf_bytes

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [resource.title for resource in response.context["page"].object_list]


def test_the_library_starts_empty_and_says_what_it_is_for(client_as, world):
    response = client_as(world.coach).get(reverse("resource_library"))
    assert response.status_code == 200
    assert "The library is empty." in response.content.decode()


def test_a_coach_adds_a_link_and_every_coach_of_the_district_finds_it(client_as, world):
    data = {
        "title": "Planning a turn-and-talk",
        "link": "https://example.org/turn-and-talk",
        "notes": "Three questions to settle before the lesson.",
        "goal_area": GoalArea.DISCUSSION,
        "content_area": ContentArea.ANY,
        "grade_band": GradeBand.G3_5,
        "readiness": "",
    }
    response = client_as(world.coach).post(reverse("resource_new"), data)
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert resource.owner == world.coach
    assert resource.district_id == world.relationship.school.district_id
    found = client_as(world.other_coach).get(reverse("resource_library"), {"q": "turn talk"})
    assert _titles(found) == ["Planning a turn-and-talk"]


def test_search_words_and_tags_narrow_the_list(client_as, world):
    make_resource(world, title="Discussion openers", grade_band=GradeBand.G3_5)
    make_resource(world, title="Exit tickets", goal_area=GoalArea.FEEDBACK, notes="Two questions at the end.")
    make_resource(
        world, title="Number talks", goal_area=GoalArea.MATH_REASONING, content_area=ContentArea.MATH
    )
    client = client_as(world.coach)
    url = reverse("resource_library")
    assert _titles(client.get(url, {"q": "questions"})) == ["Exit tickets"]
    assert _titles(client.get(url, {"goal_area": GoalArea.DISCUSSION})) == ["Discussion openers"]
    # A resource for any subject or any grade matches a subject or a grade asked for.
    assert _titles(client.get(url, {"content_area": ContentArea.MATH})) == [
        "Discussion openers",
        "Exit tickets",
        "Number talks",
    ]
    assert _titles(client.get(url, {"grade_band": GradeBand.G9_12})) == ["Exit tickets", "Number talks"]
    nothing = client.get(url, {"q": "robotics"})
    assert _titles(nothing) == []
    assert "Nothing matches." in nothing.content.decode()


def test_the_library_page_reads_the_same_number_of_queries_however_long(
    client_as, world, django_assert_max_num_queries
):
    client = client_as(world.coach)
    make_resource(world)
    client.get(reverse("resource_library"))
    with django_assert_max_num_queries(12) as short:
        client.get(reverse("resource_library"))
    for index in range(15):
        make_resource(world, title=f"Resource {index}", owner=world.other_coach if index % 2 else world.coach)
    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(reverse("resource_library"))


def test_only_the_owner_edits_and_a_refused_edit_changes_nothing(client_as, world):
    resource = make_resource(world)
    other = client_as(world.other_coach)
    assert other.get(reverse("resource_edit", args=[resource.pk])).status_code == 404
    response = client_as(world.coach).post(
        reverse("resource_edit", args=[resource.pk]), {"title": "", "goal_area": "nonsense"}
    )
    assert response.status_code == 400
    resource.refresh_from_db()
    assert resource.title == "Discussion openers"


def test_a_resource_nobody_was_given_is_deleted_with_its_file(client_as, world):
    resource = make_resource(world)
    storage, name = resource.file.storage, resource.file.name
    with_commit = client_as(world.coach)
    response = with_commit.post(reverse("resource_delete", args=[resource.pk]))
    assert response.status_code == 302
    assert not Resource.objects.filter(pk=resource.pk).exists()
    # The file goes once the transaction commits (the test's never does): delete it as commit would.
    storage.delete(name)


def test_a_shared_resource_leaves_the_shelf_but_the_teacher_keeps_it(client_as, world):
    share = make_share(world)
    client_as(world.coach).post(reverse("resource_delete", args=[share.resource_id]))
    share.resource.refresh_from_db()
    assert share.resource.removed_at is not None
    assert _titles(client_as(world.coach).get(reverse("resource_library"))) == []
    assert client_as(world.teacher).get(reverse("resource_file", args=[share.resource_id])).status_code == 200
    assert (
        client_as(world.other_coach).get(reverse("resource_file", args=[share.resource_id])).status_code
        == 404
    )


def test_sharing_keeps_the_coachs_open_promise_and_is_logged_when_the_teacher_reads_it(client_as, world):
    resource = make_resource(world, with_file=False)
    promise = world.commitment
    assert promise.owner == "coach"
    assert promise.done_on is None
    page = client_as(world.coach).get(reverse("resource_share", args=[world.relationship.pk]))
    assert str(promise.what) in page.content.decode()
    response = client_as(world.coach).post(
        reverse("resource_share", args=[world.relationship.pk]),
        {"resource": resource.pk, "note": "The one we talked about.", "commitment": promise.pk},
    )
    assert response.status_code == 302
    share = ResourceShare.objects.get()
    promise.refresh_from_db()
    assert share.commitment == promise
    assert promise.done_on == timezone.localdate()
    assert share.visibility == "shared"

    before = AccessLogEntry.objects.count()
    home = client_as(world.teacher).get(reverse("teacher_space")).content.decode()
    assert "A resource: Discussion openers" in home
    assert "The one we talked about." in home
    listed = client_as(world.teacher).get(reverse("shared_resources", args=[world.relationship.pk]))
    assert "The one we talked about." in listed.content.decode()
    assert AccessLogEntry.objects.filter(record_label=share.access_label()).count() >= 1
    assert AccessLogEntry.objects.count() > before


def test_a_promise_of_the_teacher_or_of_another_relationship_cannot_be_picked(client_as, world):
    resource = make_resource(world, with_file=False)
    teachers = Commitment.objects.create(
        relationship=world.relationship,
        author=world.teacher,
        visibility="shared",
        owner="teacher",
        what="Try the stems",
        due_on=timezone.localdate(),
    )
    response = client_as(world.coach).post(
        reverse("resource_share", args=[world.relationship.pk]),
        {"resource": resource.pk, "commitment": teachers.pk},
    )
    assert response.status_code == 400
    assert not ResourceShare.objects.exists()
    teachers.refresh_from_db()
    assert teachers.done_on is None


def test_a_resource_of_another_district_cannot_be_shared_or_seen(client_as, world):
    from rapport.people.models import Role
    from tests.factories import DistrictFactory, SchoolFactory, person

    elsewhere = SchoolFactory(district=DistrictFactory(name="Elsewhere"), name="Far School")
    stranger = person(Role.Kind.COACH, elsewhere, full_name="Sam Stranger", email="sam@example.test")
    theirs = make_resource(world, owner=stranger)
    Resource.objects.filter(pk=theirs.pk).update(district=elsewhere.district)
    assert client_as(world.coach).get(reverse("resource_detail", args=[theirs.pk])).status_code == 404
    assert client_as(world.coach).get(reverse("resource_file", args=[theirs.pk])).status_code == 404
    response = client_as(world.coach).post(
        reverse("resource_share", args=[world.relationship.pk]), {"resource": theirs.pk}
    )
    assert response.status_code == 400
    assert not ResourceShare.objects.exists()


def test_the_upload_is_stored_under_a_random_name(client_as, world):
    data = {
        "title": "Handout",
        "goal_area": GoalArea.READING,
        "content_area": ContentArea.ANY,
        "grade_band": GradeBand.ANY,
        "upload": SimpleUploadedFile("../../etc/My handout.pdf", pdf_bytes(), "application/pdf"),
    }
    assert client_as(world.coach).post(reverse("resource_new"), data).status_code == 302
    resource = Resource.objects.get()
    assert resource.file.name.startswith("resources/")
    assert "handout" not in resource.file.name.lower()
    assert resource.file_type == "application/pdf"
    assert resource.file_name.endswith("My handout.pdf")
    resource.file.delete(save=False)
