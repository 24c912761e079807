"""Demo library: a dozen resources the district's coaches keep, in our own words, and a few shared.

coach@example.org has shared two with teacher@example.org, one of them keeping a promise made for it,
so the teacher's home and the relationship's Resources tab show something to try.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rapport.coaching.models import Commitment, Side
from rapport.demo.district import DemoDistrict, history_builder
from rapport.relationships.models import Comfort, Visibility
from rapport.resources import actions, files
from rapport.resources.models import ContentArea, GoalArea, GradeBand, Resource, ResourceShare

ANY, K2, G35, G68, G912 = GradeBand.ANY, GradeBand.K_2, GradeBand.G3_5, GradeBand.G6_8, GradeBand.G9_12

# (title, link or file name, notes, goal area, subject, grades, readiness)
LIBRARY = [
    (
        "Question stems for student-led discussion",
        "question-stems.pdf",
        "A one-page card of openers students can use to build on, question or disagree with a classmate. "
        "Print one per table group and retire the stems they no longer need.",
        GoalArea.DISCUSSION,
        ContentArea.ANY,
        G35,
        Comfort.NEW,
    ),
    (
        "Planning a turn-and-talk that is worth the time",
        "https://example.org/library/turn-and-talk-planning",
        "Three questions to answer before the lesson: what partners talk about, what each partner does, "
        "and how you will hear a few pairs.",
        GoalArea.DISCUSSION,
        ContentArea.ANY,
        ANY,
        Comfort.WARMING_UP,
    ),
    (
        "Wait time: a short video study",
        "https://example.org/library/wait-time-video",
        "Twelve minutes of classroom footage with pauses to count seconds after a question. Works well "
        "watched together in a session, then tried for a week.",
        GoalArea.QUESTIONING,
        ContentArea.ANY,
        ANY,
        None,
    ),
    (
        "Routines for the first five minutes",
        "first-five-minutes.pdf",
        "A planning sheet for the start of class: what is on the board, what students do without being "
        "asked, and how you know everyone began.",
        GoalArea.COMMUNITY,
        ContentArea.ANY,
        G68,
        Comfort.NEW,
    ),
    (
        "Exit tickets that tell you what to teach tomorrow",
        "https://example.org/library/exit-tickets",
        "Examples of two-question exit tickets in several subjects, sorted by what the answers let you "
        "decide. Pairs well with sorting them into three piles together.",
        GoalArea.FEEDBACK,
        ContentArea.ANY,
        ANY,
        Comfort.WARMING_UP,
    ),
    (
        "Peer feedback protocol for drafts",
        "peer-feedback-protocol.pdf",
        "A ten-minute protocol: the writer asks for one kind of help, the partner names one strength and "
        "one next step. Includes a model round to act out.",
        GoalArea.WRITING,
        ContentArea.ELA,
        G68,
        Comfort.AT_EASE,
    ),
    (
        "Number talks to start a math lesson",
        "https://example.org/library/number-talks",
        "How to run a five-minute mental math routine where students share several ways to the same "
        "answer. A good first step toward explaining reasoning aloud.",
        GoalArea.MATH_REASONING,
        ContentArea.MATH,
        G35,
        Comfort.NEW,
    ),
    (
        "Reasoning prompts for problem solving",
        "https://example.org/library/reasoning-prompts",
        "Prompts that push past the answer: how do you know, will it always work, what would change if. "
        "For teachers already comfortable with open tasks.",
        GoalArea.MATH_REASONING,
        ContentArea.MATH,
        G68,
        Comfort.SEEKS_IT_OUT,
    ),
    (
        "Reading conferences in ten minutes a day",
        "https://example.org/library/reading-conferences",
        "A simple rotation for meeting three readers a day, with a note-taking grid that fits on a "
        "clipboard.",
        GoalArea.READING,
        ContentArea.ELA,
        K2,
        Comfort.WARMING_UP,
    ),
    (
        "Small-group planning template",
        "small-group-template.pdf",
        "One page to plan a week of small groups: who, what skill, what they practise, and how you will "
        "know it stuck.",
        GoalArea.DIFFERENTIATION,
        ContentArea.ANY,
        ANY,
        None,
    ),
    (
        "Getting started with shared slides for group work",
        "https://example.org/library/shared-slides",
        "A walkthrough for giving each group its own slide in one shared deck, so you can watch progress "
        "from your desk. Written for someone new to it.",
        GoalArea.TECHNOLOGY,
        ContentArea.ANY,
        G912,
        Comfort.NEW,
    ),
    (
        "Participation tracker for science labs",
        "https://example.org/library/lab-participation",
        "A quick tally sheet for noticing which students handle materials and which only watch, with "
        "ideas for rotating lab roles.",
        GoalArea.ENGAGEMENT,
        ContentArea.SCIENCE,
        G912,
        None,
    ),
]

SHARE_NOTES = [
    "Here is the card I mentioned. Try two of the stems first and see which ones students pick up.",
    "The video we talked about. Worth watching the second clip twice.",
    "As promised: the template we sketched together on Tuesday.",
]


def _pdf(title: str) -> bytes:
    """A small valid PDF showing the title: demo files that open in any viewer."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


@history_builder
def library_history(demo: DemoDistrict, years: int) -> None:
    coaches = demo.coaches
    added = []
    for index, (title, where, notes, goal, subject, grades, readiness) in enumerate(LIBRARY):
        fields = {
            "title": title,
            "link": "" if where.endswith(".pdf") else where,
            "notes": notes,
            "goal_area": goal,
            "content_area": subject,
            "grade_band": grades,
            "readiness": readiness,
        }
        upload = SimpleUploadedFile(where, _pdf(title), "application/pdf") if where.endswith(".pdf") else None
        resource = actions.add_resource(
            coaches[index % min(len(coaches), 3)],
            demo.district.pk,
            fields,
            upload,
            files.PDF if upload else None,
        )
        added.append(resource)
    Resource.objects.filter(pk__in=[r.pk for r in added]).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    _share_with_the_demo_teacher(demo, added)


def _share_with_the_demo_teacher(demo: DemoDistrict, added: list[Resource]) -> None:
    pair = demo.relationships[0]  # coach@example.org and teacher@example.org
    # A promise of its own, kept by the share: the pair's other open promises stay open to try.
    promise = Commitment.objects.create(
        relationship=pair,
        author=pair.coach,
        visibility=Visibility.SHARED,
        owner=Side.COACH,
        what="Find a short video on wait time",
        due_on=timezone.localdate() + datetime.timedelta(days=1),
        created_at=timezone.now() - datetime.timedelta(days=6),
    )
    actions.share_resource(pair, pair.coach, added[0], SHARE_NOTES[0])
    actions.share_resource(pair, pair.coach, added[2], SHARE_NOTES[1], promise)
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    ResourceShare.objects.filter(relationship=pair).update(created_at=two_days_ago)
    Commitment.objects.filter(pk=promise.pk).update(done_on=timezone.localtime(two_days_ago).date())
    # A share a while ago in two other relationships, so the library is seen in use.
    for relationship, resource in zip(demo.relationships[1:3], added[4:6], strict=False):
        if not relationship.is_peer:
            actions.share_resource(relationship, relationship.coach, resource, SHARE_NOTES[2])
