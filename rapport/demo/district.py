"""A realistic, deterministic demo district, written in our own words.

The same flags always build the same district (names, schools, caseloads,
history), so screenshots, tests and benchmarks are repeatable. Each
capability adds its own history through the ``HISTORY_BUILDERS`` list.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import import_module
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from rapport.people.models import CoachLeadAssignment, District, Role, School, User
from rapport.relationships.models import Note, Relationship, Visibility

Item = TypeVar("Item")

DEMO_PASSWORD = "demo-password"  # noqa: S105 - the documented demo login

DEMO_ACCOUNTS = [
    ("coach@example.org", "Maya Okafor", "coach — teacher@example.org is on her caseload"),
    ("coach2@example.org", "Tomás Lindqvist", "coach at another school"),
    ("teacher@example.org", "Daniel Reyes", "teacher coached by coach@example.org"),
    ("teacher2@example.org", "Priya Natarajan", "teacher, not on coach@example.org's caseload"),
    ("leader@example.org", "Grace Whitfield", "school leader of teacher@example.org's school"),
    ("lead@example.org", "Samuel Adeyemi", "coach lead of coach@example.org"),
    ("admin@example.org", "Ines Carvalho", "site administrator"),
]

SCHOOL_NAMES = [
    "Maple Street Elementary",
    "Cedar Hollow Middle",
    "Harbor View High",
    "Juniper Park Elementary",
    "Willow Creek Elementary",
    "Northgate Middle",
    "Lakeside High",
    "Birchwood Elementary",
    "Sandstone Middle",
    "Riverside Elementary",
    "Foxglove Elementary",
    "Summit Ridge High",
    "Orchard Lane Elementary",
    "Pinecrest Middle",
    "Eastbrook Elementary",
    "Granite Falls High",
    "Meadowlark Elementary",
    "Copper Canyon Middle",
    "Bayshore Elementary",
    "Highland Prairie High",
    "Silver Birch Elementary",
    "Thornfield Middle",
    "Clearwater Elementary",
    "Ashford High",
    "Larkspur Elementary",
    "Redwood Middle",
    "Stonebridge Elementary",
    "Westfield High",
]
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Carmen",
    "Dev",
    "Elena",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jade",
    "Kofi",
    "Lucia",
    "Mateo",
    "Nadia",
    "Omar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amara",
    "Bruno",
    "Chloe",
    "Darius",
    "Esme",
    "Felix",
    "Greta",
    "Hugo",
    "Iris",
    "Jonah",
    "Keiko",
    "Leo",
    "Mira",
    "Nico",
    "Olive",
    "Pedro",
    "Ruth",
    "Soren",
]
LAST_NAMES = [
    "Abbott",
    "Baptiste",
    "Chen",
    "Dlamini",
    "Eriksen",
    "Fontaine",
    "Garcia",
    "Haddad",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Mensah",
    "Nakamura",
    "Oyelaran",
    "Petrov",
    "Quispe",
    "Rossi",
    "Singh",
    "Tanaka",
    "Ueda",
    "Valdez",
    "Walsh",
    "Xu",
    "Yilmaz",
    "Zamora",
    "Achebe",
    "Brennan",
    "Castillo",
    "Duarte",
    "Ekwueme",
    "Fischer",
    "Grant",
    "Holm",
    "Iyer",
    "Juarez",
    "Kim",
    "Larsen",
]
FOCUSES = ["Literacy", "Math", "Science", "Technology", "Classroom community"]

# Our own sentences for a coach's notes; {name} is the teacher's first name.
NOTE_TEXTS = [
    "{name} is proud of how the reading corner turned out; ask to see it with students in it.",
    "{name}'s daughter starts kindergarten this month — a big week at home.",
    "{name} prefers feedback in writing first, then a short talk the next day.",
    "Talked about exit tickets. {name} wants to try one question, not three.",
    "{name} coaches the robotics club on Thursdays, so afternoons that day are out.",
    "{name} felt the fractions lesson dragged; wants ideas for a quicker launch.",
    "Noticed {name} greeting every student by name at the door. Worth naming next time.",
    "{name} is running a half marathon in the spring and loves talking about training.",
    "{name} asked for help with small-group rotations; bring the timer idea.",
    "Parent conferences next week; {name} is tired. Keep our meeting short and practical.",
    "{name} wants students to ask each other more questions during discussions.",
    "{name} mentioned a new puppy named Biscuit. Ask how training is going.",
]

# Our own sentences for a teacher's notes, in the teacher's voice: what they tried, what
# they want to look at with their coach, and what they keep to themselves.
TEACHER_NOTE_TEXTS = [
    "Tried a single exit-ticket question today. Nearly everyone answered, even the back table.",
    "The timer helped the rotations, but moving from the second group to the third still drags.",
    "I'd like you to see third period: they are the class I find hardest to get talking.",
    "Moved the reading corner by the windows. Two students asked if they could stay at lunch.",
    "Not sure the turn-and-talk prompts work yet. Could we look at two of them together?",
    "Conferences went better than I feared. The student portfolios did most of the talking.",
    "I want to try calling on students without hands up, after a warm-up. Nervous about it.",
    "A rough week. I'd rather we met briefly and picked just one thing to work on.",
    "Today students asked each other questions in the discussion before I said a word.",
    "Could we meet on a morning this month? Thursday afternoons are taken until the spring.",
    "Wrote down what I say when a group gets stuck. I repeat the same three phrases.",
    "Proud of the fractions launch this time: ten minutes, and every group had a way in.",
]


@dataclass
class DemoDistrict:
    district: District
    schools: list[School]
    coaches: list[User]
    teachers: list[User]
    relationships: list[Relationship]
    start: date
    rng: random.Random
    accounts: dict[str, User] = field(default_factory=dict)
    # When each relationship's meetings must end, from the teacher's profile: sessions keep to it.
    usual_wrap_ups: dict[int, time] = field(default_factory=dict)

    def varied(self, items: list[Item]) -> Iterator[Item]:
        """The items in a random order, none again until every one has come (then a new order)."""
        while True:
            yield from self.rng.sample(items, len(items))


HistoryBuilder = Callable[[DemoDistrict, int], None]
HISTORY_BUILDERS: list[HistoryBuilder] = []
# The history of each capability (rapport/demo/<name>.py), each building on the ones before it;
# search comes last, to index everything the others wrote.
HISTORY_MODULES = ("relationships", "coaching", "conversations", "insights", "resources", "search")


def history_builder(func: HistoryBuilder) -> HistoryBuilder:
    """Capabilities register what history they add to the demo district."""
    HISTORY_BUILDERS.append(func)
    return func


def demo_exists() -> bool:
    return User.objects.filter(email="coach@example.org").exists()


def _person_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in taken and len(taken) < len(FIRST_NAMES) * len(LAST_NAMES):
            continue
        taken.add(name)
        names.append(name)
    return names


def _slug(name: str, index: int) -> str:
    return f"{name.lower().replace(' ', '.')}.{index}@riverbend.example.org"


@transaction.atomic
def build(
    schools: int = 3, coaches: int = 4, teachers: int = 40, years: int = 1, seed: int = 2026
) -> DemoDistrict:
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - timedelta(days=365 * years)
    password_hash = make_password(DEMO_PASSWORD)  # one hash for every demo account: seeding stays fast

    district = District.objects.create(name="Riverbend Unified School District", sourced_id="demo-district")
    school_names = [
        SCHOOL_NAMES[i % len(SCHOOL_NAMES)]
        + ("" if i < len(SCHOOL_NAMES) else f" {i // len(SCHOOL_NAMES) + 1}")
        for i in range(max(schools, 2))
    ]
    school_objs = School.objects.bulk_create(
        School(district=district, name=name, sourced_id=f"demo-school-{i}")
        for i, name in enumerate(school_names)
    )
    home_school, other_school = school_objs[0], school_objs[1]

    accounts = {
        email: User(email=email, full_name=name, password=password_hash) for email, name, _ in DEMO_ACCOUNTS
    }
    accounts["admin@example.org"].is_staff = True
    accounts["admin@example.org"].is_superuser = True
    taken = {name for _, name, _ in DEMO_ACCOUNTS}
    extra_coach_count = max(coaches - 2, 0)
    extra_teacher_count = max(teachers - 2, 0)
    extra_coaches = [
        User(email=_slug(name, i), full_name=name, password=password_hash)
        for i, name in enumerate(_person_names(rng, extra_coach_count, taken))
    ]
    extra_teachers = [
        User(email=_slug(name, i + extra_coach_count), full_name=name, password=password_hash)
        for i, name in enumerate(_person_names(rng, extra_teacher_count, taken))
    ]
    User.objects.bulk_create([*accounts.values(), *extra_coaches, *extra_teachers], batch_size=1000)
    # bulk_create sets primary keys on PostgreSQL and SQLite alike.
    coach, coach2 = accounts["coach@example.org"], accounts["coach2@example.org"]
    teacher, teacher2 = accounts["teacher@example.org"], accounts["teacher2@example.org"]
    all_coaches = [coach, coach2, *extra_coaches]
    all_teachers = [teacher, teacher2, *extra_teachers]

    coach_school = {coach.pk: home_school, coach2.pk: other_school}
    for i, extra in enumerate(extra_coaches):
        coach_school[extra.pk] = school_objs[(i + 2) % len(school_objs)]
    teacher_school = {teacher.pk: home_school, teacher2.pk: other_school}
    for i, extra in enumerate(extra_teachers):
        teacher_school[extra.pk] = school_objs[i % len(school_objs)]

    roles = [
        Role(
            user=accounts["leader@example.org"],
            kind=Role.Kind.SCHOOL_LEADER,
            district=district,
            school=home_school,
        ),
        Role(user=accounts["lead@example.org"], kind=Role.Kind.COACH_LEAD, district=district),
        Role(user=accounts["admin@example.org"], kind=Role.Kind.SITE_ADMIN, district=district),
        *(
            Role(user=c, kind=Role.Kind.COACH, district=district, school=coach_school[c.pk])
            for c in all_coaches
        ),
        *(
            Role(user=t, kind=Role.Kind.TEACHER, district=district, school=teacher_school[t.pk])
            for t in all_teachers
        ),
    ]
    # Every other school gets a leader too, so leader reports have someone to read them.
    leader_names = _person_names(rng, len(school_objs) - 1, taken)
    other_leaders = User.objects.bulk_create(
        User(email=_slug(name, 100000 + i), full_name=name, password=password_hash)
        for i, name in enumerate(leader_names)
    )
    roles += [
        Role(user=leader, kind=Role.Kind.SCHOOL_LEADER, district=district, school=school)
        for leader, school in zip(other_leaders, school_objs[1:], strict=True)
    ]
    Role.objects.bulk_create(roles, batch_size=1000)
    CoachLeadAssignment.objects.bulk_create(
        CoachLeadAssignment(coach_lead=accounts["lead@example.org"], coach=c) for c in (coach, coach2)
    )

    # Caseloads: each teacher has the coach of their school (or a coach picked
    # deterministically); one in eight also has a second coach for math.
    coaches_by_school: dict[int, list[User]] = {}
    for c in all_coaches:
        coaches_by_school.setdefault(coach_school[c.pk].pk, []).append(c)
    relationships = [
        Relationship(coach=coach, teacher=teacher, school=home_school, focus="Literacy", started_on=start),
        Relationship(coach=coach2, teacher=teacher2, school=other_school, focus="Math", started_on=start),
    ]
    for i, t in enumerate(extra_teachers):
        school = teacher_school[t.pk]
        candidates = coaches_by_school.get(school.pk) or all_coaches
        first = candidates[i % len(candidates)]
        relationships.append(
            Relationship(
                coach=first,
                teacher=t,
                school=school,
                focus=FOCUSES[i % 2],
                started_on=start + timedelta(days=rng.randint(0, 60)),
            )
        )
        if i % 8 == 3 and len(all_coaches) > 1:
            second = all_coaches[(all_coaches.index(first) + 1) % len(all_coaches)]
            relationships.append(
                Relationship(
                    coach=second,
                    teacher=t,
                    school=school,
                    focus="Math" if FOCUSES[i % 2] != "Math" else "Literacy",
                    started_on=start + timedelta(days=rng.randint(0, 90)),
                )
            )
    # Peer coaching: two teachers at coach2's school coach each other.
    peers = [t for t in extra_teachers if teacher_school[t.pk] == other_school][:1]
    if peers:
        relationships.append(
            Relationship(
                kind=Relationship.Kind.PEER,
                coach=teacher2,
                teacher=peers[0],
                school=other_school,
                focus="Peer coaching",
                started_on=start,
            )
        )
    Relationship.objects.bulk_create(relationships, batch_size=1000)

    demo = DemoDistrict(
        district=district,
        schools=school_objs,
        coaches=all_coaches,
        teachers=all_teachers,
        relationships=relationships,
        start=start,
        rng=rng,
        accounts=accounts,
    )
    # Each capability's rapport/<app>/demo.py registers its history builders.
    for name in HISTORY_MODULES:
        import_module(f"rapport.demo.{name}")  # each registers its builders once, in this order
    for builder in HISTORY_BUILDERS:
        builder(demo, years)
    return demo


def demo_moment(demo: DemoDistrict, day: date, hour: int = 15) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, demo.rng.randint(0, 59))))


@history_builder
def notes_history(demo: DemoDistrict, years: int) -> None:
    """Notes: a coach's about every three weeks per teacher, a few shared; the teacher's own
    about every six weeks, most of them shared with the coach (what coaches read of
    teachers goes to the access log, as in real use)."""
    today = timezone.localdate()
    notes = []
    for relationship in demo.relationships:
        first_name = relationship.teacher.full_name.split(" ")[0]
        coach_texts, teacher_texts = demo.varied(NOTE_TEXTS), demo.varied(TEACHER_NOTE_TEXTS)
        day = relationship.started_on
        while day < today:
            text = next(coach_texts).format(name=first_name)
            visibility = Visibility.SHARED if demo.rng.random() < 0.2 else Visibility.PRIVATE
            notes.append(_demo_note(demo, relationship, relationship.coach_id, text, visibility, day))
            day += timedelta(days=demo.rng.randint(14, 28))
        day = relationship.started_on + timedelta(days=demo.rng.randint(7, 42))
        written = 0
        while day < today:
            # Most shared with the coach; the second one always kept to themselves.
            shared = written != 1 and demo.rng.random() < 0.7
            visibility = Visibility.SHARED if shared else Visibility.PRIVATE
            written += 1
            text = next(teacher_texts)
            notes.append(_demo_note(demo, relationship, relationship.teacher_id, text, visibility, day))
            day += timedelta(days=demo.rng.randint(28, 63))
    Note.objects.bulk_create(notes, batch_size=2000)


def _demo_note(demo: DemoDistrict, relationship, author_id: int, body: str, visibility, day: date) -> Note:
    return Note(
        relationship=relationship,
        author_id=author_id,
        visibility=visibility,
        body=body,
        created_at=demo_moment(demo, day),
    )
