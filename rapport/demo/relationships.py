"""Demo history for relationship memory, presence and noticing the good.

Deterministic (``demo.rng``), written in our own words, and built with
``bulk_create`` so a district of thousands of teachers over years stays quick.
coach@example.org finds follow-ups due today and teachers she has not seen lately.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from rapport.demo.district import DemoDistrict, demo_moment, history_builder
from rapport.relationships.models import (
    Appreciation,
    Comfort,
    Note,
    Noticing,
    ReadinessProfile,
    Relationship,
    TeacherProfile,
    Touchpoint,
    Visibility,
)

GRADES = ["K", "1", "2", "3", "4", "5", "6", "7", "8", "9-10", "11-12"]
SUBJECTS = ["Reading and writing", "Math", "Science", "Social studies", "Art", "Music", "All subjects"]
FEEDBACK_WAYS = [
    "In writing first, then a short talk the next day.",
    "Straight away and in person, while the lesson is fresh.",
    "One thing at a time, with an example of what it could look like.",
    "A quick question to think about before we talk.",
]
BEST_TIMES = [
    "Tuesday mornings before the bell",
    "Thursday planning period",
    "Right after lunch",
    "Friday afternoons",
]
# When teachers must wrap up: the end of a planning period or lunch, or after school.
WRAP_UPS = [time(8, 5), time(10, 25), time(11, 50), time(13, 15), time(14, 40), time(15, 45), time(16, 0)]
READINESS_NOTES = [
    "Start from the routines already working; offer ideas rather than plans.",
    "Keen on new tools; pair any tech idea with a low-tech backup.",
    "New to being coached. Keep the first meetings short and concrete.",
    "Likes to see it done first. Offer to model a part of a lesson.",
]
TOUCHPOINT_NOTES = [
    "Quick hello at the copier.",
    "Shared a laugh about the fire drill.",
    "Asked how the week was going.",
    "Dropped off the book we talked about.",
    "Stopped by to say welcome back.",
]
NOTICINGS = [
    "{name} greeted every student at the door by name, and the room settled quickly.",
    "In {name}'s class, partners explained their thinking to each other before sharing out.",
    "{name} used a short wait before calling on anyone; more hands went up the second time.",
    "The anchor chart {name} built with the class was being used by students on their own.",
    "{name} turned a wrong answer into the best question of the lesson.",
    "Students in {name}'s room moved from stations to the carpet in under a minute.",
    "{name} checked in with the quiet group first, and they got going right away.",
    "{name}'s exit ticket had one clear question, and the answers shaped the next lesson.",
    "{name} paused the class to read one student's sentence aloud, and three more hands went up.",
    "When the projector failed, {name} switched to the whiteboard without losing anyone.",
    "{name} gave the group that finished early a harder version, not more of the same.",
    "A student who rarely speaks answered in {name}'s class; {name} let the silence do the work.",
    "{name}'s lab groups each had a job card, and nobody sat out.",
    "{name} asked 'how do you know?' twice, and the second answers were much richer.",
    "The word wall in {name}'s room had student examples on it, in their handwriting.",
    "{name} ended the lesson by asking students what was still confusing, and wrote it down.",
    "{name} knelt beside a struggling reader and let them find the word on their own.",
    "In {name}'s room, students used the sentence starters without being reminded.",
]
APPRECIATION_ENDINGS = [
    "Thank you — it made a real difference for your students.",
    "I wanted you to know I noticed. It was a pleasure to see.",
    "That kind of care is why students feel safe to try in your room.",
    "Small moves like that add up; your students are lucky.",
    "I have been thinking about it since. Thank you for letting me visit.",
    "It was the kind of moment I wish every new teacher could watch.",
    "Your students noticed it too — you could see it on their faces.",
]
FOLLOW_UPS = [
    ("events", "Ask {name} how the school play went."),
    ("family", "Ask {name} how the new baby is sleeping."),
    ("interests", "Ask {name} about the marathon training."),
    ("events", "Ask {name} how the field trip to the science museum went."),
    ("favourites", "Bring {name} a cinnamon tea — the favourite."),
    ("family", "Ask {name} whether their mother is home from the hospital."),
    ("interests", "Ask {name} how the pottery class is going."),
    ("events", "Ask {name} how the science fair judging went."),
    ("family", "Ask {name} how their son's first week of middle school was."),
    ("interests", "Ask {name} if the garden club got its seedlings in."),
    ("events", "Ask {name} how the district math night went."),
    ("favourites", "Bring {name} the graphic novel we talked about."),
    ("interests", "Ask {name} how the choir concert rehearsals are going."),
    ("family", "Ask {name} how the move to the new apartment went."),
    ("events", "Ask {name} how the parent conferences went."),
    ("interests", "Ask {name} about the camping trip this weekend."),
    ("favourites", "Save {name} a seat at the Friday staff breakfast."),
    ("family", "Ask {name} how their dad's birthday dinner went."),
    ("interests", "Ask {name} whether the book club picked the next title."),
    ("events", "Ask {name} how the grade-level planning day went."),
    ("favourites", "Bring {name} the spare set of dry-erase markers."),
    ("interests", "Ask {name} how the new puppy is settling in."),
    ("events", "Ask {name} how the first robotics club meeting went."),
    ("family", "Ask {name} how their daughter's recital went."),
]


def _first_name(relationship: Relationship) -> str:
    return relationship.teacher.full_name.split(" ")[0]


def _profiles(demo: DemoDistrict) -> None:
    rng = demo.rng
    profiles, readiness = [], []
    for relationship in demo.relationships:
        demo.usual_wrap_ups[relationship.pk] = rng.choice(WRAP_UPS)
        profiles.append(
            TeacherProfile(
                relationship=relationship,
                author_id=relationship.coach_id,
                visibility=Visibility.SHARED,
                preferred_name=_first_name(relationship),
                grades=rng.choice(GRADES),
                subjects=rng.choice(SUBJECTS),
                years_of_experience=rng.randint(1, 25),
                feedback_preferences=rng.choice(FEEDBACK_WAYS),
                best_times=rng.choice(BEST_TIMES),
                usual_wrap_up=demo.usual_wrap_ups[relationship.pk],
            )
        )
        readiness.append(
            ReadinessProfile(
                relationship=relationship,
                author_id=relationship.coach_id,
                comfort_with_coaching=rng.choice(Comfort.values),
                comfort_with_technology=rng.choice(Comfort.values),
                notes=rng.choice(READINESS_NOTES),
            )
        )
    TeacherProfile.objects.bulk_create(profiles, batch_size=2000)
    ReadinessProfile.objects.bulk_create(readiness, batch_size=2000)


def _days(demo: DemoDistrict, start: date, end: date, low: int, high: int):
    day = start + timedelta(days=demo.rng.randint(0, low))
    while day < end:
        yield day
        day += timedelta(days=demo.rng.randint(low, high))


@history_builder
def presence_and_noticing_history(demo: DemoDistrict, years: int) -> None:
    """Touchpoints every couple of weeks, noticings every few weeks, an appreciation for
    about one noticing in three, profiles for everyone, and a few follow-ups."""
    rng = demo.rng
    today = timezone.localdate()
    _profiles(demo)
    coach = demo.accounts.get("coach@example.org")
    touchpoints, noticings, appreciations, links, notes = [], [], [], [], []
    last_contact: dict[int, datetime] = {}
    # One coach's follow-ups do not repeat across their caseload until all have been used.
    follow_ups_of: dict[int, Iterator[tuple[str, str]]] = {}
    for index, relationship in enumerate(demo.relationships):
        name = _first_name(relationship)
        # Each teacher's noticings and appreciations go through the sentences without repeating
        # one until all have been used, as a coach's would vary.
        noticing_texts, endings = demo.varied(NOTICINGS), demo.varied(APPRECIATION_ENDINGS)
        # About one teacher in five has not been seen lately, so coverage has something to show.
        quiet_since = today - timedelta(days=rng.randint(16, 30)) if index % 5 == 4 else today
        for day in _days(demo, relationship.started_on, quiet_since, 8, 24):
            at = demo_moment(demo, day, hour=rng.choice([7, 8, 12, 15]))
            note = rng.choice(TOUCHPOINT_NOTES) if rng.random() < 0.25 else ""
            touchpoints.append(
                Touchpoint(
                    relationship=relationship,
                    author_id=relationship.coach_id,
                    kind=rng.choice(Touchpoint.Kind.values),
                    note=note,
                    happened_at=at,
                    created_at=at,
                )
            )
            last_contact[relationship.pk] = at
        if quiet_since == today and relationship.started_on < today:
            # Everyone else was seen in the last ten days.
            at = demo_moment(demo, today - timedelta(days=rng.randint(1, 10)), hour=8)
            touchpoints.append(
                Touchpoint(
                    relationship=relationship,
                    author_id=relationship.coach_id,
                    kind=Touchpoint.Kind.HALLWAY,
                    happened_at=at,
                    created_at=at,
                )
            )
            last_contact[relationship.pk] = max(last_contact.get(relationship.pk, at), at)
        for day in _days(demo, relationship.started_on, quiet_since, 15, 40):
            body = next(noticing_texts).format(name=name)
            noticing = Noticing(
                relationship=relationship,
                author_id=relationship.coach_id,
                body=body,
                noticed_on=day,
                created_at=demo_moment(demo, day),
            )
            noticings.append(noticing)
            if rng.random() < 0.35:
                sent_at = demo_moment(demo, min(day + timedelta(days=1), today), hour=17)
                appreciations.append(
                    Appreciation(
                        relationship=relationship,
                        author_id=relationship.coach_id,
                        visibility=Visibility.SHARED,
                        message=f"{body}\n\n{next(endings)}",
                        sent_to=relationship.teacher.email,
                        sent_at=sent_at,
                        created_at=sent_at,
                    )
                )
                links.append((len(appreciations) - 1, noticing))
                last_contact[relationship.pk] = max(last_contact.get(relationship.pk, sent_at), sent_at)
        mine = coach is not None and relationship.coach_id == coach.pk
        follow_ups = follow_ups_of.setdefault(relationship.coach_id, demo.varied(FOLLOW_UPS))
        for n in range(2 if mine else 1):
            kind, text = next(follow_ups)
            # Half of coach@example.org's teachers have one due today; the rest are spread around.
            offset = 0 if mine and n == 0 and index % 2 == 0 else rng.randint(-3, 20)
            notes.append(
                Note(
                    relationship=relationship,
                    author_id=relationship.coach_id,
                    kind=kind,
                    body=text.format(name=name),
                    follow_up_on=today + timedelta(days=offset),
                    created_at=demo_moment(demo, today - timedelta(days=rng.randint(1, 14))),
                )
            )
    Touchpoint.objects.bulk_create(touchpoints, batch_size=2000)
    Noticing.objects.bulk_create(noticings, batch_size=2000)
    Appreciation.objects.bulk_create(appreciations, batch_size=2000)
    Through = Appreciation.noticings.through
    Through.objects.bulk_create(
        (Through(appreciation_id=appreciations[i].pk, noticing_id=noticing.pk) for i, noticing in links),
        batch_size=5000,
    )
    Note.objects.bulk_create(notes, batch_size=2000)
    for relationship in demo.relationships:
        relationship.last_contact_at = last_contact.get(relationship.pk)
    Relationship.objects.bulk_update(demo.relationships, ["last_contact_at"], batch_size=2000)


@history_builder
def coach_lead_space_history(demo: DemoDistrict, years: int) -> None:
    """lead@example.org's space with coach@example.org: a few weeks of getting to know each
    other, with a note each side keeps private and one the coach shares."""
    from rapport.relationships.actions import NotYourCoach, open_coach_lead_space, record_contact

    lead, coach = demo.accounts.get("lead@example.org"), demo.accounts.get("coach@example.org")
    if lead is None or coach is None:
        return
    try:
        space = open_coach_lead_space(lead, coach)
    except NotYourCoach:
        return
    today = timezone.localdate()
    # The space began three weeks ago, before its first note (the page says "since …").
    Relationship.objects.filter(pk=space.pk).update(started_on=today - timedelta(days=21))
    notes = [
        (coach, Visibility.SHARED, 20, "What I would like help with: leaving silence after a question."),
        (coach, Visibility.PRIVATE, 18, f"Ask {lead.get_short_name()} how they keep notes while recording."),
        (
            lead,
            Visibility.PRIVATE,
            15,
            f"{coach.get_short_name()} prefers feedback in writing first, then a talk.",
        ),
        (lead, Visibility.SHARED, 6, "Thank you for trusting me with the exit-ticket conversation."),
    ]
    for author, visibility, days_ago, body in notes:
        Note.objects.create(
            relationship=space,
            author=author,
            visibility=visibility,
            body=body,
            created_at=demo_moment(demo, today - timedelta(days=days_ago)),
        )
    when = demo_moment(demo, today - timedelta(days=6), hour=12)
    Touchpoint.objects.create(
        relationship=space,
        author=lead,
        visibility=Visibility.SHARED,
        kind=Touchpoint.Kind.LUNCH,
        happened_at=when,
    )
    record_contact(space, when)
