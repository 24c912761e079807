"""The relationship-building question bank: a starter set, each coach's own, answers as notes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from rapport.relationships.models import Note, Question, Visibility

pytestmark = pytest.mark.django_db


def test_the_starter_bank_exists_on_a_fresh_install():
    # Transactional tests flush the tables, data migrations included; so rebuild it here
    # with the migration's own function rather than trusting what an earlier test left.
    migration = importlib.import_module("rapport.relationships.migrations.0003_starter_questions")
    Question.objects.all().delete()
    migration.add_starter_questions(django_apps, None)
    for_coaches = importlib.import_module("rapport.relationships.migrations.0009_question_audience")
    for_coaches.add_coach_questions(django_apps, None)
    starters = Question.objects.filter(owner__isnull=True)
    teachers = starters.filter(audience=Question.Audience.TEACHER)
    assert teachers.count() >= 15
    assert set(starters.values_list("theme", flat=True)) == set(Question.Theme.values)
    # Every theme a coach lead gets to know a coach by (issue 22) has questions for coaches.
    coaches = starters.filter(audience=Question.Audience.COACH)
    assert set(coaches.values_list("theme", flat=True)) == set(Question.Theme.values)
    assert len(set(starters.values_list("text", flat=True))) == starters.count()


def test_a_coach_s_own_questions_are_theirs_alone(world, client_as):
    response = client_as(world.coach).post(
        reverse("question_bank"), {"text": "What made you laugh this week?", "theme": "first-meeting"}
    )
    assert response.status_code == 302
    assert (
        "What made you laugh this week?"
        in client_as(world.coach).get(reverse("question_bank")).content.decode()
    )
    other = client_as(world.other_coach).get(reverse("question_bank")).content.decode()
    assert "What made you laugh this week?" not in other


def test_an_answer_is_a_private_note_linked_to_its_question(world, client_as):
    question = Question.objects.create(text="How do you like feedback?", theme="feedback")
    url = reverse("answer_new", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"question": question.pk, "body": "Short and in writing."})
    assert response.status_code == 302
    note = Note.objects.get(kind=Note.Kind.ANSWER)
    assert note.question == question
    assert note.visibility == Visibility.PRIVATE
    page = client_as(world.coach).get(reverse("relationship_detail", args=[world.relationship.pk]))
    assert question.text in page.content.decode()


def test_another_coach_s_question_cannot_be_answered(world, client_as):
    theirs = Question.objects.create(owner=world.other_coach, text="Their own question", theme="values")
    url = reverse("answer_new", args=[world.relationship.pk])
    response = client_as(world.coach).post(url, {"question": theirs.pk, "body": "An answer"})
    assert response.status_code == 400
    assert not Note.objects.filter(kind=Note.Kind.ANSWER).exists()
