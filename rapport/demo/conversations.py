"""Demo history: two coaching conversations between coach@example.org and teacher@example.org.

Transcripts only (no recordings), in our own words. The first leans on listening and
open questions, and the coach shares it with their coach lead (lead@example.org), by name;
the second shows what the analytics flag when the coach talks too much.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.conversations import actions, transcripts
from rapport.demo.district import DemoDistrict, history_builder
from rapport.privacy.actions import answer_consent, coach_leads_of, share_with_coach_leads

LISTENING_WELL = """[00:00:00] {coach}: Thanks for making time. What's been on your mind since our last visit?
[00:00:09] {teacher}: Mostly the discussion groups in third period. A few students carry every conversation \
and the rest wait it out. I tried giving them roles, but it felt forced.
[00:00:31] {coach}: It sounds like the roles gave some structure but took the life out of the talk.
[00:00:38] {teacher}: Exactly. They were reading their role cards instead of listening to each other.
[00:00:49] {coach}: What did you notice about the students who usually stay quiet?
[00:00:55] {teacher}: Funny enough, two of them spoke more with a sentence starter in front of them. \
Amara asked a real question to her group for the first time.
[00:01:14] {coach}: So the starters opened a door the role cards didn't.
[00:01:19] {teacher}: I think so. Maybe I keep the starters and drop the roles.
[00:01:26] {coach}: How might you find out whether that works for the whole class?
[00:01:31] {teacher}: I could listen in on two groups each day and tally who speaks. \
Then compare after two weeks.
[00:01:45] {coach}: Would it help if I came in Thursday and took the tally with you?
[00:01:50] {teacher}: Yes, that would help a lot.
"""

TALKING_TOO_MUCH = """[00:00:00] {coach}: Good morning! Did the exit tickets go out yesterday?
[00:00:05] {teacher}: They did. About half the class got the second question wrong.
[00:00:11] {coach}: That was a tough question. You should reteach it first thing tomorrow. \
What you need to do is model one example on the board, then have them try two in pairs, \
and make sure you check every pair before they move on. I did that last year and it worked well.
[00:00:40] {teacher}: Okay. I was also wondering whether the wording confused them.
[00:00:46] {coach}: Why didn't you check the wording before you gave it out?
[00:00:51] {teacher}: I ran out of time on Monday.
[00:00:55] {coach}: What I'm hearing is that Mondays are squeezed. What would give you ten more minutes?
[00:01:02] {teacher}: Probably moving the spelling check to Tuesday.
"""


@history_builder
def conversations_history(demo: DemoDistrict, years: int) -> None:
    coach, teacher = demo.accounts.get("coach@example.org"), demo.accounts.get("teacher@example.org")
    if coach is None or teacher is None:
        return
    relationship = next(
        (
            r
            for r in demo.relationships
            if r.coach_id == getattr(coach, "pk", None) and r.teacher_id == teacher.pk
        ),
        None,
    )
    if relationship is None:
        return
    today = timezone.localdate()
    names = {"coach": coach.full_name, "teacher": teacher.full_name.split(" ")[0]}
    imported = [
        actions.import_conversation(
            relationship,
            coach,
            title=title,
            held_on=max(relationship.started_on, today - timedelta(days=days_ago)),
            transcript=transcripts.parse(text.format(**names)),
        )
        for days_ago, title, text in (
            (24, "Discussion groups in third period", LISTENING_WELL),
            (10, "Exit ticket follow-up", TALKING_TOO_MUCH),
        )
    ]
    leads = list(coach_leads_of(coach))
    if leads:
        # The first: the teacher agreed, without being named. The second waits for their answer.
        for ask in share_with_coach_leads(imported[0], leads):
            answer_consent(ask, agree=True, named=False)
        share_with_coach_leads(imported[1], leads)
