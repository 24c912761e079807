"""What the big safety nets need on top of tests/world.py to catch a broken policy.

    coach ── coaches ──> second_teacher     (home school, their own relationship)
    second_leader: a second leader of the home school, named in no release.

Marked records, each with a marker in its text that must reach nobody but its readers:

    relationship (coach, teacher)            second_relationship (coach, second_teacher)
      coach_private     the coach only         second_coach_private    the coach only
      teacher_private   the teacher only       second_teacher_private  the second teacher only
      released          both, and leader       second_shared           both members
                        (released to the
                        leader, not to
                        second_leader)

``READERS`` says who may read each record, written out by hand rather than asked of
the policy, and ``policy_answer_failures`` compares it with every answer the policy
gives (``can_view``, ``visible_records`` in general, for one relationship, for a
caseload). ``marker_leaks`` finds the markers a page shows to someone who may not read
them. The authorization matrix and the sentinel test use both; tests/test_safety_nets.py
proves they fail when the policy is weakened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapport.people.models import Role, User
from rapport.privacy import policy
from rapport.privacy.actions import release
from rapport.relationships.models import Relationship, RelationshipRecord, Visibility
from tests.factories import NoteFactory, RelationshipFactory, person

if TYPE_CHECKING:
    from tests.world import World

EXTRA_PEOPLE = ("second_teacher", "second_leader")

# Who may read each marked record (principal names of tests/world.py and EXTRA_PEOPLE).
READERS: dict[str, frozenset[str]] = {
    "coach_private": frozenset({"coach"}),
    "teacher_private": frozenset({"teacher"}),
    "released": frozenset({"coach", "teacher", "leader"}),
    "second_coach_private": frozenset({"coach"}),
    "second_teacher_private": frozenset({"second_teacher"}),
    "second_shared": frozenset({"coach", "second_teacher"}),
}

# Pages that show a record to someone outside READERS by design: the teacher's own data
# export holds every record about them, the coach's private ones included (PRODUCT.md).
SHOWN_BY_DESIGN: dict[str, frozenset[tuple[str, str]]] = {
    "coach_private": frozenset({("teacher", "export_detail"), ("teacher", "export_download")}),
}


def marker(name: str) -> str:
    return f"MARKER-{name.replace('_', '-')}-7f3a"


@dataclass
class Planted:
    second_teacher: User
    second_leader: User
    second_relationship: Relationship
    records: dict[str, RelationshipRecord] = field(default_factory=dict)

    @property
    def markers(self) -> dict[str, str]:
        return {name: marker(name) for name in self.records}


def plant(world: World) -> Planted:
    home = world.relationship.school
    second_teacher = person(
        Role.Kind.TEACHER, home, full_name="Sam Secondteacher", email="second.teacher@example.test"
    )
    second_leader = person(
        Role.Kind.SCHOOL_LEADER, home, full_name="Sage Secondleader", email="second.leader@example.test"
    )
    second = RelationshipFactory(coach=world.coach, teacher=second_teacher, school=home)

    def note(name, relationship, author, visibility=Visibility.PRIVATE):
        body = f"{marker(name)} is in this note, and only its readers may ever see it."
        return NoteFactory(relationship=relationship, author=author, body=body, visibility=visibility)

    records = {
        "coach_private": note("coach_private", world.relationship, world.coach),
        "teacher_private": note("teacher_private", world.relationship, world.teacher),
        "released": note("released", world.relationship, world.coach, Visibility.SHARED),
        "second_coach_private": note("second_coach_private", second, world.coach),
        "second_teacher_private": note("second_teacher_private", second, second_teacher),
        "second_shared": note("second_shared", second, world.coach, Visibility.SHARED),
    }
    release(records["released"], [world.leader], by=world.teacher)
    records["released"].refresh_from_db()
    return Planted(second_teacher, second_leader, second, records)


def people(world: World) -> list[str]:
    """Everyone the nets ask about: the principals of tests/world.py and the extra people."""
    from tests.world import PRINCIPALS

    return [*PRINCIPALS, *(EXTRA_PEOPLE if world.extra is not None else ())]


def world_readers(world: World) -> dict[RelationshipRecord, frozenset[str]]:
    """The records of the world whose readers are known, each with its readers."""
    readers = {
        world.private_note: frozenset({"coach"}),
        world.shared_note: frozenset({"coach", "teacher"}),
        world.released_note: frozenset({"coach", "teacher", "leader"}),
        world.private_visit: frozenset({"coach"}),
        world.shared_visit: frozenset({"coach", "teacher"}),
    }
    if world.extra is not None:
        readers |= {world.extra.records[name]: READERS[name] for name in world.extra.records}
    return readers


def _caseload(world: World, name: str) -> set[int]:
    """The relationships each person coaches in, written out (not asked of the policy)."""
    if name == "coach":
        return {world.relationship.pk} | ({world.extra.second_relationship.pk} if world.extra else set())
    if name == "other_coach":
        return {world.other_relationship.pk}
    return set()


def policy_answer_failures(
    world: World,
    readers: dict[RelationshipRecord, frozenset[str]],
    names: Iterable[str] | None = None,
) -> list[str]:
    """Every answer of the policy, for every person and record, that disagrees with ``readers``."""
    relationships = [world.relationship, world.other_relationship]
    if world.extra is not None:
        relationships.append(world.extra.second_relationship)
    failures: list[str] = []
    for name in names or people(world):
        user = world.principal(name)
        caseload = _caseload(world, name)
        for record, allowed in readers.items():
            model = type(record)
            record = model.objects.select_related("relationship").get(pk=record.pk)
            expected = name in allowed
            where = f"{name} / {model.__name__} {record.pk} ({record.visibility})"
            if policy.can_view(user, record) != expected:
                failures.append(f"can_view: {where} should be {expected}")
            if policy.visible_records(user, model.objects.all()).filter(pk=record.pk).exists() != expected:
                failures.append(f"visible_records: {where} should be {expected}")
            for relationship in relationships:
                found = policy.visible_records(user, model.objects.all(), relationship).filter(pk=record.pk)
                if found.exists() != (expected and record.relationship_id == relationship.pk):
                    failures.append(f"visible_records in relationship {relationship.pk}: {where}")
            in_caseload = policy.visible_records(user, model.objects.all(), caseload=True).filter(
                pk=record.pk
            )
            if in_caseload.exists() != (expected and record.relationship_id in caseload):
                failures.append(f"visible_records of the caseload: {where}")
    return failures


def marker_leaks(world: World, body: str, principal: str, route_name: str | None) -> list[str]:
    """The markers ``body`` shows that ``principal`` may not read (none without the extra world)."""
    if world.extra is None:
        return []
    leaks = []
    for name, text in world.extra.markers.items():
        by_design = (principal, route_name) in SHOWN_BY_DESIGN.get(name, frozenset())
        if text in body and principal not in READERS[name] and not by_design:
            leaks.append(f"{name} shown to {principal}")
    return leaks
