"""The real background work the fault run queues: exports and session reminder emails.

Besides its ledger jobs (``bench/jobs.py``), the fault run queues work that users
start: caseload exports (a file each) and tomorrow's session reminders (two emails
each, written by Django's file email backend into a folder). Afterwards every
export must be finished with exactly one file, no file left behind, and every
reminder's two emails sent exactly once.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

MAIL_SEPARATOR = "-" * 79  # what Django's file backend writes between two messages


@dataclass
class RealJobs:
    export_ids: list[int]
    session_ids: list[int]
    files_before: set[str]


def export_files(media_root: Path) -> set[str]:
    folder = media_root / "exports"
    return {f"exports/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


def queue(coaches: list, reminders: int, media_root: Path) -> RealJobs:
    """One caseload export per coach and ``reminders`` session reminders, all on the queue."""
    from rapport.coaching.models import Session
    from rapport.coaching.tasks import send_session_reminder
    from rapport.insights.actions import start_export
    from rapport.insights.models import Export

    files_before = export_files(media_root)
    export_ids = [start_export(coach, Export.Kind.CASELOAD_CSV).pk for coach in coaches]
    # One session per relationship: each email's (recipient, subject) is then unique.
    sessions: dict[int, int] = {}
    for session in Session.objects.filter(status=Session.Status.SCHEDULED).order_by("pk").iterator():
        sessions.setdefault(session.relationship_id, session.pk)
        if len(sessions) == reminders:
            break
    session_ids = list(sessions.values())
    Session.objects.filter(pk__in=session_ids).update(
        reminder_sent_at=None, reminder_claimed_by="", reminder_claimed_at=None
    )
    for session_id in session_ids:
        send_session_reminder.enqueue(session_id)
    return RealJobs(export_ids, session_ids, files_before)


def exports_done(jobs: RealJobs) -> int:
    from rapport.insights.models import Export

    return Export.objects.filter(pk__in=jobs.export_ids, status=Export.Status.DONE).count()


def problems(jobs: RealJobs, mail_folder: Path, media_root: Path) -> list[str]:
    from collections import Counter

    from rapport.coaching.models import Session
    from rapport.insights.models import Export

    found = []
    exports = list(Export.objects.filter(pk__in=jobs.export_ids))
    unfinished = [e.pk for e in exports if e.status != Export.Status.DONE or not e.file]
    kept = {e.file.name for e in exports if e.file}
    left_behind = export_files(media_root) - jobs.files_before - kept
    print(
        f"exports: {len(jobs.export_ids)} queued, {len(exports) - len(unfinished)} finished, "
        f"{len(kept)} files kept, {len(left_behind)} files left behind"
    )
    if unfinished:
        found.append(f"{len(unfinished)} exports never finished")
    if left_behind:
        found.append(f"{len(left_behind)} export files left behind")

    sent: Counter[tuple[str, str]] = Counter()
    for path in mail_folder.glob("*.log") if mail_folder.exists() else []:
        for raw in path.read_text().split(MAIL_SEPARATOR):
            if raw.strip():
                message = email.message_from_string(raw.strip(), policy=email.policy.default)
                sent[(str(message["To"]), str(message["Subject"]))] += 1
    expected: Counter[tuple[str, str]] = Counter()
    for session in Session.objects.filter(pk__in=jobs.session_ids).select_related(
        "relationship__coach", "relationship__teacher"
    ):
        coach, teacher = session.relationship.coach, session.relationship.teacher
        expected[(coach.email, f"Tomorrow: coaching with {teacher.full_name}")] += 1
        expected[(teacher.email, f"Tomorrow: coaching with {coach.full_name}")] += 1
    missing = sum((expected - sent).values())
    twice = sum((sent - expected).values())
    print(
        f"reminders: {len(jobs.session_ids)} queued, {sum(sent.values())} emails sent "
        f"({sum(expected.values())} expected), {missing} missing, {twice} sent twice"
    )
    if missing:
        found.append(f"{missing} reminder emails never sent")
    if twice:
        found.append(f"{twice} reminder emails sent twice")
    return found
