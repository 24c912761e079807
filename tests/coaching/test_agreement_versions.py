"""Agreement versions: line endings are not changes; earlier versions open and compare; print."""

import pytest
from django.db import connection
from django.urls import reverse

from rapport.coaching import actions, agreement_versions
from rapport.coaching.models import Agreement, AgreementRevision

pytestmark = pytest.mark.django_db


def _sections(agreement, **changes):
    return {**{name: getattr(agreement, name) for name, _ in Agreement.SECTIONS}, **changes}


def _posted(agreement, **changes):
    """As a browser sends the edit form: every textarea with CRLF line endings."""
    return {name: text.replace("\n", "\r\n") for name, text in _sections(agreement, **changes).items()}


def test_line_endings_from_the_browser_are_not_a_change(client_as, world):
    client = client_as(world.coach)
    url = reverse("agreement_edit", args=[world.relationship.pk])
    edited = _posted(world.agreement, focus="Student discussion in period 3.")
    assert client.post(url, edited).status_code == 302
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    assert agreement.version == 2
    assert agreement.revisions.first().changed_sections == "Our focus"  # not "Our norms" too
    assert "\r" not in agreement.norms
    # The same again, line endings and all: no new version.
    client.post(url, _posted(agreement))
    assert Agreement.objects.get(pk=agreement.pk).version == 2


def test_an_earlier_version_opens_as_it_read(client_as, world):
    first_focus = world.agreement.focus
    actions.save_agreement(world.relationship, world.coach, _sections(world.agreement, focus="Questioning."))
    for member in (world.coach, world.teacher):
        page = (
            client_as(member)
            .get(reverse("agreement_version", args=[world.relationship.pk, 1]))
            .content.decode()
        )
        assert "version 1" in page
        assert "This is an earlier version. The current one is version 2." in page
        assert first_focus in page
        assert "Questioning." not in page
    missing = client_as(world.coach).get(reverse("agreement_version", args=[world.relationship.pk, 9]))
    assert missing.status_code == 404
    outsider = client_as(world.other_coach).get(reverse("agreement_version", args=[world.relationship.pk, 1]))
    assert outsider.status_code == 404


def test_two_versions_compare_word_by_word(client_as, world):
    sections = _sections(world.agreement, meetings="Tuesdays at 3:30 in room 14, 40 minutes.")
    actions.save_agreement(world.relationship, world.coach, sections)
    page = (
        client_as(world.teacher)
        .get(reverse("agreement_compare", args=[world.relationship.pk]))
        .content.decode()
    )
    assert "From version 1" in page
    assert "3:15" in page
    assert "3:30" in page
    assert '<del><span class="visually-hidden">[removed: </span>3:15' in page
    assert '<ins><span class="visually-hidden">[added: </span>3:30' in page
    assert page.count("· no change") == len(Agreement.SECTIONS) - 1


def test_bad_version_numbers_are_refused_with_a_message(client_as, world):
    actions.save_agreement(world.relationship, world.coach, _sections(world.agreement, focus="Questioning."))
    url = reverse("agreement_compare", args=[world.relationship.pk])
    for query in ("?from=1&to=99", "?from=x&to=2", "?from=2&to=2", "?from=-1&to=2"):
        response = client_as(world.coach).get(url + query)
        assert response.status_code == 400, query
        assert 'role="alert"' in response.content.decode()


def test_a_version_kept_before_its_text_was_says_so(client_as, world):
    actions.save_agreement(world.relationship, world.coach, _sections(world.agreement, focus="Questioning."))
    AgreementRevision.objects.filter(agreement=world.agreement, version=1).update(text="")
    page = (
        client_as(world.coach)
        .get(reverse("agreement_version", args=[world.relationship.pk, 1]))
        .content.decode()
    )
    assert "The text of this version was not kept" in page
    compare = client_as(world.coach).get(reverse("agreement_compare", args=[world.relationship.pk]))
    assert "nothing to compare yet" in compare.content.decode()


def test_the_text_of_each_version_is_encrypted_at_rest(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM coaching_agreementrevision")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored
    assert all(value and "Tuesdays" not in value for value in stored)


def test_the_agreement_has_a_print_button(client_as, world):
    page = (
        client_as(world.teacher)
        .get(reverse("agreement_detail", args=[world.relationship.pk]))
        .content.decode()
    )
    assert "data-print" in page
    assert ">Print</button>" in page


def test_word_diff_joins_runs():
    pieces = agreement_versions.word_diff("We meet on Tuesdays.", "We meet on Thursdays, after lunch.")
    assert [p.kind for p in pieces] == ["same", "removed", "added"]
    assert "".join(p.text for p in pieces if p.kind != "removed") == "We meet on Thursdays, after lunch."
