"""Every encrypted field of coaching cycles, written through the real forms by the person who would."""

import datetime

from django.urls import reverse
from django.utils import timezone

from rapport.coaching.models import Agreement, Commitment, Cycle, Session, Visit
from tests.sentinel import SentinelWriter, assert_posted


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _find(queryset, field: str, sentinel: str):
    return next(record for record in queryset if sentinel in getattr(record, field))


def _agreement(world, client_for, sentinel):
    url = reverse("agreement_edit", args=[world.relationship.pk])
    response = client_for(world.coach).post(url, {name: sentinel for name, _ in Agreement.SECTIONS})
    assert_posted(response, "agreement")
    version = Agreement.objects.get(relationship=world.relationship).version
    return [
        reverse("agreement_detail", args=[world.relationship.pk]),
        url,
        reverse("agreement_version", args=[world.relationship.pk, version]),
        reverse("agreement_compare", args=[world.relationship.pk]),
    ]


def _cycle(world, client_for, sentinel):
    url = reverse("cycle_new", args=[world.relationship.pk])
    data = {
        "student_goal": sentinel,
        "measure": sentinel,
        "moves": sentinel,
        "baseline": "3",
        "target": "12",
        "target_date": _tomorrow(),
        "status": "learn",
    }
    assert_posted(client_for(world.coach).post(url, data), "cycle")
    cycle = _find(Cycle.objects.filter(relationship=world.relationship), "student_goal", sentinel)
    return [
        reverse("cycle_detail", args=[world.relationship.pk, cycle.pk]),
        reverse("cycle_edit", args=[world.relationship.pk, cycle.pk]),
    ]


def _evidence(world, client_for, sentinel):
    url = reverse("evidence_add", args=[world.relationship.pk, world.cycle.pk])
    data = {
        "measured_on": timezone.localdate().isoformat(),
        "value": "4",
        "source": "visit",
        "note": sentinel,
    }
    assert_posted(client_for(world.coach).post(url, data), "evidence")
    return [reverse("cycle_detail", args=[world.relationship.pk, world.cycle.pk])]


def _decision(world, client_for, sentinel):
    url = reverse("decision_add", args=[world.relationship.pk, world.cycle.pk])
    data = {"option": sentinel, "proposed_by": "teacher", "teacher_choice": "chosen"}
    assert_posted(client_for(world.coach).post(url, data), "decision")
    return [reverse("cycle_detail", args=[world.relationship.pk, world.cycle.pk])]


def _new_session(world, client, agenda: str, place: str = "Library") -> Session:
    url = reverse("session_new", args=[world.relationship.pk])
    data = {
        "day": _tomorrow(),
        "start": "10:00",
        "end": "10:40",
        "wrap_up": "10:35",
        "place": place,
        "agenda": agenda,
    }
    assert_posted(client.post(url, data), "session")
    return _find(Session.objects.filter(relationship=world.relationship), "agenda", agenda)


def _session_pages(world, session) -> list[str]:
    args = [world.relationship.pk, session.pk]
    return [reverse(name, args=args) for name in ("session_detail", "session_prep", "session_ics")]


def _session(world, client_for, sentinel):
    client = client_for(world.coach)
    session = _new_session(world, client, sentinel)
    url = reverse("session_notes", args=[world.relationship.pk, session.pk])
    assert_posted(client.post(url, {"notes": sentinel, "hold": "1"}), "session notes")
    return _session_pages(world, session)


def _session_place(world, client_for, sentinel):
    session = _new_session(world, client_for(world.coach), "Where we meet.", place=sentinel)
    return _session_pages(world, session)


def _cancelled_session(world, client_for, sentinel):
    client = client_for(world.coach)
    session = _new_session(world, client, "A plain agenda.")
    url = reverse("session_cancel", args=[world.relationship.pk, session.pk])
    assert_posted(client.post(url, {"cancelled_by": "teacher", "reason": sentinel}), "cancel")
    return _session_pages(world, session)


def _summary(world, client_for, sentinel):
    url = reverse("summary_send", args=[world.relationship.pk, world.session.pk])
    assert_posted(client_for(world.coach).post(url, {"message": sentinel}), "summary")
    return _session_pages(world, world.session)


def _commitment(world, client_for, sentinel):
    url = reverse("commitments", args=[world.relationship.pk])
    data = {
        "owner": "teacher",
        "what": sentinel,
        "due_on": _tomorrow(),
        "resource_title": sentinel,
        "resource_url": f"https://resources.example.org/{sentinel}",
    }
    assert_posted(client_for(world.teacher).post(url, data), "commitment")
    assert _find(Commitment.objects.filter(relationship=world.relationship), "what", sentinel)
    return [url]


def _visit(share: bool):
    def write(world, client_for, sentinel):
        client = client_for(world.coach)
        url = reverse("visit_new", args=[world.relationship.pk])
        data = {
            "day": timezone.localdate().isoformat(),
            "start": "09:10",
            "minutes": "15",
            "students_doing": sentinel,
            "what_worked": sentinel,
            "wonderings": sentinel,
        }
        assert_posted(client.post(url, data), "visit")
        visit = _find(Visit.objects.filter(relationship=world.relationship), "students_doing", sentinel)
        if share:
            share_url = reverse("visit_share", args=[world.relationship.pk, visit.pk])
            assert_posted(client.post(share_url), "share visit")
        return [reverse("visit_detail", args=[world.relationship.pk, visit.pk])]

    return write


# Each version keeps its text too (AgreementRevision.text): written by the same save.
AGREEMENT_FIELDS = {f"coaching.Agreement.{name}" for name, _ in Agreement.SECTIONS} | {
    "coaching.AgreementRevision.text"
}
VISIT_FIELDS = {f"coaching.Visit.{name}" for name in ("students_doing", "what_worked", "wonderings")}

WRITERS = [
    SentinelWriter("coaching agreement", AGREEMENT_FIELDS, _agreement),
    SentinelWriter(
        "coaching cycle", {f"coaching.Cycle.{name}" for name in ("student_goal", "measure", "moves")}, _cycle
    ),
    SentinelWriter("evidence note", {"coaching.EvidencePoint.note"}, _evidence),
    SentinelWriter("cycle decision", {"coaching.Decision.option"}, _decision),
    SentinelWriter(
        "session agenda and notes", {"coaching.Session.agenda", "coaching.Session.notes"}, _session
    ),
    SentinelWriter(
        "session place",
        {"coaching.Session.place"},
        _session_place,
        # The coach's calendar link shows each session's place (and only that, and the time).
        shown_by_secret_link=frozenset({"calendar_feed"}),
    ),
    SentinelWriter("cancellation reason", {"coaching.Session.cancel_reason"}, _cancelled_session),
    SentinelWriter("follow-up summary", {"coaching.SentSummary.body"}, _summary),
    SentinelWriter(
        "commitment",
        {f"coaching.Commitment.{name}" for name in ("what", "resource_title", "resource_url")},
        _commitment,
    ),
    SentinelWriter("private visit", VISIT_FIELDS, _visit(share=False)),
    SentinelWriter("shared visit", VISIT_FIELDS, _visit(share=True)),
]
