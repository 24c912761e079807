"""factory_boy factories for Rapport's models."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from rapport.people.models import DISTRICT_WIDE_KINDS, District, Role, School, User
from rapport.relationships.models import Note, Relationship, Visibility


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"School {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = "!unusable"  # tests sign in with force_login, or set one explicitly


def person(kind: str, school: School, **fields) -> User:
    """A user holding one role at a school (or at its district for district-wide roles)."""
    user = UserFactory(**fields)
    district_wide = kind in DISTRICT_WIDE_KINDS
    Role.objects.create(
        user=user, kind=kind, district=school.district, school=None if district_wide else school
    )
    if kind == Role.Kind.SITE_ADMIN:
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        user.is_staff = user.is_superuser = True
    return user


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    coach = factory.SubFactory(UserFactory)
    teacher = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    focus = "Literacy"
    started_on = factory.LazyFunction(timezone.localdate)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    relationship = factory.SubFactory(RelationshipFactory)
    author = factory.LazyAttribute(lambda note: note.relationship.coach)
    body = factory.Sequence(lambda n: f"A note, number {n}.")
    visibility = Visibility.PRIVATE


def waiting_follow_ups(relationship: Relationship, count: int, label: str) -> list[Note]:
    """``count`` of the coach's notes whose follow-ups have come, oldest first: "<label> 00", …"""
    today = timezone.localdate()
    return [
        NoteFactory(
            relationship=relationship,
            author=relationship.coach,
            body=f"{label} {i:02d}",
            follow_up_on=today - datetime.timedelta(days=count - i),
        )
        for i in range(count)
    ]
