"""Search: a person finds their own records by the words in them, and nothing the policy does
not let them read; the index holds keyed hashes, never words."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rapport.coaching import actions as coaching_actions
from rapport.privacy import policy
from rapport.privacy.encryption import generate_key
from rapport.privacy.models import AccessLogEntry, Purpose
from rapport.relationships import actions
from rapport.relationships.models import Note, Visibility
from rapport.search import index
from rapport.search.models import SearchTerm
from rapport.search.query import search
from tests.factories import NoteFactory
from tests.world import build_world

pytestmark = pytest.mark.django_db


def _found(user, query) -> set:
    return {(type(result.record).__name__, result.record.pk) for result in search(user, query)}


def test_a_coach_finds_a_private_note_by_a_word_and_its_forms(world):
    note = NoteFactory(relationship=world.relationship, body="Ask Tess how the new baby is sleeping.")
    assert ("Note", note.pk) in _found(world.coach, "baby")
    assert ("Note", note.pk) in _found(world.coach, "BABY sleeps")  # any case; a form of "sleeping"
    assert ("Note", note.pk) not in _found(world.coach, "baby concert")  # every word must be there


def test_accents_and_punctuation_do_not_matter(world):
    note = NoteFactory(relationship=world.relationship, body="Tomás's café trip — résumé due Friday!")
    assert ("Note", note.pk) in _found(world.coach, "tomas cafe")
    assert ("Note", note.pk) in _found(world.coach, "Résumé")


def test_nobody_finds_what_the_policy_keeps_from_them(world):
    private = NoteFactory(relationship=world.relationship, body="Private worry about the robotics club.")
    shared = NoteFactory(
        relationship=world.relationship,
        body="Shared plan for the robotics club.",
        visibility=Visibility.SHARED,
    )
    assert _found(world.coach, "robotics") == {("Note", private.pk), ("Note", shared.pk)}
    assert _found(world.teacher, "robotics") == {("Note", shared.pk)}
    for outsider in (
        world.other_coach,
        world.other_teacher,
        world.leader,
        world.other_leader,
        world.site_admin,
    ):
        assert _found(outsider, "robotics") == set(), outsider


def test_search_covers_ones_own_relationships_not_what_was_released_to_a_leader(world):
    """A leader reads what teachers released to them on their own page; search is for the
    records of one's own coaching, so it finds none of them."""
    assert ("Note", world.released_note.pk) in _found(world.teacher, "released")
    assert _found(world.leader, "released") == set()


def test_only_the_shown_results_are_decrypted_into_the_log(world, client_as):
    NoteFactory(
        relationship=world.relationship,
        author=world.teacher,
        visibility=Visibility.SHARED,
        body="Fractions game",
    )
    NoteFactory(relationship=world.relationship, body="Fractions again, privately")
    before = AccessLogEntry.objects.count()
    page = client_as(world.coach).get(reverse("search"), {"q": "fractions"}).content.decode()
    assert "<mark>Fractions</mark> game" in page
    logged = AccessLogEntry.objects.filter(seq__gt=before)
    # The coach wrote one of them (an author's reads are not logged); the teacher's note is.
    assert list(logged.values_list("purpose", flat=True)) == [Purpose.SEARCH]


def test_the_index_holds_no_word(world):
    NoteFactory(relationship=world.relationship, body="Zanzibar sabbatical")
    with connection.cursor() as cursor:
        cursor.execute("SELECT record_type, term FROM search_searchterm")
        rows = cursor.fetchall()
    assert rows
    dump = repr(rows).lower()
    assert "zanzibar" not in dump
    assert "sabbatical" not in dump
    assert all(len(term) == 32 for _, term in rows)


def test_the_index_follows_edits_and_deletions(world):
    note = actions.write_note(world.relationship, world.coach, "Ask about the marathon", Visibility.PRIVATE)
    assert ("Note", note.pk) in _found(world.coach, "marathon")
    actions.update_note(
        note, "Ask about the half marathon training", Visibility.PRIVATE, kind=note.kind, follow_up_on=None
    )
    assert ("Note", note.pk) in _found(world.coach, "training")
    actions.update_note(note, "Ask about the recital", Visibility.PRIVATE, kind=note.kind, follow_up_on=None)
    assert _found(world.coach, "marathon") == set()
    actions.delete_note(note)
    assert _found(world.coach, "recital") == set()
    assert not SearchTerm.objects.filter(record_type="relationships.note", record_id=note.pk).exists()


def test_other_kinds_of_record_are_found_too(world):
    commitment = coaching_actions.add_commitment(
        world.relationship,
        world.coach,
        {"owner": "coach", "what": "Bring the xylophone rubric", "due_on": world.session.starts_at.date()},
    )
    assert ("Commitment", commitment.pk) in _found(world.coach, "xylophone")
    assert ("Commitment", commitment.pk) in _found(world.teacher, "xylophone")  # shared with the teacher
    assert ("Cycle", world.cycle.pk) in _found(world.coach, "discussions")


def test_a_new_key_rebuilds_the_index(world, settings):
    note = NoteFactory(relationship=world.relationship, body="Quilting circle on Thursdays")
    settings.RAPPORT_ENCRYPTION_KEYS = [generate_key(), *settings.RAPPORT_ENCRYPTION_KEYS]
    assert _found(world.coach, "quilting") == set()  # the old index is keyed with the old key
    index.rebuild()
    assert ("Note", note.pk) in _found(world.coach, "quilting")


def test_a_search_page_reads_a_bounded_number_of_queries(world, client_as):
    client = client_as(world.coach)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("search"), {"q": "lantern"}).status_code == 200
        return len(queries)

    NoteFactory(relationship=world.relationship, body="lantern walk")
    count()
    few = count()
    NoteFactory.create_batch(40, relationship=world.relationship, body="another lantern walk")
    assert count() == few


def test_each_result_names_the_other_member_and_links_to_its_record(world, client_as):
    note = NoteFactory(relationship=world.relationship, body="lantern walk", visibility=Visibility.SHARED)
    for searcher, other in [(world.coach, world.teacher), (world.teacher, world.coach)]:
        page = client_as(searcher).get(reverse("search"), {"q": "lantern"}).content.decode()
        assert f"with {other.full_name}" in page
        assert f"?notes=all#note-{note.pk}" in page


@pytest.mark.parametrize("query", ["", "   ", "the and of", "!!!"])
def test_an_empty_search_finds_nothing_and_says_so_gently(world, client_as, query):
    response = client_as(world.coach).get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert response.context["results"] == []


def test_a_search_too_long_is_refused_with_a_reason(world, client_as):
    response = client_as(world.coach).get(reverse("search"), {"q": "word " * 100})
    assert response.status_code == 400
    assert "longer than a search can be" in response.content.decode()


WORDS = ["apple", "banjo", "cedar", "delta"]


class TestResultsAreExactlyWhatThePolicyAllows(TestCase):
    """For any mix of authors, visibilities and words, what each person finds is exactly the
    records holding the word that the policy lets them read."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["coach", "teacher"]),
                st.sampled_from(["private", "shared"]),
                st.sampled_from(WORDS),
            ),
            min_size=1,
            max_size=12,
        ),
        st.sampled_from(WORDS),
    )
    def test_search_matches_the_policy(self, notes, word):
        world = build_world()
        for author, visibility, body_word in notes:
            Note.objects.create(
                relationship=world.relationship,
                author=getattr(world, author),
                visibility=visibility,
                body=f"A note about the {body_word} lesson",
            )
        for name in ("coach", "teacher", "other_coach", "leader", "site_admin"):
            person = getattr(world, name)
            expected = {
                ("Note", pk)
                for pk in policy.visible_records(person, Note.objects.filter(body__isnull=False)).values_list(
                    "pk", flat=True
                )
                if word in Note.objects.get(pk=pk).body
            }
            assert _found(person, word) == expected, name


@override_settings()
def test_search_link_is_in_the_app_bar_for_coaches_and_teachers(world, client_as):
    assert 'class="search-link"' in client_as(world.coach).get(reverse("home")).content.decode()
    assert 'class="search-link"' in client_as(world.teacher).get(reverse("teacher_space")).content.decode()
    assert (
        'class="search-link"' not in client_as(world.leader).get(reverse("released_to_me")).content.decode()
    )
